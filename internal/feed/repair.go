package feed

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// repairReport says what repairXML changed, for the notes of a feed.
type repairReport struct {
	problem       string // the first repair, in the decoder's words; "" when none
	problemLine   int
	truncated     bool   // the document ends before its root element does
	unfinished    bool   // … inside an item, whose unfinished element was dropped
	wrapper       string // the element the feed was found inside ("html"), if any
	entryDocument bool   // an Atom entry document, read as a feed of one entry
	root          string // the feed's root element as written ("rss", "rdf:RDF")
}

// Bounds on hostile input: the repair is linear in the document, but each
// syntax error restarts the decoder, and a document made of errors would
// otherwise cost thousands of restarts for nothing worth reading.
const (
	maxRepairRestarts = 1000
	maxRepairDepth    = 1024
)

// errNoFeedRoot is returned by repairXML for XML holding no feed element.
var errNoFeedRoot = errors.New("no <rss>, <feed> or <rdf:RDF> element")

// htmlVoidElements are written self-closed: HTML pasted unescaped into a
// description leaves <br> and <img> open. Names RSS also uses ("link",
// "source") are left out on purpose.
var htmlVoidElements = map[string]bool{
	"area": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "meta": true, "param": true, "track": true, "wbr": true,
}

// repairXML re-reads a malformed or truncated XML feed the way lenient
// readers do and writes it back well-formed, for gofeed to read again:
//
//   - characters are read with encoding/xml's non-strict tokenizer, which
//     takes HTML entities (&nbsp;, &eacute;), bare "&", unquoted attribute
//     values and attributes without values;
//   - an end tag closes the elements left open inside it; an end tag that
//     closes nothing is dropped; an <item> or <entry> closes what was left
//     open inside the channel or feed; HTML void elements (<br>, <img>)
//     are closed at once; "&#X41;" is read as "&#x41;";
//   - a syntax error turns the bytes it covers into text and reading goes
//     on after them;
//   - at the end of the input every open element is closed; the element an
//     unfinished item was in the middle of is dropped, so no cut title or
//     link is kept;
//   - the feed is looked for inside a wrapper (an XHTML page holding an
//     Atom feed), an Atom entry document becomes a feed of one entry, and
//     anything after the root element is ignored;
//   - DOCTYPE declarations, comments and processing instructions are left
//     out: no entity a document declares is ever expanded, and only the
//     fixed set of HTML entity names is known, so output stays within a
//     small multiple of the input.
func repairXML(ctx context.Context, doc []byte) ([]byte, repairReport, error) {
	doc, _ = dropForbiddenXMLChars(doc)
	if bytes.Contains(doc, []byte("&#X")) {
		// Go's decoder reads only a lower-case x in hexadecimal
		// references; HTML, and every lenient reader, takes both.
		doc = bytes.ReplaceAll(doc, []byte("&#X"), []byte("&#x"))
	}
	r := &repairer{doc: doc, counts: map[string]int{}}
	r.out.Grow(len(doc) + 256)
	if err := r.run(ctx); err != nil {
		return nil, r.report, err
	}
	return r.out.Bytes(), r.report, nil
}

type openElement struct {
	name  string // as written, prefix included
	start int    // length of out before its start tag
}

type repairer struct {
	doc    []byte
	out    bytes.Buffer
	report repairReport

	stack     []openElement
	counts    map[string]int // open elements by name: an end tag that closes nothing costs no stack walk
	inFeed    bool           // past the feed root's start tag
	done      bool           // past the feed root's end tag
	entryWrap bool           // an Atom entry document, wrapped in a feed

	// Elements around the feed root (an XHTML page holding a feed).
	skippedDepth     int
	outermostSkipped string
}

func (r *repairer) problem(line int, format string, args ...any) {
	if r.report.problem == "" {
		r.report.problem = fmt.Sprintf(format, args...)
		r.report.problemLine = line
	}
}

func newRepairDecoder(doc []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	// The document is UTF-8 already, whatever its declaration still says.
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	return d
}

