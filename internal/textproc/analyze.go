package textproc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/arabic"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/spanish"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of an analyzed text, as the search index stores it.
type Token struct {
	// Term is the folded and stemmed form that is indexed and matched.
	Term string
	// Pos counts words from 0; the words of a phrase have consecutive Pos.
	Pos int
	// Start and End are the byte offsets of the word in the analyzed text,
	// so a snippet can highlight the words as the source wrote them.
	Start, End int
}

// Query is a search query as both stores match it: every clause that is
// not excluded must match, no excluded clause may.
type Query struct {
	Clauses []Clause
}

// Clause is one word, one "quoted phrase", or one of them written after a
// '-' to exclude it.
type Clause struct {
	Exclude bool
	// Phrase is set when the words must follow each other: a quoted phrase,
	// or a word the analyzer splits (covid-19, franco-algérien).
	Phrase bool
	// Words holds, for each word in order, the terms any one of which
	// matches it. There is one term per word when the query's language is
	// known; when it is not, a word is stemmed the way each stemmed
	// language would have indexed it, and the distinct results are offered.
	Words [][]string
}

// stemmedLangs are the languages whose words are stemmed (read only).
// Text in another language (or none) is indexed folded but not stemmed,
// except its words in Arabic script, which are always stemmed as Arabic so
// that an Arabic word gets one term whatever the article's language.
var stemmedLangs = []string{"fr", "es", "en", "ar"}

// Analyze splits text, written in lang ("fr", "es", "en", "ar", another
// code, or "" when unknown), into the tokens the search index stores. Words
// are folded (case, Latin accents, Arabic letter forms and diacritics,
// digits) before they are stemmed, so a word written with or without
// accents or harakat gives the same term. No word is dropped: stop words
// are needed for phrases and for snippets.
func Analyze(text, lang string) []Token {
	a := newAnalyzer()
	var tokens []Token
	pos := 0
	eachWord(text, func(start, end int) {
		term := a.term(text[start:end], lang)
		if term == "" {
			return
		}
		tokens = append(tokens, Token{Term: term, Pos: pos, Start: start, End: end})
		pos++
	})
	return tokens
}

