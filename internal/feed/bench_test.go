package feed

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"revue/internal/sanitize"
)

// go test -bench . -benchmem ./internal/feed
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"aljazeera-en_all_2026-08-13T04.xml", "hespress-ar_prospect_2026-02-11.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		opt := Options{Now: testNow, FeedURL: "https://example.org/feed", Sanitizer: sanitize.New()}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(context.Background(), data, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseDate(b *testing.B) {
	for _, s := range []string{"Wed, 11 Feb 2026 03:14:52 +0000", "mardi 16 mars 2021 10:00:00 +0100", "الثلاثاء ١٦ مارس ٢٠٢١"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseDate(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
