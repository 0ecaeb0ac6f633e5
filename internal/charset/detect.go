package charset

import (
	"math"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// Detection of single-byte encodings. Each candidate decodes the document's
// bytes above 0x7F; the decoding that reads most like real text wins. "Like
// real text" is judged word by word: a word keeps to one script, cased
// scripts keep their case pattern (no capital after a small letter), Latin
// words carry at most a couple of accented letters in a row, bytes the
// encoding leaves unassigned or maps to C1 controls do not occur, and the
// letters come at the rates the language's running text has. These are the
// signs a reader uses to tell مرحبا from ãÑÍÈÇ, and they hold on a headline
// as well as on a page.

// Costs, in nats: each non-ASCII character adds the surprise of seeing it,
// each implausible construction a penalty. Only differences between
// candidates matter.
const (
	costInvalid      = 20 // unassigned byte or C1 control
	costRareSymbol   = 7  // ¤ ¦ ¨ ¬ ½ … in running text
	costCommonPunct  = 2  // « » ’ “ ” – — … and the like
	costMark         = 4  // a combining mark after a letter of its script
	costStrayMark    = 12 // a combining mark with no letter of its script before it
	costMixedScripts = 10 // one word in two scripts
	costCaseBreak    = 8  // a capital right after a small letter, one of them non-ASCII
	costLatinRun     = 6  // each accented Latin letter past the second in a row
	costLetterFloor  = 7  // a letter the language model does not know
)

type script uint8

const (
	scriptNone script = iota
	scriptLatin
	scriptArabic
	scriptCyrillic
	scriptGreek
	scriptHebrew
)

type byteKind uint8

const (
	kindInvalid byteKind = iota
	kindLetter
	kindMark
	kindPunct // ends a word
)

// highByte says what one byte above 0x7F stands for in one candidate.
type highByte struct {
	cost   float32
	kind   byteKind
	script script
	upper  bool
}

// candidate is a single-byte encoding detection may choose.
type candidate struct {
	name  string // WHATWG name, as ToUTF8 reports it
	enc   encoding.Encoding
	prior float64 // cost of the encoding itself, by how rare it is among Revue's sources
	bytes [128]highByte
}

// candidates in the order that breaks ties: where two decode a document
// alike (French text in windows-1252 and windows-1256), the browsers'
// default comes first.
// The priors matter only where a text is too short to tell, a word or two:
// Revue follows Moroccan, Maghreb and Arabic-language outlets, so Latin and
// Arabic encodings come first, and ISO-8859-6 is rarer on the web than
// windows-1256.
var candidates = []*candidate{
	newCandidate("windows-1252", charmap.Windows1252, 0),
	newCandidate("iso-8859-15", charmap.ISO8859_15, 1),
	newCandidate("windows-1256", charmap.Windows1256, 0),
	newCandidate("iso-8859-6", charmap.ISO8859_6, 2),
	newCandidate("windows-1251", charmap.Windows1251, 4),
	newCandidate("windows-1255", charmap.Windows1255, 4),
	newCandidate("iso-8859-7", charmap.ISO8859_7, 4),
	newCandidate("windows-1253", charmap.Windows1253, 5),
}

func candidateNamed(name string) *candidate {
	for _, c := range candidates {
		if c.name == name {
			return c
		}
	}
	return nil
}

func newCandidate(name string, cm *charmap.Charmap, prior float64) *candidate {
	c := &candidate{name: name, enc: cm, prior: prior}
	for b := 0x80; b <= 0xFF; b++ {
		c.bytes[b-0x80] = classify(cm.DecodeByte(byte(b)))
	}
	return c
}

func classify(r rune) highByte {
	switch {
	case r == utf8.RuneError || (r >= 0x80 && r <= 0x9F):
		return highByte{kind: kindInvalid, cost: costInvalid}
	case unicode.Is(unicode.Mn, r):
		return highByte{kind: kindMark, script: scriptOf(r), cost: costMark}
	case unicode.IsLetter(r):
		s := scriptOf(r)
		return highByte{kind: kindLetter, script: s, upper: unicode.IsUpper(r), cost: float32(letterCost(s, unicode.ToLower(r)))}
	case commonPunct[r]:
		return highByte{kind: kindPunct, cost: costCommonPunct}
	default:
		return highByte{kind: kindPunct, cost: costRareSymbol}
	}
}

func scriptOf(r rune) script {
	switch {
	case unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Greek, r):
		return scriptGreek
	case unicode.Is(unicode.Hebrew, r):
		return scriptHebrew
	}
	return scriptNone
}

func letterCost(s script, lower rune) float64 {
	if pct, ok := letterFrequency[s][lower]; ok {
		return -math.Log(pct / 100)
	}
	return costLetterFloor
}

