package charset

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"revue/internal/shareddata"
)

func TestToUTF8(t *testing.T) {
	tests := []struct {
		file, contentType string
		wantEncoding      string
		wantText          string // must appear in the decoded document
	}{
		// Arabic snippets carry no declaration: the HTTP header decides.
		{"windows-1256-arabic.html", "text/html; charset=windows-1256", "windows-1256", "أعلنت كتائب الشهيد عز الدين القسام"},
		{"iso-8859-6-arabic.html", "text/html; charset=ISO-8859-6", "iso-8859-6", "أعلنت كتائب الشهيد عز الدين القسام"},
		{"windows-1251-aif.ru.health.xml", "", "windows-1251", `Интернет-версия издания "АиФ Здоровье"`},
		{"windows-1251-aif.ru.health.xml", "application/rss+xml", "windows-1251", "Интернет-версия"},
		{"bom-utf-16-le.srt", "", "utf-16le", "About 2 months ago I found myself on"},
		{"bom-utf-16-be.srt", "", "utf-16be", "About 2 months ago I found myself on"},
		// ISO-8859-1 is decoded as windows-1252, its WHATWG superset.
		{"iso-8859-1-rss_0.91_missing_id.xml", "", "windows-1252", "Diputación de valencia"},
		{"iso-8859-1-rss_0.91_missing_id.xml", "text/xml", "windows-1252", "TÉCNICO/A"},
		{"feedparser-utf-16be-autodetect.xml", "", "utf-16be", "<rss"},
		{"feedparser-utf-16le-bom.xml", "", "utf-16le", "<rss"},
		{"feedparser-utf-32le-bom.xml", "", "utf-32le", "<rss"},
		{"feedparser-utf-8-bom.xml", "", "utf-8", "<rss"},
		{"feedparser-euc-kr.xml", "", "euc-kr", "<title>\ub144</title>"},
		// The HTTP charset wins over the prolog.
		{"feedparser-http_text_xml_charset_overrides_encoding.xml", "text/xml;charset = us-ascii", "windows-1252", "<rss"},
		// Declared UTF-8 over Latin-1 bytes: the bytes win.
		{"miniflux-iso88591_utf8_mismatch.xml", "", "windows-1252", "Anaïs"},
		// Latin-1 bytes, no declaration at all.
		{"cercle.psy.xml", "", "windows-1252", "Stéphane Gumpper"},
		// No label at all: detection reads the bytes.
		{"windows-1256-arabic.html", "", "windows-1256", "أعلنت كتائب الشهيد عز الدين القسام"},
		{"iso-8859-6-arabic.html", "", "iso-8859-6", "أعلنت كتائب الشهيد عز الدين القسام"},
		{"windows-1255-hebrew.html", "", "windows-1255", "במקביל לישיבת הקבינט"},
		{"windows-1251-russian.html", "", "windows-1251", "МОСКВА, 9 янв - РИА Новости"},
		{"iso-8859-7-greek.html", "", "iso-8859-7", "Με ομιλία της στο κέντρο"},
		{"nobom-utf-16le.txt", "", "utf-16le", "DateTime,Bid,Ask"},
		{"nobom-utf-16be.txt", "", "utf-16be", "DateTime,Bid,Ask"},
		// Labels the bytes contradict: a server default, a server-wide
		// UTF-8, the other Arabic encoding.
		{"windows-1256-arabic.html", "text/html; charset=ISO-8859-1", "windows-1256", "أعلنت كتائب الشهيد"},
		{"windows-1256-arabic.html", "text/html; charset=utf-8", "windows-1256", "أعلنت كتائب الشهيد"},
		{"iso-8859-6-arabic.html", "text/html; charset=windows-1256", "iso-8859-6", "أعلنت كتائب الشهيد"},
		{"windows-1255-hebrew.html", "text/html; charset=windows-1251", "windows-1255", "במקביל לישיבת הקבינט"},
		// A right label wins even where detection alone would not: this
		// feed's only text is "éàùç€@ïî", which reads as Hebrew unlabeled.
		{"picofeed-rss_20_iso8859-15.xml", "", "iso-8859-15", "éàùç€@ïî"},
		{"picofeed-rss_20_iso8859-15.xml", "application/rss+xml; charset=ISO-8859-15", "iso-8859-15", "éàùç€@ïî"},
		{"windows-1251-russian.html", "text/html; charset=windows-1251", "windows-1251", "МОСКВА"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"|"+tt.contentType, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, enc, err := ToUTF8(body, tt.contentType)
			if err != nil {
				t.Fatalf("ToUTF8: %v", err)
			}
			if enc != tt.wantEncoding {
				t.Errorf("encoding = %q, want %q", enc, tt.wantEncoding)
			}
			if !strings.Contains(string(got), tt.wantText) {
				t.Errorf("decoded text lacks %q; starts %q", tt.wantText, truncate(got, 300))
			}
			if bytes.HasPrefix(got, []byte("\xEF\xBB\xBF")) {
				t.Errorf("BOM kept in output")
			}
			if decl := xmlDeclEncoding(got); decl != "" {
				t.Errorf("XML declaration still names encoding %q after decoding", decl)
			}
		})
	}
}

