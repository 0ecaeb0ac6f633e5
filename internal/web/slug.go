package web

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// maxSlugRunes bounds a slug so article URLs stay shareable.
const maxSlugRunes = 80

// letterExpansions are letters that decomposition does not fold to ASCII.
var letterExpansions = strings.NewReplacer(
	"œ", "oe", "æ", "ae", "ß", "ss", "ø", "o", "đ", "d", "ł", "l", "ı", "i", "þ", "th",
	"ـ", "", // Arabic tatweel is decoration, not a letter
)

// Slug turns a headline into the readable part of an article URL:
// lower case, accents and Arabic diacritics folded, any script's letters
// kept, words joined by "-", at most about 80 characters cut at a word.
func Slug(title string) string {
	folded, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), strings.ToLower(title))
	if err != nil {
		folded = strings.ToLower(title)
	}
	folded = letterExpansions.Replace(folded)
	words := strings.FieldsFunc(folded, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
	var b strings.Builder
	n := 0
	for _, w := range words {
		wn := len([]rune(w))
		if n > 0 && n+1+wn > maxSlugRunes {
			break
		}
		if n > 0 {
			b.WriteByte('-')
			n++
		}
		if wn > maxSlugRunes { // one giant "word": cut it
			w = string([]rune(w)[:maxSlugRunes])
			wn = maxSlugRunes
		}
		b.WriteString(w)
		n += wn
	}
	return b.String()
}
