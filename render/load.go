package render

import (
	"io"

	"ftpdiag/result"
)

// Load reads a result saved by --format json (result.Read, the one
// decoder), checks that it is one a renderer can show, and redacts it
// again: a hand-edited file may carry a password in clear.
func Load(r io.Reader) (*result.Result, error) {
	res, err := result.Read(r)
	if err != nil {
		return nil, err
	}
	if err := res.Validate(); err != nil {
		return nil, err
	}
	return Redacted(res), nil
}
