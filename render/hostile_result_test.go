package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"ftpdiag/result"
	"ftpdiag/transcript"
)

// hostileText is what a crafted result file carries in its strings: an
// OSC window title, an OSC 52 clipboard write, a C1 CSI (U+009B) that some
// terminals obey like ESC [, a right-to-left override and the Unicode line
// and paragraph separators.
const hostileText = "a\x1b]0;owned\x07b\x1b]52;c;cm0gLXJmIH4K\x07c\u009b2Jd\u202ee\u2028f\u2029g\u0085h"

// craftedResult is a result whose every string (enums included) ends in
// hostileText, except those Load checks (schema, verdict, severity), with
// every optional part present: network, a TLS event, a certificate.
func craftedResult(t *testing.T, enums bool) *result.Result {
	t.Helper()
	res := seedScenario()
	res.Network.Families = []string{"ipv4"}
	res.Evidence = "evidence"
	res.Transcript = append(res.Transcript, result.Entry{Session: 1, Kind: result.Event, Text: "tls",
		Event: &result.EventInfo{Op: result.OpTLS, Addr: "198.18.1.2:21", Outcome: result.Failed, Err: "bad", By: "server",
			TLS: &result.TLSInfo{Conn: result.TLSControl, Version: "TLS 1.3", Cipher: "c", ServerName: "s", Chain: 1,
				Cert: &result.CertInfo{Subject: "CN=x", Issuer: "CN=y", DNSNames: []string{"x"}, IPs: []string{"1"},
					NotBefore: time.Unix(0, 0).UTC(), NotAfter: time.Unix(1, 0).UTC(), SHA256: "ab",
					Problems: []result.CertProblem{{Kind: result.CertUntrusted, Detail: "d"}}}}}})
	res.Transcript = append(res.Transcript, result.Entry{Session: 1, Kind: result.Note, Text: "note"})
	poison(reflect.ValueOf(res).Elem(), enums)
	// Load refuses a result whose verdict or severities it does not know.
	res.Schema = result.Schema
	return res
}

var checkedByLoad = map[reflect.Type]bool{
	reflect.TypeOf(result.Verdict("")):  true,
	reflect.TypeOf(result.Severity("")): true,
}

// poison appends hostileText to every string reachable from v; enum types
// (Kind, Op, Status...) too where enums.
func poison(v reflect.Value, enums bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			poison(v.Elem(), enums)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				poison(v.Field(i), enums)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			poison(v.Index(i), enums)
		}
	case reflect.String:
		named := v.Type() != reflect.TypeOf("")
		if checkedByLoad[v.Type()] || (named && !enums) {
			return
		}
		v.SetString(v.String() + hostileText)
	}
}

// unsafeOut names the first character in out a terminal, a mail reader or
// a browser could act on or display misleadingly: C0 and C1 controls but
// for newline and tab, bidirectional controls, line and paragraph separators.
func unsafeOut(out []byte) string {
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		if r == '\n' || r == '\t' {
			i += n
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Zl, unicode.Zp) {
			lo := max(0, i-30)
			return fmt.Sprintf("%U at byte %d, after %q", r, i, out[lo:i])
		}
		i += n
	}
	return ""
}

// TestCraftedResultRendersEscaped is issue 30's "terminal escapes from a
// saved result": a result file someone mails in goes through Load (as
// 'ftpdiag report' reads it) and every format; none may carry a control or
// bidirectional character raw, JSON included.
func TestCraftedResultRendersEscaped(t *testing.T) {
	for _, enums := range []bool{false, true} {
		data, err := json.Marshal(craftedResult(t, enums))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Load(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		for _, format := range Formats {
			t.Run(fmt.Sprintf("%s/enums=%v", format, enums), func(t *testing.T) {
				out := render(t, res, format, RenderOptions{})
				if where := unsafeOut(out); where != "" {
					t.Errorf("%s output carries %s", format, where)
				}
				if !bytes.Contains(out, []byte("owned")) && format != "nagios" {
					t.Errorf("%s output lost the crafted text instead of escaping it", format)
				}
			})
		}
	}
}

// TestCraftedLogTextRendersEscaped: what a log or a server sent reaches the
// formats through the transcript too, the recorder's own escaping aside.
func TestCraftedLogTextRendersEscaped(t *testing.T) {
	log := transcript.New()
	s := log.Session("login")
	s.Reply(220, "220 "+hostileText)
	res := &result.Result{Schema: result.Schema, Verdict: result.VerdictUnknown, Transcript: log.Entries()}
	for _, format := range Formats {
		if where := unsafeOut(render(t, res, format, RenderOptions{})); where != "" {
			t.Errorf("%s output carries %s", format, where)
		}
	}
}
