package render

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"ftpdiag/result"
)

// seedResults adds the repository's saved results (the renderer's goldens
// and the sample logs' JSON); finding none fails.
func seedResults(f *testing.F) {
	f.Helper()
	a, _ := filepath.Glob(filepath.Join("testdata", "render", "*.json"))
	b, _ := filepath.Glob(filepath.Join("..", "testdata", "logs", "*.json"))
	for _, p := range append(a, b...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	if len(a)+len(b) == 0 {
		f.Fatal("no saved result to seed with")
	}
}

// FuzzLoad reads what `report` is given: never a panic, an error of a
// kind Load names, and a result it accepts renders in every format.
func FuzzLoad(f *testing.F) {
	seedResults(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Load(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, result.ErrNotJSON) && !errors.Is(err, result.ErrNotResult) && !errors.Is(err, result.ErrTooLarge) {
				t.Fatalf("an error of no known kind: %v", err)
			}
			return
		}
		for _, format := range Formats {
			if err := Render(&bytes.Buffer{}, res, format, RenderOptions{}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
		}
	})
}

// FuzzRenderRedacts checks the promise every renderer makes: a secret
// given to the redactor appears in no format, wherever in the result it
// stands. Every string of a result holds the fuzzed text with the secret
// in it, and the secret also follows PASS in the transcript, the way a
// hand-edited file would carry it.
//
// The secret is eight or more letters and digits, with both among them:
// shorter words occur in the renderers' own prose, and escapes the formats
// add (JSON's \u003c, a terminal's visible control bytes) are letters and
// digits that were not in the input, so the text is kept to printable
// ASCII without <, >, & and \. A secret holding "xx", or starting or
// ending with x, is left out: masking is by substring, and the mask is x's,
// so the mask and the text beside it could spell such a secret anew.
func FuzzRenderRedacts(f *testing.F) {
	f.Add("S3cr3tPW", "user u pass ", " rejected")
	f.Add("Tr0ub4dorAnd3", "ftp://john:", "@198.18.0.1/")
	f.Add("hunter2hunter2", "227 Entering Passive Mode (10,0,0,5,11,188) ", "")
	f.Fuzz(func(t *testing.T, secret, before, after string) {
		if !fuzzableSecret(secret) {
			t.Skip()
		}
		text := printableASCII(before) + secret + printableASCII(after)
		var res result.Result
		fillStrings(reflect.ValueOf(&res).Elem(), text)
		res.Transcript = append(res.Transcript, result.Entry{Session: 1, Kind: result.Command, Text: "PASS " + secret})
		for _, given := range []*result.Result{Redacted(&res, secret), &res} {
			for _, format := range Formats {
				var out bytes.Buffer
				if err := Render(&out, given, format, RenderOptions{Color: true}); err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				if strings.Contains(out.String(), secret) {
					t.Fatalf("%s shows the secret %q:\n%s", format, secret, out.String())
				}
			}
		}
	})
}

func fuzzableSecret(s string) bool {
	if len(s) < 8 || len(s) > 64 || strings.Contains(s, "xx") || s[0] == 'x' || s[len(s)-1] == 'x' {
		return false
	}
	var letter, digit bool
	for _, c := range s {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letter = true
		case '0' <= c && c <= '9':
			digit = true
		default:
			return false
		}
	}
	return letter && digit
}

// printableASCII keeps the bytes of s that no format escapes into letters.
func printableASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' || strings.ContainsRune("<>&\\", r) {
			return -1
		}
		return r
	}, s)
}