func (r *repairer) run(ctx context.Context) error {
	pos, line := 0, 1 // where the current decoder starts, and its first line
	d := newRepairDecoder(r.doc)
	restarts := 0
	for tokens := 0; !r.done; tokens++ {
		if tokens%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("repairing XML: %w", err)
			}
		}
		tokStart := pos + int(d.InputOffset())
		tok, err := d.RawToken()
		if err != nil {
			var syn *xml.SyntaxError
			if errors.Is(err, io.EOF) || errors.As(err, &syn) && strings.Contains(syn.Msg, "unexpected EOF") {
				break
			}
			if !errors.As(err, &syn) {
				return fmt.Errorf("repairing XML: %w", err)
			}
			errLine := line + syn.Line - 1
			if r.inFeed {
				r.problem(errLine, "%s", syn.Msg)
			}
			restarts++
			if restarts > maxRepairRestarts {
				r.problem(errLine, "too many errors to read on")
				break
			}
			// The bytes the failed token covers become text (kept when
			// inside an element), and reading resumes after them.
			end := max(pos+int(d.InputOffset()), tokStart+1)
			for end < len(r.doc) && !utf8.RuneStart(r.doc[end]) {
				end++
			}
			r.text(r.doc[tokStart:end])
			line += bytes.Count(r.doc[pos:end], []byte("\n"))
			pos = end
			d = newRepairDecoder(r.doc[pos:])
			continue
		}
		tokLine := line
		if syntaxLine, _ := d.InputPos(); syntaxLine > 0 {
			tokLine = line + syntaxLine - 1
		}
		switch t := tok.(type) {
		case xml.StartElement:
			r.start(t, tokLine)
		case xml.EndElement:
			r.end(qualified(t.Name), tokLine)
		case xml.CharData:
			r.text(t)
		}
	}
	if !r.inFeed && !r.done {
		return errNoFeedRoot
	}
	if !r.done {
		r.finishTruncated()
	}
	if r.entryWrap {
		r.out.WriteString("</feed>")
	}
	return nil
}

func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func isFeedRoot(local string) bool {
	return strings.EqualFold(local, "rss") || strings.EqualFold(local, "feed") || strings.EqualFold(local, "rdf")
}

func isEntry(local string) bool { return local == "item" || local == "entry" }

func (r *repairer) start(t xml.StartElement, line int) {
	name := qualified(t.Name)
	if !r.inFeed {
		switch {
		case isFeedRoot(t.Name.Local):
			if r.skippedDepth > 0 {
				r.report.wrapper = r.outermostSkipped
			}
			r.inFeed = true
			r.report.root = name
		case t.Name.Local == "entry" && r.skippedDepth == 0:
			// An Atom entry document (RFC 4287, 4.1.2): one entry, no feed.
			r.out.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom">`)
			r.inFeed, r.entryWrap = true, true
			r.report.root, r.report.entryDocument = "feed", true
		default:
			if r.skippedDepth == 0 {
				r.outermostSkipped = name
			}
			if !htmlVoidElements[strings.ToLower(t.Name.Local)] {
				r.skippedDepth++
			}
			return
		}
	}
	if isEntry(t.Name.Local) {
		r.closeToEntryParent(name, line)
	}
	void := htmlVoidElements[strings.ToLower(t.Name.Local)]
	if !void && len(r.stack) >= maxRepairDepth {
		r.problem(line, "elements nested more than %d deep", maxRepairDepth)
		void = true // kept, but no deeper
	}
	startLen := r.out.Len()
	r.out.WriteByte('<')
	r.out.WriteString(name)
	for _, a := range t.Attr {
		r.out.WriteByte(' ')
		r.out.WriteString(qualified(a.Name))
		r.out.WriteString(`="`)
		escapeXML(&r.out, []byte(a.Value), true)
		r.out.WriteByte('"')
	}
	if void {
		r.out.WriteString("/>")
		return
	}
	r.out.WriteByte('>')
	r.stack = append(r.stack, openElement{name: name, start: startLen})
	r.counts[name]++
}

