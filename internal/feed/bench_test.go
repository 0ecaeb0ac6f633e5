package feed

import (
	"bytes"
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

// The checks every XML feed pays for before and after gofeed reads it:
// forbidden characters, the root end tag, the entry start tags.
func BenchmarkCleanXMLChecks(b *testing.B) {
	for _, name := range []string{"aljazeera-en_all_2026-08-13T04.xml", "hespress-ar_prospect_2026-02-11.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, n := dropForbiddenXMLChars(data); n != 0 || !hasRootEndTag(data) || countEntryTags(data) == 0 {
					b.Fatal("the fixture is not a clean feed")
				}
			}
		})
	}
}

// The repair path: the same feeds cut in the middle of an item, and with a
// stray end tag that makes gofeed lose the items after it.
func BenchmarkParseRepaired(b *testing.B) {
	for _, name := range []string{"aljazeera-en_all_2026-08-13T04.xml", "hespress-ar_prospect_2026-02-11.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		mid := bytes.Index(data[len(data)/2:], []byte("<title>")) + len(data)/2 + len("<title>")
		cases := map[string][]byte{
			"cut":       data[:mid+3],
			"stray-end": append(append(append([]byte{}, data[:mid]...), "</p>"...), data[mid:]...),
		}
		opt := Options{Now: testNow, FeedURL: "https://example.org/feed", Sanitizer: sanitize.New()}
		for kind, doc := range cases {
			b.Run(kind+"/"+name, func(b *testing.B) {
				b.SetBytes(int64(len(doc)))
				for b.Loop() {
					f, err := Parse(context.Background(), doc, opt)
					if err != nil || len(f.Notes) == 0 {
						b.Fatalf("%v, notes %q: the repair path was not taken", err, f.Notes)
					}
				}
			})
		}
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
