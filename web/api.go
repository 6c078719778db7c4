package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// serveAPIProbe runs a probe for a JSON request and answers with the
// result in the contract's schema (as `probe --format json`), or with 202
// and the check's addresses where the request says async.
func (s *Server) serveAPIProbe(w http.ResponseWriter, r *http.Request) {
	req, err := readJSON(w, r)
	if err != nil {
		apiError(w, err)
		return
	}
	s.apiRun(w, r, req)
}

// serveAPIProbeMeBack probes the caller's own address, never another: the
// port and the options are the caller's to choose, the host is not.
func (s *Server) serveAPIProbeMeBack(w http.ResponseWriter, r *http.Request) {
	req, err := readJSON(w, r)
	if err != nil {
		apiError(w, err)
		return
	}
	if req.URL != "" {
		apiError(w, badf("probe-me-back probes the address the request comes from; give port, not url"))
		return
	}
	client := clientAddr(r, s.opts.TrustedProxies)
	if req.URL, err = probeBackTarget(client, req); err != nil {
		apiError(w, err)
		return
	}
	if req.TLS == "implicit" {
		req.TLS = ""
	}
	w.Header().Set("Ftpdiag-Seen-As", client.String())
	s.apiRun(w, r, req)
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request, req request) {
	c, err := s.start(r.Context(), clientAddr(r, s.opts.TrustedProxies), req, overTLS(r, s.opts.TrustedProxies))
	if err != nil {
		apiError(w, err)
		return
	}
	w.Header().Set("Location", "/r/"+c.id)
	if req.Async {
		writeJSON(w, http.StatusAccepted, map[string]string{"id": c.id, "report": "/r/" + c.id,
			"status": "/r/" + c.id + "/status", "result": "/r/" + c.id + "/result.json"})
		return
	}
	select {
	case <-c.done:
	case <-r.Context().Done():
		return // the caller left; the report stays at its address
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = renderResult(w, c, "json")
}

// readJSON reads a small JSON request. Passwords come in bodies only: a
// query string is in every proxy's log.
func readJSON(w http.ResponseWriter, r *http.Request) (request, error) {
	var req request
	if r.URL.Query().Has("password") {
		return req, badf("a password is never accepted in a URL; send it in the JSON body")
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return req, badf("send the request as application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return req, badf("the request is larger than %d bytes", maxBody)
		}
		return req, badf("the request is not the JSON this API reads: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return req, badf("the request holds more than one JSON value")
	}
	return req, nil
}

func apiError(w http.ResponseWriter, err error) {
	writeJSON(w, statusOf(err), map[string]string{"error": publicMessage(err)})
}

// publicMessage is an error as a visitor may read it: the wrapping
// sentinel's own words left out.
func publicMessage(err error) string {
	return strings.TrimPrefix(err.Error(), errBadRequest.Error()+": ")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