// commonPunct is what news text uses above ASCII besides letters.
var commonPunct = map[rune]bool{
	'\u00a0': true, '«': true, '»': true, '‘': true, '’': true, '‚': true, '“': true, '”': true, '„': true,
	'–': true, '—': true, '…': true, '•': true, '·': true, '°': true, '©': true, '®': true, '™': true,
	'€': true, '£': true, '§': true, '¿': true, '¡': true, '،': true, '؛': true, '؟': true,
	'\u200e': true, '\u200f': true, '\u200c': true, '\u200d': true, // direction marks and joiners of RTL text
}

// letterFrequency is, per script, how often each letter occurs in running
// news text, in per cent of that script's letters (approximate published
// counts, lower case; for Latin, of accented letters only, pooled over
// French, Spanish, Portuguese, German and Italian). Only the broad shape
// matters: it tells a right decoding, where frequent letters dominate,
// from a wrong one, which scatters over rare letters.
var letterFrequency = map[script]map[rune]float64{
	scriptArabic: {
		'ا': 12.5, 'ل': 10.5, 'ي': 7, 'م': 6, 'و': 6, 'ن': 5.5, 'ر': 4.5, 'ت': 4.5, 'ب': 4, 'ع': 3.5,
		'ة': 3, 'ه': 2.5, 'د': 2.5, 'ف': 2.5, 'س': 2.5, 'أ': 2.5, 'ق': 2.2, 'ك': 2, 'ح': 1.8, 'ج': 1.4,
		'إ': 1, 'ى': 1, 'ط': 0.9, 'ص': 0.9, 'ش': 0.9, 'خ': 0.7, 'ذ': 0.6, 'ز': 0.5, 'ض': 0.5,
		'ث': 0.5, 'غ': 0.4, 'ئ': 0.4, 'ء': 0.2, 'ظ': 0.2, 'آ': 0.1, 'ؤ': 0.1, 'ـ': 0.1,
	},
	scriptCyrillic: {
		'о': 11, 'е': 8.5, 'а': 8, 'и': 7.4, 'н': 6.7, 'т': 6.3, 'с': 5.5, 'р': 4.7, 'в': 4.5, 'л': 4.4,
		'к': 3.5, 'м': 3.2, 'д': 3, 'п': 2.8, 'у': 2.6, 'я': 2, 'ы': 1.9, 'ь': 1.7, 'г': 1.7, 'з': 1.6,
		'б': 1.6, 'ч': 1.4, 'й': 1.2, 'х': 1, 'ж': 0.9, 'ш': 0.7, 'ю': 0.6, 'ц': 0.5, 'щ': 0.4, 'э': 0.3,
		'ф': 0.3, 'ъ': 0.04, 'ё': 0.04, 'і': 0.3, 'ї': 0.05, 'є': 0.05, 'ґ': 0.01, 'ў': 0.01,
	},
	scriptGreek: {
		'α': 11, 'ο': 8.5, 'ι': 7.5, 'ε': 7.5, 'τ': 8, 'ν': 6.5, 'σ': 4.5, 'ς': 2.6, 'η': 5, 'υ': 3.8,
		'ρ': 4.4, 'π': 4, 'κ': 4, 'μ': 3.4, 'λ': 2.8, 'ό': 2.4, 'ά': 1.9, 'έ': 1.8, 'ί': 1.7, 'ή': 1.2,
		'ύ': 1, 'ώ': 0.8, 'γ': 1.9, 'δ': 1.8, 'θ': 1.3, 'χ': 1.1, 'φ': 0.8, 'β': 0.6, 'ξ': 0.4, 'ζ': 0.4,
		'ψ': 0.1, 'ϊ': 0.05, 'ΐ': 0.01, 'ϋ': 0.01, 'ΰ': 0.01,
	},
	scriptHebrew: {
		'י': 11, 'ו': 10, 'ה': 8.5, 'ל': 7, 'א': 6, 'מ': 5, 'ר': 5.5, 'ת': 5.3, 'ב': 4.7, 'ש': 4.2,
		'נ': 3, 'ע': 3, 'ם': 2.5, 'ד': 2.5, 'ח': 2.2, 'כ': 2, 'ק': 1.9, 'ן': 1.3, 'ג': 1.3, 'פ': 1.2,
		'ט': 1, 'ס': 1, 'צ': 0.9, 'ז': 0.9, 'ך': 0.6, 'ף': 0.3, 'ץ': 0.2,
	},
	scriptLatin: {
		'é': 30, 'à': 6, 'è': 5, 'ç': 3, 'ê': 2, 'ô': 1, 'î': 0.5, 'û': 0.3, 'ù': 0.3, 'ï': 0.3, 'ë': 0.2,
		'â': 1, 'á': 6, 'í': 5, 'ó': 6, 'ú': 1.5, 'ñ': 3, 'ã': 3, 'õ': 1, 'ü': 3, 'ö': 3, 'ä': 4, 'ß': 1.5,
		'ò': 0.5, 'ì': 0.3, 'œ': 0.3, 'ª': 0.2, 'º': 0.5, 'å': 0.2, 'ø': 0.2, 'æ': 0.1, 'ý': 0.05,
	},
}

