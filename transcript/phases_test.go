package transcript

import (
	"slices"
	"testing"
	"time"
)

func TestPhases(t *testing.T) {
	ms := func(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }
	ev := func(s int, at float64, op Op, out Outcome, dur float64) Entry {
		return Entry{T: ms(at), Session: s, Kind: Event, Event: &EventInfo{Op: op, Outcome: out, Dur: ms(dur)}}
	}
	cmd := func(s int, at float64, text string) Entry {
		return Entry{T: ms(at), Session: s, Kind: Command, Text: text}
	}
	rep := func(s int, at float64, code int) Entry { return Entry{T: ms(at), Session: s, Kind: Reply, Code: code} }
	healthy := []Entry{
		ev(1, 0, OpSession, "", 0),
		ev(1, 2, OpResolve, Resolved, 2),
		ev(1, 5, OpConnect, Connected, 3),
		rep(1, 9, 220),
		ev(2, 9.5, OpConnect, Connected, 1), // another session: never measured
		cmd(1, 10, "USER john"), rep(1, 11, 331), cmd(1, 11, "PASS xxxxxxxx"), rep(1, 14, 230),
		cmd(1, 15, "pasv"), rep(1, 16, 227),
		ev(1, 17, OpDataConnect, Connected, 1),
		cmd(1, 17, "LIST"), rep(1, 18, 150),
		ev(1, 21, OpDataClose, Complete, 3),
	}
	refused := []Entry{
		ev(1, 1, OpConnect, Connected, 1), rep(1, 2, 220),
		cmd(1, 3, "USER anonymous"), rep(1, 4, 230),
		cmd(1, 5, "PASV"), rep(1, 6, 227), ev(1, 6.5, OpDataConnect, Refused, 0.5),
	}
	cases := []struct {
		name    string
		entries []Entry
		want    []Phase
	}{
		{"healthy session", healthy, []Phase{{PhaseResolve, ms(2)}, {PhaseConnect, ms(3)}, {PhaseGreeting, ms(4)}, {PhaseLogin, ms(4)}, {PhaseData, ms(6)}}},
		{"passive port refused ends the data phase", refused, []Phase{{PhaseConnect, ms(1)}, {PhaseGreeting, ms(1)}, {PhaseLogin, ms(1)}, {PhaseData, ms(1.5)}}},
		{"control refused: no phase after it", []Entry{ev(1, 5, OpConnect, Refused, 5)}, nil},
		{"login refused still ends the login", []Entry{ev(1, 1, OpConnect, Connected, 1), rep(1, 2, 220), cmd(1, 3, "USER x"), rep(1, 4, 331), cmd(1, 4, "PASS xxxxxxxx"), rep(1, 9, 530)},
			[]Phase{{PhaseConnect, ms(1)}, {PhaseGreeting, ms(1)}, {PhaseLogin, ms(6)}}},
		{"TLS handshake", []Entry{ev(1, 1, OpConnect, Connected, 1), rep(1, 2, 220), cmd(1, 2, "AUTH TLS"), rep(1, 3, 234), ev(1, 8, OpTLS, Connected, 5)},
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