// AnalyzeQuery parses q: words, "quoted phrases", and -word or -"phrase"
// to exclude. Each part is analyzed exactly as Analyze analyzes indexed
// text in lang; with lang "" each word offers its terms under each
// of fr, es, en and ar, and unstemmed (see Clause.Words). Parts that
// hold no word (punctuation, a lone '-') are left out.
func AnalyzeQuery(q, lang string) Query {
	a := newAnalyzer()
	var query Query
	for i := 0; i < len(q); {
		r, size := utf8.DecodeRuneInString(q[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		exclude := false
		if r == '-' && i+1 < len(q) {
			if next, _ := utf8.DecodeRuneInString(q[i+1:]); !unicode.IsSpace(next) {
				exclude = true
				i++
				r, size = utf8.DecodeRuneInString(q[i:])
			}
		}
		var part string
		quoted := isQuote(r)
		if quoted {
			i += size
			end := indexFunc(q, i, isQuote)
			part = q[i:end]
			i = end
			if i < len(q) {
				_, size = utf8.DecodeRuneInString(q[i:])
				i += size
			}
		} else {
			end := indexFunc(q, i, func(r rune) bool { return unicode.IsSpace(r) || isQuote(r) })
			part = q[i:end]
			i = end
		}
		var words [][]string
		eachWord(part, func(start, end int) {
			if forms := a.queryTerms(part[start:end], lang); len(forms) > 0 {
				words = append(words, forms)
			}
		})
		if len(words) == 0 {
			continue
		}
		query.Clauses = append(query.Clauses, Clause{Exclude: exclude, Phrase: quoted || len(words) > 1, Words: words})
	}
	return query
}

// isQuote tells the quotation marks that open or close a phrase; French and
// Arabic keyboards type « » and curly quotes as readily as ".
func isQuote(r rune) bool {
	switch r {
	case '"', '«', '»', '“', '”', '„':
		return true
	}
	return false
}

// indexFunc is the byte index of the first rune at or after from for which
// f is true, or len(s).
func indexFunc(s string, from int, f func(rune) bool) int {
	if i := strings.IndexFunc(s[from:], f); i >= 0 {
		return from + i
	}
	return len(s)
}

// analyzer holds the scratch space of one Analyze or AnalyzeQuery call.
type analyzer struct {
	env  *snowballstem.Env
	fold []byte
}

func newAnalyzer() *analyzer {
	return &analyzer{env: snowballstem.NewEnv("")}
}

// term is the indexed form of word in a text written in lang, or "" when
// nothing of it survives folding (a lone combining mark).
func (a *analyzer) term(word, lang string) string {
	folded, script := a.foldWord(word)
	return a.stemFolded(folded, script, lang)
}

func (a *analyzer) stemFolded(folded string, script script, lang string) string {
	if folded == "" || len(folded) > maxStemmedBytes {
		return folded
	}
	switch script {
	case scriptArabic:
		return a.stemArabic(folded)
	case scriptLatin:
		if stem := latinStemmer(lang); stem != nil {
			return a.stem(folded, stem)
		}
	}
	return folded
}

// queryTerms is term for a query word; with lang "" it is every distinct
// term word could have been indexed as.
func (a *analyzer) queryTerms(word, lang string) []string {
	folded, script := a.foldWord(word)
	if folded == "" {
		return nil
	}
	if lang != "" {
		return []string{a.stemFolded(folded, script, lang)}
	}
	forms := []string{a.stemFolded(folded, script, "")}
	for _, l := range stemmedLangs {
		if t := a.stemFolded(folded, script, l); !contains(forms, t) {
			forms = append(forms, t)
		}
	}
	return forms
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// maxStemmedBytes is the longest folded word that is stemmed: twice the
// longest words of our four languages. Longer runs of letters are not words
// (URLs, base64, a character repeated), and the Arabic stemmer takes
// seconds on a 100 000-letter one.
const maxStemmedBytes = 100

func latinStemmer(lang string) func(*snowballstem.Env) bool {
	switch lang {
	case "fr":
		return french.Stem
	case "es":
		return spanish.Stem
	case "en":
		return english.Stem
	}
	return nil
}

func (a *analyzer) stem(word string, stem func(*snowballstem.Env) bool) string {
	a.env.SetCurrent(word)
	stem(a.env)
	return a.env.Current()
}

// eachWord calls f with the byte span of each word of text: a run of
// letters, digits and combining marks. An apostrophe inside a word either
// ends a French elided article or pronoun, which is dropped ("l'hôpital" is
// "hôpital", "qu'il" is "il"), or an English possessive "'s", which is
// dropped too, or else stays inside the word ("aujourd'hui", "don't").
// Hyphens and other punctuation separate words.
func eachWord(text string, f func(start, end int)) {
	start := -1 // start of the current word, -1 between words
	var prev rune
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		next := i + size
		switch {
		case start >= 0 && isArabicNumberBoundary(prev, r):
			f(start, i)
			start = i
		case isWordRune(r) || (start >= 0 && isJoiner(r)):
			if start < 0 {
				start = i
			}
		case start >= 0 && isApostrophe(r) && next < len(text) && startsWithLetter(text[next:]):
			switch before := text[start:i]; {
			case isElision(before):
				start = next
			case isPossessive(text[next:]):
				f(start, i)
				start = -1
				next++ // the s
			}
		default:
			if start >= 0 {
				f(start, i)
				start = -1
			}
		}
		prev = r
		i = next
	}
	if start >= 0 {
		f(start, len(text))
	}
}

// isArabicNumberBoundary tells whether a word ends between prev and r
// because Arabic writes an article or preposition against a number
// ("الـ16", "لـ2024"), and "16" is what a reader searches for.
func isArabicNumberBoundary(prev, r rune) bool {
	isArabicLetter := func(r rune) bool {
		return r == 'ـ' || (unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r)) // tatweel's script is Common
	}
	return (isArabicLetter(prev) && unicode.IsDigit(r)) || (unicode.IsDigit(prev) && isArabicLetter(r))
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Me, r)
}

// isJoiner tells the invisible characters that may sit inside a word
// without ending it: soft hyphen, zero-width (non-)joiner.
func isJoiner(r rune) bool {
	return r == '\u00ad' || r == '\u200c' || r == '\u200d'
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ'
}

func startsWithLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// isElision tells the French words that lose their vowel before an
// apostrophe. They carry nothing a reader searches for, and keeping them
// would make "l'hôpital" a word no one types.
func isElision(s string) bool {
	switch strings.ToLower(s) {
	case "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu":
		return true
	}
	return false
}

// isPossessive tells whether rest, what follows an apostrophe, is the s of
// an English possessive or contraction ("Morocco's").
func isPossessive(rest string) bool {
	if rest == "" || (rest[0] != 's' && rest[0] != 'S') {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest[1:])
	return len(rest) == 1 || !isWordRune(r)
}

// script tells which stemmers may apply to a folded word.
type script int

const (
	scriptOther  script = iota // digits, or letters of another script: not stemmed
	scriptLatin                // stemmed with the text's language's stemmer
	scriptArabic               // stemmed as Arabic whatever the text's language
)

