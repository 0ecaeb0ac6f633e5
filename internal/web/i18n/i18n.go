// Package i18n holds the portal's interface strings, one catalog per
// language, and formats them with CLDR plural rules through
// golang.org/x/text/message, so adding a language means adding a table.
package i18n

import (
	"fmt"

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

func catalogFor(tag language.Tag) (map[string]string, map[string]pluralMessage, bool) {
	base, _ := tag.Base()
	switch base.String() {
	case "fr":
		return fr, frPlurals, true
	}
	return nil, nil, false
}
