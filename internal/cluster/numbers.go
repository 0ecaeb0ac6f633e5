package cluster

import (
	"fmt"
	"strconv"
	"strings"

	"revue/internal/textproc"
)

// numberWords maps written numbers (folded as textproc folds them) to their
// value. "un"/"one"/"uno"/"واحد" are left out: they are also articles and
// pronouns, and a lone 1 says little about an event.
var numberWords = foldedTable(map[int][]string{
	2:  {"deux", "dos", "two", "اثنان", "اثنين", "اثنتين"},
	3:  {"trois", "tres", "three", "ثلاثة", "ثلاث"},
	4:  {"quatre", "cuatro", "four", "أربعة", "أربع"},
	5:  {"cinq", "cinco", "five", "خمسة", "خمس"},
	6:  {"six", "seis", "ستة", "ست"},
	7:  {"sept", "siete", "seven", "سبعة", "سبع"},
	8:  {"huit", "ocho", "eight", "ثمانية", "ثماني"},
	9:  {"neuf", "nueve", "nine", "تسعة", "تسع"},
	10: {"dix", "diez", "ten", "عشرة", "عشر"},
	11: {"onze", "once", "eleven"},
	12: {"douze", "doce", "twelve"},
	13: {"treize", "trece", "thirteen"},
	14: {"quatorze", "catorce", "fourteen"},
	15: {"quinze", "quince", "fifteen"},
	16: {"seize", "dieciseis", "sixteen"},
	17: {"dix-sept", "diecisiete", "seventeen"},
	18: {"dix-huit", "dieciocho", "eighteen"},
	19: {"dix-neuf", "diecinueve", "nineteen"},
	// The Arabic tens are left out: stemmed, ثلاثين is ثلاث (three).
	20:   {"vingt", "veinte", "twenty"},
	30:   {"trente", "treinta", "thirty"},
	40:   {"quarante", "cuarenta", "forty"},
	50:   {"cinquante", "cincuenta", "fifty"},
	100:  {"cent", "cien", "hundred", "مائة", "مئة"},
	1000: {"mille", "thousand", "ألف"},
})

// multipliers scale the number before them: "5 milliards", "3,2 million".
var multipliers = foldedTable(map[int][]string{
	6: {"million", "millions", "millon", "millones", "مليون", "ملايين"},
	9: {"milliard", "milliards", "billion", "billions", "مليار", "مليارات"},
})

// months in French, Spanish, English, and Arabic (Maghreb and Levantine
// names, and the transliterated ones used in the Gulf and Egypt).
var months = foldedTable(map[int][]string{
	1:  {"janvier", "enero", "january", "jan", "يناير", "كانون الثاني", "جانفي"},
	2:  {"fevrier", "febrero", "february", "feb", "فبراير", "شباط", "فيفري"},
	3:  {"mars", "marzo", "march", "مارس", "آذار"},
	4:  {"avril", "abril", "april", "apr", "أبريل", "ابريل", "نيسان", "أفريل"},
	5:  {"mai", "mayo", "may", "ماي", "مايو", "أيار"},
	6:  {"juin", "junio", "june", "يونيو", "يونيه", "حزيران", "جوان"},
	7:  {"juillet", "julio", "july", "يوليو", "يوليوز", "تموز", "جويلية"},
	8:  {"aout", "agosto", "august", "aug", "غشت", "أغسطس", "آب", "أوت"},
	9:  {"septembre", "septiembre", "september", "sept", "sep", "شتنبر", "سبتمبر", "أيلول"},
	10: {"octobre", "octubre", "october", "oct", "أكتوبر", "تشرين الأول"},
	11: {"novembre", "noviembre", "november", "nov", "نونبر", "نوفمبر", "تشرين الثاني"},
	12: {"decembre", "diciembre", "december", "dec", "دجنبر", "ديسمبر", "كانون الأول"},
})

// weekdays, 1 = Monday.
var weekdays = foldedTable(map[int][]string{
	1: {"lundi", "lunes", "monday", "الاثنين", "الإثنين"},
	2: {"mardi", "martes", "tuesday", "الثلاثاء"},
	3: {"mercredi", "miercoles", "wednesday", "الأربعاء"},
	4: {"jeudi", "jueves", "thursday", "الخميس"},
	5: {"vendredi", "viernes", "friday", "الجمعة"},
	6: {"samedi", "sabado", "saturday", "السبت"},
	7: {"dimanche", "domingo", "sunday", "الأحد"},
})

// percentWords follow a number to make it a percentage.
var percentWords = foldedTable(map[int][]string{
	1: {"pour cent", "por ciento", "percent", "per cent", "بالمائة", "في المائة", "بالمئة", "في المئة", "%"},
})

// foldedTable folds each spelling as textproc.Analyze does with no language
// and keys it by its terms joined with a space. Two values folding to one
// key is a mistake in the table (Arabic stemming can merge words), so it
// panics: every test run builds these tables.
func foldedTable(in map[int][]string) map[string]int {
	out := map[string]int{}
	for v, spellings := range in {
		for _, s := range spellings {
			var terms []string
			for _, t := range textproc.Analyze(s, "") {
				terms = append(terms, t.Term)
			}
			if len(terms) == 0 {
				continue
			}
			key := strings.Join(terms, " ")
			if old, ok := out[key]; ok && old != v {
				panic(fmt.Sprintf("cluster: %q folds to %q, which already stands for %d, not %d", s, key, old, v))
			}
			out[key] = v
		}
	}
	return out
}

// lookup finds words[i:i+1] or words[i:i+2] in table.
func lookup(table map[string]int, words []word, i int) (value, n int, ok bool) {
	if i+1 < len(words) && !words[i+1].breakBefore {
		if v, ok := table[words[i].folded+" "+words[i+1].folded]; ok {
			return v, 2, true
		}
	}
	if v, ok := table[words[i].folded]; ok {
		return v, 1, true
	}
	return 0, 0, false
}

