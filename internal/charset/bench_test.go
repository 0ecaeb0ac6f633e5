package charset

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"revue/internal/shareddata"
)

// go test -run '^$' -bench . -benchmem ./internal/charset
func BenchmarkToUTF8(b *testing.B) {
	for _, name := range []string{"windows-1251-aif.ru.health.xml", "cercle.psy.xml"} {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, _, err := ToUTF8(body, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkToUTF8Detection measures what detection costs where ToUTF8 runs
// on every fetch: a typical feed labeled UTF-8 (which must not pay for
// detection at all), and a 100 KB page with no label at all.
func BenchmarkToUTF8Detection(b *testing.B) {
	rue89, err := os.ReadFile(shareddata.Testdata(b, "feeds", "real", "picofeed", "rue89.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("labeled-utf-8-feed-rue89-102KB", func(b *testing.B) {
		benchmarkToUTF8(b, rue89, "application/rss+xml; charset=UTF-8", "utf-8")
	})
	page := unlabeledArabicPage(b, 100<<10)
	b.Run("unlabeled-windows-1256-page-100KB", func(b *testing.B) {
		benchmarkToUTF8(b, page, "", "windows-1256")
	})
}

func benchmarkToUTF8(b *testing.B, body []byte, contentType, want string) {
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		_, name, err := ToUTF8(body, contentType)
		if err != nil {
			b.Fatal(err)
		}
		if name != want {
			b.Fatalf("decoded as %s, want %s", name, want)
		}
	}
}

// unlabeledArabicPage is a real Arabic news page (assabah.com.tn, from
// trafilatura's evaluation set) as an old Arabic CMS serves it: in
// windows-1256 with its <meta> charset removed, repeated to size bytes so
// that the figure is per 100 KB; markup, scripts and text keep the page's
// own proportions.
func unlabeledArabicPage(b *testing.B, size int) []byte {
	path := shareddata.Testdata(b, "articles", "trafilatura-eval", "html", "assabah.com.tn.article.html.gz")
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	html, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	encoded, err := charmap.Windows1256.NewEncoder().Bytes(html)
	if err != nil {
		b.Fatalf("%s: %v", path, err)
	}
	encoded = withoutLabels(encoded)
	page := bytes.Repeat(encoded, size/len(encoded)+1)[:size]
	return page
}
