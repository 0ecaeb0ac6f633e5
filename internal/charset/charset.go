// Package charset turns the bytes of a feed or a web page into UTF-8, deciding
// the encoding the way browsers and feed readers do, and rewrites the XML
// declaration so that no later XML decoder converts the text a second time.
package charset

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// How far into a document we look for an HTML <meta> charset. Browsers stop
// at 1024 bytes, but real pages put the tag later (miniflux keeps such a
// fixture), and a larger window costs nothing on documents of this size.
const metaScanWindow = 8192

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}

	// The XML declaration, with the encoding pseudo-attribute captured.
	xmlDeclRe     = regexp.MustCompile(`^\s*<\?xml[^>]*?\?>`)
	xmlEncodingRe = regexp.MustCompile(`(?i)\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')`)
	metaCharsetRe = regexp.MustCompile(`(?i)<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)`)
)

// ErrUnknownEncoding is wrapped when a document names an encoding this
// package cannot decode and no other hint applies.
var ErrUnknownEncoding = errors.New("unknown character encoding")

// ToUTF8 decodes body to UTF-8. contentType is the HTTP Content-Type header
// (may be empty). The returned name is the WHATWG name of the encoding used
// ("utf-8", "windows-1256", "utf-16le" …). For XML documents the encoding
// declaration of the prolog is rewritten to UTF-8, so that a parser that
// honours it (gofeed) does not decode the text again.
func ToUTF8(body []byte, contentType string) ([]byte, string, error) {
	enc, name, skip := detect(body, contentType)
	var out []byte
	if name == "utf-8" {
		out = body[skip:]
		if !utf8.Valid(out) {
			// A declared or sniffed UTF-8 document with stray bytes: keep the
			// text readable rather than fail the whole feed.
			out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
		}
	} else {
		var err error
		out, _, err = transform.Bytes(enc.NewDecoder(), body[skip:])
		if err != nil {
			return nil, name, fmt.Errorf("decoding the document as %s: %w", name, err)
		}
	}
	return rewriteXMLDecl(repairDoubleEncoded(out)), name, nil
}

// detect returns the encoding, its name and how many BOM bytes to skip.
func detect(body []byte, contentType string) (encoding.Encoding, string, int) {
	// UTF-32 first: its little-endian BOM starts with the UTF-16LE one.
	switch {
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE, 0, 0}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le", 4
	case bytes.HasPrefix(body, []byte{0, 0, 0xFE, 0xFF}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be", 4
	case bytes.HasPrefix(body, []byte{0, 0, 0, '<'}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be", 0
	case bytes.HasPrefix(body, []byte{'<', 0, 0, 0}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le", 0
	}
	switch {
	case bytes.HasPrefix(body, bomUTF8):
		return encoding.Nop, "utf-8", len(bomUTF8)
	case bytes.HasPrefix(body, bomUTF16LE):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", len(bomUTF16LE)
	case bytes.HasPrefix(body, bomUTF16BE):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", len(bomUTF16BE)
	}
	// UTF-16 without a BOM still has to start with "<?xml" or "<" in XML.
	if len(body) >= 4 {
		switch {
		case body[0] == 0 && body[1] == '<' && body[2] == 0 && body[3] != 0:
			return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", 0
		case body[0] == '<' && body[1] == 0 && body[2] != 0 && body[3] == 0:
			return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", 0
		}
	}
	if contentType != "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			if enc, name := lookup(params["charset"]); enc != nil {
				if name != "utf-8" {
					return checkDeclared(body, enc, name)
				}
				// Checked here once: checkDeclared would read the whole
				// body again for the same answer.
				if mostlyUTF8(body) {
					return enc, name, 0
				}
			}
			// A server-wide "charset=utf-8" over bytes that are not UTF-8
			// is a common web-server default; the document's own
			// declaration, below, knows better.
		}
	}
	if label := xmlDeclEncoding(body); label != "" {
		if enc, name := lookup(label); enc != nil {
			return checkDeclared(body, enc, name)
		}
	}
	if enc, name := metaCharset(body); enc != nil {
		return checkDeclared(body, enc, name)
	}
	return undeclared(body)
}

