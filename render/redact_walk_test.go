package render

import (
	"reflect"
	"strings"
	"testing"

	"ftpdiag/result"
)

// fillStrings sets every string in v, at any depth, to s, giving each
// slice one element and each pointer a value, so that no field is missed.
func fillStrings(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillStrings(v.Elem(), s)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillStrings(v.Index(0), s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fillStrings(v.Field(i), s)
			}
		}
	}
}

// TestRedactedMasksEveryString fills every string field of a result, those
// of today and any added later, with a known secret and a URL password:
// Redacted must leave neither anywhere.
func TestRedactedMasksEveryString(t *testing.T) {
	const secret, urlPass = "S3cr3tPW", "Url9Pass"
	var res result.Result
	fillStrings(reflect.ValueOf(&res).Elem(), "user u pass "+secret+" at ftp://u:"+urlPass+"@h/ rejected")
	out := Redacted(&res, secret)
	n := 0
	walkStrings(reflect.ValueOf(out), func(s string) {
		n++
		if strings.Contains(s, secret) || strings.Contains(s, urlPass) {
			t.Errorf("a string survives redaction: %q", s)
		}
	})
	if n < 20 {
		t.Errorf("walked %d strings; the result has more", n)
	}
	if reflect.ValueOf(res).FieldByName("Transcript").Index(0).FieldByName("Text").String() == out.Transcript[0].Text {
		t.Errorf("Redacted changed its input, or did not redact: %q", out.Transcript[0].Text)
	}
}

// TestRedactedLearnsSecretsFromTheResult: a saved result with a password in
// clear in a PASS line or a URL anywhere has it masked in every field,
// check details included.
func TestRedactedLearnsSecretsFromTheResult(t *testing.T) {
	cases := []struct {
		name   string
		res    result.Result
		secret string
	}{
		{"PASS in clear", result.Result{
			Transcript: []result.Entry{{Session: 1, Kind: result.Command, Text: "PASS S3cr3tPW"}},
			Checks:     []result.Check{{Name: "login", Status: result.Fail, Detail: "login refused: user u pass S3cr3tPW rejected"}},
		}, "S3cr3tPW"},
		{"URL in a finding", result.Result{
			Findings: []result.Finding{{Code: "x", Severity: result.Info, Detail: "ftp://u:Tr0ub4dor@h/"}},
			Network:  &result.Network{SeenAddr: "Tr0ub4dor"},
			Checks:   []result.Check{{Name: "login", Detail: "echo Tr0ub4dor"}},
		}, "Tr0ub4dor"},
		{"percent-encoded URL password, decoded elsewhere", result.Result{
			Target: result.Target{URL: "ftp://john:S3cr3t%50W@h/"},
			Checks: []result.Check{{Name: "login", Detail: "pass S3cr3tPW rejected"}},
		}, "S3cr3tPW"},
		{"masked reply, leaked check (an older ftpdiag's JSON)", result.Result{
			Transcript: []result.Entry{{Session: 1, Kind: result.Command, Text: "PASS xxxxxxxx"},
				{Session: 1, Kind: result.Reply, Code: 530, Text: "530 user u pass xxxxxxxx rejected"}},
			Checks: []result.Check{{Name: "login", Status: result.Fail, Detail: "login refused: user u pass S3cr3tPW rejected"}},
		}, "S3cr3tPW"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			walkStrings(reflect.ValueOf(Redacted(&tc.res)), func(s string) {
				if strings.Contains(s, tc.secret) || strings.Contains(s, "S3cr3t%50W") {
					t.Errorf("%q survives", s)
				}
			})
		})
	}
}
