// Package opml reads and writes subscription lists in OPML (1.0, 1.1 and
// 2.0), the format every feed reader imports and exports.
//
// Revue's own per-source settings travel as two extension attributes in the
// namespace https://revue.invalid/opml, declared on the root element:
//
//	<opml version="2.0" xmlns:revue="https://revue.invalid/opml">
//	  <outline type="rss" text="Hespress" xmlUrl="…" language="ar"
//	           revue:section="politique" revue:region="souss-massa"/>
//
// A namespace was chosen over OPML's own "category" attribute because
// category is a free list of slash paths that other readers fill with their
// own tags; a namespaced attribute cannot be confused with them, and readers
// that do not know it ignore it, as XML namespaces intend.
package opml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Namespace is the XML namespace of Revue's extension attributes.
const Namespace = "https://revue.invalid/opml"

// MaxSize is the largest document Parse reads. A subscription list of tens of
// thousands of feeds is a few MiB; anything larger is not one.
const MaxSize = 10 << 20

// ErrTooLarge is wrapped when the input exceeds MaxSize.
var ErrTooLarge = errors.New("OPML document larger than 10 MiB")

// ErrNotOPML is wrapped when the input is well-formed XML but not OPML.
var ErrNotOPML = errors.New("not an OPML document")

// Outline is one feed subscription.
type Outline struct {
	Title   string
	FeedURL string
	SiteURL string
	Lang    string
	Section string // Revue section slug, or the enclosing folder's name
	Region  string // region slug, or empty
}

// rawOutline keeps every attribute, because exporters disagree on their
// spelling (xmlUrl, xmlURL, xmlurl) and on namespaces.
type rawOutline struct {
	Attrs    []xml.Attr   `xml:",any,attr"`
	Children []rawOutline `xml:"outline"`
}

type document struct {
	XMLName xml.Name
	Version string   `xml:"version,attr"`
	Body    *rawBody `xml:"body"`
}

type rawBody struct {
	Outlines []rawOutline `xml:"outline"`
}

// Parse reads an OPML document and returns its feeds in document order.
// Folders (outlines without xmlUrl that hold others) are flattened: a feed
// without its own revue:section takes the nearest enclosing folder's
// revue:section, else that folder's text (or title) as it is; mapping a
// folder name to a known section slug is left to the caller. Outlines without
// xmlUrl are skipped. Documents in a declared non-UTF-8 encoding are decoded.
func Parse(r io.Reader) ([]Outline, error) {
	dec := xml.NewDecoder(&cappedReader{r: r, left: MaxSize})
	dec.CharsetReader = charset.NewReaderLabel
	var doc document
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, fmt.Errorf("reading OPML: %w", ErrTooLarge)
		}
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("reading OPML: %w: the input is empty", ErrNotOPML)
		}
		var syntax *xml.SyntaxError
		if errors.As(err, &syntax) {
			return nil, fmt.Errorf("reading OPML: %w: the file is not well-formed XML (%w)", ErrNotOPML, err)
		}
		return nil, fmt.Errorf("reading OPML: %w", err)
	}
	if doc.XMLName.Local != "opml" {
		return nil, fmt.Errorf("reading OPML: %w: the root element is <%s>, not <opml>", ErrNotOPML, doc.XMLName.Local)
	}
	if doc.Body == nil {
		return nil, fmt.Errorf("reading OPML: %w: <opml> has no <body>", ErrNotOPML)
	}
	var out []Outline
	collect(doc.Body.Outlines, "", "", &out)
	return out, nil
}

// collect walks a level of outlines; section and region are inherited from
// the enclosing folders.
func collect(level []rawOutline, section, region string, out *[]Outline) {
	for _, o := range level {
		feedURL := o.attr("xmlUrl")
		if feedURL == "" {
			folderSection := o.revueAttr("section")
			if folderSection == "" {
				folderSection = o.title()
			}
			if folderSection == "" {
				folderSection = section
			}
			folderRegion := o.revueAttr("region")
			if folderRegion == "" {
				folderRegion = region
			}
			collect(o.Children, folderSection, folderRegion, out)
			continue
		}
		item := Outline{
			Title:   o.title(),
			FeedURL: feedURL,
			SiteURL: o.attr("htmlUrl"),
			Lang:    o.attr("language"),
			Section: o.revueAttr("section"),
			Region:  o.revueAttr("region"),
		}
		if item.Section == "" {
			item.Section = section
		}
		if item.Region == "" {
			item.Region = region
		}
		*out = append(*out, item)
		// A feed outline with children is unusual but legal; its children are
		// feeds of the same folder, not of the feed.
		collect(o.Children, section, region, out)
	}
}

