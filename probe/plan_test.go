package probe

import (
	"ftpdiag/ftp"
	"testing"
)

func TestPlanString(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"default", Options{}, `1 passive mode: log in, list and download: connect, greeting, login, SYST, FEAT, PWD, SITE WHOAMI, PASV+LIST, EPSV+LIST, TYPE I, SIZE, PASV+RETR, QUIT
2 passive range: which ports the server hands out: connect, greeting, login, PASV sample, QUIT
3 active mode: the server connects back (PORT, EPRT): connect, greeting, login, SITE PORTCHECK, PORT+LIST, EPRT+LIST, QUIT
4 a typical client's view (github.com/jlaffaye/ftp, default settings): client login, client LIST, client RETR
`},
		{"passive only, sweep", Options{PassiveOnly: true, Sweep: true}, `1 passive mode: log in, list and download: connect, greeting, login, SYST, FEAT, PWD, SITE WHOAMI, PASV+LIST, EPSV+LIST, TYPE I, SIZE, PASV+RETR, QUIT
2 passive range: which ports the server hands out: connect, greeting, login, SITE SWEEP, QUIT
3 a typical client's view (github.com/jlaffaye/ftp, default settings): client login, client LIST, client RETR
`},
		{"TLS auto", Options{TLS: TLSAuto}, `1 passive mode: log in, list and download: connect, greeting, AUTH TLS, login, PBSZ+PROT, SYST, FEAT, PWD, SITE WHOAMI, PASV+LIST, EPSV+LIST, TYPE I, SIZE, PASV+RETR, TLS without resumption, QUIT
2 passive range: which ports the server hands out: connect, greeting, AUTH TLS, login, PBSZ+PROT, PASV sample, QUIT
3 active mode: the server connects back (PORT, EPRT): connect, greeting, AUTH TLS, login, PBSZ+PROT, SITE PORTCHECK, PORT+LIST, EPRT+LIST, QUIT
4 plain text, where TLS is in use: log in and list without TLS, to compare: connect, greeting, login, PASV+LIST, QUIT
5 a typical client's view (github.com/jlaffaye/ftp, default settings): client login, client LIST, client RETR
`},
		{"TLS required, passive only", Options{TLS: TLSRequire, PassiveOnly: true}, `1 passive mode: log in, list and download: connect, greeting, AUTH TLS, login, PBSZ+PROT, SYST, FEAT, PWD, SITE WHOAMI, PASV+LIST, EPSV+LIST, TYPE I, SIZE, PASV+RETR, TLS without resumption, QUIT
2 passive range: which ports the server hands out: connect, greeting, AUTH TLS, login, PBSZ+PROT, PASV sample, QUIT
3 a typical client's view (github.com/jlaffaye/ftp, default settings): client login, client LIST, client RETR
`},
		{"implicit TLS (ftps://), active only", Options{Implicit: true, TLS: TLSAuto, ActiveOnly: true}, `1 passive mode: log in, list and download: connect, TLS, greeting, login, PBSZ+PROT, SYST, FEAT, PWD, SITE WHOAMI, QUIT
2 active mode: the server connects back (PORT, EPRT): connect, TLS, greeting, login, PBSZ+PROT, SITE PORTCHECK, PORT+LIST, EPRT+LIST, QUIT
`},
		{"active only", Options{ActiveOnly: true}, `1 passive mode: log in, list and download: connect, greeting, login, SYST, FEAT, PWD, SITE WHOAMI, QUIT
2 active mode: the server connects back (PORT, EPRT): connect, greeting, login, SITE PORTCHECK, PORT+LIST, EPRT+LIST, QUIT
`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewPlan(tc.opts).String(); got != tc.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestStepTable: every step and session kind has a name, every step a
// function, and no two share a name (the names are the JSON's check names
// and the transcript's headings).
func TestStepTable(t *testing.T) {
	seen := map[string]bool{}
	for s := Step(0); s < numSteps; s++ {
		if info := stepTable[s]; info.name == "" || info.run == nil || seen[info.name] {
			t.Errorf("step %d: name %q, function set %v, name seen before %v", int(s), info.name, info.run != nil, seen[info.name])
		}
		seen[s.String()] = true
	}
	for k := SessionKind(0); k < numSessionKinds; k++ {
		if h := k.String(); h == "" || seen[h] {
			t.Errorf("session kind %d: heading %q", int(k), h)
		}
		seen[k.String()] = true
	}
	if got := Step(numSteps).String(); got != "Step(25)" {
		t.Errorf("an unknown step reads %q, want Step(25)", got)
	}
}

// TestCheckNames pins the check names the JSON contract carries: a step's
// check is its name, the typical client's prefixed.
func TestCheckNames(t *testing.T) {
	cases := []struct {
		step Step
		want string
	}{
		{StepPasvList, "PASV+LIST"}, {StepRetr, "PASV+RETR"}, {StepNoResume, "TLS without resumption"},
		{StepClientLogin, "typical client: login"}, {StepClientRetr, "typical client: RETR"},
	}
	for _, tc := range cases {
		if got := tc.step.checkName(); got != tc.want {
			t.Errorf("%v.checkName() = %q, want %q", tc.step, got, tc.want)
		}
	}
}

func TestRanges(t *testing.T) {
	cases := []struct {
		name  string
		ports []int
		want  string
	}{
		{"none", nil, "none"},
		{"one", []int{3003}, "3003"},
		{"runs", []int{3013, 3000, 3001, 3002, 3014, 3020, 3001}, "3000-3002, 3013-3014, 3020"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ranges(tc.ports); got != tc.want {
				t.Errorf("ranges(%v) = %q, want %q", tc.ports, got, tc.want)
			}
		})
	}
}

