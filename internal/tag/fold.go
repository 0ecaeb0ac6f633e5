package tag

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// token is one word of an article or of a gazetteer name, folded so that
// spellings differing only by case, accents, Arabic letter forms or
// diacritics compare equal.
type token struct {
	text string // folded
	// arabic: the word is in Arabic script, so attached prefixes (بـ، وـ،
	// الـ…) may hide a name and case means nothing.
	arabic bool
	// upper: the word starts with a capital letter in the source.
	upper bool
	// breakBefore: punctuation (not a space, hyphen or apostrophe) stands
	// between this word and the one before, so context rules do not look
	// across it.
	breakBefore bool
}

// isJoiner reports whether r joins the parts of one name without breaking
// the phrase: "Al-Haouz", "M'diq", "l'Oriental".
func isJoiner(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '`', '-', '‐', '‑':
		return true
	}
	return false
}

// tokenize splits s into folded words. The first token carries
// breakBefore, so that no context rule reaches into what came before s.
func tokenize(s string, into []token) []token {
	pendingBreak := true
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		raw := s[start:end]
		start = -1
		text := fold(raw)
		if text == "" {
			return
		}
		first, _ := utf8.DecodeRuneInString(raw)
		into = append(into, token{
			text:        text,
			arabic:      isArabic(first),
			upper:       unicode.IsUpper(first),
			breakBefore: pendingBreak,
		})
		pendingBreak = false
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
		case unicode.IsSpace(r) || isJoiner(r):
			flush(i)
		default:
			flush(i)
			pendingBreak = true
		}
	}
	flush(len(s))
	return into
}

// fold lowers a word and removes what readers ignore when they compare
// place names: Latin accents (Fès = Fes), Arabic diacritics and tatweel,
// hamza carriers (أ إ آ ٱ → ا, ؤ → و, ئ → ي), taa marbuta (ة → ه) and alef
// maqsura (ى → ي). NFD exposes accents and hamzas as combining marks, which
// are then dropped.
func fold(word string) string {
	if isPlainASCII(word) {
		return strings.ToLower(word)
	}
	var scratch [128]byte
	decomposed := norm.NFD.AppendString(scratch[:0], word)
	var b strings.Builder
	b.Grow(len(decomposed))
	for len(decomposed) > 0 {
		r, size := utf8.DecodeRune(decomposed)
		decomposed = decomposed[size:]
		switch {
		case unicode.Is(unicode.Mn, r), r == 'ـ':
			continue
		case r == 'ة':
			r = 'ه'
		case r == 'ى', r == 'ی':
			r = 'ي'
		case r == 'ٱ':
			r = 'ا'
		case r == 'ک', r == 'گ', r == 'ڭ':
			// Moroccan Arabic writes g as ڭ or گ (ڭلميم, أڭادير) as often as ك.
			r = 'ك'
		case r == 'ڤ':
			r = 'ف'
		case r == 'ß':
			b.WriteString("ss")
			continue
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
			continue
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
			continue
		case r == 'ø' || r == 'Ø':
			r = 'o'
		case r == 'ł' || r == 'Ł':
			r = 'l'
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case r == 'ı':
			r = 'i'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isPlainASCII reports whether word is ASCII letters and digits only, the
// common case in Latin-script text, which needs lower-casing alone.
func isPlainASCII(word string) bool {
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isArabic(r rune) bool {
	return unicode.Is(unicode.Arabic, r)
}

// arabicPrefixes are the clitics written attached to an Arabic word:
// conjunctions و and ف, prepositions بـ (in, at) and لـ (to, for), and the
// article الـ merged with them. Longest first, so "وبالرباط" loses "وبال"
// and not just "و". كـ (like) is left out: it seldom precedes a place, and
// كسلا (Kassala, Sudan) would read as ك + سلا (Salé).
var arabicPrefixes = []string{
	"وبال", "فبال", "وال", "فال", "بال", "لل",
	"وب", "ول", "فب", "فل", "و", "ف", "ب", "ل",
}

// variant is one reading of an Arabic word with its attached prefix
// removed: "بالرباط" reads as "الرباط" after "بال".
type variant struct {
	text string
	// locative: the prefix holds بـ (in, at): the name is a place where
	// something happens, not a name for the state.
	locative bool
}

// arabicVariants lists the readings of an Arabic word without its prefix.
// The bare word is not among them: callers try it first.
func arabicVariants(word string, into []variant) []variant {
	for _, p := range arabicPrefixes {
		rest, ok := strings.CutPrefix(word, p)
		// Two letters at least must remain, or "بر" would read as ب + ر.
		if !ok || utf8.RuneCountInString(rest) < 2 {
			continue
		}
		loc := strings.Contains(p, "ب")
		if strings.HasSuffix(p, "ال") || p == "لل" {
			// The article merged into the prefix: "بالرباط" → "الرباط";
			// "للرباط" (ل + الرباط, the alef dropped) → "الرباط".
			into = append(into, variant{"ال" + rest, loc})
		} else {
			into = append(into, variant{rest, loc})
		}
	}
	return into
}
