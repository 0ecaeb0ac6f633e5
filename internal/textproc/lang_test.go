package textproc

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"revue/internal/shareddata"
)

func TestDetectLang(t *testing.T) {
	tests := []struct{ name, text, hint, want string }{
		// Hespress and TelQuel items (real-maghreb), whose feed says "en".
		{"arabic headline", `أسعار البيض "تتحرك" قبيل رمضان`, "en", "ar"},
		{"arabic with english wordpress footer", `شهدت أسعار البيض خلال الأيام القليلة الماضية ارتفاعًا ملحوظًا […] The post أسعار البيض appeared first on Hespress - هسبريس جريدة إلكترونية مغربية.`, "en", "ar"},
		{"french headline", "Agadir : que devient le personnel de l'Hôpital Hassan II pendant les travaux ?", "en", "fr"},
		{"french with typographic apostrophes", "L’écrivain franco-algérien Boualem Sansal condamné à 5 ans de prison ferme", "", "fr"},
		{"spanish", "Marruecos pasa a semifinales del Mundial tras derrotar a Portugal", "", "es"},
		{"spanish ticker", "Marruecos: 3 hospitales militares de campaña para ayudar a las víctimas del terremoto", "fr", "es"},
		{"english", "Morocco rout Egypt to win Olympics football bronze medal after a one-sided match", "", "en"},
		{"german", "Die Regierung hat am Montag einen neuen Plan für die Wirtschaft vorgestellt, der auch Steuern betrifft", "", "de"},
		{"portuguese", "O governo anunciou que não vai aumentar os impostos para as empresas em 2024", "", "pt"},
		{"italian", "Il governo ha annunciato che non ci sono nuove tasse per le imprese nel 2024", "", "it"},
		{"urdu", "پاکستان میں سیلاب سے ہونے والی تباہی کے بعد حکومت نے امدادی کارروائیاں تیز کر دی ہیں", "", "ur"},
		{"persian", "رئیس جمهور ایران گفت که کشور برای گفتگو آماده است و پیشنهاد را بررسی می کند", "", "fa"},
		{"hebrew", "ראש הממשלה הודיע היום על תוכנית כלכלית חדשה", "", "he"},
		{"russian", "Правительство объявило о новых мерах поддержки экономики", "", "ru"},
		{"ukrainian hint kept for cyrillic", "Уряд оголосив нові заходи підтримки економіки", "uk-UA", "uk"},
		{"greek", "Η κυβέρνηση ανακοίνωσε νέα μέτρα", "", "el"},
		{"short text falls back to hint", "Maroc : 3 hôpitaux", "fr-FR", "fr"},
		{"short text without hint", "WAFCON 2026", "", ""},
		{"hint normalised", "OK", "FR_fr", "fr"},
		{"empty", "", "", ""},
		{"digits only keep hint", "2026 — 16/03", "es", "es"},
		{"bad hint dropped", "123", "english please", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectLang(tt.text, tt.hint); got != tt.want {
				t.Errorf("DetectLang(%q, %q) = %q, want %q", tt.text, tt.hint, got, tt.want)
			}
		})
	}
}

// TestDetectLangStories measures accuracy on the labelled article leads of
// ../shared/testdata/stories (ar, fr, es, en). whatlanggo, measured the
// same way, scored 92.3 % on titles and 100 % on title+text, 16–45× slower.
func TestDetectLangStories(t *testing.T) {
	path := filepath.Join(shareddata.Testdata(t), "stories", "dev.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var titles, titlesOK, full, fullOK int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var row struct{ Lang, Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(row.Title) != "" {
			titles++
			if got := DetectLangAmong(row.Title, "", followed); got == row.Lang {
				titlesOK++
			} else {
				t.Logf("headline %q: %q, want %q", row.Title, got, row.Lang)
			}
		}
		full++
		if got := DetectLangAmong(row.Title+" "+row.Text, "", followed); got == row.Lang {
			fullOK++
		} else {
			t.Logf("title and lead %.60q…: %q, want %q", row.Title+" "+row.Text, got, row.Lang)
		}
	}
	if full < 150 {
		t.Fatalf("only %d rows read from %s", full, path)
	}
	t.Logf("headlines: %d/%d; title and lead: %d/%d", titlesOK, titles, fullOK, full)
	if float64(titlesOK) < 0.97*float64(titles) {
		t.Errorf("headline accuracy %d/%d under 97 %%", titlesOK, titles)
	}
	if float64(fullOK) < 0.99*float64(full) {
		t.Errorf("title-and-lead accuracy %d/%d under 99 %%", fullOK, full)
	}
}

// followed are the languages Revue follows by default (--languages).
var followed = []string{"fr", "ar", "es", "en"}

func TestDetectLangAmong(t *testing.T) {
	tests := []struct {
		name, text, hint string
		allowed          []string
		want             string
	}{
		{"Italian among ours: none of ours is evident", "Il governo ha approvato la legge di bilancio per il prossimo anno dopo una lunga discussione", "", followed, ""},
		{"Italian, all allowed", "Il governo ha approvato la legge di bilancio per il prossimo anno dopo una lunga discussione", "", nil, "it"},
		{"Portuguese among ours", "O governo anunciou que os preços dos combustíveis vão subir a partir de segunda-feira", "", followed, "es"},
		{"Spanish among ours", "El Gobierno de Marruecos anunció que los precios de los combustibles bajarán desde el lunes", "", followed, "es"},
		{"a source configured as German stays German", "Die Regierung hat das Gesetz über den Haushalt für das kommende Jahr nach einer langen Debatte beschlossen", "de", followed, "de"},
		{"German text of an unconfigured source: none of ours", "Die Regierung hat das Gesetz über den Haushalt für das kommende Jahr nach einer langen Debatte beschlossen", "", followed, ""},
		{"Persian among ours is Arabic script: ar", "دولت ایران اعلام کرد که قیمت بنزین از هفته آینده افزایش پیدا می‌کند", "", followed, "ar"},
		{"Persian, all allowed", "دولت ایران اعلام کرد که قیمت بنزین از هفته آینده افزایش پیدا می‌کند", "", nil, "fa"},
		{"Persian where fa is followed and ar is not", "دولت ایران اعلام کرد که قیمت بنزین از هفته آینده افزایش پیدا می‌کند", "", []string{"fa", "fr"}, "fa"},
		{"Russian among ours, no hint: unknown", "Правительство объявило о повышении цен на топливо с понедельника", "", followed, ""},
		{"Russian among ours, a source configured as Russian", "Правительство объявило о повышении цен на топливо с понедельника", "ru", followed, "ru"},
		{"a hint outside the allowed set is still the source's", "Maroc : 3 hôpitaux", "pt", followed, "pt"},
	}
	for _, tc := range tests {
		if got := DetectLangAmong(tc.text, tc.hint, tc.allowed); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func BenchmarkDetectLang(b *testing.B) {
	text := "Agadir : que devient le personnel de l'Hôpital Hassan II pendant les travaux ? Sa reconstruction vient d’être actée pour 1,1 milliard de dirhams."
	for b.Loop() {
		DetectLang(text, "en")
	}
}
