package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"ftpdiag/result"
	"io"
	"strconv"
	"strings"
)

// MaxResultSize bounds what Load reads. A real result is a few hundred
// kilobytes at most (transcripts cap their lines and replies); anything far
// larger is not a result, and reading it whole would only cost memory.
const MaxResultSize = 64 << 20

// Errors Load wraps, so callers can say what is wrong without reading the
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
		return fmt.Sprintf("schema %q is newer than this ftpdiag reads (%s)", e.Got, result.Schema)
	}
	if e.Got == "" {
		return "no schema field"
	}
	return fmt.Sprintf("schema %q is not %s", e.Got, result.Schema)
}

// Unwrap makes every SchemaError an ErrNotResult as well.
func (e *SchemaError) Unwrap() error { return ErrNotResult }

// Load reads a result saved by --format json, checks that it is one this
// version can render, and redacts it again: a hand-edited file may carry a
// password in clear.
func Load(r io.Reader) (*result.Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxResultSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the result: %w", err)
	}
	if len(data) > MaxResultSize {
		return nil, fmt.Errorf("%w: more than %d MiB", ErrTooLarge, MaxResultSize>>20)
	}
	var head struct {
		Schema *string `json:"schema"`
	}
	if err := strictDecode(data, &head); err != nil {
		return nil, err
	}
	if head.Schema == nil || *head.Schema != result.Schema {
		got := ""
		if head.Schema != nil {
			got = *head.Schema
		}
		return nil, &SchemaError{Got: got, Newer: newerSchema(got)}
	}
	var res result.Result
	if err := strictDecode(data, &res); err != nil {
		return nil, err
	}
	if err := validate(&res); err != nil {
		return nil, err
	}
	return Redacted(&res), nil
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
	prefix, ours, _ := strings.Cut(result.Schema, "/v")
	prefix += "/v"
	if !strings.HasPrefix(s, prefix) {
		return false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, prefix))
	mine, _ := strconv.Atoi(ours)
	return err == nil && n > mine
}

// validate checks what a renderer relies on: a verdict it knows and
// severities it knows.
func validate(res *result.Result) error {
	switch res.Verdict {
	case result.VerdictOK, result.VerdictWarning, result.VerdictCritical, result.VerdictUnknown:
	default:
		return fmt.Errorf("%w: verdict %q is not ok, warning, critical or unknown", ErrNotResult, res.Verdict)
	}
	for i, f := range res.Findings {
		switch f.Severity {
		case result.Info, result.Warning, result.Critical:
		default:
			return fmt.Errorf("%w: finding %d has severity %q, not info, warning or critical", ErrNotResult, i+1, f.Severity)
		}
	}
	return nil
}