// The prolog rewrite is what keeps gofeed from decoding a second time.
func TestToUTF8RewritesXMLDeclaration(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<?xml version="1.0" encoding="windows-1251"?><rss/>`, `<?xml version="1.0"?><rss/>`},
		{`<?xml version='1.0' encoding='ISO-8859-1' standalone='yes'?><rss/>`, `<?xml version='1.0' standalone='yes'?><rss/>`},
		{`<?xml version="1.0"?><rss/>`, `<?xml version="1.0"?><rss/>`},
		{`<rss><title>encoding="x"</title></rss>`, `<rss><title>encoding="x"</title></rss>`},
	}
	for _, tt := range tests {
		got, _, err := ToUTF8([]byte(tt.in), "")
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("ToUTF8(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToUTF8Detection(t *testing.T) {
	tests := []struct {
		name, body, contentType, want string
	}{
		{"meta charset", `<html><head><meta charset="windows-1256"></head><body>` + "\xc7\xe1\xe3\xdb\xd1\xc8" + `</body></html>`, "", "windows-1256"},
		{"meta http-equiv", `<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head></html>`, "", "koi8-r"},
		{"valid utf-8 without declaration", "<rss><title>Café</title></rss>", "", "utf-8"},
		{"mostly utf-8 with one stray byte", "<rss><title>Café à Fès, déjà vu, l'été \xff</title></rss>", "", "utf-8"},
		{"latin-1 declared over utf-8 bytes", `<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>Café</title></rss>`, "", "utf-8"},
		{"unknown label falls through", `<?xml version="1.0" encoding="x-bogus"?><rss><title>Caf` + "\xe9" + `</title></rss>`, "", "windows-1252"},
		{"empty", "", "", "utf-8"},
		{"server-wide utf-8 header over a windows-1256 feed", `<?xml version="1.0" encoding="windows-1256"?><rss><title>` + "\xc7\xe1\xe3\xdb\xd1\xc8" + `</title></rss>`, "application/rss+xml; charset=utf-8", "windows-1256"},
		{"utf-8 header over latin-1 bytes, no declaration", "<rss><title>Caf\xe9 \xe0 F\xe8s</title></rss>", "text/xml; charset=UTF-8", "windows-1252"},
		{"utf-8 header over utf-8 bytes, prolog says latin-1", `<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>Café</title></rss>`, "text/xml; charset=utf-8", "utf-8"},
		{"one accented letter in English", "<p>The caf\xe9 opened on Monday</p>", "", "windows-1252"},
		{"ISO-8859-15: œ and € where windows-1252 has ½ and ¤", "<p>Le c\xbdur du budget : 10 \xa4 par foyer, soit une \xbduvre de longue haleine</p>", "", "iso-8859-15"},
		{"French in windows-1256 under its own label", `<meta charset="windows-1256"><p>Le pr` + "\xe9sident a d\xe9clar\xe9 \xe0 la presse" + `</p>`, "", "windows-1256"},
		{"Moroccan page, Arabic and French in windows-1256, no label", "<p>\xc7\xe1\xd1\xc8\xc7\xd8 \xda\xc7\xd5\xe3\xc9 \xc7\xe1\xe3\xdb\xd1\xc8</p><p>Rabat, la capitale du Maroc, a \xe9t\xe9 choisie</p>", "", "windows-1256"},
		{"a one-word Arabic title, no label: not capitals of Cyrillic", "<title>\xc3\xce\xc8\xc7\xd1</title>", "", "windows-1256"},
		{"a two-word Arabic title under a server's ISO-8859-1", "<title>\xc3\xce\xc8\xc7\xd1 \xc7\xe1\xe3\xdb\xd1\xc8</title>", "text/html; charset=ISO-8859-1", "windows-1256"},
		{"Arabic in windows-1256 declared in the prolog as ISO-8859-1", `<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>` + "\xc7\xe1\xd1\xc8\xc7\xd8 \xda\xc7\xd5\xe3\xc9 \xc7\xe1\xe3\xdb\xd1\xc8" + `</title></rss>`, "", "windows-1256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, enc, err := ToUTF8([]byte(tt.body), tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tt.want {
				t.Errorf("encoding = %q, want %q", enc, tt.want)
			}
		})
	}
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

func FuzzToUTF8(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && !strings.HasSuffix(name, ".md") {
			f.Add(b, "")
			f.Add(withoutLabels(b), "text/html; charset=iso-8859-1")
		}
	}
	f.Add([]byte(`<?xml version="1.0" encoding="utf-16"?><rss/>`), "text/xml; charset=utf-16")
	f.Add([]byte{0xff, 0xfe, 0, 0, '<', 0, 0, 0}, "")
	f.Add([]byte("<p>\xc7\xe1\xe3\xdb\xd1\xc8 Rabat \xe9t\xe9</p>"), "text/html; charset=windows-1256")
	f.Add([]byte("D\x00a\x00t\x00e\x00"), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		check := func(contentType string) string {
			out, enc, err := ToUTF8(body, contentType)
			if err != nil {
				return ""
			}
			if enc == "" {
				t.Fatalf("no encoding name for %q", body)
			}
			if !utf8.Valid(out) {
				t.Fatalf("output is not UTF-8 (encoding %s, Content-Type %q)", enc, contentType)
			}
			return enc
		}
		check(contentType)
		// Whatever the fuzzer's label, also take the paths that detect:
		// no label at all, and a label detection may overrule.
		check("")
		check("text/html; charset=windows-1252")
		best, scores, _ := detectSingleByte(body, nil)
		for i, score := range scores {
			if score != score || score > scores[slices.Index(candidates, best)] {
				t.Fatalf("%s scored %v, above the chosen %s", candidates[i].name, score, best.name)
			}
		}
	})
}

func TestRepairDoubleEncodedUTF8(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"Le Monde title", "<title>Le Monde.fr - ActualitÃ©s et Infos</title><title>Piratage imputÃ© Ã\u00a0 la Russie</title><title>La Â«Â\u00a0bulleÂ\u00a0Â» Macron rÃ©siste</title>",
			"<title>Le Monde.fr - Actualités et Infos</title><title>Piratage imputé à la Russie</title><title>La «\u00a0bulle\u00a0» Macron résiste</title>"},
		{"curly quotes and dashes", "lâ€™Ã©tÃ© â€” â€œbienâ€\u009d", "l’été — “bien”"},
		{"a lone sequence is left alone", "<title>Ã© seul</title>", "<title>Ã© seul</title>"},
		{"Portuguese capitals are text, not mojibake", "NÃO É VERDADE, NÃO, NÃO", "NÃO É VERDADE, NÃO, NÃO"},
		{"Arabic is untouched", "أسعار البيض تتحرك قبيل رمضان", "أسعار البيض تتحرك قبيل رمضان"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(repairDoubleEncoded([]byte(tc.in))); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestRepairDoubleEncodedRealFeeds(t *testing.T) {
	root := shareddata.Testdata(t, "feeds", "real", "feedreader-dotnet")
	for _, tc := range []struct{ file, want string }{
		{"Rss20LeMonde.xml", "Actualités"},
		{"Rss20Spiegel.xml", "für"},
	} {
		body, err := os.ReadFile(filepath.Join(root, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := ToUTF8(body, "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "Ã©") || strings.Contains(string(out), "Ã¼") {
			t.Errorf("%s: still double-encoded (want %q)", tc.file, tc.want)
		}
	}
}
