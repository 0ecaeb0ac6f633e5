// Package textproc holds the language-aware text helpers: language detection
// now, folding and tokens for search later.
package textproc

import (
	"slices"
	"strings"
	"unicode"
)

// minLatinWords is the least number of words a stop-word vote needs; below
// it a headline like "Maroc : 3 hôpitaux" says too little and the source's
// configured language is the better guess.
const minLatinWords = 4

// stopWords are the most frequent function words of each language. Words
// shared by several languages ("de", "la", "a") still count for each: the
// vote is decided by the words that are not shared.
var stopWords = map[string]string{
	"fr": "le la les un une des du de et est à en au aux ce cette ces qui que quoi dans sur pour par pas plus avec sont ont été être il elle ils elles nous vous leur leurs son sa ses mais ou où donc aussi très sans sous entre après avant lors dont selon chez même tout tous toute d l qu n s c j m",
	"es": "el la los las un una unos unas de del y a en que es por para con no se su sus al lo como más pero sobre este esta estos estas entre cuando también muy sin hasta desde donde durante ha han fue ser son está están según tras ante le les otro otra",
	"en": "the of and to in a is that for it on with as was were be by at this from are have has had not but or an which they their he she his her its been will would can more about after over into than who said also up out new",
	"de": "der die das und ist in den von zu mit sich des auf für nicht ein eine als auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch man",
	"pt": "o a os as um uma de do da dos das e em no na nos nas que é por para com não se ao à pelo pela mais como mas foi são está também entre quando muito sem sobre seu sua seus suas ou já ser ter",
	"it": "il lo la i gli le un una di del della dei delle e è in nel nella che per con non si al alla da dal dalla sono come ma anche più questo questa tra fra dopo essere stato stata ha hanno gli sul sulla",
}

// stopIndex maps a word to the languages listing it; built once, read only.
var stopIndex = buildStopIndex()

func buildStopIndex() map[string][]string {
	idx := make(map[string][]string, 400)
	for lang, words := range stopWords {
		for _, w := range strings.Fields(words) {
			idx[w] = append(idx[w], lang)
		}
	}
	return idx
}

// DetectLang guesses the language of text, a lower-case two-letter code.
// Scripts decide first (Arabic, Hebrew, Cyrillic, Greek, CJK); Latin text is
// decided by a stop-word vote over fr, es, en, de, pt and it. hint (the
// source's configured language, "fr-FR" or "fr") is returned when the text
// is too short or the vote unclear; "" when there is nothing to go on.
func DetectLang(text, hint string) string {
	return DetectLangAmong(text, hint, nil)
}

// DetectLangAmong is DetectLang restricted to the languages an
// installation follows (allowed, two-letter codes; nil or empty allows
// every language DetectLang knows). The hint is always allowed: a source
// configured as German is German even where only fr, ar, es and en are
// followed. Latin text is voted on among the allowed Latin languages only,
// so Spanish is not taken for Portuguese or Italian; Arabic script goes to
// the allowed one of ar, fa and ur. Text in a script no allowed language
// is written in gets the hint, or "" when there is none.
func DetectLangAmong(text, hint string, allowed []string) string {
	hint = normalizeHint(hint)
	ok := func(lang string) bool { return len(allowed) == 0 || lang == hint || slices.Contains(allowed, lang) }
	lang := detect(text, hint, ok)
	if lang != "" && !ok(lang) {
		return hint
	}
	return lang
}

func detect(text, hint string, ok func(string) bool) string {
	var latin, arabic, hebrew, cyrillic, greek, han, kana, hangul int
	var persian, urdu, arabicOnly int
	for _, r := range text {
		switch {
		case r >= 0x0600 && r <= 0x06FF, r >= 0x0750 && r <= 0x077F, r >= 0xFB50 && r <= 0xFDFF, r >= 0xFE70 && r <= 0xFEFF:
			if unicode.IsLetter(r) {
				arabic++
			}
			switch r {
			case 'پ', 'چ', 'ژ', 'گ', 'ک', 'ی':
				persian++
			case 'ے', 'ٹ', 'ڈ', 'ڑ', 'ں', 'ہ':
				urdu++
			case 'ي', 'ك', 'ة', 'ى':
				arabicOnly++
			}
		case unicode.Is(unicode.Hebrew, r):
			hebrew++
		case unicode.Is(unicode.Cyrillic, r):
			cyrillic++
		case unicode.Is(unicode.Greek, r):
			greek++
		case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			kana++
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	other := max(arabic, hebrew, cyrillic, greek, han+kana, hangul)
	if other > latin {
		switch other {
		case arabic:
			switch {
			case urdu >= 2 && urdu*2 > arabicOnly && ok("ur"):
				return "ur"
			case persian >= 3 && persian > 2*arabicOnly && ok("fa"):
				return "fa"
			case !ok("ar") && ok("fa"):
				return "fa"
			case !ok("ar") && ok("ur"):
				return "ur"
			}
			return "ar"
		case hebrew:
			return "he"
		case cyrillic:
			// Ukrainian, Bulgarian … also use Cyrillic; for Revue's
			// sources Russian is the likely one, a hint may say better.
			if hint != "" && hint != "ru" && isCyrillicLang(hint) {
				return hint
			}
			return "ru"
		case greek:
			return "el"
		case hangul:
			return "ko"
		default:
			if kana > 0 {
				return "ja"
			}
			return "zh"
		}
	}
	if latin == 0 {
		return hint
	}
	return latinVote(text, hint, ok)
}

func latinVote(text, hint string, ok func(string) bool) string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	if len(words) < minLatinWords {
		return hint
	}
	votes := map[string]int{}
	for _, w := range words {
		for _, lang := range stopIndex[w] {
			votes[lang]++
		}
	}
	best, top, second := "", 0, 0
	for _, lang := range []string{"fr", "es", "en", "de", "pt", "it"} {
		if !ok(lang) {
			continue
		}
		if n := votes[lang]; n > top {
			best, top, second = lang, n, top
		} else if n > second {
			second = n
		}
	}
	// A strict lead of two hits at least wins; a tie, or a single hit,
	// goes to the hint, and without a hint any strict lead beats saying
	// nothing. (A "clear lead" ratio used to be asked for as well: the
	// mutation review showed no vote where it changed the answer.)
	if top > second && (top >= 2 || hint == "") {
		return best
	}
	return hint
}

func isCyrillicLang(code string) bool {
	switch code {
	case "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg":
		return true
	}
	return false
}

// normalizeHint reduces "fr-FR", "FR_fr" or "fr" to "fr".
func normalizeHint(hint string) string {
	hint = strings.ToLower(strings.TrimSpace(hint))
	if i := strings.IndexAny(hint, "-_"); i >= 0 {
		hint = hint[:i]
	}
	if len(hint) < 2 || len(hint) > 3 {
		return ""
	}
	for _, r := range hint {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return hint
}
