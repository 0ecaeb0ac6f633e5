package tag

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// sectionDef is one section of a table, in the table's order.
type sectionDef struct {
	slug string
	// minScore is what the keyword rules must add up to before they file
	// an article here.
	minScore int
	// general: a section that says where news comes from rather than what
	// it is about (actualite, international, regions). A source set to it
	// lets the keyword rules find the topic.
	general bool
}

// sectionTerm is one word or phrase of a keyword rule, as folded tokens.
type sectionTerm struct {
	tokens  []string
	prefix  bool // the last token matches any word starting with it ("econom*")
	section int  // index into SectionTable.sections
	weight  int
}

// SectionTable maps feed categories to sections and holds the keyword
// rules per section and language. It is read-only once parsed, so one may
// serve many goroutines.
type SectionTable struct {
	sections []sectionDef
	index    map[string]int
	// categories maps a folded category to the sections it files under.
	categories map[string]int
	// terms indexes keyword rules by language ("*" for every language),
	// then by their first folded token.
	terms map[string]map[string][]*sectionTerm
	// prefixes are the rules whose last token is a prefix, per language;
	// few enough to be tried against every word.
	prefixes map[string][]*sectionTerm
}

// Slugs returns the table's sections in its order, which is also the order
// in which they win when an item's categories disagree.
func (t *SectionTable) Slugs() []string {
	out := make([]string, len(t.sections))
	for i, s := range t.sections {
		out[i] = s.slug
	}
	return out
}

// ParseSections reads a section table in the tab-separated format of
// sections/default.tsv (described in sections/README.md); source names it
// in error messages.
func ParseSections(r io.Reader, source string) (*SectionTable, error) {
	t := &SectionTable{
		index:      map[string]int{},
		categories: map[string]int{},
		terms:      map[string]map[string][]*sectionTerm{},
		prefixes:   map[string][]*sectionTerm{},
	}
	lines, err := readTable(r, "section table", source)
	if err != nil {
		return nil, err
	}
	var rest []tableLine
	for _, l := range lines {
		if l.fields[0] != "section" {
			rest = append(rest, l)
			continue
		}
		if err := t.addSection(l.fields); err != nil {
			return nil, fmt.Errorf("section table %s line %d: %w", source, l.n, err)
		}
	}
	if len(t.sections) == 0 {
		return nil, fmt.Errorf("section table %s declares no section (a line starting with \"section\")", source)
	}
	for _, l := range rest {
		var err error
		switch l.fields[0] {
		case "category":
			err = t.addCategories(l.fields)
		case "keyword":
			err = t.addKeywords(l.fields)
		default:
			err = fmt.Errorf("unknown kind %q (want section, category or keyword)", l.fields[0])
		}
		if err != nil {
			return nil, fmt.Errorf("section table %s line %d: %w", source, l.n, err)
		}
	}
	return t, nil
}

// addSection reads "section SLUG MIN-SCORE [general]".
func (t *SectionTable) addSection(fields []string) error {
	if len(fields) < 3 || len(fields) > 4 {
		return fmt.Errorf("a section line has 3 or 4 tab-separated fields (section, slug, min-score, optional \"general\"), found %d", len(fields))
	}
	slug := fields[1]
	if !validSlug(slug) {
		return fmt.Errorf("section slug %q must be lower-case letters, digits and hyphens", slug)
	}
	if _, dup := t.index[slug]; dup {
		return fmt.Errorf("section %q is declared twice", slug)
	}
	minScore, err := strconv.Atoi(strings.TrimSpace(fields[2]))
	if err != nil || minScore < 1 || minScore > 1000 {
		return fmt.Errorf("min-score %q of section %q must be a whole number from 1 to 1000", fields[2], slug)
	}
	def := sectionDef{slug: slug, minScore: minScore}
	if len(fields) == 4 {
		switch strings.TrimSpace(fields[3]) {
		case "general":
			def.general = true
		case "":
		default:
			return fmt.Errorf("unknown flag %q of section %q (want \"general\" or nothing)", fields[3], slug)
		}
	}
	t.index[slug] = len(t.sections)
	t.sections = append(t.sections, def)
	return nil
}

func (t *SectionTable) sectionOf(slug string) (int, error) {
	i, ok := t.index[slug]
	if !ok {
		return 0, fmt.Errorf("section %q is not declared by a \"section\" line", slug)
	}
	return i, nil
}