// A candidate this far behind the leader, once this many bytes above 0x7F
// have been read, is dropped: on dense text most candidates fall hundreds of
// nats behind within a few lines and never come back, and scoring them to
// the end is most of detection's cost.
const (
	pruneAfterHighBytes = 256
	pruneMargin         = 200
)

// detectSingleByte returns the candidate whose decoding of body reads most
// like text, every candidate's score (higher is better, in nats; -Inf for
// one dropped as hopeless) and how many bytes above 0x7F body has. keep,
// if not nil, is scored to the end whatever its standing.
func detectSingleByte(body []byte, keep *candidate) (*candidate, []float64, int) {
	scores := make([]float64, len(candidates))
	active := make([]*candidate, 0, len(candidates))
	index := make([]int, 0, len(candidates))
	for k, c := range candidates {
		active, index = append(active, c), append(index, k)
	}
	high, nextPrune := 0, pruneAfterHighBytes
	// Only runs of letters that hold a byte above 0x7F are scored: the
	// rest, markup and ASCII text, reads the same in every candidate, and
	// skipping it makes detection cost little on pages of mostly markup.
	for i := 0; i < len(body); {
		if !isWordByte[body[i]] {
			i++
			continue
		}
		start, runHigh := i, 0
		for ; i < len(body) && isWordByte[body[i]]; i++ {
			if body[i] >= utf8.RuneSelf {
				runHigh++
			}
		}
		if runHigh == 0 {
			continue
		}
		if high == 0 {
			for k, c := range candidates {
				scores[k] = -c.prior
			}
		}
		high += runHigh
		for j, c := range active {
			scores[index[j]] -= c.cost(body[start:i])
		}
		if high >= nextPrune && len(active) > 1 {
			nextPrune = high + pruneAfterHighBytes
			leader := math.Inf(-1)
			for _, k := range index {
				leader = max(leader, scores[k])
			}
			n := 0
			for j, c := range active {
				if k := index[j]; c == keep || scores[k] >= leader-pruneMargin {
					active[n], index[n] = c, k
					n++
				} else {
					scores[k] = math.Inf(-1)
				}
			}
			active, index = active[:n], index[:n]
		}
	}
	best := 0
	for k := range scores {
		if scores[k] > scores[best] {
			best = k
		}
	}
	return candidates[best], scores, high
}

// isWordByte marks the bytes a run of letters is made of: ASCII letters
// and every byte above 0x7F, whatever it stands for in a candidate.
var isWordByte = func() (t [256]bool) {
	for b := range t {
		t[b] = b >= utf8.RuneSelf || ('A' <= b && b <= 'Z') || ('a' <= b && b <= 'z')
	}
	return t
}()

// cost is how implausible run, a run of ASCII letters and bytes above 0x7F,
// is as text in c. Within the run, a byte c decodes to punctuation ends a
// word.
func (c *candidate) cost(run []byte) float64 {
	var (
		total      float64
		scripts    uint8 // bit per script in the current word
		high       int   // non-ASCII letters in the current word
		latinRun   int   // accented Latin letters in a row
		hasLetter  bool
		lastHigh   bool // the last letter was non-ASCII
		lastUpper  bool
		lastScript script
	)
	endWord := func() {
		if high > 0 && scripts&(scripts-1) != 0 {
			total += costMixedScripts
		}
		scripts, high, latinRun, hasLetter, lastHigh = 0, 0, 0, false, false
	}
	for _, b := range run {
		if b < utf8.RuneSelf {
			upper := b <= 'Z'
			if upper && lastHigh && !lastUpper && isCased(lastScript) {
				total += costCaseBreak
			}
			scripts |= 1 << scriptLatin
			latinRun = 0
			hasLetter, lastHigh, lastUpper, lastScript = true, false, upper, scriptLatin
			continue
		}
		hb := &c.bytes[b-0x80]
		total += float64(hb.cost)
		switch hb.kind {
		case kindLetter:
			if hb.upper && hasLetter && !lastUpper && isCased(lastScript) {
				total += costCaseBreak
			}
			scripts |= 1 << hb.script
			high++
			if hb.script == scriptLatin {
				latinRun++
				if latinRun > 2 {
					total += costLatinRun
				}
			} else {
				latinRun = 0
			}
			hasLetter, lastHigh, lastUpper, lastScript = true, true, hb.upper, hb.script
		case kindMark:
			if !hasLetter || lastScript != hb.script {
				total += costStrayMark
			}
		default:
			endWord()
		}
	}
	endWord()
	return total
}

func isCased(s script) bool {
	return s == scriptLatin || s == scriptCyrillic || s == scriptGreek
}
