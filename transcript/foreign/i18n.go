package foreign

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// FileZilla writes its message log in the user's language: the labels
// ("Befehl:", "Réponse :") and the sentences ("GnuTLS-Fehler -110 in
// gnutls_record_recv: ..."). Explain reads them back into English, from the
// table generated out of FileZilla's own translations (filezilla_i18n.go).

// i18nSentence is one translated sentence: a pattern for the translation,
// with the printf verbs as captures, and the English it stands for.
type i18nSentence struct {
	re      *regexp.Regexp
	english string
	order   []int  // for each verb of the English, which capture holds it
	head    string // the literal text every match starts with
	anchor  string // a run of literal text every match holds
}

type i18nTables struct {
	labels    map[string]string         // translated label, without its colon, folded: English label
	sentences map[string][]i18nSentence // by language
	langs     map[string][]string       // translated label: the languages that use it
	exact     map[string]string         // a label as the tables spell it: its folded form
	maxLabel  int                       // the longest label, in bytes
	inLabel   [256]bool                 // the bytes labels are made of, in either case
	english   bool                      // an English label is some language's too
	// openers are the sentences a session opens with, in every language:
	// a log's language where its first lines carry no translated label
	// (German "Status:" is English's).
	openers []i18nOpener
}

type i18nOpener struct {
	lang   string
	anchor string // the translation's longest literal text, tried before its pattern
	s      i18nSentence
}

// openerLines is how far into a log its language is looked for in the
// opening sentences, when no label has told it yet.
const openerLines = 64

var i18n = sync.OnceValue(buildI18n)

var printfVerb = regexp.MustCompile(`%(?:(\d)\$)?([sd])`)

func buildI18n() *i18nTables {
	t := &i18nTables{labels: map[string]string{}, sentences: map[string][]i18nSentence{}, langs: map[string][]string{},
		exact: map[string]string{}}
	for _, row := range fileZillaI18n {
		lang, english, tr := row[0], row[1], row[2]
		if strings.HasSuffix(english, ":") && !strings.Contains(english, " ") {
			label := foldLabel(tr)
			if label == "" {
				continue
			}
			t.labels[label] = strings.TrimSuffix(english, ":")
			spelt := strings.TrimRight(strings.TrimSpace(tr), labelEnd)
			for _, v := range []string{spelt, label, strings.ToUpper(label)} {
				if strings.ToLower(v) == label {
					t.exact[v] = label
				}
			}
			t.maxLabel = max(t.maxLabel, len(spelt))
			for _, v := range []string{spelt, label, strings.ToUpper(label), strings.ToUpper(spelt)} {
				for i := 0; i < len(v); i++ {
					t.inLabel[v[i]] = true
				}
			}
			t.langs[label] = append(t.langs[label], lang)
			continue
		}
		if s, ok := compileSentence(english, tr); ok {
			t.sentences[lang] = append(t.sentences[lang], s)
			if english == "Connecting to %s..." || english == "Connection established, waiting for welcome message..." {
				t.openers = append(t.openers, i18nOpener{lang: lang, anchor: longestLiteral(tr), s: s})
			}
		}
	}
	for _, l := range fzLabels {
		_, in := t.labels[foldLabel(l)]
		t.english = t.english || in
	}
	return t
}

// labelEnd is what ends a translated label: a colon in most languages,
// a full stop in Armenian, nothing at all in some (Polish "Odpowiedź").
const labelEnd = ": \u00a0\u202f：.։"

func foldLabel(s string) string {
	return strings.ToLower(strings.TrimRight(strings.TrimSpace(s), labelEnd))
}

// compileSentence turns a translation with printf verbs into a pattern.
func compileSentence(english, tr string) (i18nSentence, bool) {
	enVerbs := printfVerb.FindAllStringSubmatch(english, -1)
	trVerbs := printfVerb.FindAllStringSubmatchIndex(tr, -1)
	if len(enVerbs) != len(trVerbs) {
		return i18nSentence{}, false
	}
	var pat strings.Builder
	pat.WriteString("^")
	order := make([]int, len(enVerbs))
	last := 0
	for k, loc := range trVerbs {
		pat.WriteString(regexp.QuoteMeta(tr[last:loc[0]]))
		if tr[loc[5]-1] == 'd' {
			pat.WriteString(`(-?\d+)`)
		} else {
			pat.WriteString(`(.*?)`)
		}
		pos := k
		if loc[2] >= 0 {
			pos = int(tr[loc[2]]-'0') - 1
		}
		if pos < 0 || pos >= len(order) {
			return i18nSentence{}, false
		}
		order[pos] = k + 1
		last = loc[1]
	}
	pat.WriteString(regexp.QuoteMeta(tr[last:]))
	pat.WriteString("$")
	if len(printfVerb.ReplaceAllString(tr, "")) < 6 {
		return i18nSentence{}, false // too little text of its own to tell it
	}
	re, err := regexp.Compile(strings.ReplaceAll(pat.String(), "’", "['’]"))
	if err != nil {
		return i18nSentence{}, false
	}
	// The literal text the pattern starts with and its longest run of
	// literal text, checked before the pattern: most lines match no
	// sentence, and a substring test costs far less than the expression.
	// A typographic apostrophe matches a straight one too: the runs stop
	// at it.
	head := tr
	if len(trVerbs) > 0 {
		head = tr[:trVerbs[0][0]]
	}
	head, _, _ = strings.Cut(head, "’")
	anchor := ""
	for _, part := range strings.Split(longestLiteral(tr), "’") {
		if len(part) > len(anchor) {
			anchor = part
		}
	}
	return i18nSentence{re: re, english: english, order: order, head: head, anchor: anchor}, true
}

