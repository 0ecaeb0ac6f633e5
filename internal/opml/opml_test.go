package opml

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []Outline
	}{
		{
			file: "nested-1.0.opml",
			want: []Outline{
				{Title: "Le Desk", FeedURL: "https://ledesk.ma/feed/", SiteURL: "https://ledesk.ma/"},
				{Title: "TelQuel", FeedURL: "https://telquel.ma/feed", SiteURL: "https://telquel.ma", Section: "Maroc"},
				{Title: "LesEco.ma", FeedURL: "https://leseco.ma/feed", Section: "Économie"},
				{Title: "Challenge", FeedURL: "https://www.challenge.ma/feed/", Lang: "fr", Section: "Économie"},
				{Title: "Hesport", FeedURL: "https://www.hesport.com/feed", Lang: "ar", Section: "Sport"},
			},
		},
		{
			file: "revue-2.0.opml",
			want: []Outline{
				{Title: "هسبريس", FeedURL: "https://www.hespress.com/feed", Lang: "ar", Section: "actualite"},
				{Title: "كشـ 24", FeedURL: "https://kech24.com/feed", Lang: "ar", Section: "regions", Region: "marrakech-safi"},
				{Title: "Elbotola — البطولة", FeedURL: "https://www.elbotola.com/rss", Lang: "ar", Section: "sport"},
				{Title: "Hespress FR — économie", FeedURL: "https://fr.hespress.com/economie/feed", Lang: "fr", Section: "economie"},
			},
		},
		{
			file: "latin1-1.1.opml",
			want: []Outline{
				{Title: "Le Matin édition française", FeedURL: "https://lematin.ma/rssFeed/0", Section: "Société"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := Parse(f)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse got\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	in := []Outline{
		{Title: "هسبريس — سياسة", FeedURL: "https://www.hespress.com/politique/feed", Lang: "ar", Section: "politique"},
		{Title: "Kech24 (كشـ 24)", FeedURL: "https://kech24.com/feed", SiteURL: "https://kech24.com/", Lang: "ar", Section: "regions", Region: "marrakech-safi"},
		{Title: `Quotes " & <angles> 'apostrophes'`, FeedURL: "https://example.org/feed?a=1&b=2", Lang: "en"},
		{Title: "El País", FeedURL: "https://feeds.elpais.com/mrss-s/pages/ep/site/elpais.com/portada", Lang: "es", Section: "international"},
		{Title: "", FeedURL: "https://www.bladi.net/spip.php?page=backend"},
	}
	now := time.Date(2026, 11, 30, 9, 15, 0, 0, time.FixedZone("WEST", 3600))
	var buf bytes.Buffer
	if err := Write(&buf, "Revue — المصادر", in, now); err != nil {
		t.Fatalf("Write: %v", err)
	}
	doc := buf.String()
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>`,
		`<opml version="2.0" xmlns:revue="https://revue.invalid/opml">`,
		`<dateCreated>Mon, 30 Nov 2026 08:15:00 +0000</dateCreated>`,
		`<title>Revue — المصادر</title>`,
		`revue:region="marrakech-safi"`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("written document lacks %s:\n%s", want, doc)
		}
	}
	out, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("Parse of written document: %v\n%s", err, doc)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip changed the outlines\n got %#v\nwant %#v", out, in)
	}
}

func TestWriteRejectsOutlineWithoutFeedURL(t *testing.T) {
	err := Write(io.Discard, "x", []Outline{{Title: "Sans flux"}}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "Sans flux") {
		t.Fatalf("Write error = %v, want one naming the outline", err)
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  error // nil: any error
		words string
	}{
		{name: "empty", input: "", want: ErrNotOPML, words: "empty"},
		{name: "RSS instead of OPML", input: `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>`, want: ErrNotOPML, words: "<rss>"},
		{name: "HTML page", input: "<!DOCTYPE html><html><head><title>Login</title></head><body><p>Hello<br></body></html>", want: ErrNotOPML, words: "not well-formed"},
		{name: "truncated", input: `<opml version="2.0"><body><outline text="a" xmlUrl="https://x/feed"`, want: ErrNotOPML, words: "not well-formed"},
		{name: "no body", input: `<opml version="2.0"><head><title>x</title></head></opml>`, want: ErrNotOPML, words: "no <body>"},
		{name: "JSON", input: `{"feeds": ["https://x/feed"]}`, want: ErrNotOPML},
		{name: "unknown encoding", input: `<?xml version="1.0" encoding="x-klingon"?><opml><body/></opml>`, words: "x-klingon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("Parse succeeded with %#v, want an error", got)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %q does not wrap %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.words) {
				t.Errorf("error %q does not say %q", err, tt.words)
			}
		})
	}
}

func TestParseCapsInputSize(t *testing.T) {
	head := `<opml version="2.0"><body><outline text="`
	tail := `" xmlUrl="https://x/feed"/></body></opml>`
	// Exactly at the cap: accepted.
	fits := head + strings.Repeat("a", MaxSize-len(head)-len(tail)) + tail
	got, err := Parse(strings.NewReader(fits))
	if err != nil || len(got) != 1 {
		t.Fatalf("document of exactly MaxSize: got %d outlines, err %v", len(got), err)
	}
	// One byte over: refused with ErrTooLarge, not a syntax error.
	over := head + strings.Repeat("a", MaxSize-len(head)-len(tail)+1) + tail
	if _, err := Parse(strings.NewReader(over)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized document: err = %v, want ErrTooLarge", err)
	}
}

func BenchmarkParse(b *testing.B) {
	var list []Outline
	for i := range 5000 {
		list = append(list, Outline{Title: "هسبريس", FeedURL: "https://example.org/feed/" + strings.Repeat("x", i%50), Lang: "ar", Section: "actualite"})
	}
	var buf bytes.Buffer
	if err := Write(&buf, "bench", list, time.Unix(0, 0)); err != nil {
		b.Fatal(err)
	}
	doc := buf.Bytes()
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for range b.N {
		if _, err := Parse(bytes.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
}
