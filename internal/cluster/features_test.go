package cluster

import (
	"slices"
	"strings"
	"testing"
)

func newTestGrouper(t testing.TB, cfg Config) *Grouper {
	t.Helper()
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// keysOf returns the sorted features of one kind ("n:", "e:"…).
func keysOf(feats map[string]int, prefixes ...string) []string {
	var out []string
	for f := range feats {
		for _, p := range prefixes {
			if strings.HasPrefix(f, p) {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestNumberFeatures(t *testing.T) {
	g := newTestGrouper(t, Config{})
	tests := []struct {
		lang, text string
		want       []string
	}{
		{"fr", "Le taux directeur maintenu à 2,25%", []string{"n:2.25%"}},
		{"en", "The key rate stays at 2.25 percent", []string{"n:2.25%"}},
		{"es", "El tipo se mantiene en el 2,25 por ciento", []string{"n:2.25%"}},
		{"ar", "سعر الفائدة في ٢٫٢٥ في المائة", []string{"n:2.25%"}},
		{"ar", "سعر الفائدة في 2,25 بالمائة", []string{"n:2.25%"}},
		{"fr", "trois hôpitaux militaires", []string{"n:3"}},
		{"es", "tres hospitales militares", []string{"n:3"}},
		{"en", "three field hospitals", []string{"n:3"}},
		{"ar", "ثلاثة مستشفيات عسكرية", []string{"n:3"}},
		{"ar", "٣ مستشفيات", []string{"n:3"}},
		{"fr", "plus de 868.000 passagers", []string{"n:868000"}},
		{"en", "more than 868,000 passengers", []string{"n:868000"}},
		{"fr", "5 milliards de m3", []string{"n:5e9"}},
		{"en", "5 billion cubic metres", []string{"n:5e9"}},
		{"ar", "5 مليار متر مكعب", []string{"n:5e9"}},
		{"fr", "le Maroc bat l'Espagne 3-0", []string{"n:score:0-3"}},
		{"ar", "الخسارة 0ـ2 أمام جنوب إفريقيا", []string{"n:score:0-2"}},
		{"en", "South Africa won 2-0", []string{"n:score:0-2"}},
		{"fr", "le 30 janvier 2024", []string{"d:01-30", "y:2024"}},
		{"es", "el 30 de enero de 2024", []string{"d:01-30", "y:2024"}},
		{"en", "on January 30, 2024", []string{"d:01-30", "y:2024"}},
		{"ar", "يوم 30 يناير 2024", []string{"d:01-30", "y:2024"}},
		{"ar", "يوم ٣٠ يناير ٢٠٢٤", []string{"d:01-30", "y:2024"}},
		{"fr", "mardi soir", []string{"w:2"}},
		{"ar", "مساء الثلاثاء", []string{"w:2"}},
		{"fr", "un séisme", nil},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.text, func(t *testing.T) {
			got := keysOf(g.extract("", tt.text, tt.lang), "n:", "d:", "y:", "w:")
			if !slices.Equal(got, tt.want) {
				t.Errorf("numbers of %q: got %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestEntityFeatures(t *testing.T) {
	g := newTestGrouper(t, Config{})
	tests := []struct {
		lang, text string
		want       []string // entity and concept keys expected (others may be present)
		absent     []string
	}{
		{"fr", "Le roi du Maroc reçoit", []string{"e:morocco", "e:king"}, nil},
		{"en", "Morocco's king receives", []string{"e:morocco", "e:king"}, nil},
		{"es", "El rey de Marruecos recibe", []string{"e:morocco", "e:king"}, nil},
		{"ar", "استقبل العاهل المغربي بالمغرب", []string{"e:morocco", "e:king"}, nil},
		{"fr", "défaite face à l'Afrique du Sud", []string{"e:south_africa", "c:defeat"}, []string{"e:africa"}},
		{"ar", "خسارة أمام جنوب إفريقيا", []string{"e:south_africa", "c:defeat"}, []string{"e:africa"}},
		{"fr", "la CAN 2025 commence", []string{"e:afcon"}, nil},
		{"en", "you can see", nil, []string{"e:afcon"}},
		{"fr", "Un séisme frappe Al Haouz", []string{"c:earthquake", "e:al_haouz"}, nil},
		{"ar", "زلزال يضرب الحوز", []string{"c:earthquake", "e:al_haouz"}, nil},
		{"fr", "Nasser Zefzafi condamné", []string{"e:zefzafi", "c:verdict"}, nil},
		{"fr", "Hier, Pedro Sánchez a rencontré Albares", []string{"e:sanchez", "e:albares"}, []string{"e:hier"}},
		{"fr", "Une rencontre à Oujda avec Lamine Diallo", []string{"e:oujda", "e:lamine", "e:diallo"}, []string{"e:une"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.text, func(t *testing.T) {
			feats := g.extract("", tt.text, tt.lang)
			for _, k := range tt.want {
				if feats[k] == 0 {
					t.Errorf("%q: missing %s; has %q", tt.text, k, keysOf(feats, "e:", "c:"))
				}
			}
			for _, k := range tt.absent {
				if feats[k] != 0 {
					t.Errorf("%q: unexpected %s", tt.text, k)
				}
			}
		})
	}
}

func TestRegionFeatures(t *testing.T) {
	g := newTestGrouper(t, Config{})
	fr := g.extract("Séisme dans la province d'Al Haouz", "", "fr")
	ar := g.extract("زلزال في إقليم الحوز", "", "ar")
	if fr["r:marrakech-safi"] == 0 || ar["r:marrakech-safi"] == 0 {
		t.Errorf("the gazetteer's region should be a feature in both scripts: fr %q, ar %q", keysOf(fr, "r:"), keysOf(ar, "r:"))
	}
}

func TestStopwordsAreNotFeatures(t *testing.T) {
	g := newTestGrouper(t, Config{})
	for lang, text := range map[string]string{
		"fr": "le la les de du des et en au", "es": "el los las de del y en por",
		"en": "the of and in on at to for", "ar": "في من على إلى عن مع",
	} {
		if got := keysOf(g.extract("", text, lang), "s:", "p:"); len(got) > 0 {
			t.Errorf("%s function words became features: %q", lang, got)
		}
	}
}