// english rewrites text in the English the sentence stands for.
func (s i18nSentence) english1(text string) (string, bool) {
	if !strings.HasPrefix(text, s.head) || !strings.Contains(text, s.anchor) {
		return "", false
	}
	m := s.re.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	k := 0
	out := printfVerb.ReplaceAllStringFunc(s.english, func(string) string {
		v := m[s.order[k]]
		k++
		return v
	})
	return out, true
}

// fileZillaCanon rewrites a FileZilla line with a translated label into the
// English one ("Befehl:\tPWD" into "Command:\tPWD"), and records the
// languages the label belongs to, whose sentences are then read too. Other
// lines are returned as they are.
func (b *builder) fileZillaCanon(line string) string {
	t := i18n()
	prefix, label, sep, rest, ok := t.matchLabel(line)
	if !ok {
		return line
	}
	english, ok := t.labels[label]
	if !ok || sep == " " && prefix == "" {
		// A label without its colon counts only before a tab, or in the
		// log file's layout (time, process, engine): a word that opens a
		// line of prose is no label.
		return line
	}
	for _, lang := range t.langs[label] {
		if b.langs == nil {
			b.langs = map[string]bool{}
		}
		b.langs[lang] = true
	}
	return prefix + english + ":\t" + rest
}

// fileZillaParse cuts a FileZilla line, its label rewritten into English
// first (fileZillaCanon). A line in English already, the most common,
// skips the rewriting: no language's label is an English one, so it would
// find none.
func (b *builder) fileZillaParse(line string) (fzLine, bool) {
	if l, ok := splitFileZilla(line); ok && !i18n().english {
		return l, true
	}
	return splitFileZilla(b.fileZillaCanon(line))
}

// translate rewrites a sentence of a language seen in the log's labels into
// FileZilla's English; a sentence it does not know is returned as it is.
func (b *builder) translate(text string) string {
	t := i18n()
	if len(b.langs) == 0 {
		if len(b.entries) < openerLines {
			return b.opening(t, strings.TrimSpace(text))
		}
		return text
	}
	text = strings.TrimSpace(text)
	for _, lang := range b.langList() {
		for _, s := range t.sentences[lang] {
			if out, ok := s.english1(text); ok {
				return b.translate1(out)
			}
		}
	}
	return text
}

// translate1 translates what a sentence quotes: "ECONNABORTED -
// Verbindung abgebrochen" inside "Could not read from transfer socket: %s".
func (b *builder) translate1(text string) string {
	t := i18n()
	i := strings.LastIndex(text, " - ")
	if i < 0 {
		return text
	}
	tail := strings.TrimRight(text[i+3:], `".`)
	for _, lang := range b.langList() {
		for _, s := range t.sentences[lang] {
			if out, ok := s.english1(tail); ok {
				return text[:i+3] + out + text[i+3+len(tail):]
			}
		}
	}
	return text
}

// langList is the languages seen, in a fixed order.
func (b *builder) langList() []string {
	var out []string
	for l := range b.langs {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// opening reads a session's opening sentence in any language, and takes
// the log's language from it; other text is returned as it is.
func (b *builder) opening(t *i18nTables, text string) string {
	for _, o := range t.openers {
		if !strings.Contains(text, o.anchor) {
			continue
		}
		if out, ok := o.s.english1(text); ok {
			if out == text {
				// The sentence as English writes it (British English, a
				// language that left it untranslated): an English log,
				// which needs no translating, line after line.
				return text
			}
			b.langs = map[string]bool{o.lang: true}
			return out
		}
	}
	return text
}

// longestLiteral is the longest run of a translation between its printf
// verbs.
func longestLiteral(tr string) string {
	best := ""
	for _, part := range printfVerb.Split(tr, -1) {
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}
