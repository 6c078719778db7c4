package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"ftpdiag/result"
	"reflect"
	"strings"
	"testing"
)

// clearResult is a result as a person might hand-edit it: the password in
// clear in the URL, a PASS line, an error message and a finding's detail.
const clearResult = `{
  "schema": "ftpdiag/probe/v1",
  "tool": {"name": "ftpdiag", "version": "0.1.0"},
  "target": {"url": "ftp://john:hunter2-x@198.18.1.2:21/", "host": "198.18.1.2", "port": 21, "user": "john"},
  "started": "2026-11-23T21:54:30Z",
  "duration_ms": 5123,
  "verdict": "critical",
  "findings": [{"code": "login.rejected", "severity": "critical", "title": "The login is refused",
    "detail": "530 after PASS hunter2-x for ftp://john:hunter2-x@198.18.1.2/", "hints": ["Check the password hunter2-x"]}],
  "checks": [{"name": "login", "status": "fail", "duration_ms": 3, "detail": "refused with hunter2-x"}],
  "transcript": [
    {"t_ms": 0, "session": 1, "kind": "event", "text": "login", "event": {"op": "session"}},
    {"t_ms": 1, "session": 1, "kind": "command", "text": "USER john"},
    {"t_ms": 2, "session": 1, "kind": "command", "text": "PASS hunter2-x"},
    {"t_ms": 3, "session": 1, "kind": "reply", "code": 530, "text": "530 Login incorrect (hunter2-x)"},
    {"t_ms": 4, "session": 1, "kind": "event", "text": "control connection closed by the server (login failed for hunter2-x)",
     "event": {"op": "close", "by": "server", "error": "login failed for ftp://john:hunter2-x@198.18.1.2/"}}
  ]
}`

func TestLoadRedactsAHandEditedResult(t *testing.T) {
	res, err := Load(strings.NewReader(clearResult))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range Formats {
		out := render(t, res, format, RenderOptions{})
		if bytes.Contains(out, []byte("hunter2")) {
			t.Errorf("%s rendering of a loaded result shows the password:\n%s", format, out)
		}
	}
	if got, want := res.Target.URL, "ftp://john@198.18.1.2:21/"; got != want {
		t.Errorf("target URL %q, want %q", got, want)
	}
}

func TestLoadRoundTrip(t *testing.T) {
	want := Redacted(seedScenario())
	var b bytes.Buffer
	if err := Render(&b, want, "json", RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := Load(&b)
	if err != nil {
		t.Fatal(err)
	}
	// Times in JSON keep microseconds and the zone as UTC; compare as JSON.
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if !bytes.Equal(gj, wj) {
		t.Errorf("round trip changed the result:\ngot:  %s\nwant: %s", gj, wj)
	}
}

func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name      string
		input     string
		want      error
		wantNewer bool
	}{
		{"empty", "", result.ErrNotJSON, false},
		{"text", "220: Welcome To Rumpus!\nCmd: USER john\n", result.ErrNotJSON, false},
		{"truncated", `{"schema": "ftpdiag/probe/v1", "verdict": `, result.ErrNotJSON, false},
		{"trailing data", `{"schema": "ftpdiag/probe/v1", "verdict": "ok"} {}`, result.ErrNotJSON, false},
		{"array", `[{"t_ms": 0, "session": 1, "kind": "reply", "text": "220 hi"}]`, result.ErrNotResult, false},
		{"no schema", `{"verdict": "ok"}`, result.ErrNotResult, false},
		{"another schema", `{"schema": "https://json.schemastore.org/package", "name": "x"}`, result.ErrNotResult, false},
		{"schema not a string", `{"schema": 1}`, result.ErrNotResult, false},
		{"newer version", `{"schema": "ftpdiag/probe/v2", "verdict": "ok"}`, result.ErrNotResult, true},
		{"much newer version", `{"schema": "ftpdiag/probe/v10"}`, result.ErrNotResult, true},
		{"older-looking garbage", `{"schema": "ftpdiag/probe/v0"}`, result.ErrNotResult, false},
		{"bad verdict", `{"schema": "ftpdiag/probe/v1", "verdict": "fine"}`, result.ErrNotResult, false},
		{"bad severity", `{"schema": "ftpdiag/probe/v1", "verdict": "ok", "findings": [{"code": "x", "severity": "huge"}]}`, result.ErrNotResult, false},
		{"wrong field type", `{"schema": "ftpdiag/probe/v1", "verdict": "ok", "findings": "none"}`, result.ErrNotResult, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Load(strings.NewReader(tc.input))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got result %v, error %v; want %v", res != nil, err, tc.want)
			}
			var se *result.SchemaError
			gotNewer := errors.As(err, &se) && se.Newer
			if gotNewer != tc.wantNewer {
				t.Errorf("newer schema: got %v, want %v (error %v)", gotNewer, tc.wantNewer, err)
			}
		})
	}
}

func TestRedactedLeavesTheOriginalAlone(t *testing.T) {
	var res result.Result
	if err := json.Unmarshal([]byte(clearResult), &res); err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(res)
	_ = Redacted(&res)
	after, _ := json.Marshal(res)
	if !reflect.DeepEqual(before, after) {
		t.Error("Redacted changed its argument")
	}
}
