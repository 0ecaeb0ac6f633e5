// Package i18n holds the portal's interface strings, one catalog per
// language, and formats them with CLDR plural rules through
// golang.org/x/text/message, so adding a language means adding a table.
package i18n

import (
	"fmt"
	"maps"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
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

// New builds a Translator for lang ("fr"); it fails when no catalog exists.
func New(lang string) (*Translator, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("interface language %q: %w", lang, err)
	}
	strs, plurals, ok := catalogFor(tag)
	if !ok {
		return nil, fmt.Errorf("interface language %q: no catalog (have: fr)", lang)
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
			if f, ok := forms[cat]; ok {
				cases = append(cases, cat, f)
			}
		}
		cases = append(cases, "other", forms["other"])
		if err := b.Set(tag, key, plural.Selectf(1, "%d", cases...)); err != nil {
			return nil, fmt.Errorf("catalog %s, plural message %q: %w", tag, key, err)
		}
	}
	return &Translator{tag: tag, printer: message.NewPrinter(tag, message.Catalog(b)), strs: strs}, nil
}

// Lang is the BCP 47 tag of the interface language, for <html lang>.
func (t *Translator) Lang() string { return t.tag.String() }

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
	{strs: map[string]map[string]string{"fr": fr}, plurals: map[string]map[string]pluralMessage{"fr": frPlurals}},
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
