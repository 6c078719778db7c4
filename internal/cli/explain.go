package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"ftpdiag/diagnose"
	"ftpdiag/internal/clientlog"
	"ftpdiag/internal/serverlog"
	"ftpdiag/render"
	"ftpdiag/result"
	"ftpdiag/transcript/foreign"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "diagnose a log you already have: FileZilla, WinSCP, curl -v, lftp debug, a transcript, a packet capture",
		ArgsUsage: "LOG (- reads standard input)",
		Description: "explain reads a client's log, finds what went wrong in it and prints the same\n" +
			"annotated report as 'ftpdiag probe', offline. The format is detected from the\n" +
			"content; --from names it. Passwords in the log are never printed.",
		Flags: append(outputFlags(),
			&cli.StringFlag{Name: "from", Usage: "read the log as `FORMAT`: filezilla, winscp, curl, lftp, seed, json or pcap; a server's: vsftpd, pure-ftpd, proftpd or serve (a --transcript-dir) (default: detect)"},
			&cli.StringFlag{Name: "client", Usage: "server logs: only the sessions of the client at `ADDR`"},
		),
		Action: explainAction,
	}
}

func explainAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageErrorf("explain needs exactly one log file, got %d arguments", c.NArg()).
			withHint("ftpdiag explain filezilla.log (or - to read standard input)")
	}
	var from foreign.Format
	if name := c.String("from"); name != "" {
		f, err := foreign.ParseFormat(name)
		if err != nil {
			return usageErrorf("%v", err).withHint("leave --from out to detect the format")
		}
		from = f
	}
	path := c.Args().First()
	if path == "-" { // detection peeks at it; the client logs' reader then streams it
		c.App.Reader = bufio.NewReaderSize(c.App.Reader, serverlog.Sniff)
	}
	opt := serverlog.Options{From: from, Client: c.String("client"), Tool: tool()}
	if rep, err := serverlog.Read(path, c.App.Reader, opt); !errors.Is(err, serverlog.ErrNotServer) {
		return explainServer(c, path, rep, err)
	}
	rep, err := readLog(c, path, from)
	if err != nil {
		return err
	}
	if rep.Only != nil {
		// One session: its result, as a probe's, in every format.
		return writeVerdict(c, rep.Only.Result)
	}
	return explainSessions(c, rep)
}

// writeVerdict writes a result and exits with its verdict's status.
func writeVerdict(c *cli.Context, res *result.Result) error {
	if err := writeResult(c, res); err != nil {
		return err
	}
	if s := res.Verdict.ExitStatus(); s != exitOK {
		return exitError{s}
	}
	return nil
}

// explainSessions writes the report of a client log of several sessions
// (internal/clientlog); its exit status is the worst session's verdict.
// The text and JSON formats hold the report; the others, made for one
// result (a mail, a page, a monitoring line), show the session the report
// puts first, and say so on standard error.
func explainSessions(c *cli.Context, rep *diagnose.ClientReport) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	if page := c.String("html"); page != "" {
		// The page is made for one result: the session the report shows first.
		if err := renderFile(page, rep.Shown(1)[0].Result, "html", render.RenderOptions{}); err != nil {
			return err
		}
	}
	var b strings.Builder
	switch format := c.String("format"); format {
	case "text":
		color := c.String("output") == "" && useColor(c, c.App.Writer)
		one := func(w io.Writer, res *result.Result) error {
			return renderTo(w, res, "text", render.RenderOptions{Color: color})
		}
		if err := clientlog.WriteText(&b, rep, clientlog.DefaultKeep, one); err != nil {
			return err
		}
	case "json":
		if err := clientlog.WriteJSON(&b, rep, clientlog.DefaultKeep); err != nil {
			return err
		}
	default:
		first := rep.Shown(1)[0]
		fmt.Fprintf(c.App.ErrWriter, "ftpdiag: the log holds %d sessions; --format %s shows session %d, the latest of the worst (text and json show them all)\n",
			rep.Sessions, format, first.ID)
		return writeVerdict(c, first.Result)
	}
	if err := writeOut(c, b.String()); err != nil {
		return err
	}
	if s := rep.Verdict().ExitStatus(); s != exitOK {
		return exitError{s}
	}
	return nil
}

// readLog streams the log into a report of its sessions, turning every way
// it can be wrong into one error line and a hint that says what to give
// instead.
func readLog(c *cli.Context, path string, from foreign.Format) (*diagnose.ClientReport, error) {
	var r io.Reader = c.App.Reader
	name := "standard input"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, openError(path, err)
		}
		defer f.Close()
		r, name = f, path
	}
	rep, err := clientlog.Read(r, clientlog.Options{From: from, Tool: tool()})
	if err != nil {
		return nil, logError(name, err)
	}
	return rep, nil
}

func openError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return usageErrorf("cannot read %s: no such file", path).
			withHint("give the path of a saved client log, or - to read it from standard input")
	}
	return usageErrorf("cannot read %s: %v", path, errors.Unwrap(err)).
		withHint("give the path of a saved client log, or - to read it from standard input")
}

// logKinds names what explain reads, for hints.
const logKinds = "FileZilla's message log, WinSCP's session log, curl -v output, lftp debug output, a Cmd:/NNN: transcript, ftpdiag's JSON or a packet capture (pcap, pcapng)"

func logError(name string, err error) error {
	ue := usageErrorf("cannot explain %s: %v", name, err)
	switch {
	case errors.Is(err, foreign.ErrEmpty):
		return ue.withHint("save the client's log with its lines (FileZilla: right-click the message log, Copy to clipboard) and try again")
	case errors.Is(err, foreign.ErrHTML):
		return ue.withHint("this is a saved web page: copy the log text itself into a plain text file")
	case errors.Is(err, foreign.ErrBinary), errors.Is(err, foreign.ErrTooLarge):
		return ue.withHint("explain reads text logs: %s", logKinds)
	case errors.Is(err, foreign.ErrBadFormat):
		return ue.withHint("leave --from out to detect the format")
	}
	return ue.withHint("explain reads %s; if this is one of them, name it with --from", logKinds)
}

// explainResult diagnoses a log read whole into the result a probe makes.
func explainResult(log *foreign.Log) *result.Result { return clientlog.Result(log, tool()) }

// explainServer prints the report of a server's log (internal/serverlog);
// its exit status is the worst session's verdict.
func explainServer(c *cli.Context, path string, rep *diagnose.ServerReport, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return openError(path, err)
	}
	if err != nil {
		return usageErrorf("cannot explain %s: %v", path, err).withHint("server logs: vsftpd.log with log_ftp_protocol=YES, ProFTPD's ExtendedLog, pure-ftpd's syslog lines (-d), ftpdiag serve's --transcript-dir")
	}
	var b strings.Builder
	if err := serverlog.Write(&b, rep, c.String("format")); err != nil {
		return usageErrorf("%v", err).withHint("use --format text or --format json")
	}
	if err := writeOut(c, b.String()); err != nil {
		return err
	}
	if s := rep.Verdict().ExitStatus(); s != exitOK {
		return exitError{s}
	}
	return nil
}

func writeOut(c *cli.Context, text string) error {
	if path := c.String("output"); path != "" {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return usageErrorf("cannot write the result: %v", err)
		}
		return nil
	}
	_, err := io.WriteString(c.App.Writer, text)
	return err
}
