// Package tag files articles under regions: it finds the places an article
// is about by their names in a gazetteer (Morocco's is embedded; another
// country's is a file in the same format) and returns region slugs.
//
// A name alone is not enough. The labelling rules of the project's region
// set (../shared/testdata/stories/README.md) are followed: a place counts
// where the news happens, not when it is part of a club's or a person's
// name, the capital standing for the state ("Rabat a salué…"), a title
// ("son ambassadeur à Rabat"), a birthplace, or a dateline alone. Those
// rules are general (word lists per language, flags per name in the
// gazetteer), not per-article exceptions.
package tag

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"strings"
)

//go:embed regions/ma.tsv sections/default.tsv
var embedded embed.FS

// Options configure New.
type Options struct {
	// GazetteerFile is a gazetteer in the format of regions/ma.tsv
	// (described in regions/README.md). Empty selects the embedded one
	// for Morocco's twelve regions.
	GazetteerFile string
}

// Tagger finds the regions an article is about. It holds no mutable state:
// one Tagger may serve any number of goroutines.
type Tagger struct {
	g *Gazetteer
}

// New returns a Tagger over the gazetteer opts names.
func New(opts Options) (*Tagger, error) {
	var (
		data   []byte
		source string
		err    error
	)
	if opts.GazetteerFile == "" {
		source = "regions/ma.tsv (embedded)"
		data, err = embedded.ReadFile("regions/ma.tsv")
	} else {
		source = opts.GazetteerFile
		data, err = os.ReadFile(opts.GazetteerFile)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the regions gazetteer: %w", err)
	}
	g, err := ParseGazetteer(bytes.NewReader(data), source)
	if err != nil {
		return nil, err
	}
	return NewWithGazetteer(g), nil
}

// NewWithGazetteer returns a Tagger over an already parsed gazetteer.
func NewWithGazetteer(g *Gazetteer) *Tagger { return &Tagger{g: g} }

// Slugs returns every region slug the Tagger may return, in its order.
func (t *Tagger) Slugs() []string { return t.g.Slugs() }

// match is one gazetteer name found in the article.
type match struct {
	name       *name
	start, end int // token range [start, end)
	// prefixLocative: the first word carried an Arabic بـ (in, at).
	prefixLocative bool
}

// article is an article's words with where its text starts.
type article struct {
	toks      []token
	textStart int // index of the first token of the text (after the title)
	lang      string
}

// Regions returns the slugs of the regions the article is about, in the
// gazetteer's order, or nil. lang is the article's language (fr, ar, es,
// en…); it selects which small words count as "in"/"at".
func (t *Tagger) Regions(title, text, lang string) []string {
	// "fr-FR", "es_MA": the language, not its region, chooses the words.
	primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"), "-")
	a := article{lang: strings.ToLower(primary)}
	a.toks = tokenize(title, a.toks)
	a.textStart = len(a.toks)
	a.toks = tokenize(text, a.toks)

	matches := t.scan(a.toks)
	if len(matches) == 0 {
		return nil
	}
	present := a.wordsPresent()
	seatNamed := map[int]bool{}
	for _, m := range matches {
		if m.name.kind == kindSeat {
			seatNamed[m.name.region] = true
		}
	}
	found := make([]bool, len(t.g.slugs))
	tagged := false
	for i, m := range matches {
		n := m.name
		if n.kind != kindPlace {
			continue
		}
		if n.flags&flagCapital != 0 && seatNamed[n.region] {
			continue
		}
		if hasAny(present, n.unless) {
			continue
		}
		if i > 0 && followsOrg(a.toks, matches[i-1], m) {
			continue
		}
		if !a.counts(m) {
			continue
		}
		found[n.region] = true
		tagged = true
	}
	if !tagged {
		return nil
	}
	var out []string
	for i, ok := range found {
		if ok {
			out = append(out, t.g.slugs[i])
		}
	}
	return out
}