func TestRegularFile(t *testing.T) {
	cases := []struct {
		name, line, want string
	}{
		{"unix file", "-rw-r--r--    1 ftp      ftp           198 Nov 23 21:54 README.txt", "README.txt"},
		{"unix file with spaces", "-rw-r--r-- 1 ftp ftp 5 Jan 01 2020 my notes.txt", "my notes.txt"},
		{"unix directory", "drwxr-xr-x 2 ftp ftp 4096 Jan 01 2020 pub", ""},
		{"unix link", "lrwxrwxrwx 1 ftp ftp 4 Jan 01 2020 x -> y", ""},
		{"dos file", "11-23-26  09:54PM                  198 README.txt", "README.txt"},
		{"dos directory", "11-23-26  09:54PM       <DIR>          pub", ""},
		{"total line", "total 8", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := regularFile(tc.line); got != tc.want {
				t.Errorf("regularFile(%q) = %q, want %q", tc.line, got, tc.want)
			}
		})
	}
}

func TestSpell(t *testing.T) {
	if got, want := ftp.Spell("10,0,0,2,78,32"), "ba,a,a,c,hi,dc"; got != want {
		t.Errorf("spell = %q, want %q (the example of docs/EXTENSIONS.md)", got, want)
	}
	if got, want := ftp.Spell("|1|10.0.0.2|20000|"), "|b|ba.a.a.c|caaaa|"; got != want {
		t.Errorf("spell = %q, want %q", got, want)
	}
}

func TestParseSweep(t *testing.T) {
	text := "SWEEP 3000-3024 open for 5s token 6f1c2a9e\nbusy 3007\nbusy 3010-3011\nSWEEP ready"
	sp, err := parseSweep(text)
	if err != nil {
		t.Fatal(err)
	}
	if sp.lo != 3000 || sp.hi != 3024 || sp.token != "6f1c2a9e" || len(sp.busy) != 3 || !sp.busy[3011] {
		t.Errorf("parseSweep = %+v", sp)
	}
	if _, err := parseSweep("SWEEP ready"); err == nil {
		t.Errorf("parseSweep without a token line: no error")
	}
}
