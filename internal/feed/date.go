package feed

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ErrNoDate is wrapped when a string holds no recognisable date.
var ErrNoDate = errors.New("no recognisable date")

// fastLayouts are the well-formed shapes, tried before the forgiving parser.
// Layouts with a zone abbreviation ("MST") are left out on purpose: Go gives
// an unknown abbreviation a zero offset, so "EST" would silently be UTC.
var fastLayouts = []string{
	time.RFC3339Nano,
	time.RFC1123Z,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 -0700",
	time.RFC822Z,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// monthNames maps month names and abbreviations (English, French, Spanish,
// Portuguese, German, Italian, Arabic as written in the Maghreb, Egypt and
// the Levant) to months. Keys are lower case, without a trailing dot.
var monthNames = map[string]time.Month{
	"jan": 1, "january": 1, "janv": 1, "janvier": 1, "enero": 1, "ene": 1, "janeiro": 1, "januar": 1, "gennaio": 1, "gen": 1,
	"feb": 2, "february": 2, "fév": 2, "févr": 2, "fev": 2, "fevr": 2, "février": 2, "fevrier": 2, "febrero": 2, "fevereiro": 2, "februar": 2, "febbraio": 2,
	"mar": 3, "march": 3, "mars": 3, "marzo": 3, "março": 3, "marco": 3, "märz": 3, "mär": 3,
	"apr": 4, "april": 4, "avr": 4, "avril": 4, "abril": 4, "abr": 4, "aprile": 4,
	"may": 5, "mai": 5, "mayo": 5, "maio": 5, "maggio": 5, "mag": 5,
	"jun": 6, "june": 6, "juin": 6, "junio": 6, "junho": 6, "juni": 6, "giugno": 6, "giu": 6,
	"jul": 7, "july": 7, "juil": 7, "juillet": 7, "julio": 7, "julho": 7, "juli": 7, "luglio": 7, "lug": 7,
	"aug": 8, "august": 8, "août": 8, "aout": 8, "agosto": 8, "ago": 8,
	"sep": 9, "sept": 9, "september": 9, "septembre": 9, "septiembre": 9, "setiembre": 9, "setembro": 9, "settembre": 9, "set": 9,
	"oct": 10, "october": 10, "octobre": 10, "octubre": 10, "outubro": 10, "out": 10, "oktober": 10, "okt": 10, "ottobre": 10, "ott": 10,
	"nov": 11, "november": 11, "novembre": 11, "noviembre": 11, "novembro": 11,
	"dec": 12, "december": 12, "déc": 12, "décembre": 12, "decembre": 12, "diciembre": 12, "dic": 12, "dezembro": 12, "dez": 12, "dezember": 12, "dicembre": 12,

	"يناير": 1, "جانفي": 1, "كانون_الثاني": 1,
	"فبراير": 2, "فيفري": 2, "شباط": 2,
	"مارس": 3, "آذار": 3, "اذار": 3,
	"أبريل": 4, "ابريل": 4, "إبريل": 4, "أفريل": 4, "افريل": 4, "نيسان": 4,
	"ماي": 5, "مايو": 5, "أيار": 5, "ايار": 5,
	"يونيو": 6, "يونيه": 6, "جوان": 6, "حزيران": 6,
	"يوليوز": 7, "يوليو": 7, "يوليه": 7, "جويلية": 7, "تموز": 7,
	"غشت": 8, "أغسطس": 8, "اغسطس": 8, "أوت": 8, "اوت": 8, "آب": 8,
	"شتنبر": 9, "سبتمبر": 9, "أيلول": 9, "ايلول": 9,
	"أكتوبر": 10, "اكتوبر": 10, "تشرين_الأول": 10, "تشرين_الاول": 10,
	"نونبر": 11, "نوفمبر": 11, "تشرين_الثاني": 11,
	"دجنبر": 12, "ديسمبر": 12, "كانون_الأول": 12, "كانون_الاول": 12,
}

// arabicTwoWordMonths are joined with "_" before tokenising.
var arabicTwoWordMonths = strings.NewReplacer(
	"كانون الثاني", "كانون_الثاني", "كانون الأول", "كانون_الأول", "كانون الاول", "كانون_الاول",
	"تشرين الأول", "تشرين_الأول", "تشرين الاول", "تشرين_الاول", "تشرين الثاني", "تشرين_الثاني",
)

// ignoredWords are day names and the little words around dates.
var ignoredWords = map[string]bool{
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"lundi": true, "mardi": true, "mercredi": true, "jeudi": true, "vendredi": true, "samedi": true, "dimanche": true,
	"lun": true, "mer": true, "jeu": true, "ven": true, "sam": true, "dim": true,
	"lunes": true, "martes": true, "miércoles": true, "miercoles": true, "jueves": true, "viernes": true, "sábado": true, "sabado": true, "domingo": true,
	"de": true, "del": true, "le": true, "à": true, "a": true, "las": true, "los": true, "la": true, "el": true, "at": true, "on": true, "um": true, "às": true, "alle": true, "ore": true, "h": true,
	"الأحد": true, "الاحد": true, "الإثنين": true, "الاثنين": true, "الثلاثاء": true, "الأربعاء": true, "الاربعاء": true,
	"الخميس": true, "الجمعة": true, "السبت": true, "في": true, "على": true, "الساعة": true, "يوم": true,
}

// zoneOffsets are the abbreviations seen in feeds, in seconds east of UTC.
var zoneOffsets = map[string]int{
	"gmt": 0, "ut": 0, "utc": 0, "z": 0, "wet": 0,
	"bst": 3600, "cet": 3600, "met": 3600, "west": 3600, "wat": 3600,
	"cest": 7200, "mest": 7200, "eet": 7200, "sast": 7200,
	"eest": 10800, "msk": 10800, "ast": -4 * 3600, "adt": -3 * 3600,
	"est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
	"akst": -9 * 3600, "akdt": -8 * 3600, "hst": -10 * 3600,
	"ist": 5*3600 + 1800, "sgt": 8 * 3600, "hkt": 8 * 3600, "jst": 9 * 3600, "kst": 9 * 3600,
	"aest": 10 * 3600, "aedt": 11 * 3600, "nzst": 12 * 3600, "nzdt": 13 * 3600,
}

var (
	isoTSep    = regexp.MustCompile(`(\d)t(\d)`)
	clockRe    = regexp.MustCompile(`^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(z|[+-]\d{1,2}(?::?\d{2})?)?$`)
	frClockRe  = regexp.MustCompile(`^(\d{1,2})h(\d{2})?$`)
	offsetRe   = regexp.MustCompile(`^(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?$`)
	numDateRe  = regexp.MustCompile(`^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$`)
	tokenSplit = func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '،' || r == '(' || r == ')' || r == '|'
	}
	digitsFixer = strings.NewReplacer(
		"٠", "0", "١", "1", "٢", "2", "٣", "3", "٤", "4", "٥", "5", "٦", "6", "٧", "7", "٨", "8", "٩", "9",
		"۰", "0", "۱", "1", "۲", "2", "۳", "3", "۴", "4", "۵", "5", "۶", "6", "۷", "7", "۸", "8", "۹", "9",
	)
)

