package server

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

// mdtmLayout is RFC 3659's time-val: YYYYMMDDHHMMSS in UTC.
const mdtmLayout = "20060102150405"

// sixMonths is where "ls -l" switches a date from "Jan 02 15:04" to
// "Jan 02  2006"; clients parse both.
const sixMonths = 182 * 24 * time.Hour

// formatLIST writes one line as "ls -l" does, which every client parses.
func formatLIST(fi fs.FileInfo) string {
	mt := fi.ModTime()
	date := mt.Format("Jan _2 15:04")
	if time.Since(mt) > sixMonths || time.Until(mt) > time.Hour {
		date = mt.Format("Jan _2  2006")
	}
	return fmt.Sprintf("%s 1 ftp ftp %12d %s %s", fi.Mode().String(), fi.Size(), date, fi.Name())
}

func formatNLST(fi fs.FileInfo) string { return fi.Name() }

// mlsxFacts writes RFC 3659's facts for MLST and MLSD.
func mlsxFacts(fi fs.FileInfo) string {
	kind, perm := "file", "r"
	if fi.IsDir() {
		kind, perm = "dir", "el"
	}
	return fmt.Sprintf("type=%s;size=%d;modify=%s;perm=%s;", kind, fi.Size(), fi.ModTime().UTC().Format(mdtmLayout), perm)
}

func formatMLSD(fi fs.FileInfo) string { return mlsxFacts(fi) + " " + fi.Name() }

// listArg drops "ls" options such as "-la" that many clients send with LIST.
func listArg(arg string) string {
	arg = strings.TrimSpace(arg)
	for strings.HasPrefix(arg, "-") {
		_, rest, _ := strings.Cut(arg, " ")
		arg = strings.TrimSpace(rest)
	}
	return arg
}

// listing formats a directory's entries (or one file) with format.
func (s *session) listing(arg string, format func(fs.FileInfo) string) (string, []string, error) {
	virt, name, err := resolve(s.cwd, listArg(arg))
	if err != nil {
		return arg, nil, err
	}
	fi, err := s.srv.files.root.Stat(name)
	if err != nil {
		return virt, nil, err
	}
	if !fi.IsDir() {
		return virt, []string{format(fi)}, nil
	}
	infos, err := s.srv.files.readDir(name)
	if err != nil {
		return virt, nil, err
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Name() < infos[j].Name() })
	lines := make([]string, 0, len(infos))
	for _, fi := range infos {
		lines = append(lines, format(fi))
	}
	return virt, lines, nil
}