func (r *repairer) end(name string, line int) {
	if !r.inFeed {
		if r.skippedDepth > 0 {
			r.skippedDepth--
		}
		return
	}
	if r.counts[name] == 0 {
		if !htmlVoidElements[strings.ToLower(localPart(name))] {
			r.problem(line, "unexpected end tag </%s>", name)
		}
		return
	}
	if top := r.stack[len(r.stack)-1].name; top != name {
		r.problem(line, "element <%s> closed by </%s>", top, name)
	}
	r.closeThrough(name)
	// Whatever follows the root (a second document, a PHP warning) is
	// ignored, as gofeed ignores it in a document it reads.
	r.done = len(r.stack) == 0
}

// closeToEntryParent closes what was left open above the element an item
// or entry belongs in (an unclosed <item>, an <itunes:category> left open
// around all the items), so that gofeed finds each entry where it looks.
func (r *repairer) closeToEntryParent(name string, line int) {
	for i := len(r.stack) - 1; i >= 0; i-- {
		switch localPart(r.stack[i].name) {
		case "channel", "rss", "RDF", "feed":
			if i == len(r.stack)-1 {
				return
			}
			r.problem(line, "<%s> not closed before <%s>", r.stack[len(r.stack)-1].name, name)
			for len(r.stack) > i+1 {
				r.writeEnd(r.pop().name)
			}
			return
		}
	}
}

// closeThrough writes end tags for the open elements down to and
// including the innermost one called name.
func (r *repairer) closeThrough(name string) {
	for len(r.stack) > 0 {
		top := r.pop()
		r.writeEnd(top.name)
		if top.name == name {
			return
		}
	}
}

func (r *repairer) pop() openElement {
	top := r.stack[len(r.stack)-1]
	r.stack = r.stack[:len(r.stack)-1]
	r.counts[top.name]--
	return top
}

func (r *repairer) writeEnd(name string) {
	r.out.WriteString("</")
	r.out.WriteString(name)
	r.out.WriteByte('>')
}

// finishTruncated closes a document that ends inside its root element.
// Within an unfinished item the element being read when the input ended is
// dropped (a title or link cut short is worse than none); outside items
// the innermost element is, unless it is the root or the channel.
func (r *repairer) finishTruncated() {
	r.report.truncated = true
	cut := -1
	for i, e := range r.stack {
		if isEntry(localPart(e.name)) {
			r.report.unfinished = true
			if i+1 < len(r.stack) {
				cut = i + 1
			}
			break
		}
	}
	if cut < 0 && !r.report.unfinished && len(r.stack) > 0 {
		inner := len(r.stack) - 1
		if l := localPart(r.stack[inner].name); inner > 0 && l != "channel" && !isFeedRoot(l) {
			cut = inner
		}
	}
	if cut >= 0 {
		r.out.Truncate(r.stack[cut].start)
		for len(r.stack) > cut {
			r.pop()
		}
	}
	for len(r.stack) > 0 {
		r.writeEnd(r.pop().name)
	}
}

func localPart(name string) string {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func (r *repairer) text(s []byte) {
	if !r.inFeed || r.done || len(r.stack) == 0 {
		return
	}
	escapeXML(&r.out, s, false)
}

// escapeXML writes s as character data, or as an attribute value.
func escapeXML(w *bytes.Buffer, s []byte, attr bool) {
	last := 0
	for i, c := range s {
		var esc string
		switch c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			if !attr {
				continue
			}
			esc = "&quot;"
		case '\t':
			if !attr {
				continue
			}
			esc = "&#9;"
		case '\n':
			if !attr {
				continue
			}
			esc = "&#10;"
		case '\r':
			if !attr {
				continue
			}
			esc = "&#13;"
		default:
			continue
		}
		w.Write(s[last:i])
		w.WriteString(esc)
		last = i + 1
	}
	w.Write(s[last:])
}
