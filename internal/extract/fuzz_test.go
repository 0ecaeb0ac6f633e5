package extract

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// FuzzExtract feeds arbitrary bytes and content types to Extract: it must
// not panic, and what it returns keeps Page's promises.
//
//	go test -fuzz=FuzzExtract -fuzztime=5m -fuzzminimizetime=5s ./internal/extract
//
// (A short minimization: at the default, a minute per new input, the
// fuzzer spends its time shrinking pages rather than trying new ones.)
func FuzzExtract(f *testing.F) {
	f.Add(fixture(f, "ar-windows-1256.html"), "text/html")
	for _, name := range []string{"fr-liberation.html.gz", "ar-cnn-arabic.html.gz", "aeb-14cc2a0c.html.gz"} {
		page := fixture(f, name)
		// Small seeds: every execution parses, extracts and sanitizes.
		f.Add(page[:min(len(page), 3000)], "")
		f.Add(page[len(page)/2:len(page)/2+3000], "text/html; charset=windows-1252")
	}
	f.Add([]byte(`<html lang="ar"><head><meta name="robots" content="nosnippet"><script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","author":[{"name":"X"}],"image":{"url":"/i.jpg"}}]}</script></head><body><article><h1>T</h1><p>نص <b>x</b>y</p><figure><img data-src="/a.jpg" width="900"></figure><noscript><img src="/b.jpg"></noscript></article></body></html>`), "text/html; charset=utf-8")
	f.Add([]byte("<p>"), "application/octet-stream")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		p, err := Extract(context.Background(), body, contentType, "https://example.org/a/b.html", Rules{})
		if err != nil {
			if !errors.Is(err, ErrNotHTML) && !strings.Contains(err.Error(), "decoding") {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if strings.Contains(p.Text, "\n\n\n") || strings.TrimSpace(p.Text) != p.Text {
			t.Errorf("Text is not paragraphs separated by one blank line: %q", p.Text)
		}
		if p.Words != countWords(p.Text) {
			t.Errorf("Words = %d, Text has %d", p.Words, countWords(p.Text))
		}
		if (p.Text == "") != (p.HTML == "") && p.Text != "" {
			t.Errorf("Text %q but HTML %q", p.Text, p.HTML)
		}
		if strings.Contains(strings.ToLower(p.HTML), "<script") {
			t.Errorf("HTML holds a script: %q", p.HTML)
		}
		for _, u := range append([]string{p.LeadImage, p.CanonicalURL}, imageURLs(p.Images)...) {
			if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				t.Errorf("URL %q is not absolute", u)
			}
		}
	})
}

func imageURLs(images []Image) []string {
	var out []string
	for _, im := range images {
		out = append(out, im.URL)
	}
	return out
}

// FuzzRules checks that any selector an operator may type is either
// refused by Check, in words, or usable by Extract.
//
//	go test -fuzz=FuzzRules -fuzztime=2m -fuzzminimizetime=5s ./internal/extract
func FuzzRules(f *testing.F) {
	page := fixture(f, "fr-liberation.html.gz")
	for _, seed := range [][2]string{{"div.object-content", "p.others"}, {"div[", ""}, {"article > p:nth-child(2n+1)", "[data-x~='y']"}, {":not(", "}"}, {"", "div.author, h2 > .slug"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, body, drop string) {
		r := Rules{Body: body, Drop: []string{drop}}
		err := r.Check()
		if err != nil {
			if !errors.Is(err, ErrInvalidRules) {
				t.Fatalf("Check: %v is not ErrInvalidRules", err)
			}
			return
		}
		if _, err := Extract(context.Background(), page, "text/html", "https://www.liberation.fr/", r); err != nil {
			t.Fatalf("rules %+v passed Check but Extract failed: %v", r, err)
		}
	})
}
