package tag

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"revue"
)

// SectionsOptions configure NewSections.
type SectionsOptions struct {
	// File is a section table in the format of sections/default.tsv
	// (described in sections/README.md). It replaces the embedded table
	// whole; empty selects the embedded one.
	File string
}

// SectionTagger files an article under one section. It holds no mutable
// state: one SectionTagger may serve any number of goroutines.
type SectionTagger struct {
	t *SectionTable
}

// NewSections returns a SectionTagger over the table opts names.
func NewSections(opts SectionsOptions) (*SectionTagger, error) {
	var (
		data   []byte
		source string
		err    error
	)
	if opts.File == "" {
		source = "sections/default.tsv (embedded)"
		data, err = embedded.ReadFile("sections/default.tsv")
	} else {
		source = opts.File
		data, err = os.ReadFile(opts.File)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the section table: %w", err)
	}
	t, err := ParseSections(bytes.NewReader(data), source)
	if err != nil {
		return nil, err
	}
	return NewSectionTagger(t), nil
}

// NewSectionTagger returns a SectionTagger over an already parsed table.
func NewSectionTagger(t *SectionTable) *SectionTagger { return &SectionTagger{t: t} }

// Slugs returns every section of the table, in its order.
func (s *SectionTagger) Slugs() []string { return s.t.Slugs() }

// fallbackSection is where an article goes when nothing else says.
const fallbackSection = "actualite"

// sectionReason says which rule filed an article, for error analysis.
type sectionReason string

const (
	byCategory sectionReason = "category"
	bySource   sectionReason = "source"
	byKeywords sectionReason = "keywords"
	byDefault  sectionReason = "default"
)

// Section returns the section slug of an article of src, from the first of
// these that says something:
//
//  1. its feed categories mapped by the table to a topic: the publisher
//     filed the item itself. When they map to several sections, the
//     source's own topic wins if it is among them, else the one first in
//     the table;
//  2. the source's section, when it is a topic (sport, economie…) and not
//     a general section (actualite, international, regions) or one the
//     table does not know: whoever set up a "Sport" feed chose its topic;
//  3. the keyword rules of the article's language (and those for every
//     language) over title and summary, when a section reaches its
//     minimum score and beats every other section;
//  4. a category mapped to a general section ("World news" →
//     international, "Maroc" → actualite), else the source's section, else
//     "actualite".
//
// So a "Sport" feed's item filed by its publisher under "Économie" (a
// club's accounts) goes to economie, while its items without categories
// stay in sport whatever their words.
func (s *SectionTagger) Section(src revue.Source, categories []string, title, summary, lang string) string {
	slug, _ := s.decide(src, categories, title, summary, lang)
	return slug
}

func (s *SectionTagger) decide(src revue.Source, categories []string, title, summary, lang string) (string, sectionReason) {
	own := s.t.sectionIndex(src.Section)
	ownTopic := src.Section != "" && (own < 0 || !s.t.sections[own].general)
	topic, general := s.fromCategories(categories, own, ownTopic)
	if topic >= 0 {
		return s.t.sections[topic].slug, byCategory
	}
	if ownTopic {
		return src.Section, bySource
	}
	if sec := s.fromKeywords(title, summary, lang); sec >= 0 {
		return s.t.sections[sec].slug, byKeywords
	}
	if general >= 0 {
		return s.t.sections[general].slug, byCategory
	}
	if src.Section != "" {
		return src.Section, byDefault
	}
	return fallbackSection, byDefault
}

// categorySeparators split a category that spells a path: "Maroc >
// Politique", "News/Business", "Sport » Football".
const categorySeparators = ">/»›|:;,"

// fromCategories returns the topical section the categories map to, and
// the general one ("World news", "Maroc"), each -1 when none. A general
// category says where the news comes from, not what it is about, so it
// only stands in for the source's section when no rule finds a topic.
func (s *SectionTagger) fromCategories(categories []string, own int, ownTopic bool) (topic, general int) {
	topic, general = -1, -1
	for _, c := range categories {
		sec, ok := s.t.categories[categoryKey(c)]
		if !ok && strings.ContainsAny(c, categorySeparators) {
			// The most specific part of a path is its last.
			parts := strings.FieldsFunc(c, func(r rune) bool { return strings.ContainsRune(categorySeparators, r) })
			for i := len(parts) - 1; i >= 0 && !ok; i-- {
				sec, ok = s.t.categories[categoryKey(parts[i])]
			}
		}
		switch {
		case !ok:
		case s.t.sections[sec].general:
			if general < 0 || sec < general {
				general = sec
			}
		case ownTopic && sec == own:
			topic = own
			return topic, general
		case topic < 0 || sec < topic:
			topic = sec
		}
	}
	return topic, general
}

