package result

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxSize bounds a saved result read back, by 'ftpdiag report' and by
// 'ftpdiag explain' alike: the one cap. A real result is a few hundred
// kilobytes at most (transcripts cap their lines and replies); anything far
// larger is not a result, and reading it whole would only cost memory. It
// is explain's cap for every log (foreign.MaxLog) too.
const MaxSize = 32 << 20

// Errors Read and Decode wrap, so callers can say what is wrong without reading the
// message: the input is not JSON, or it is JSON but not a result of a schema
// this version reads.
var (
	ErrNotJSON   = errors.New("not JSON")
	ErrNotResult = errors.New("not an ftpdiag result")
	ErrTooLarge  = errors.New("too large for a result")
)

// SchemaError is a result of another schema; Newer tells that it is a later
// version of ours, written by a newer ftpdiag.
type SchemaError struct {
	Got   string
	Newer bool
}

func (e *SchemaError) Error() string {
	if e.Newer {
		return fmt.Sprintf("schema %q is newer than this ftpdiag reads (%s)", e.Got, Schema)
	}
	if e.Got == "" {
		return "no schema field"
	}
	return fmt.Sprintf("schema %q is not %s", e.Got, Schema)
}

// Unwrap makes every SchemaError an ErrNotResult as well.
func (e *SchemaError) Unwrap() error { return ErrNotResult }

// Read reads a result saved by --format json, whole, up to MaxSize: the
// one decoder of the contract's document.
func Read(r io.Reader) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the result: %w", err)
	}
	return Decode(data)
}

// Decode reads one result document: JSON, of this version's schema, with
// every field of the type the contract gives it, and its transcript's
// entries of the kinds the contract names (KnownKinds). It judges nothing (see
// Validate) and redacts nothing (the renderers do, on the way out).
func Decode(data []byte) (*Result, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: more than %d MiB", ErrTooLarge, MaxSize>>20)
	}
	var head struct {
		Schema *string `json:"schema"`
	}
	if err := strictDecode(data, &head); err != nil {
		return nil, err
	}
	if head.Schema == nil || *head.Schema != Schema {
		got := ""
		if head.Schema != nil {
			got = *head.Schema
		}
		return nil, &SchemaError{Got: got, Newer: newerSchema(got)}
	}
	var res Result
	if err := strictDecode(data, &res); err != nil {
		return nil, err
	}
	res.Transcript = KnownKinds(res.Transcript)
	return &res, nil
}

// KnownKinds keeps every entry of a transcript read back, as every reader
// does with what it does not understand: an entry of no known kind (a
// hand-edited file), or an event without its event object, becomes a note
// of its text. Everything that reads entries may then rely on an event
// entry's Event (CI's fuzzing found 'report' panicking without this).
func KnownKinds(entries []Entry) []Entry {
	for i, e := range entries {
		switch {
		case e.Kind == Event && e.Event == nil,
			e.Kind != Command && e.Kind != Reply && e.Kind != Event && e.Kind != Note:
			entries[i] = Entry{T: e.T, Session: e.Session, Kind: Note, Text: e.Text}
		}
	}
	return entries
}

// strictDecode decodes one JSON document. encoding/json checks the whole
// input before decoding, so text that merely starts like JSON ("220: ...")
// or a document followed by more data is a syntax error, not a result.
func strictDecode(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%w: the file is empty", ErrNotJSON)
	}
	err := json.Unmarshal(data, v)
	var syn *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syn):
		line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
		return fmt.Errorf("%w: line %d: %w", ErrNotJSON, line, err)
	case errors.As(err, &te) && te.Field == "":
		return fmt.Errorf("%w: the document is a JSON %s, not an object", ErrNotResult, te.Value)
	case errors.As(err, &te):
		return fmt.Errorf("%w: field %q holds a JSON %s", ErrNotResult, te.Field, te.Value)
	}
	return fmt.Errorf("%w: %w", ErrNotResult, err)
}

// newerSchema tells whether s is ftpdiag/probe/vN with N above ours.
func newerSchema(s string) bool {
	prefix, ours, _ := strings.Cut(Schema, "/v")
	prefix += "/v"
	if !strings.HasPrefix(s, prefix) {
		return false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, prefix))
	mine, _ := strconv.Atoi(ours)
	return err == nil && n > mine
}

// Validate checks what a renderer relies on: a verdict it knows and
// severities it knows. (Decode has already made every entry one of the
// four kinds, with every event carrying its event.)
func (res *Result) Validate() error {
	switch res.Verdict {
	case VerdictOK, VerdictWarning, VerdictCritical, VerdictUnknown:
	default:
		return fmt.Errorf("%w: verdict %q is not ok, warning, critical or unknown", ErrNotResult, res.Verdict)
	}
	for i, f := range res.Findings {
		switch f.Severity {
		case Info, Warning, Critical:
		default:
			return fmt.Errorf("%w: finding %d has severity %q, not info, warning or critical", ErrNotResult, i+1, f.Severity)
		}
	}
	return nil
}
