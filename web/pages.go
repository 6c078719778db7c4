package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"net/http"
	"strings"

	"ftpdiag/render"
)

//go:embed assets
var assets embed.FS

var pages = template.Must(template.ParseFS(assets, "assets/*.tmpl"))

// formPage is what the form shows: the last request's values (never the
// password) and what was wrong with it.
type formPage struct {
	Req   request
	Error string
	TLS   bool // the page came over HTTPS: the password field is usable
}

func (s *Server) serveForm(w http.ResponseWriter, r *http.Request) {
	s.page(w, http.StatusOK, "form.tmpl", formPage{TLS: overTLS(r, s.opts.TrustedProxies)})
}

// serveCheckForm starts a probe from the form and sends the visitor to its
// report's address, where the progress shows.
func (s *Server) serveCheckForm(w http.ResponseWriter, r *http.Request) {
	tls := overTLS(r, s.opts.TrustedProxies)
	if r.URL.Query().Has("password") {
		s.page(w, http.StatusBadRequest, "form.tmpl", formPage{Error: "A password is never accepted in a URL.", TLS: tls})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.page(w, http.StatusBadRequest, "form.tmpl", formPage{Error: "The form could not be read.", TLS: tls})
		return
	}
	f := r.PostForm
	req := request{URL: f.Get("url"), User: f.Get("user"), Password: f.Get("password"), Mode: f.Get("mode"), TLS: f.Get("tls")}
	c, err := s.start(r.Context(), clientAddr(r, s.opts.TrustedProxies), req, tls)
	if err != nil {
		req.Password = ""
		s.page(w, statusOf(err), "form.tmpl", formPage{Req: req, Error: publicMessage(err), TLS: tls})
		return
	}
	http.Redirect(w, r, "/r/"+c.id, http.StatusSeeOther)
}

// reportPage is a check's page: progress while it runs, the verdict and
// the report when it is done.
type reportPage struct {
	ID     string
	Target string
	Snap   snapshot
}

func (s *Server) serveReportPage(w http.ResponseWriter, r *http.Request) {
	c := s.found(w, r)
	if c == nil {
		return
	}
	noStore(w)
	s.page(w, http.StatusOK, "report.tmpl", reportPage{ID: c.id, Target: c.target, Snap: c.snapshot(s.opts.Now())})
}

func (s *Server) serveStatus(w http.ResponseWriter, r *http.Request) {
	if c := s.found(w, r); c != nil {
		writeJSON(w, http.StatusOK, c.snapshot(s.opts.Now()))
	}
}

// serveReportHTML is the HTML report itself. Its one inline style is
// allowed by its hash, and nothing else inline is.
func (s *Server) serveReportHTML(w http.ResponseWriter, r *http.Request) {
	c := s.done(w, r)
	if c == nil {
		return
	}
	var b bytes.Buffer
	if err := renderResult(&b, c, "html"); err != nil {
		http.Error(w, "the report could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src "+styleHashes(b.Bytes())+
		"; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	download(w, r, c.id+".html")
	_, _ = w.Write(b.Bytes())
}

func (s *Server) serveReportJSON(w http.ResponseWriter, r *http.Request) {
	if c := s.done(w, r); c != nil {
		w.Header().Set("Content-Type", "application/json")
		download(w, r, c.id+".json")
		_ = renderResult(w, c, "json")
	}
}

func (s *Server) serveReportEmail(w http.ResponseWriter, r *http.Request) {
	if c := s.done(w, r); c != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		download(w, r, c.id+"-email.txt")
		_ = renderResult(w, c, "email")
	}
}

// found is the check the address names, or a 404 already sent.
func (s *Server) found(w http.ResponseWriter, r *http.Request) *check {
	c := s.store.get(r.PathValue("id"))
	if c == nil {
		http.Error(w, "no report at this address: it never existed or has expired", http.StatusNotFound)
	}
	return c
}

// done is a finished check, or a 404 or 409 already sent.
func (s *Server) done(w http.ResponseWriter, r *http.Request) *check {
	c := s.found(w, r)
	if c != nil && c.result() == nil {
		http.Error(w, "the probe is still running", http.StatusConflict)
		return nil
	}
	return c
}

func renderResult(w io.Writer, c *check, format string) error {
	return render.Render(w, c.result(), format, render.RenderOptions{})
}

// download asks the browser to save the file where ?download is set.
func download(w http.ResponseWriter, r *http.Request, name string) {
	noStore(w)
	if r.URL.Query().Has("download") {
		w.Header().Set("Content-Disposition", `attachment; filename="ftpdiag-`+name+`"`)
	}
}

func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
}

func (s *Server) page(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		s.opts.Logger.Error("page", "template", name, "error", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// styleHashes is a CSP source list of the hashes of every <style> element
// in page, so the report keeps its own inline CSS and nothing else inline
// runs or applies.
func styleHashes(page []byte) string {
	var srcs []string
	rest := string(page)
	for {
		i := strings.Index(rest, "<style>")
		if i < 0 {
			break
		}
		rest = rest[i+len("<style>"):]
		j := strings.Index(rest, "</style>")
		if j < 0 {
			break
		}
		sum := sha256.Sum256([]byte(rest[:j]))
		srcs = append(srcs, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		rest = rest[j:]
	}
	if len(srcs) == 0 {
		return "'none'"
	}
	return strings.Join(srcs, " ")
}

// serveStatic serves the page's own script and style.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	types := map[string]string{"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
	ct, ok := types[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}