// scan finds gazetteer names left to right, the longest at each position,
// trying each Arabic word with and without its attached prefix.
func (t *Tagger) scan(toks []token) []match {
	var (
		out      []match
		variants []variant
	)
	for i := 0; i < len(toks); {
		best := match{end: -1}
		try := func(first string, locative bool) {
			for _, n := range t.g.byFirst[first] {
				end := i + len(n.tokens)
				if end <= best.end || end > len(toks) {
					continue
				}
				if !tokensMatch(toks[i+1:end], n.tokens[1:]) {
					continue
				}
				best = match{name: n, start: i, end: end, prefixLocative: locative}
			}
		}
		try(toks[i].text, false)
		if toks[i].arabic {
			variants = arabicVariants(toks[i].text, variants[:0])
			for _, v := range variants {
				try(v.text, v.locative)
			}
		}
		if best.name == nil {
			i++
			continue
		}
		out = append(out, best)
		i = best.end
	}
	return out
}

// tokensMatch compares the rest of a name with the article's words; a
// name does not run across punctuation.
func tokensMatch(toks []token, want []string) bool {
	for j, w := range want {
		if toks[j].breakBefore || toks[j].text != w {
			return false
		}
	}
	return true
}

// followsOrg reports whether place m is the end of organisation prev's
// name: "Wydad (de) Casablanca", "نهضة بركان".
func followsOrg(toks []token, prev, m match) bool {
	if prev.name.kind != kindOrg {
		return false
	}
	if prev.name.flags&flagCased != 0 && !toks[prev.start].arabic && !toks[prev.start].upper {
		return false // "far", "union": a common word, not the club
	}
	if m.start-prev.end > 2 {
		return false
	}
	for j := prev.end; j <= m.start; j++ {
		if toks[j].breakBefore {
			return false
		}
		if j < m.start && !ofWords[toks[j].text] && toks[j].text != "al" {
			return false
		}
	}
	return true
}

// counts applies the context rules to one place name.
func (a *article) counts(m match) bool {
	n := m.name
	first := a.toks[m.start]
	if n.flags&flagCased != 0 && !first.arabic && !first.upper {
		return false
	}
	if n.flags&flagAlone != 0 && m.end < len(a.toks) {
		next := a.toks[m.end]
		if !next.breakBefore && !next.arabic && next.upper {
			return false
		}
	}
	if a.heldTitle(m) || a.birthplace(m) || a.namesDocument(m) {
		return false
	}
	if n.flags&(flagCapital|flagLocative|flagArticle) == 0 {
		return true
	}
	if m.prefixLocative || a.locatedBefore(m.start) || a.placeNounAfter(m.end) {
		return true
	}
	if n.flags&flagArticle != 0 {
		// "l'Oriental", "la région Oriental"
		if prev, ok := a.before(m.start, 1); ok && (articleWords[prev.text] || placeNouns[prev.text]) {
			return true
		}
	}
	if n.flags&flagCapital != 0 && a.envoyDateline(m) {
		return true
	}
	return false
}

// before returns the word k places before index i, unless punctuation
// stands in between.
func (a *article) before(i, k int) (token, bool) {
	for j := i; j > i-k; j-- {
		if j <= 0 || a.toks[j].breakBefore {
			return token{}, false
		}
	}
	return a.toks[i-k], true
}

// locatedBefore reports whether the words before index i place it: a
// locative ("à", "in", "في"), "près de", a place noun and "de" ("Palais
// royal de Rabat"), or an Arabic place noun in construct ("مدينة الرباط").
func (a *article) locatedBefore(i int) bool {
	loc := allLocatives
	if set, ok := locatives[a.lang]; ok {
		loc = set
	}
	k := 1
	prev, ok := a.before(i, k)
	for ok && articleWords[prev.text] && !prev.arabic {
		k++
		prev, ok = a.before(i, k)
	}
	if !ok {
		return false
	}
	if prev.arabic {
		if loc[prev.text] {
			return !a.addressedTo(i, k)
		}
		if isArabicPlaceNoun(prev.text) || nearWords[prev.text] {
			return true
		}
		for _, v := range arabicVariants(prev.text, nil) {
			if v.locative && nearWords[v.text] {
				return true
			}
		}
		// One adjective between noun and name: "العاصمة المغربية الرباط".
		if strings.HasPrefix(prev.text, "ال") {
			if noun, ok := a.before(i, k+1); ok && noun.arabic && isArabicPlaceNoun(noun.text) {
				return true
			}
		}
		return false
	}
	if loc[prev.text] {
		return !a.addressedTo(i, k)
	}
	if capitalNouns[prev.text] {
		return true // "the Moroccan capital Rabat"
	}
	if !ofWords[prev.text] {
		return false
	}
	// "de" / "of": what stands before it, skipping up to two
	// adjectives ("Palais royal de", "Cour d'appel de").
	for j := k + 1; j <= k+3; j++ {
		w, ok := a.before(i, j)
		if !ok {
			return false
		}
		if nearWords[w.text] || placeNouns[w.text] {
			return true
		}
	}
	return false
}

