package ftp

import "testing"

func TestAnswers(t *testing.T) {
	cases := []struct {
		verb string
		code Code
		want bool
	}{
		{"PASV", 227, true},
		{"PASV", 550, false}, // Twisted's late answer to an earlier PASV
		{"pasv", 502, true},
		{"EPSV", 229, true},
		{"QUIT", 221, true},
		{"QUIT", 550, false},
		{"QUIT", 421, true},
		{"RETR", 550, true}, // not judged
		{"PORT", 425, true}, // not judged: servers that connect at PORT say 425
		{"TYPE", 227, false},
	}
	for _, tc := range cases {
		if got := Answers(tc.verb, tc.code); got != tc.want {
			t.Errorf("Answers(%s, %d) = %v, want %v", tc.verb, tc.code, got, tc.want)
		}
	}
}
