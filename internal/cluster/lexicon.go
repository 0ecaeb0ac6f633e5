package cluster

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"revue/internal/textproc"
)

//go:embed lexicon/names.tsv
var embeddedLexicon []byte

// caseRule says how a Latin spelling must be written in an article to count.
type caseRule uint8

const (
	anyCase     caseRule = iota
	capitalised          // "Rabat", not "rabat"
	allCaps              // "UN", not "un"
)

// lexEntry is one spelling of a lexicon name, as folded terms.
type lexEntry struct {
	terms []string
	rule  caseRule
	key   string // feature key: "e:morocco", "c:earthquake"
}

// lexicon finds the names and concepts of names.tsv in analysed text. It is
// read-only once built.
type lexicon struct {
	byFirst map[string][]lexEntry // longest spelling first
}

func parseLexicon(data []byte) (*lexicon, error) {
	lx := &lexicon{byFirst: map[string][]lexEntry{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			return nil, fmt.Errorf("lexicon line %d: want 3 tab-separated fields (kind, key, spellings), found %d", n, len(fields))
		}
		var prefix string
		switch fields[0] {
		case "entity":
			prefix = "e:"
		case "concept":
			prefix = "c:"
		default:
			return nil, fmt.Errorf("lexicon line %d: unknown kind %q (want entity or concept)", n, fields[0])
		}
		for _, spelling := range strings.Split(fields[2], "|") {
			spelling = strings.TrimSpace(spelling)
			toks := textproc.Analyze(spelling, "")
			if len(toks) == 0 {
				continue
			}
			e := lexEntry{key: prefix + fields[1], rule: spellingRule(spelling)}
			for _, t := range toks {
				e.terms = append(e.terms, t.Term)
			}
			lx.byFirst[e.terms[0]] = append(lx.byFirst[e.terms[0]], e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the lexicon: %w", err)
	}
	for k, es := range lx.byFirst {
		// Longest first so that "Afrique du Sud" wins over "Afrique".
		for i := 1; i < len(es); i++ {
			for j := i; j > 0 && len(es[j].terms) > len(es[j-1].terms); j-- {
				es[j], es[j-1] = es[j-1], es[j]
			}
		}
		lx.byFirst[k] = es
	}
	return lx, nil
}

func spellingRule(s string) caseRule {
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) {
		return anyCase
	}
	letters, upper := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters >= 2 && upper == letters {
		return allCaps
	}
	return capitalised
}

// written reports whether raw, a word as the article wrote it, satisfies rule.
func (rule caseRule) written(raw string) bool {
	switch rule {
	case capitalised:
		r, _ := utf8.DecodeRuneInString(raw)
		return unicode.IsUpper(r) || !unicode.IsLower(r) // Arabic has no case
	case allCaps:
		for _, r := range raw {
			if unicode.IsLower(r) {
				return false
			}
		}
	}
	return true
}

// match returns the key and length of the longest spelling starting at
// word i, or "", 0.
func (lx *lexicon) match(words []word, i int) (string, int) {
	for _, e := range lx.byFirst[words[i].folded] {
		if i+len(e.terms) > len(words) || !e.rule.written(words[i].raw) {
			continue
		}
		ok := true
		for j := 1; j < len(e.terms); j++ {
			if words[i+j].folded != e.terms[j] || words[i+j].breakBefore {
				ok = false
				break
			}
		}
		if ok {
			return e.key, len(e.terms)
		}
	}
	return "", 0
}
