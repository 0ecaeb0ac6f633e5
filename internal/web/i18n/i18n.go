// Package i18n holds the portal's interface strings, one catalog per
// language, and formats them with CLDR plural rules through
// golang.org/x/text/message, so adding a language means adding a table.
package i18n

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// pluralMessage is a message whose wording depends on a count (the first
// argument), keyed by CLDR plural category ("one", "few", "other", …).
type pluralMessage map[string]string

// Translator renders catalog keys in one language.
type Translator struct {
	tag     language.Tag
	printer *message.Printer
	strs    map[string]string
}

// Default is the interface language of unprefixed URLs.
const Default = "fr"

// Languages are the interface languages, the default first.
func Languages() []string { return []string{Default, "ar", "es", "en"} }

// locale is the regional variant whose CLDR number rules the printer
// follows. Arabic as read in Morocco writes Latin digits (16 مارس 2021),
// where plain "ar" would print Arabic-Indic ones (١٦).
func locale(tag language.Tag) language.Tag {
	if base, _ := tag.Base(); base.String() == "ar" {
		return language.MustParse("ar-MA")
	}
	return tag
}

// New builds a Translator for lang ("fr"); it fails when no catalog exists.
func New(lang string) (*Translator, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("interface language %q: %w", lang, err)
	}
	strs, plurals, ok := catalogFor(tag)
	if !ok {
		return nil, fmt.Errorf("interface language %q: no catalog (have: fr, ar, es, en)", lang)
	}
	b := catalog.NewBuilder(catalog.Fallback(tag))
	for key, msg := range strs {
		if err := b.SetString(tag, key, msg); err != nil {
			return nil, fmt.Errorf("catalog %s, message %q: %w", tag, key, err)
		}
	}
	for key, forms := range plurals {
		cases := make([]any, 0, 2*len(forms))
		// "other" last: plural.Selectf picks the first matching case.
		for _, cat := range []string{"zero", "one", "two", "few", "many"} {
			if f, ok := forms[cat]; ok && slices.Contains(pluralCategories(tag), cat) {
				cases = append(cases, cat, f)
			}
		}
		cases = append(cases, "other", forms["other"])
		if err := b.Set(tag, key, plural.Selectf(1, "%d", cases...)); err != nil {
			return nil, fmt.Errorf("catalog %s, plural message %q: %w", tag, key, err)
		}
	}
	return &Translator{tag: tag, printer: message.NewPrinter(locale(tag), message.Catalog(b)), strs: strs}, nil
}

// pluralCategories are the CLDR categories x/text's plural rules select
// among for tag. Its tables predate CLDR 38, which gave Spanish "many"
// (1 000 000 de artículos): a "many" form written for Spanish is kept in
// the catalog for the day x/text has it, and "other" answers meanwhile.
func pluralCategories(tag language.Tag) []string {
	base, _ := tag.Base()
	switch base.String() {
	case "ar":
		return []string{"zero", "one", "two", "few", "many", "other"}
	case "fr", "es", "en":
		return []string{"one", "other"}
	}
	return []string{"one", "other"}
}

// Lang is the BCP 47 tag of the interface language, for <html lang>.
func (t *Translator) Lang() string { return t.tag.String() }

// Dir is the writing direction of the interface language, for <html dir>.
func (t *Translator) Dir() string {
	if t.tag.String() == "ar" {
		return "rtl"
	}
	return "ltr"
}

// Name is the language's name in itself (français, العربية), which is how
// a reader looks for it in a language switcher.
func (t *Translator) Name() string { return display.Self.Name(t.tag) }

// Date writes a day in words: "16 mars 2021", "16 مارس 2021",
// "16 de marzo de 2021", "16 March 2021". t is already in the zone to
// show; the day and year are passed as strings so no digit grouping
// ("2 021") slips in.
func (t *Translator) Date(d time.Time) string {
	return t.T("date.day", strconv.Itoa(d.Day()), t.Month(d.Month()), strconv.Itoa(d.Year()))
}

// Month is the name of month m.
func (t *Translator) Month(m time.Month) string { return t.T("month." + strconv.Itoa(int(m))) }

// T renders key with args (fmt verbs in the catalog string).
func (t *Translator) T(key string, args ...any) string {
	return t.printer.Sprintf(key, args...)
}

// Has reports whether key has a wording, for names (regions, languages)
// that fall back to their slug when the catalog does not know them.
func (t *Translator) Has(key string) bool {
	_, ok := t.strs[key]
	return ok
}

// feature is one part of the interface's wording, in every interface
// language (keyed by base language: "fr", "ar", …). Each part of the
// portal keeps its own file, so catalogs are written side by side and one
// test checks that every language has every key.
type feature struct {
	strs    map[string]map[string]string
	plurals map[string]map[string]pluralMessage
}

// features is every part of the interface; a new part adds its file here.
var features = []feature{
	{
		strs:    map[string]map[string]string{"fr": fr, "ar": ar, "es": es, "en": en},
		plurals: map[string]map[string]pluralMessage{"fr": frPlurals, "ar": arPlurals, "es": esPlurals, "en": enPlurals},
	},
	{strs: sectionsStrings},
	{strs: regionsmapStrings, plurals: regionsmapPlurals},
	{strs: feedsStrings},
	{strs: searchStrings},
}

func catalogFor(tag language.Tag) (map[string]string, map[string]pluralMessage, bool) {
	base, _ := tag.Base()
	lang := base.String()
	strs := map[string]string{}
	plurals := map[string]pluralMessage{}
	found := false
	for _, f := range features {
		if m, ok := f.strs[lang]; ok {
			found = true
			maps.Copy(strs, m)
		}
		if m, ok := f.plurals[lang]; ok {
			found = true
			maps.Copy(plurals, m)
		}
	}
	return strs, plurals, found
}