// fromKeywords scores each section by the keyword rules found in title
// (counting twice: a headline says what the article is about) and summary,
// each rule once, and returns the winner, or -1 when no section reaches
// its minimum or two tie for the lead.
func (s *SectionTagger) fromKeywords(title, summary, lang string) int {
	primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"), "-")
	primary = strings.ToLower(primary)
	langs := []string{"*"}
	if primary != "" && primary != "*" {
		langs = append(langs, primary)
	}
	headline := sectionWords(tokenize(title, nil))
	body := sectionWords(tokenize(summary, nil))
	matched := map[*sectionTerm]int{} // term → 2 in the title, 1 in the summary
	for _, part := range []struct {
		words  [][]string
		factor int
	}{{headline, 2}, {body, 1}} {
		var found []termMatch
		for _, l := range langs {
			found = s.findTerms(part.words, l, found)
		}
		for _, m := range found {
			if !m.within(found) && matched[m.term] < part.factor {
				matched[m.term] = part.factor
			}
		}
	}
	if len(matched) == 0 {
		return -1
	}
	scores := make([]int, len(s.t.sections))
	for term, factor := range matched {
		scores[term.section] += term.weight * factor
	}
	best, second := -1, 0
	for i, sc := range scores {
		switch {
		case best < 0 || sc > scores[best]:
			if best >= 0 {
				second = max(second, scores[best])
			}
			best = i
		case sc > second:
			second = sc
		}
	}
	if scores[best] < s.t.sections[best].minScore || scores[best] == second {
		return -1
	}
	return best
}

// sectionWords lists, for each word, the folded forms a keyword may take
// there: the word itself and, in Arabic script, the word without its
// attached prefixes (و ب ل ف) and without its article, so "والاقتصاد"
// matches "اقتصاد".
func sectionWords(toks []token) [][]string {
	out := make([][]string, len(toks))
	var vs []variant
	for i, tok := range toks {
		if !tok.arabic {
			out[i] = []string{tok.text}
			continue
		}
		forms := []string{withoutArticle(tok.text)}
		vs = arabicVariants(tok.text, vs[:0])
		for _, v := range vs {
			forms = append(forms, withoutArticle(v.text))
		}
		out[i] = forms
	}
	return out
}

// termMatch is one rule found at words [start, end).
type termMatch struct {
	term       *sectionTerm
	start, end int
}

// within reports whether a longer match of the same section covers m, so
// that "solar eclipse" does not count "eclipse" again.
func (m termMatch) within(all []termMatch) bool {
	for _, o := range all {
		if o.term != m.term && o.term.section == m.term.section &&
			o.start <= m.start && m.end <= o.end && o.end-o.start > m.end-m.start {
			return true
		}
	}
	return false
}

// findTerms appends the rules of language lang found in words to into.
func (s *SectionTagger) findTerms(words [][]string, lang string, into []termMatch) []termMatch {
	byFirst := s.t.terms[lang]
	prefixes := s.t.prefixes[lang]
	for i, forms := range words {
		for _, f := range forms {
			for _, term := range byFirst[f] {
				if termAt(words, i, term) {
					into = append(into, termMatch{term, i, i + len(term.tokens)})
				}
			}
			for _, term := range prefixes {
				if strings.HasPrefix(f, term.tokens[0]) {
					into = append(into, termMatch{term, i, i + 1})
				}
			}
		}
	}
	return into
}

// termAt reports whether the rest of term follows word i.
func termAt(words [][]string, i int, term *sectionTerm) bool {
	if i+len(term.tokens) > len(words) {
		return false
	}
	for j := 1; j < len(term.tokens); j++ {
		want := term.tokens[j]
		last := j == len(term.tokens)-1
		ok := false
		for _, f := range words[i+j] {
			if f == want || (last && term.prefix && strings.HasPrefix(f, want)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
