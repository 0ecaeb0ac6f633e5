package cluster

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"revue/internal/textproc"
)

// Feature kinds, the first letter of a feature key. Only stems are tied to
// one language; every other kind is shared by all four languages and is
// what a cross-language match rests on.
const (
	kindStem    = 's' // s:fr:hopital — a stem, namespaced by language
	kindPrefix  = 'p' // p:hospi — the first letters of a Latin word (cognates: hôpital/hospital)
	kindEntity  = 'e' // e:morocco — a lexicon name, or a capitalised Latin word
	kindConcept = 'c' // c:earthquake — a lexicon news word
	kindNumber  = 'n' // n:2.25%, n:45, n:score:0-2
	kindYear    = 'y' // y:2024
	kindDate    = 'd' // d:01-30 — day and month named in the text
	kindWeekday = 'w' // w:2 — Tuesday
	kindRegion  = 'r' // r:marrakech-safi — from the region gazetteer
)

// word is one word of an article: as written, folded (no stemming, except
// Arabic words, which textproc always stems), and stemmed in the article's
// language.
type word struct {
	raw, folded, stem string
	latin             bool
	// breakBefore: punctuation other than a space, hyphen or apostrophe
	// stands before the word, so a multi-word name does not span it.
	breakBefore bool
	// sentenceStart: the word opens the text or follows . ! ? : or a line
	// break, where a capital says nothing about a name.
	sentenceStart bool
	// gapBefore is what stands between the previous word and this one;
	// gapAfter what follows up to the next word or the end of the text.
	gapBefore, gapAfter string
}

func splitWords(text, lang string) []word {
	plain := textproc.Analyze(text, "")
	stemmed := textproc.Analyze(text, lang)
	stemAt := make(map[int]string, len(stemmed))
	for _, t := range stemmed {
		stemAt[t.Start] = t.Term
	}
	words := make([]word, 0, len(plain))
	prevEnd := 0
	for _, t := range plain {
		raw := text[t.Start:t.End]
		gap := text[prevEnd:t.Start]
		first, _ := utf8.DecodeRuneInString(raw)
		words = append(words, word{
			raw:           raw,
			folded:        t.Term,
			stem:          stemAt[t.Start],
			latin:         first < 0x0250 && unicode.IsLetter(first),
			breakBefore:   prevEnd == 0 || strings.TrimFunc(gap, isJoinerOrSpace) != "",
			sentenceStart: prevEnd == 0 || strings.ContainsAny(gap, ".!?:\n«\"“—|"),
			gapBefore:     gap,
		})
		if n := len(words); n > 1 {
			words[n-2].gapAfter = gap
		}
		prevEnd = t.End
	}
	if n := len(words); n > 0 {
		words[n-1].gapAfter = text[prevEnd:]
	}
	return words
}

func isJoinerOrSpace(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("-‐‑'’ʼ`", r)
}

// featureWeights are the weights of each kind before idf. Names, numbers
// and dates weigh most: two reports of one event share them whatever their
// language, while topic words are shared by every story of the topic.
var featureWeights = [256]float64{
	kindStem:    1.0,
	kindPrefix:  0.5,
	kindEntity:  2.0,
	kindConcept: 1.6,
	kindNumber:  2.0,
	kindYear:    0.7,
	kindDate:    2.0,
	kindWeekday: 0.4,
	kindRegion:  1.0,
}

// extract returns the features of an article and how often each occurs.
func (g *Grouper) extract(title, text, lang string) map[string]int {
	lang = normLang(lang)
	feats := map[string]int{}
	add := func(k string) { feats[k]++ }
	// The title counts twice: it states the event.
	body := title + "\n" + title + "\n" + text
	words := splitWords(body, lang)
	for i := 0; i < len(words); {
		w := words[i]
		if key, n := g.lex.match(words, i); n > 0 {
			add(key)
			for j := i; j < i+n; j++ {
				addWordFeatures(words[j], lang, add)
			}
			i += n
			continue
		}
		if w.latin && isCapitalisedName(words, i) {
			add("e:" + w.folded)
		}
		addWordFeatures(w, lang, add)
		i++
	}
	numberFeatures(words, add)
	if g.tagger != nil {
		for _, slug := range g.tagger.Regions(title, text, lang) {
			add("r:" + slug)
		}
	}
	return feats
}

func addWordFeatures(w word, lang string, add func(string)) {
	if w.stem == "" || isDigits(w.folded) || utf8.RuneCountInString(w.stem) < 2 || stopwords[w.folded] {
		return
	}
	add("s:" + lang + ":" + w.stem)
	if w.latin && (lang == "fr" || lang == "es" || lang == "en") && utf8.RuneCountInString(w.folded) >= 6 {
		add("p:" + prefixRunes(w.folded, 5))
	}
}

// isCapitalisedName reports whether word i is a capitalised Latin word that
// is likely part of a name: not a short word, and not merely capitalised
// because it opens a sentence (unless the next word is capitalised too).
func isCapitalisedName(words []word, i int) bool {
	w := words[i]
	first, _ := utf8.DecodeRuneInString(w.raw)
	if !unicode.IsUpper(first) || utf8.RuneCountInString(w.folded) < 3 || isDigits(w.folded) {
		return false
	}
	if !w.sentenceStart {
		return true
	}
	if i+1 < len(words) && !words[i+1].breakBefore {
		next, _ := utf8.DecodeRuneInString(words[i+1].raw)
		return unicode.IsUpper(next)
	}
	return false
}

func prefixRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoiSmall parses a short run of ASCII digits, or returns -1.
func atoiSmall(s string) int {
	if !isDigits(s) || len(s) > 9 {
		return -1
	}
	n, _ := strconv.Atoi(s)
	return n
}

// normLang reduces a language tag to its primary subtag in lower case
// ("fr-MA" → "fr"), or "und" when it is not one: it becomes part of
// feature keys and story signatures.
func normLang(tag string) string {
	primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"), "-")
	primary = strings.ToLower(primary)
	if len(primary) < 2 || len(primary) > 8 {
		return "und"
	}
	for i := 0; i < len(primary); i++ {
		if primary[i] < 'a' || primary[i] > 'z' {
			return "und"
		}
	}
	return primary
}