// addCategories reads "category SLUG NAMES".
func (t *SectionTable) addCategories(fields []string) error {
	if len(fields) != 3 {
		return fmt.Errorf("a category line has 3 tab-separated fields (category, section, names separated by |), found %d", len(fields))
	}
	sec, err := t.sectionOf(fields[1])
	if err != nil {
		return err
	}
	added := 0
	for name := range strings.SplitSeq(fields[2], "|") {
		key := categoryKey(name)
		if key == "" {
			continue
		}
		if prev, ok := t.categories[key]; ok && prev != sec {
			return fmt.Errorf("category %q is mapped to %q already, and to %q here", strings.TrimSpace(name), t.sections[prev].slug, fields[1])
		}
		t.categories[key] = sec
		added++
	}
	if added == 0 {
		return fmt.Errorf("no category name in %q", fields[2])
	}
	return nil
}

// addKeywords reads "keyword SLUG LANG WEIGHT TERMS".
func (t *SectionTable) addKeywords(fields []string) error {
	if len(fields) != 5 {
		return fmt.Errorf("a keyword line has 5 tab-separated fields (keyword, section, language, weight, terms separated by |), found %d", len(fields))
	}
	sec, err := t.sectionOf(fields[1])
	if err != nil {
		return err
	}
	lang := strings.TrimSpace(fields[2])
	if lang != "*" && !isLangCode(lang) {
		return fmt.Errorf("language %q must be a two- or three-letter code (fr, ar, es, en) or * for every language", lang)
	}
	weight, err := strconv.Atoi(strings.TrimSpace(fields[3]))
	if err != nil || weight == 0 || weight < -100 || weight > 100 {
		return fmt.Errorf("weight %q must be a whole number from -100 to 100, not 0", fields[3])
	}
	added := 0
	for raw := range strings.SplitSeq(fields[4], "|") {
		spelling := strings.TrimSpace(raw)
		prefix := strings.HasSuffix(spelling, "*")
		spelling = strings.TrimSuffix(spelling, "*")
		toks := tokenize(spelling, nil)
		if len(toks) == 0 {
			if prefix || spelling != "" {
				return fmt.Errorf("term %q has no word in it", raw)
			}
			continue
		}
		if prefix && utf8.RuneCountInString(toks[len(toks)-1].text) < 3 {
			return fmt.Errorf("term %q: a prefix needs 3 letters at least, or it matches too much", raw)
		}
		term := &sectionTerm{section: sec, weight: weight, prefix: prefix}
		for _, tok := range toks {
			text := tok.text
			if tok.arabic {
				text = withoutArticle(text)
			}
			term.tokens = append(term.tokens, text)
		}
		if prefix && len(term.tokens) == 1 {
			t.prefixes[lang] = append(t.prefixes[lang], term)
		} else {
			byFirst := t.terms[lang]
			if byFirst == nil {
				byFirst = map[string][]*sectionTerm{}
				t.terms[lang] = byFirst
			}
			byFirst[term.tokens[0]] = append(byFirst[term.tokens[0]], term)
		}
		added++
	}
	if added == 0 {
		return fmt.Errorf("no term in %q", fields[4])
	}
	return nil
}

func isLangCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// categoryKey folds a feed category the way the table's names are folded:
// words only, so "Économie", "economie " and "ÉCONOMIE" are one key, and
// "الاقتصاد" the same as "اقتصاد".
func categoryKey(s string) string {
	toks := tokenize(s, nil)
	words := make([]string, 0, len(toks))
	for _, tok := range toks {
		words = append(words, tok.text)
	}
	for i, tok := range toks {
		if tok.arabic {
			words[i] = withoutArticle(words[i])
		}
	}
	return strings.Join(words, " ")
}

// withoutArticle strips the Arabic definite article from a word long
// enough to keep a stem: "الرياضة" → "رياضه".
func withoutArticle(w string) string {
	if rest, ok := strings.CutPrefix(w, "ال"); ok && utf8.RuneCountInString(rest) >= 3 {
		return rest
	}
	return w
}

// sectionIndex returns the index of slug in the table, or -1.
func (t *SectionTable) sectionIndex(slug string) int {
	if i, ok := t.index[slug]; ok {
		return i
	}
	return -1
}
