package feed

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"revue/internal/sanitize"
)

const rssHead = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>`
const itemA = `<item><title>a</title><link>http://x.example/a</link></item>`

// Documents gofeed refuses or reads only in part, what Revue keeps of
// them, and what it says.
func TestParseRepairs(t *testing.T) {
	tests := []struct {
		name, doc string
		items     []string // "title | url" of each item
		notes     []string
	}{
		{"clean", rssHead + itemA + `</channel></rss>`,
			[]string{"a | http://x.example/a"}, nil},
		{"undefined HTML entities, a bare & and a bare <",
			rssHead + `<item><title>a &lt; b&nbsp;c &eacute; AT&T</title><link>http://x.example/a?x=1&y=2</link></item>` + "\n" +
				`<item><title>c < d</title><link>http://x.example/c</link></item></channel></rss>`,
			[]string{"a < b c é AT&T | http://x.example/a?x=1&y=2", "c < d | http://x.example/c"},
			[]string{"malformed XML at line 2 (expected element name after <) was read leniently: 2 items kept"}},
		{"a stray end tag (gofeed loses the link and the next item)",
			rssHead + `<item><title>a</title></p><link>http://x.example/a</link></item><item><title>c</title><link>http://x.example/c</link></item></channel></rss>`,
			[]string{"a | http://x.example/a", "c | http://x.example/c"},
			[]string{"malformed XML at line 1 (unexpected end tag </p>) was read leniently: 2 items kept"}},
		{"an unclosed item (gofeed loses the next)",
			rssHead + `<item><title>a</title><link>http://x.example/a</link>` + "\n" + `<item><title>c</title><link>http://x.example/c</link></item></channel></rss>`,
			[]string{"a | http://x.example/a", "c | http://x.example/c"},
			[]string{"malformed XML at line 2 (<item> not closed before <item>) was read leniently: 2 items kept"}},
		{"mismatched end tags in a description (gofeed loses the next item)",
			rssHead + `<item><title>a</title><link>http://x.example/a</link><description><p><b>x</p></b></description></item>` +
				`<item><title>c</title><link>http://x.example/c</link></item></channel></rss><!-- cached -->`,
			[]string{"a | http://x.example/a", "c | http://x.example/c"},
			[]string{"malformed XML at line 1 (element <b> closed by </p>) was read leniently: 2 items kept"}},
		{"garbage after the root (gofeed reads it: nothing repaired)", rssHead + itemA + "</channel></rss>\n<b>Warning</b>: x",
			[]string{"a | http://x.example/a"}, nil},
		{"cut between two items", rssHead + itemA,
			[]string{"a | http://x.example/a"},
			[]string{"the feed ends before its end: 1 item kept"}},
		{"cut inside an item's link: the cut link is dropped", rssHead + itemA + `<item><title>b</title><link>http://x.exa`,
			[]string{"a | http://x.example/a", "b | "},
			[]string{"the feed ends before its end, inside an entry: 1 whole item kept"}},
		{"the root closed by another end tag (gofeed reads it)", rssHead + itemA + "</channel></body></html>",
			[]string{"a | http://x.example/a"},
			[]string{"malformed XML at line 1 (unexpected end tag </body>) was read leniently: 1 item kept",
				"the feed ends before its end: 1 item kept"}},
		{"the root end tag in capitals", rssHead + itemA + "</channel></RSS >",
			[]string{"a | http://x.example/a"}, nil},
		{"cut one byte short", rssHead + itemA + `</channel></rss`,
			[]string{"a | http://x.example/a"},
			[]string{"the feed ends before its end: 1 item kept"}},
		{"cut before any item", rssHead + `<description>nothing y`, nil,
			[]string{"the feed ends before its end: 0 items kept"}},
		{"an unquoted attribute gofeed stops at",
			rssHead + `<item><title>a</title><link>http://x.example/a</link><enclosure url=http://x.example/i.jpg type=image/jpeg /></item></channel></rss>`,
			[]string{"a | http://x.example/a"},
			[]string{"malformed XML at line 1 (expected /> in element) was read leniently: 1 item kept"}},
		{"an Atom feed inside an XHTML page",
			`<?xml version="1.0"?><!DOCTYPE html><html><body><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>a</title><link href="http://x.example/a"/></entry></feed></body></html>`,
			[]string{"a | http://x.example/a"},
			[]string{"the feed is inside an <html> element; its <feed> was read: 1 item kept"}},
		{"an Atom entry document is a feed of one entry",
			`<entry xmlns="http://www.w3.org/2005/Atom"><title>a</title><link href="http://x.example/a"/><id>urn:a</id></entry>`,
			[]string{"a | http://x.example/a"}, nil},
		{"a cut Atom feed",
			`<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>a</title><link href="http://x.example/a"/></entry><entry><title>b</ti`,
			[]string{"a | http://x.example/a", " | "},
			[]string{"the feed ends before its end, inside an entry: 1 whole item kept"}},
		{"a cut RSS 1.0 feed",
			`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>T</title></channel>` +
				`<item rdf:about="http://x.example/a"><title>a</title><link>http://x.example/a</link></item><item rdf:about="b"><title>b`,
			[]string{"a | http://x.example/a", " | "},
			[]string{"the feed ends before its end, inside an entry: 1 whole item kept"}},
		{"forbidden characters, unclosed HTML and a cut, all at once",
			rssHead + "<item><title>a\x01</title><link>http://x.example/a</link><description><p>x<br>y &#x1F;</description></item>",
			[]string{"a | http://x.example/a"},
			[]string{"2 characters that XML 1.0 forbids were dropped",
				"malformed XML at line 1 (element <p> closed by </description>) was read leniently: 1 item kept",
				"the feed ends before its end: 1 item kept"}},
		{"an item left inside an unclosed channel element",
			rssHead + `<itunes:category text="Technology">` + "\n" + itemA + `</channel></rss>`,
			[]string{"a | http://x.example/a"},
			[]string{"malformed XML at line 2 (<itunes:category> not closed before <item>) was read leniently: 1 item kept"}},
		{"an upper-case X in a hexadecimal reference",
			`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&#X41;</title></entry></feed`,
			[]string{"A | "},
			[]string{"the feed ends before its end: 1 item kept"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(context.Background(), []byte(tt.doc), Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range f.Items {
				got = append(got, it.Title+" | "+it.URL)
			}
			if strings.Join(got, "\n") != strings.Join(tt.items, "\n") {
				t.Errorf("items\n%q\nwant\n%q", got, tt.items)
			}
			if strings.Join(f.Notes, "\n") != strings.Join(tt.notes, "\n") {
				t.Errorf("notes\n%q\nwant\n%q", f.Notes, tt.notes)
			}
		})
	}
}

// A download cut anywhere keeps every whole item as the whole document
// has it, says it was cut, and keeps nothing cut short.
func TestParseTruncatedAnywhere(t *testing.T) {
	opt := Options{Now: testNow, Sanitizer: sanitize.New()}
	for _, name := range []string{"aljazeera-en_all_2026-08-13T04.xml", "atom_1.0.xml", "rss_1.0.xml"} {
		doc, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		full, err := Parse(context.Background(), doc, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Notes) != 0 {
			t.Fatalf("%s: notes %q on the whole document", name, full.Notes)
		}
		// From the end of the root's start tag: a document cut before
		// it is not known to be a feed.
		root := rootElementName(doc)
		start := bytes.Index(doc, []byte("<"+root)) + bytes.IndexByte(doc[bytes.Index(doc, []byte("<"+root)):], '>') + 1
		end := bytes.LastIndex(doc, []byte("</"))
		for cut := start; cut < end; cut += 1 + cut%53 {
			f, err := Parse(context.Background(), doc[:cut], opt)
			if err != nil {
				t.Errorf("%s cut at %d: %v", name, cut, err)
				continue
			}
			if len(f.Notes) == 0 || !strings.HasPrefix(f.Notes[len(f.Notes)-1], "the feed ends before its end") {
				t.Errorf("%s cut at %d: notes %q; want the cut said", name, cut, f.Notes)
			}
			unfinished := strings.Contains(strings.Join(f.Notes, " "), "inside an entry")
			if len(f.Items) > len(full.Items) {
				t.Fatalf("%s cut at %d: %d items, more than the whole document's %d", name, cut, len(f.Items), len(full.Items))
			}
			for i, it := range f.Items {
				want := full.Items[i]
				if unfinished && i == len(f.Items)-1 {
					if it.URL != "" && it.URL != want.URL || it.Title != "" && it.Title != want.Title && it.Title != truncate(it.Summary, 120) {
						t.Errorf("%s cut at %d: the unfinished item has title %q, link %q; want nothing cut short of %q, %q",
							name, cut, it.Title, it.URL, want.Title, want.URL)
					}
					continue
				}
				if it.Title != want.Title || it.URL != want.URL || it.GUID != want.GUID || !it.PublishedAt.Equal(want.PublishedAt) || it.Summary != want.Summary {
					t.Errorf("%s cut at %d: item %d is %q %q %q %v; the whole document has %q %q %q %v",
						name, cut, i, it.Title, it.URL, it.GUID, it.PublishedAt, want.Title, want.URL, want.GUID, want.PublishedAt)
				}
			}
		}
	}
}

// repairXML writes well-formed XML in bounded size and time whatever it is
// given, and never expands an entity a document declares.
func TestRepairXMLOutput(t *testing.T) {
	docs := map[string]string{
		"deep nesting":       rssHead + strings.Repeat("<a>", 200_000) + itemA,
		"deep stray ends":    rssHead + strings.Repeat("<a>", 2000) + strings.Repeat("</b>", 200_000),
		"errors everywhere":  rssHead + strings.Repeat("<item>< x", 50_000),
		"entity declaration": `<!DOCTYPE rss [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` + rssHead + `<item><title>&b;&b;</title></item>`,
		"attributes":         rssHead + `<item a=1 b c="<" d='&amp;"' e:f="x&#9;y">t</item>`,
		"cdata":              rssHead + `<item><title><![CDATA[a]]>b]]></title></item>`,
		"many entries":       rssHead + strings.Repeat("<item><entry><item>", 30_000),
		"many stray entries": strings.Repeat("</item><entry/>", 30_000) + rssHead,
	}
	for name, doc := range docs {
		out, _, err := repairXML(context.Background(), []byte(doc))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(out) > 4*len(doc)+64 {
			t.Errorf("%s: %d bytes out of %d in", name, len(out), len(doc))
		}
		if err := wellFormed(out); err != nil {
			t.Errorf("%s: output is not well-formed: %v\n%.300s", name, err, out)
		}
		if bytes.Contains(out, []byte("AAAAAAAAAA")) {
			t.Errorf("%s: an entity was expanded", name)
		}
	}
	if _, _, err := repairXML(context.Background(), []byte(`<?xml version="1.0"?><html><p>no feed</p></html>`)); !errors.Is(err, errNoFeedRoot) {
		t.Errorf("XML without a feed: %v, want errNoFeedRoot", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := repairXML(ctx, []byte(rssHead)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestHasRootEndTag(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want bool
	}{
		{`<rss><channel/></rss>`, true},
		{"<?xml version=\"1.0\"?>\n<!-- <b>x</b> --><rss><channel/></rss >\n<!-- cached in 0.1 s -->\n", true},
		{`<rdf:RDF xmlns:rdf="r"><item/></rdf:RDF><br><b>Warning</b>: x`, true},
		{`<RSS><channel/></rss>`, true},
		{`<rss><channel/></rss`, false},
		{`<rss><channel/></channel></html>`, false},
		{`<feed><entry/></entry>`, false},
		{`<feed><entry><content><![CDATA[</feed>]]>`, true}, // a cut after a literal end tag is not caught here; gofeed fails on it
		{`<rss>`, false},
		{`no XML`, false},
	} {
		if got := hasRootEndTag([]byte(tc.doc)); got != tc.want {
			t.Errorf("hasRootEndTag(%q) = %v, want %v", tc.doc, got, tc.want)
		}
	}
}

// wellFormed reads doc with encoding/xml in strict mode: one root, every
// element closed by its own end tag, no undefined entity.
func wellFormed(doc []byte) error {
	d := xml.NewDecoder(bytes.NewReader(doc))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if roots != 1 {
				return fmt.Errorf("%d root elements", roots)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// The entry a document ended inside is marked, so a crawler can leave it
// for the next fetch; the whole ones before it are not.
func TestCutEntryIsMarked(t *testing.T) {
	doc := `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>` +
		`<item><title>a</title><link>http://x.example/a</link></item>` +
		`<item><title>b</title><link>http://x.example/b</link><description>half a sen`
	f, err := Parse(context.Background(), []byte(doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 2 || f.Items[0].Cut || !f.Items[1].Cut {
		var cuts []bool
		for _, it := range f.Items {
			cuts = append(cuts, it.Cut)
		}
		t.Errorf("%d items, cut flags %v; want the second only", len(f.Items), cuts)
	}
	whole, err := Parse(context.Background(), []byte(doc[:strings.LastIndex(doc, "<item>")]), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range whole.Items {
		if it.Cut {
			t.Errorf("%q is marked cut in a document cut between items", it.Title)
		}
	}
}
