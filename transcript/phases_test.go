package transcript

import (
	"slices"
	"testing"
	"time"

	"ftpdiag/result"
)

func TestPhases(t *testing.T) {
	ms := func(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }
	ev := func(s int, at float64, op result.Op, out result.Outcome, dur float64) result.Entry {
		return result.Entry{T: ms(at), Session: s, Kind: result.Event, Event: &result.EventInfo{Op: op, Outcome: out, Dur: ms(dur)}}
	}
	cmd := func(s int, at float64, text string) result.Entry {
		return result.Entry{T: ms(at), Session: s, Kind: result.Command, Text: text}
	}
	rep := func(s int, at float64, code int) result.Entry {
		return result.Entry{T: ms(at), Session: s, Kind: result.Reply, Code: code}
	}
	healthy := []result.Entry{
		ev(1, 0, result.OpSession, "", 0),
		ev(1, 2, result.OpResolve, result.Resolved, 2),
		ev(1, 5, result.OpConnect, result.Connected, 3),
		rep(1, 9, 220),
		ev(2, 9.5, result.OpConnect, result.Connected, 1), // another session: never measured
		cmd(1, 10, "USER john"), rep(1, 11, 331), cmd(1, 11, "PASS xxxxxxxx"), rep(1, 14, 230),
		cmd(1, 15, "pasv"), rep(1, 16, 227),
		ev(1, 17, result.OpDataConnect, result.Connected, 1),
		cmd(1, 17, "LIST"), rep(1, 18, 150),
		ev(1, 21, result.OpDataClose, result.Complete, 3),
	}
	refused := []result.Entry{
		ev(1, 1, result.OpConnect, result.Connected, 1), rep(1, 2, 220),
		cmd(1, 3, "USER anonymous"), rep(1, 4, 230),
		cmd(1, 5, "PASV"), rep(1, 6, 227), ev(1, 6.5, result.OpDataConnect, result.Refused, 0.5),
	}
	cases := []struct {
		name    string
		entries []result.Entry
		want    []Phase
	}{
		{"healthy session", healthy, []Phase{{PhaseResolve, ms(2)}, {PhaseConnect, ms(3)}, {PhaseGreeting, ms(4)}, {PhaseLogin, ms(4)}, {PhaseData, ms(6)}}},
		{"passive port refused ends the data phase", refused, []Phase{{PhaseConnect, ms(1)}, {PhaseGreeting, ms(1)}, {PhaseLogin, ms(1)}, {PhaseData, ms(1.5)}}},
		{"control refused: no phase after it", []result.Entry{ev(1, 5, result.OpConnect, result.Refused, 5)}, nil},
		{"login refused still ends the login", []result.Entry{ev(1, 1, result.OpConnect, result.Connected, 1), rep(1, 2, 220), cmd(1, 3, "USER x"), rep(1, 4, 331), cmd(1, 4, "PASS xxxxxxxx"), rep(1, 9, 530)},
			[]Phase{{PhaseConnect, ms(1)}, {PhaseGreeting, ms(1)}, {PhaseLogin, ms(6)}}},
		{"TLS handshake", []result.Entry{ev(1, 1, result.OpConnect, result.Connected, 1), rep(1, 2, 220), cmd(1, 2, "AUTH TLS"), rep(1, 3, 234), ev(1, 8, result.OpTLS, result.Connected, 5)},
			[]Phase{{PhaseConnect, ms(1)}, {PhaseGreeting, ms(1)}, {PhaseTLS, ms(5)}}},
		{"empty", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Phases(tc.entries); !slices.Equal(got, tc.want) {
				t.Errorf("Phases = %v, want %v", got, tc.want)
			}
		})
	}
}