// undeclared decides the encoding of a document that names none: UTF-16
// by its pattern of NUL bytes, UTF-8 when the bytes are UTF-8, otherwise
// the single-byte encoding whose decoding reads most like text.
func undeclared(body []byte) (encoding.Encoding, string, int) {
	if enc, name, ok := utf16WithoutBOM(body); ok {
		return enc, name, 0
	}
	if mostlyUTF8(body) {
		return encoding.Nop, "utf-8", 0
	}
	c, _, _ := detectSingleByte(body, nil)
	return c.enc, c.name, 0
}

// checkDeclared overrides a declaration that the bytes contradict: "UTF-8"
// over bytes that are not, "windows-1252" or "ISO-8859-1" over UTF-8 (a CMS
// upgraded, its template not), UTF-16 without a NUL byte, and a single-byte
// encoding under which the text reads far worse than under another one
// ("windows-1252" over Arabic written in windows-1256).
func checkDeclared(body []byte, enc encoding.Encoding, name string) (encoding.Encoding, string, int) {
	switch name {
	case "utf-8":
		if !mostlyUTF8(body) {
			return undeclared(body)
		}
		return enc, name, 0
	case "windows-1252":
		if utf8.Valid(body) && hasMultiByte(body) {
			return encoding.Nop, "utf-8", 0
		}
	case "utf-16le", "utf-16be":
		// A UTF-16 label on a document without a single NUL byte cannot be
		// UTF-16 (every ASCII character would carry one): the label is wrong.
		if !bytes.Contains(body, []byte{0}) {
			return encoding.Nop, "utf-8", 0
		}
		return enc, name, 0
	}
	if declared := candidateNamed(name); declared != nil {
		if better := contradicts(body, declared); better != nil {
			return better.enc, better.name, 0
		}
	}
	return enc, name, 0
}

// A declared single-byte encoding is overruled only when another decodes
// the text better by this much per non-ASCII byte, on top of a fixed
// amount: a right label must keep winning on a page with a couple of odd
// characters, and the corpus shows right decodings ahead by 0.75 nats a
// byte (Hebrew against Cyrillic) to 6 (Arabic against windows-1252).
const (
	overrideMarginPerByte = 0.5
	overrideMarginFixed   = 20
)

// contradicts returns the candidate that reads body clearly better than
// the declared one, or nil when the declaration stands.
func contradicts(body []byte, declared *candidate) *candidate {
	best, scores, high := detectSingleByte(body, declared)
	if best == declared || high == 0 {
		return nil
	}
	declaredScore := scores[slices.Index(candidates, declared)]
	bestScore := scores[slices.Index(candidates, best)]
	if bestScore-declaredScore > overrideMarginFixed+overrideMarginPerByte*float64(high) {
		return best
	}
	return nil
}

// utf16WithoutBOM recognises UTF-16 text that starts with neither a BOM
// nor "<": text mostly in ASCII has a NUL in every other byte, on the
// side that tells the byte order, and single-byte text has none.
func utf16WithoutBOM(body []byte) (encoding.Encoding, string, bool) {
	head := body
	if len(head) > 4096 {
		head = head[:4096]
	}
	pairs := len(head) / 2
	if pairs < 4 {
		return nil, "", false
	}
	var evenNUL, oddNUL int
	for i := 0; i+1 < len(head); i += 2 {
		if head[i] == 0 {
			evenNUL++
		}
		if head[i+1] == 0 {
			oddNUL++
		}
	}
	switch {
	case evenNUL*10 >= pairs*3 && oddNUL*100 <= pairs:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", true
	case oddNUL*10 >= pairs*3 && evenNUL*100 <= pairs:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", true
	}
	return nil, "", false
}

