package cluster

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// toArabicIndic writes ASCII digits as Arabic-Indic ones.
func toArabicIndic(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '٠' + (r - '0')
		}
		return r
	}, s)
}

// FuzzExtract checks, for any text, that feature extraction does not
// panic, gives well-formed keys, and reads numbers the same whether their
// digits are written in ASCII or Arabic-Indic.
func FuzzExtract(f *testing.F) {
	for _, seed := range []string{
		"Le taux directeur maintenu à 2,25% le 30 janvier 2024",
		"سعر الفائدة في ٢٫٢٥ في المائة يوم 30 يناير",
		"South Africa won 2-0; 868,000 passengers; 5 billion",
		"الخسارة 0ـ2 أمام جنوب إفريقيا بالمائة",
		"trois hôpitaux 1.000.000 3-0-1 ,,, 12:30 %%% 99999999999999999999",
		"Pedro Sánchez a rencontré Albares. CAN 2025 : UN",
	} {
		f.Add(seed, "fr")
	}
	g := newTestGrouper(f, Config{})
	f.Fuzz(func(t *testing.T, text, lang string) {
		if !utf8.ValidString(text) {
			return
		}
		feats := g.extract(text, text, lang)
		for k, n := range feats {
			if len(k) < 3 || k[1] != ':' || featureWeights[k[0]] == 0 || n <= 0 || !utf8.ValidString(k) {
				t.Fatalf("malformed feature %q (%d) from %q", k, n, text)
			}
		}
		if strings.ContainsAny(text, "٠١٢٣٤٥٦٧٨٩") {
			return
		}
		indic := g.extract(toArabicIndic(text), toArabicIndic(text), lang)
		for _, kind := range []string{"n:", "y:", "d:"} {
			a, b := keysOf(feats, kind), keysOf(indic, kind)
			if strings.Join(a, " ") != strings.Join(b, " ") {
				t.Fatalf("%s features differ with Arabic-Indic digits: %q vs %q (text %q)", kind, a, b, text)
			}
		}
	})
}

// FuzzSameText checks that resemblance is symmetric, within [0, 1], and
// that a text is always the same text as itself.
func FuzzSameText(f *testing.F) {
	f.Add("Le Maroc bat l'Espagne aux tirs au but.", "Le Maroc bat le Portugal.")
	f.Fuzz(func(t *testing.T, a, b string) {
		sa, ra := SameText(a, b)
		sb, rb := SameText(b, a)
		if sa != sb || ra != rb {
			t.Fatalf("not symmetric: %v %+v / %v %+v", sa, ra, sb, rb)
		}
		if ra.Jaccard < 0 || ra.Jaccard > 1 || ra.Containment < 0 || ra.Containment > 1 {
			t.Fatalf("out of range: %+v", ra)
		}
		if len(Shingles(a)) > 0 {
			if same, r := SameText(a, a); !same {
				t.Fatalf("%q is not the same text as itself: %+v", a, r)
			}
		}
	})
}