// attr finds an un-namespaced attribute, ignoring case.
func (o rawOutline) attr(name string) string {
	for _, a := range o.Attrs {
		if a.Name.Space == "" && strings.EqualFold(a.Name.Local, name) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// revueAttr finds one of Revue's extension attributes. An undeclared
// "revue:" prefix (the decoder then reports the prefix as the namespace) is
// accepted too, since hand-edited files forget the xmlns declaration.
func (o rawOutline) revueAttr(name string) string {
	for _, a := range o.Attrs {
		if (a.Name.Space == Namespace || a.Name.Space == "revue") && a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

func (o rawOutline) title() string {
	if t := o.attr("text"); t != "" {
		return t
	}
	return o.attr("title")
}

// cappedReader fails instead of silently truncating, so an oversized file
// gives a clear error rather than an XML syntax error at the cut.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// Probe for one more byte: a document of exactly MaxSize is fine.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, ErrTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// Write writes outlines as an OPML 2.0 document in UTF-8, one flat list in
// the given order, with Revue's section and region as extension attributes.
// The output round-trips through Parse. now is the document's dateCreated.
func Write(w io.Writer, title string, outlines []Outline, now time.Time) error {
	for i, o := range outlines {
		if strings.TrimSpace(o.FeedURL) == "" {
			return fmt.Errorf("writing OPML: outline %d (%q) has no feed URL", i+1, o.Title)
		}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing OPML: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")

	// The prefix is written literally: encoding/xml invents its own prefixes
	// for namespaced attributes, which would make the file harder to read and
	// to diff.
	root := xml.StartElement{Name: xml.Name{Local: "opml"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "version"}, Value: "2.0"},
		{Name: xml.Name{Local: "xmlns:revue"}, Value: Namespace},
	}}
	head := xml.StartElement{Name: xml.Name{Local: "head"}}
	body := xml.StartElement{Name: xml.Name{Local: "body"}}

	tokens := []xml.Token{root, head}
	tokens = append(tokens, textElement("title", title)...)
	// OPML asks for RFC 822 dates; the four-digit-year form is what every
	// reader parses.
	tokens = append(tokens, textElement("dateCreated", now.UTC().Format(time.RFC1123Z))...)
	tokens = append(tokens, head.End(), body)
	for _, o := range outlines {
		el := xml.StartElement{Name: xml.Name{Local: "outline"}, Attr: []xml.Attr{
			{Name: xml.Name{Local: "type"}, Value: "rss"},
			// text is required by the spec even when empty.
			{Name: xml.Name{Local: "text"}, Value: o.Title},
		}}
		add := func(name, value string) {
			if value != "" {
				el.Attr = append(el.Attr, xml.Attr{Name: xml.Name{Local: name}, Value: value})
			}
		}
		add("title", o.Title)
		add("xmlUrl", o.FeedURL)
		add("htmlUrl", o.SiteURL)
		add("language", o.Lang)
		add("revue:section", o.Section)
		add("revue:region", o.Region)
		tokens = append(tokens, el, el.End())
	}
	tokens = append(tokens, body.End(), root.End())
	for _, t := range tokens {
		if err := enc.EncodeToken(t); err != nil {
			return fmt.Errorf("writing OPML: %w", err)
		}
	}
	if err := enc.Flush(); err != nil {
		return fmt.Errorf("writing OPML: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("writing OPML: %w", err)
	}
	return nil
}

func textElement(name, text string) []xml.Token {
	start := xml.StartElement{Name: xml.Name{Local: name}}
	return []xml.Token{start, xml.CharData(text), start.End()}
}
