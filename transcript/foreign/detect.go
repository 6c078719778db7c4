package foreign

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// detectLines is how many lines detection reads: enough to pass a WinSCP
// settings block or a long FEAT reply, few enough to stay quick.
const detectLines = 400

// Patterns of lines that only one format writes. Detection counts them and
// picks the format with most; lines shared by several formats ("< 220")
// count for none.
var (
	detectWinSCP = regexp.MustCompile(`^[.<>!*] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} `)
	detectLftp   = regexp.MustCompile(`^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d )?(?:---> |<--- |---- |\*\*\*\* )`)
	detectCurl   = regexp.MustCompile(`(?:^|\d)(?:\* |< \d{3}[ -]|> [A-Z]{3,4}\b)`)
	detectSeed   = regexp.MustCompile(`^(?:\[\s*\d+\.\d+s\] )?(?:Cmd: |\d{3}: |\d{3}:$|--> )`)
)

// Detect names the format of a log from its content.
func Detect(data []byte) (Format, error) {
	if err := plausibleText(data); err != nil {
		return "", err
	}
	if f, ok := DetectServer(data); ok { // server.go
		return f, nil
	}
	trimmed := bytes.TrimSpace(data)
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if json.Valid(trimmed) {
			return JSON, nil
		}
	}
	lines := strings.SplitN(string(unwrap(data)), "\n", detectLines+1)
	return detectFormat(lines[:min(len(lines), detectLines)])
}

// detectFormat names the format of a log from its first lines, unwrapped.
func detectFormat(lines []string) (Format, error) {
	canon := newBuilder()
	score := map[Format]int{}
	for _, line := range lines {
		line = strings.TrimRight(line, "\r")
		switch {
		case detectWinSCP.MatchString(line):
			score[WinSCP]++
		case isFileZilla(canon.fileZillaCanon(line)):
			score[FileZilla]++
		case detectLftp.MatchString(line):
			score[Lftp]++
		case wgetDetect.MatchString(line): // wget.go
			score[Wget]++
		case detectSeed.MatchString(line):
			score[Seed]++
		case detectCurl.MatchString(line):
			score[Curl]++
		}
	}
	best, most := Format(""), 0
	for _, f := range Formats {
		if score[f] > most {
			best, most = f, score[f]
		}
	}
	if (best == Seed || best == "") && ncftpMarked(lines) { // ncftp.go
		return Ncftp, nil
	}
	if best == Lftp && !lftpReplies(lines) && !lftpSteps(lines) { // lftpSteps: lftp.go
		// netkit's ftp -d marks commands "---> " as lftp does, but prints
		// the replies bare: the generic reader learns both.
		return Generic, nil
	}
	if best == "" {
		if k := learnKeys(lines); len(k.cmd) > 0 || len(k.reply) > 0 {
			return Generic, nil
		}
		for _, l := range lines {
			if _, text := genericSplit(l); curlSentence(text) || cliSentence(text) { // cliSentence: cmdline.go
				return Generic, nil
			}
		}
		return "", fmt.Errorf("%w (%s)", ErrUnknown, formatList())
	}
	return best, nil
}

func isFileZilla(line string) bool {
	_, ok := splitFileZilla(line)
	return ok
}

func lftpReplies(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, "<--- ") {
			return true
		}
	}
	return false
}