// How far the HTML standard's <meta> prescan looks: 1024 bytes, less the
// two that prescan puts before the page's.
const prescanned = 1024 - 2

// metaCharset returns the encoding a <meta> declares: the HTML standard's
// prescan (x/net's, which skips comments, needs http-equiv beside content,
// and takes the first supported label) over the first kilobyte, then, for
// pages that declare it later, the first <meta …charset=…> that ends past
// that kilobyte, up to 8 KB.
func metaCharset(body []byte) (encoding.Encoding, string) {
	if enc, name := prescan(body); enc != nil {
		return enc, name
	}
	if len(body) <= prescanned {
		return nil, ""
	}
	for _, m := range metaCharsetRe.FindAllSubmatchIndex(body[:min(len(body), metaScanWindow)], -1) {
		tagEnd := len(body)
		if i := bytes.IndexByte(body[m[1]:], '>'); i >= 0 {
			tagEnd = m[1] + i + 1
		}
		if tagEnd <= prescanned {
			continue // the prescan has seen this tag whole and found it wanting
		}
		if enc, name := lookup(string(body[m[2]:m[3]])); enc != nil {
			return enc, name
		}
	}
	return nil, ""
}

// prescan runs x/net's <meta> prescan, which it exposes only through
// DetermineEncoding; that answers with a default when no <meta> applies,
// "utf-8" for valid UTF-8 with a non-ASCII character, "windows-1252"
// otherwise. Asked about two copies of the head, one starting with a
// no-break space in UTF-8 and one with two invalid bytes, a declaration
// gives the same answer twice and the default two different ones. The
// prescan treats every byte above 0x7F alike, so the copies, with those
// bytes replaced by '#' and their two leading bytes, declare what the
// page does.
func prescan(body []byte) (encoding.Encoding, string) {
	head := body[:min(len(body), prescanned)]
	if len(head) == 0 {
		return nil, ""
	}
	valid := make([]byte, 0, 2+len(head))
	valid = append(valid, "\u00a0"...)
	for _, b := range head {
		if b >= utf8.RuneSelf {
			b = '#'
		}
		valid = append(valid, b)
	}
	invalid := append([]byte{0xFF, 0xFF}, valid[2:]...)
	enc, name, _ := htmlcharset.DetermineEncoding(valid, "")
	if _, other, _ := htmlcharset.DetermineEncoding(invalid, ""); other != name {
		return nil, ""
	}
	return enc, name
}