// isArabicPlaceNoun reports whether an Arabic word, with or without its
// attached prefix, is a place noun ("بمدينة", "إقليم").
func isArabicPlaceNoun(w string) bool {
	if placeNouns[w] {
		return true
	}
	for _, v := range arabicVariants(w, nil) {
		if placeNouns[v.text] {
			return true
		}
	}
	return false
}

// addressedTo reports whether the locative k words before index i is the
// one of a message's addressee rather than of a place: "Madrid a répondu
// à Rabat", "envió una carta a Rabat", "رسالة إلى الرباط".
func (a *article) addressedTo(i, k int) bool {
	w, ok := a.before(i, k+1)
	return ok && addressWords[w.text]
}

// placeNounAfter reports whether a place noun follows the name, which then
// names where it stands: "the Rabat court", "Rabat's Prince Moulay
// Abdellah Stadium" (after a possessive, a building's own name is skipped).
func (a *article) placeNounAfter(end int) bool {
	possessive := false
	for j := end; j < len(a.toks) && j < end+6; j++ {
		t := a.toks[j]
		switch {
		case t.breakBefore || t.arabic:
			return false
		case placeNouns[t.text]:
			return true
		case j == end && t.text == "s":
			possessive = true
		case possessive && t.upper:
		default:
			return false
		}
	}
	return false
}

// namesDocument reports whether the name is that of a text signed there:
// "Pacte de Marrakech", "Rabat Process", "إعلان مراكش".
func (a *article) namesDocument(m match) bool {
	if prev, ok := a.before(m.start, 1); ok {
		if prev.arabic && documentWords[prev.text] {
			return true
		}
		if ofWords[prev.text] {
			if doc, ok := a.before(m.start, 2); ok && documentWords[doc.text] {
				return true
			}
		}
	}
	if m.end < len(a.toks) {
		if next := a.toks[m.end]; !next.breakBefore && !next.arabic && documentWords[next.text] {
			return true
		}
	}
	return false
}

// heldTitle reports whether a title or office stands just before the
// name: "son ambassadeur à Rabat", "رئيس أساقفة طنجة".
func (a *article) heldTitle(m match) bool {
	for k := 1; k <= 3; k++ {
		w, ok := a.before(m.start, k)
		if !ok {
			return false
		}
		if hasHolderPrefix(w.text) {
			return true
		}
		if w.arabic {
			for _, v := range arabicVariants(w.text, nil) {
				if hasHolderPrefix(v.text) {
					return true
				}
			}
		}
	}
	return false
}

func hasHolderPrefix(w string) bool {
	for _, p := range holderPrefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// birthplace reports whether the name follows "natif de", "born in", "né
// à", "مواليد" within a few words.
func (a *article) birthplace(m match) bool {
	for k := 1; k <= 6; k++ {
		w, ok := a.before(m.start, k)
		if !ok {
			return false
		}
		if birthWords[w.text] {
			return true
		}
		if (w.text == "ne" || w.text == "nee" || w.text == "nacio") && k > 1 {
			if next, _ := a.before(m.start, k-1); next.text == "a" || next.text == "en" {
				return true
			}
		}
	}
	return false
}

// envoyDateline reports whether the name opens the text as a dateline
// followed by the mention of a special envoy, who went there for the event.
func (a *article) envoyDateline(m match) bool {
	if m.start != a.textStart {
		return false
	}
	for j := m.end; j < len(a.toks) && j < m.end+12; j++ {
		if envoyWords[a.toks[j].text] {
			return true
		}
	}
	return false
}

// wordsPresent returns the article's words, and the Arabic ones without
// their prefixes, for the gazetteer's "unless" lists.
func (a *article) wordsPresent() map[string]bool {
	set := make(map[string]bool, len(a.toks))
	var vs []variant
	for _, t := range a.toks {
		set[t.text] = true
		if t.arabic {
			vs = arabicVariants(t.text, vs[:0])
			for _, v := range vs {
				set[v.text] = true
			}
		}
	}
	return set
}

func hasAny(set map[string]bool, words []string) bool {
	for _, w := range words {
		if set[w] {
			return true
		}
	}
	return false
}