// ParseDate reads the dates found in feeds: RFC 822/1123/3339 and their
// broken variants, day and month names in French, Spanish, Arabic (Maghreb
// and Mashriq month names, Arabic-Indic digits) and a few other languages,
// and named time zones. A date without a zone is taken as UTC.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("reading date: %w", ErrNoDate)
	}
	t, err := parseAny(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading date %q: %w", s, err)
	}
	// News is not older than print; such years are placeholders ("0001",
	// a zero Unix time rendered in a far zone) and mean "no date".
	if y := t.UTC().Year(); y < minYear || y > 9999 {
		return time.Time{}, fmt.Errorf("reading date %q: %w: year %d", s, ErrNoDate, y)
	}
	return t, nil
}

// minYear is the earliest year accepted as a real publication date.
const minYear = 1900

func parseAny(s string) (time.Time, error) {
	for _, layout := range fastLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return parseLoose(s)
}

type dateParts struct {
	year, day, hour, min, sec, nsec int
	month                           time.Month
	offset                          int
	hasYear, hasDay, hasZone        bool
	hasClock                        bool
	pm, am                          bool
}

func parseLoose(s string) (time.Time, error) {
	s = digitsFixer.Replace(s)
	s = arabicTwoWordMonths.Replace(s)
	s = strings.ToLower(s)
	s = isoTSep.ReplaceAllString(s, "$1 $2")
	var p dateParts
	for _, tok := range strings.FieldsFunc(s, tokenSplit) {
		if err := p.take(tok); err != nil {
			return time.Time{}, err
		}
	}
	if !p.hasYear || p.month == 0 || !p.hasDay {
		return time.Time{}, ErrNoDate
	}
	if p.pm && p.hour < 12 {
		p.hour += 12
	}
	if p.am && p.hour == 12 {
		p.hour = 0
	}
	if p.day > daysIn(p.month, p.year) || p.hour > 23 || p.min > 59 || p.sec > 60 {
		return time.Time{}, fmt.Errorf("%w: a field is out of range", ErrNoDate)
	}
	if p.sec == 60 {
		p.sec = 59 // leap second: keep the minute
	}
	loc := time.UTC
	if p.offset != 0 {
		loc = time.FixedZone("", p.offset)
	}
	return time.Date(p.year, p.month, p.day, p.hour, p.min, p.sec, p.nsec, loc), nil
}