// foldWord returns word in lower case, without accents or Arabic harakat,
// with the Arabic letter forms merged (alef forms to bare alef, hamza on
// waw or yeh to the bare letter, alef maqsura to yeh, no tatweel), Arabic
// and Persian digits as ASCII digits, œ æ ß spelt oe ae ss, and apostrophes
// dropped; and the script its letters are in. Taa marbuta stays for the
// Arabic stemmer, which reads it as the feminine ending; stemArabic folds
// it with heh.
func (a *analyzer) foldWord(word string) (string, script) {
	b := a.fold[:0]
	sc := scriptOther
	// Compatibility decomposition splits accented letters and hamza-bearing
	// Arabic letters into a base and combining marks, dropped below, and
	// turns presentation forms, ligatures and full-width forms into the
	// plain letters.
	for _, r := range norm.NFKD.String(word) {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			switch {
			case 'a' <= r && r <= 'z':
				sc = max(sc, scriptLatin)
			case r < '0' || r > '9':
				continue
			}
			b = append(b, byte(r))
			continue
		}
		// Marks go with the accents; anything else that is neither letter
		// nor digit (apostrophes, joiners, the spaces some ligatures such
		// as U+FDFA decompose into) would only make terms no one types.
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mc, r) {
			continue
		}
		switch {
		case '\u0660' <= r && r <= '\u0669':
			r = '0' + r - '\u0660'
		case '\u06f0' <= r && r <= '\u06f9':
			r = '0' + r - '\u06f0'
		case r == 'ـ': // tatweel stretches a word and means nothing
			continue
		case r == 'ٱ':
			r = 'ا'
		case r == 'ى', r == 'ی': // alef maqsura and the Persian yeh
			r = 'ي'
		case r == 'ک':
			r = 'ك'
		case r == 'ß', r == 'ẞ':
			b = append(b, "ss"...)
			sc = max(sc, scriptLatin)
			continue
		case r == 'œ', r == 'Œ':
			b = append(b, "oe"...)
			sc = max(sc, scriptLatin)
			continue
		case r == 'æ', r == 'Æ':
			b = append(b, "ae"...)
			sc = max(sc, scriptLatin)
			continue
		case r == 'ø', r == 'Ø':
			r = 'o'
		case r == 'đ', r == 'Đ':
			r = 'd'
		case r == 'ł', r == 'Ł':
			r = 'l'
		case r == 'ı':
			r = 'i'
		case r == 'ς':
			r = 'σ'
		}
		r = unicode.ToLower(r)
		switch {
		case unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r):
			sc = scriptArabic
		case unicode.Is(unicode.Latin, r):
			sc = max(sc, scriptLatin)
		}
		b = utf8.AppendRune(b, r)
	}
	a.fold = b
	return string(b), sc
}

// arabicArticles are the article forms the Snowball stemmer removes: al-,
// bi-l-, ka-l-, li-l-.
var arabicArticles = []string{"ال", "بال", "كال", "لل"}

// minArabicStem is the fewest letters a light rule leaves, so that short
// words that merely start with "و" or end in "ات" (والد, ذات) stay whole.
const minArabicStem = 3

// stemArabic stems a folded Arabic word. The Snowball stemmer reads a
// final taa marbuta as the feminine ending, so a final heh, which folding
// made of it and which writers type for it, is given back to the stemmer as
// taa marbuta: "المدرسه" and "المدرسة" both become "مدرس". Two light rules
// come first,
// because the Snowball stemmer keeps "و" or "ف" before the article
// ("والمغرب" stays whole while "المغرب" becomes "مغرب") and reads a bare
// plural in -ات as a verb ("مستشفيات" gave "مستشفيا", "المستشفيات"
// "مستشف").
func (a *analyzer) stemArabic(word string) string {
	if r, size := utf8.DecodeRuneInString(word); r == 'و' || r == 'ف' {
		rest := word[size:]
		if article := arabicArticle(rest); article != "" && utf8.RuneCountInString(rest[len(article):]) >= minArabicStem {
			word = rest
		}
	}
	if core := word[len(arabicArticle(word)):]; core != word && utf8.RuneCountInString(core) >= minArabicStem {
		word = core
	}
	if core := word[len(arabicArticle(word)):]; strings.HasSuffix(core, "ات") && utf8.RuneCountInString(core)-2 >= minArabicStem {
		word = strings.TrimSuffix(word, "ات")
	}
	if strings.HasSuffix(word, "ه") {
		word = strings.TrimSuffix(word, "ه") + "ة"
	}
	return strings.ReplaceAll(a.stem(word, arabic.Stem), "ة", "ه")
}

// arabicArticle is the article word starts with, or "".
func arabicArticle(word string) string {
	for _, article := range arabicArticles {
		if strings.HasPrefix(word, article) {
			return article
		}
	}
	return ""
}