// mostlyUTF8 reports whether body is UTF-8 apart from a few stray bytes: a
// feed assembled from several sources often has one bad byte in a thousand
// good characters, and reading all of it as windows-1252 would garble the rest.
func mostlyUTF8(body []byte) bool {
	// The common case, all valid, at utf8.Valid's speed (it takes ASCII
	// eight bytes at a time); counting is for the rest.
	if utf8.Valid(body) {
		return true
	}
	valid, invalid := 0, 0
	for i := 0; i < len(body); {
		if body[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		i += size
	}
	return invalid == 0 || valid > 4*invalid
}

func hasMultiByte(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// lookup maps a label to an encoding following the WHATWG Encoding Standard
// (so "iso-8859-1" and "us-ascii" decode as windows-1252, as browsers do).
func lookup(label string) (encoding.Encoding, string) {
	label = strings.Trim(strings.TrimSpace(label), `"'`)
	if label == "" {
		return nil, ""
	}
	enc, name := htmlcharset.Lookup(label)
	if enc == nil {
		return nil, ""
	}
	if name == "replacement" {
		return nil, ""
	}
	return enc, name
}

// xmlDeclEncoding returns the encoding label of the XML declaration, if any.
func xmlDeclEncoding(body []byte) string {
	head := body
	if len(head) > 512 {
		head = head[:512]
	}
	decl := xmlDeclRe.Find(head)
	if decl == nil {
		return ""
	}
	m := xmlEncodingRe.FindSubmatch(decl)
	if m == nil {
		return ""
	}
	return string(m[1]) + string(m[2])
}

// rewriteXMLDecl drops the encoding pseudo-attribute from the XML
// declaration: the text is now UTF-8, XML's default.
func rewriteXMLDecl(doc []byte) []byte {
	head := doc
	if len(head) > 512 {
		head = head[:512]
	}
	loc := xmlDeclRe.FindIndex(head)
	if loc == nil {
		return doc
	}
	decl := doc[loc[0]:loc[1]]
	encLoc := xmlEncodingRe.FindIndex(decl)
	if encLoc == nil {
		return doc
	}
	out := make([]byte, 0, len(doc))
	out = append(out, doc[:loc[0]+encLoc[0]]...)
	out = append(out, doc[loc[0]+encLoc[1]:]...)
	return out
}

// doubleEncoded matches one character of UTF-8 that was decoded as
// windows-1252 (or Latin-1) and encoded again: "Ã©" for "é", "â€™" for "’".
// A lead byte of a two- or three-byte sequence, then its continuation
// bytes, each shown as the windows-1252 (or C1 control) character it is.
var doubleEncoded = regexp.MustCompile(`[\x{C2}-\x{DF}][\x{80}-\x{BF}\x{152}\x{153}\x{160}\x{161}\x{178}\x{17D}\x{17E}\x{192}\x{2C6}\x{2DC}\x{2013}\x{2014}\x{2018}-\x{201A}\x{201C}-\x{201E}\x{2020}-\x{2022}\x{2026}\x{2030}\x{2039}\x{203A}\x{20AC}\x{2122}]|[\x{E0}-\x{EF}][\x{80}-\x{BF}\x{152}\x{153}\x{160}\x{161}\x{178}\x{17D}\x{17E}\x{192}\x{2C6}\x{2DC}\x{2013}\x{2014}\x{2018}-\x{201A}\x{201C}-\x{201E}\x{2020}-\x{2022}\x{2026}\x{2030}\x{2039}\x{203A}\x{20AC}\x{2122}]{2}`)

// minDoubleEncoded is how many such sequences a document needs before it
// is repaired: one could be a real "Ã" followed by a sign, several cannot.
const minDoubleEncoded = 3

// repairDoubleEncoded undoes UTF-8 that a publisher's system decoded as
// windows-1252 and encoded again, a common fault of CMS exports (Le Monde,
// FAZ and Spiegel feeds show it). Each sequence is turned back into its
// bytes and kept only when those bytes are one valid UTF-8 character, so
// genuine text is never altered.
func repairDoubleEncoded(text []byte) []byte {
	// Double-encoded text is marked by "Ã" (é, è, à, ç…), "Â" (no-break
	// space, «, ») or "â€" (’, “, —); counting those bytes first spares
	// clean documents the regular expression, which is costly on every
	// fetch.
	if bytes.Count(text, []byte("\u00c3"))+bytes.Count(text, []byte("\u00c2"))+bytes.Count(text, []byte("\u00e2\u20ac")) < minDoubleEncoded {
		return text
	}
	if len(doubleEncoded.FindAllIndex(text, minDoubleEncoded)) < minDoubleEncoded {
		return text
	}
	return doubleEncoded.ReplaceAllFunc(text, func(seq []byte) []byte {
		raw := make([]byte, 0, 3)
		for _, r := range string(seq) {
			b, ok := windows1252Byte(r)
			if !ok {
				return seq
			}
			raw = append(raw, b)
		}
		if r, size := utf8.DecodeRune(raw); r == utf8.RuneError || size != len(raw) {
			return seq
		}
		return raw
	})
}

// windows1252Byte is the byte a character of windows-1252 text stands for;
// C1 controls stand for themselves, as they do when Latin-1 was the wrong
// decoder.
func windows1252Byte(r rune) (byte, bool) {
	if r < 0x100 {
		return byte(r), true
	}
	b, ok := charmap.Windows1252.EncodeRune(r)
	return b, ok
}
