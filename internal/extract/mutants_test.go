package extract

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Tests written to kill the mutants scripts/mutation found alive.

func TestCheckHTMLBoundaries(t *testing.T) {
	tests := []struct {
		name, body, contentType string
		wantErr                 string // "" for none
	}{
		{"a header that is not HTML wins over HTML bytes", "<html><body><p>x</p></body></html>", "application/json", "the server calls it application/json"},
		{"an unreadable header leaves it to the bytes", "<html><body><p>x</p></body></html>", "text/html; charset", ""},
		{"a page whose text mentions <rss", "<html><body><p>see <rss here</p></body></html>", "", ""},
		{"a feed whose text mentions <html", "<rss><channel><description>&lt;<html></description></channel></rss>", "", "it looks like a feed"},
		{"white space only", " \n\t ", "", "the body is empty"},
		{"plain words", "just some words", "", "it looks like text/plain"},
	}
	for _, tt := range tests {
		err := checkHTML([]byte(tt.body), tt.contentType)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v, want no error", tt.name, err)
		case tt.wantErr != "" && (!errors.Is(err, ErrNotHTML) || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want ErrNotHTML saying %q", tt.name, err, tt.wantErr)
		}
	}
}

// An error names the page, or says "the page" when it has no URL.
func TestExtractErrorNamesThePage(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for pageURL, want := range map[string]string{"": "extracting the page: ", "https://example.com/a": "extracting https://example.com/a: "} {
		_, err := Extract(ctx, []byte("<p>x</p>"), "text/html", pageURL, Rules{})
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Extract(%q) with a cancelled context: err = %v, want it to start %q", pageURL, err, want)
		}
	}
}

// When the two results are close, the other one is taken only when it
// is long enough and ours has no paragraph or more tables than paragraphs.
func TestPreferCandidateWhenClose(t *testing.T) {
	text := func(n int) *html.Node { return &html.Node{Type: html.TextNode, Data: strings.Repeat("a", n)} }
	tests := []struct {
		alt, got, paras, tables int
		want                    bool
	}{
		{2*minArticleChars + 1, 400, 0, 0, true},
		{2 * minArticleChars, 400, 0, 0, false},
		{300, 200, 0, 0, false},
		{2*minArticleChars + 1, 400, 2, 0, false},
		{2*minArticleChars + 1, 400, 1, 1, false},
		{2*minArticleChars + 1, 400, 1, 2, true},
	}
	for _, tt := range tests {
		if got := preferCandidate(text(tt.alt), nil, tt.got, tt.paras, tt.tables); got != tt.want {
			t.Errorf("preferCandidate(%d chars against %d, %d paragraphs, %d tables) = %v, want %v", tt.alt, tt.got, tt.paras, tt.tables, got, tt.want)
		}
	}
}

// textLength counts the text as collapsed: runs of white space are one
// space, none at the ends.
func TestTextLength(t *testing.T) {
	for s, want := range map[string]int{"": 0, " ": 0, "ab": 2, " a  b ": 3, "a\n\tb": 3} {
		if got := textLength(&html.Node{Type: html.TextNode, Data: s}); got != want {
			t.Errorf("textLength(%q) = %d, want %d", s, got, want)
		}
	}
}

// parse returns the <body> of an HTML fragment.
func parseBody(t *testing.T, fragment string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader("<html><body>" + fragment + "</body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	return doc.FirstChild.FirstChild.NextSibling
}

func TestBlockCounts(t *testing.T) {
	paras, tables := blockCounts(parseBody(t, "<p></p><p> </p><p>x</p><div><p>y</p></div><table><tr><td>t</td></tr></table>"))
	if paras != 2 || tables != 1 {
		t.Errorf("blockCounts = %d paragraphs, %d tables; want 2 and 1", paras, tables)
	}
}

// contains: most of part's paragraphs (<p>, <li>, <blockquote> of 20
// letters or more) are in whole.
func TestContains(t *testing.T) {
	const (
		in    = "abcdefghij klmnopqrst uvw" // in whole
		out   = "zyxwvutsrq ponmlkjihg fed" // not
		out20 = "zyxwvutsrq ponmlkjihg"     // 20 letters, not in whole
		out19 = "zyxwvutsrq ponmlkjih"      // 19: too short to count
	)
	whole := parseBody(t, "<div><p>"+in+"</p><p>more text here</p></div>")
	tests := []struct {
		part string
		want bool
	}{
		{"<p>" + in + "</p>", true},
		{"<p>" + out + "</p>", false},
		{"<li>" + out + "</li>", false},
		{"<blockquote>" + out + "</blockquote>", false},
		{"<div>" + out + "</div>", true}, // no paragraph at all
		{"<p>" + out20 + "</p>", false},
		{"<p>" + out19 + "</p>", true},
		{"<p>" + in + "</p><p>" + out + "</p>", true}, // half is most
		{"<p>" + in + "</p><p>" + out + "</p><p>" + out + "</p>", false},
	}
	for _, tt := range tests {
		if got := contains(whole, parseBody(t, tt.part)); got != tt.want {
			t.Errorf("contains(whole, %q) = %v, want %v", tt.part, got, tt.want)
		}
	}
}

// The first of each page-wide declaration wins: <html lang>, <title>,
// <base>, rel=canonical and rel=image_src. A <base> that does not resolve
// leaves the page URL.
func TestReadMetaFirstDeclarationWins(t *testing.T) {
	page := `<html lang="fr"><head><title>Premier titre</title><title>Second</title>
<base href="https://cdn.example/a/"><base href="https://other.example/">
<link rel="canonical" href="c1"><link rel="canonical" href="c2">
<link rel="image_src" href="i1.jpg"><link rel="image_src" href="i2.jpg"></head>
<body><html lang="en"></html><p>x</p></body></html>`
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	m := readMeta(doc, "https://news.example/story")
	want := [5]string{"fr", "https://cdn.example/a/", "https://cdn.example/a/c1", "https://cdn.example/a/i1.jpg", "Premier titre"}
	got := [5]string{m.lang, m.baseURL, m.canonical, m.leadImage, m.title}
	if got != want {
		t.Errorf("readMeta: lang, base, canonical, image, title = %q, want %q", got, want)
	}
	doc, err = html.Parse(strings.NewReader(`<html><head><base href="http://[::1"></head><body></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	if m := readMeta(doc, "https://news.example/story"); m.baseURL != "https://news.example/story" {
		t.Errorf("with a broken <base>: baseURL = %q, want the page URL", m.baseURL)
	}
}
