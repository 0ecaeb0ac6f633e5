package search

import (
	"html"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"revue/internal/textproc"
)

// SnippetChars is about how long a snippet is.
const SnippetChars = 200

// Snippet is the part of text (written in lang) around the words plan
// matched, HTML-escaped, each matched word in <mark>. Words are found with
// the analyzer's own offsets, so a word typed without accents marks the
// accented word as written. The window is the SnippetChars-long stretch
// with the most matched words; "…" marks a cut. The text's characters are
// kept as they are, so right-to-left text reads as written.
func Snippet(text, lang string, plan Plan) template.HTML {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return ""
	}
	want := plan.Terms()
	var marks []textproc.Token
	for _, t := range textproc.Analyze(text, lang) {
		if want[clampTerm(t.Term)] {
			marks = append(marks, t)
		}
	}
	start := bestWindow(text, marks)
	end := windowEnd(text, start)

	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	at := start
	for _, m := range marks {
		if m.Start < start || m.End > end {
			continue
		}
		b.WriteString(html.EscapeString(text[at:m.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m.Start:m.End]))
		b.WriteString("</mark>")
		at = m.End
	}
	b.WriteString(html.EscapeString(text[at:end]))
	if end < len(text) {
		b.WriteString(" …")
	}
	return template.HTML(b.String()) // escaped above
}

// bestWindow is the byte offset where the window holding the most marks
// starts: a little before its first mark, at a word's start, so the mark
// is read in context.
func bestWindow(text string, marks []textproc.Token) int {
	if len(marks) == 0 {
		return 0
	}
	best, bestCount := 0, 0
	for i, m := range marks {
		count := 0
		for _, n := range marks[i:] {
			if utf8.RuneCountInString(text[m.Start:n.End]) > SnippetChars*3/4 {
				break
			}
			count++
		}
		if count > bestCount {
			best, bestCount = i, count
		}
	}
	start := marks[best].Start
	// Lead in with up to a quarter of the window.
	lead := start
	for n := 0; lead > 0 && n < SnippetChars/4; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:lead])
		lead -= size
	}
	if lead == 0 {
		return 0
	}
	if i := strings.IndexByte(text[lead:start], ' '); i >= 0 {
		return lead + i + 1
	}
	return start
}

// windowEnd is where a window starting at start ends: after about
// SnippetChars characters, at the end of a word.
func windowEnd(text string, start int) int {
	end := start
	for n := 0; end < len(text) && n < SnippetChars; n++ {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	if end == len(text) {
		return end
	}
	// Finish the word under way rather than cut it (unless it is no word
	// but a long run of letters).
	for n := 0; end < len(text) && n < 40; n++ {
		r, size := utf8.DecodeRuneInString(text[end:])
		if unicode.IsSpace(r) {
			break
		}
		end += size
	}
	return end
}