// numeral is a number written in digits, possibly over several words
// ("2,25" is the words 2 and 25 with a comma between).
type numeral struct {
	text       string // normalised: "2.25", "45000"
	value      float64
	integer    bool
	digits     int // digits before the decimal point
	start, end int // word range [start, end)
}

// readNumeral reads a numeral starting at word i, if word i is digits.
func readNumeral(words []word, i int) (numeral, bool) {
	if !isDigits(words[i].folded) {
		return numeral{}, false
	}
	intPart := words[i].folded
	frac := ""
	j := i + 1
	for j < len(words) && isDigits(words[j].folded) && frac == "" {
		gap, digits := words[j].gapBefore, words[j].folded
		switch {
		case len(digits) == 3 && (gap == "." || gap == "," || gap == "٬" ||
			(gap == " " || gap == "\u00a0" || gap == "\u202f") && len(intPart) <= 3):
			// Exactly three digits after a separator are a thousands group
			// ("45.000", "45,000", "45 000"); anything else is a decimal
			// part ("2,25", "2.25", "٢٫٥").
			intPart += digits
		case gap == "." || gap == "," || gap == "٫":
			frac = digits
		default:
			return finishNumeral(intPart, frac, i, j)
		}
		j++
	}
	return finishNumeral(intPart, frac, i, j)
}

func finishNumeral(intPart, frac string, i, j int) (numeral, bool) {
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac, "0")
	text := intPart
	if frac != "" {
		text += "." + frac
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return numeral{}, false
	}
	return numeral{text: text, value: v, integer: frac == "", digits: len(intPart), start: i, end: j}, true
}

// numberFeatures adds the numbers, percentages, amounts, match scores,
// years, dates and weekdays of words.
func numberFeatures(words []word, add func(string)) {
	// Dates first, so that their day is not also counted as a number.
	isDay := make([]bool, len(words))
	for i := 0; i < len(words); i++ {
		// Folded and stemmed, بالمائة (percent) is ماي (May).
		if _, n, ok := lookup(percentWords, words, i); ok {
			i += n - 1
			continue
		}
		if v, n, ok := lookup(months, words, i); ok {
			if day, at := dayNear(words, i, n); day > 0 {
				add("d:" + twoDigits(v) + "-" + twoDigits(day))
				isDay[at] = true
			}
			i += n - 1
		}
	}
	for i := 0; i < len(words); i++ {
		if isDay[i] {
			continue
		}
		if _, n, ok := lookup(months, words, i); ok {
			i += n - 1
			continue
		}
		if v, n, ok := lookup(weekdays, words, i); ok {
			add("w:" + strconv.Itoa(v))
			i += n - 1
			continue
		}
		if v, n, ok := lookup(numberWords, words, i); ok {
			add(amountKey(strconv.Itoa(v), float64(v), words, i+n))
			i += n - 1
			continue
		}
		num, ok := readNumeral(words, i)
		if !ok {
			continue
		}
		// A score, "2-0", "0ـ2", "3:1": order-free, since each side reports
		// it from its own team.
		if num.integer && num.digits <= 2 && num.end < len(words) && num.end == i+1 {
			if other, ok := readNumeral(words, num.end); ok && other.integer && other.digits <= 2 && isScoreGap(words[num.end].gapBefore) {
				a, b := num.text, other.text
				if num.value > other.value {
					a, b = b, a
				}
				add("n:score:" + a + "-" + b)
				i = other.end - 1
				continue
			}
		}
		if num.integer && num.digits == 4 && num.value >= 1900 && num.value <= 2100 {
			add("y:" + num.text)
			i = num.end - 1
			continue
		}
		if num.end < len(words) {
			if _, n, ok := lookup(percentWords, words, num.end); ok {
				add("n:" + num.text + "%")
				i = num.end + n - 1
				continue
			}
		}
		if strings.HasPrefix(strings.TrimSpace(words[num.end-1].gapAfter), "%") ||
			strings.HasPrefix(strings.TrimSpace(words[num.end-1].gapAfter), "٪") {
			add("n:" + num.text + "%")
			i = num.end - 1
			continue
		}
		add(amountKey(num.text, num.value, words, num.end))
		i = num.end - 1
	}
}

// amountKey returns the key of a number followed, at word next, by an
// optional multiplier ("5 milliards" and "5 billion" give n:5e9).
func amountKey(text string, value float64, words []word, next int) string {
	if next < len(words) {
		if exp, _, ok := lookup(multipliers, words, next); ok {
			return "n:" + text + "e" + strconv.Itoa(exp)
		}
	}
	return "n:" + text
}

func isScoreGap(gap string) bool {
	switch strings.TrimSpace(gap) {
	case "-", "–", "—", "ـ", ":":
		return len(gap) <= 5
	}
	return false
}

// dayNear returns the day of the month written next to the month name at
// words[i:i+n] ("30 janvier", "30 de enero", "January 30", "30 يناير") and
// the index of its word, or 0, -1.
func dayNear(words []word, i, n int) (int, int) {
	isDay := func(j int) int {
		if j < 0 || j >= len(words) {
			return 0
		}
		if d := atoiSmall(words[j].folded); d >= 1 && d <= 31 && len(words[j].folded) <= 2 {
			return d
		}
		return 0
	}
	if d := isDay(i - 1); d > 0 {
		return d, i - 1
	}
	if i >= 2 && (words[i-1].folded == "de" || words[i-1].folded == "of") {
		if d := isDay(i - 2); d > 0 {
			return d, i - 2
		}
	}
	if d := isDay(i + n); d > 0 {
		return d, i + n
	}
	return 0, -1
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