func (p *dateParts) take(tok string) error {
	tok = strings.Trim(tok, ".;")
	if tok == "" || ignoredWords[tok] {
		return nil
	}
	if m, ok := monthNames[tok]; ok {
		p.month = m // the last month name wins: "Mar, 16 Apr" starts with a day name
		return nil
	}
	switch tok {
	case "pm", "p.m":
		p.pm = true
		return nil
	case "am", "a.m":
		p.am = true
		return nil
	}
	if off, ok := zoneOffsets[tok]; ok {
		p.offset, p.hasZone = off, true
		return nil
	}
	if m := offsetRe.FindStringSubmatch(tok); m != nil && (p.hasClock || strings.HasPrefix(tok, "gmt") || strings.HasPrefix(tok, "utc") || len(m[2]) == 4 || m[3] != "") {
		return p.setOffset(m[1], m[2], m[3])
	}
	if m := clockRe.FindStringSubmatch(tok); m != nil {
		p.hour, _ = strconv.Atoi(m[1])
		p.min, _ = strconv.Atoi(m[2])
		p.sec, _ = strconv.Atoi(m[3])
		if m[4] != "" {
			frac := (m[4] + "000000000")[:9]
			p.nsec, _ = strconv.Atoi(frac)
		}
		p.hasClock = true
		if z := m[5]; z == "z" {
			p.hasZone = true
		} else if z != "" {
			zm := offsetRe.FindStringSubmatch(z)
			if zm == nil {
				return fmt.Errorf("%w: bad zone %q", ErrNoDate, z)
			}
			return p.setOffset(zm[1], zm[2], zm[3])
		}
		return nil
	}
	if m := frClockRe.FindStringSubmatch(tok); m != nil {
		p.hour, _ = strconv.Atoi(m[1])
		p.min, _ = strconv.Atoi(m[2])
		p.hasClock = true
		return nil
	}
	if m := numDateRe.FindStringSubmatch(tok); m != nil {
		return p.setNumericDate(m[1], m[2], m[3])
	}
	if n, err := strconv.Atoi(tok); err == nil {
		switch {
		case len(tok) == 4:
			p.year, p.hasYear = n, true
		case !p.hasDay && n >= 1 && n <= 31:
			p.day, p.hasDay = n, true
		case !p.hasYear && len(tok) == 2:
			p.year, p.hasYear = twoDigitYear(n), true
		}
		return nil
	}
	// Other words ("posted", an unknown zone name) do not make a date wrong.
	return nil
}

func (p *dateParts) setOffset(sign, hours, minutes string) error {
	h, _ := strconv.Atoi(hours)
	m, _ := strconv.Atoi(minutes)
	if len(hours) == 4 && minutes == "" { // +0100 matched as one group
		h, m = h/100, h%100
	}
	if h > 14 || m > 59 {
		return fmt.Errorf("%w: zone offset out of range", ErrNoDate)
	}
	off := h*3600 + m*60
	if sign == "-" {
		off = -off
	}
	p.offset, p.hasZone = off, true
	return nil
}

// setNumericDate reads 2021-03-16, 16/03/2021, 16.03.2021 and 03/16/2021
// (day first unless that cannot be: Revue's sources are mostly European and
// North African).
func (p *dateParts) setNumericDate(a, b, c string) error {
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	z, _ := strconv.Atoi(c)
	var year, month, day int
	switch {
	case len(a) == 4:
		year, month, day = x, y, z
	case len(c) == 4 || len(c) == 2:
		year = z
		if len(c) == 2 {
			year = twoDigitYear(z)
		}
		day, month = x, y
		if y > 12 && x <= 12 {
			day, month = y, x
		}
	default:
		return fmt.Errorf("%w: %s/%s/%s", ErrNoDate, a, b, c)
	}
	if month < 1 || month > 12 || day < 1 {
		return fmt.Errorf("%w: %s-%s-%s", ErrNoDate, a, b, c)
	}
	p.year, p.month, p.day = year, time.Month(month), day
	p.hasYear, p.hasDay = true, true
	return nil
}

func twoDigitYear(n int) int {
	if n < 70 {
		return 2000 + n
	}
	return 1900 + n
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
