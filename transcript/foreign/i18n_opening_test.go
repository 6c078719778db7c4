package foreign

import (
	"slices"
	"testing"

	"ftpdiag/result"
)

// TestLanguageFromTheOpening: FileZilla's log file keeps "Status:" in
// German (the word is the same), so a German log's first lines carry no
// translated label; its language comes from the opening sentence, and
// the control connection is read from it (filezilla-de-ok.log).
func TestLanguageFromTheOpening(t *testing.T) {
	cases := []struct {
		name string
		log  string
	}{
		{"german", "2026-12-06 07:31:23 3822 1 Status: Verbinde mit 192.0.2.7:2121...\n" +
			"2026-12-06 07:31:23 3822 1 Status: Verbindung hergestellt, warte auf Willkommensnachricht...\n" +
			"2026-12-06 07:31:23 3822 1 Antwort: 220 (vsFTPd 3.0.3)\n"},
		{"german, the pane's layout", "Status:\tVerbinde mit 192.0.2.7:2121...\n" +
			"Status:\tVerbindung hergestellt, warte auf Willkommensnachricht...\nAntwort:\t220 (vsFTPd 3.0.3)\n"},
	}
	want := []ev{{result.OpConnect, "192.0.2.7:2121", result.Connected, 0, ""}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse([]byte(tc.log), "")
			if err != nil {
				t.Fatal(err)
			}
			if got := events(l.Entries); !slices.Equal(got, want) {
				t.Errorf("events %v, want %v", got, want)
			}
		})
	}
}
