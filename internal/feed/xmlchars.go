package feed

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// dropForbiddenXMLChars removes what XML 1.0 forbids from a document: C0
// control characters other than TAB, LF and CR, U+FFFE, U+FFFF, bytes that
// are not UTF-8, and character references to any of these or to surrogates
// or beyond U+10FFFF ("&#x1F;", "&#0;", "&#xD800;"). Go's XML decoder
// rejects the whole document for one of them, where lenient readers skip
// it. It returns doc itself, unchanged, when there is nothing to drop, and
// how many characters and references it dropped.
//
// When it drops something it also writes each "&" that starts no
// reference as "&amp;", which every reader takes the same way, so that
// dropping "&#0;" from "&&#0;#31;" cannot make a new reference. Inside
// CDATA sections references are text and are left alone.
func dropForbiddenXMLChars(doc []byte) ([]byte, int) {
	if !hasForbiddenXMLChar(doc) {
		return doc, 0
	}
	// The slow path reads from the start: whether a suspect is inside a
	// CDATA section, or follows a bare "&", depends on what came before.
	out := make([]byte, 0, len(doc))
	dropped := 0
	for i := 0; i < len(doc); {
		b := doc[i]
		switch {
		case b == '<' && bytes.HasPrefix(doc[i:], []byte("<![CDATA[")):
			end := bytes.Index(doc[i:], []byte("]]>"))
			if end < 0 {
				end = len(doc) - i
			} else {
				end += len("]]>")
			}
			var n int
			out, n = appendXMLChars(out, doc[i:i+end])
			dropped += n
			i += end
		case b == '&':
			if n := forbiddenCharRefLen(doc[i:]); n > 0 {
				dropped++
				i += n
			} else if n := referenceLen(doc[i:]); n > 0 {
				out = append(out, doc[i:i+n]...)
				i += n
			} else {
				out = append(out, "&amp;"...)
				i++
			}
		default:
			size := 1
			if b >= utf8.RuneSelf {
				_, size = utf8.DecodeRune(doc[i:])
			}
			var n int
			out, n = appendXMLChars(out, doc[i:i+size])
			dropped += n
			i += size
		}
	}
	if dropped == 0 {
		return doc, 0 // the only suspect was text inside a CDATA section
	}
	return out, dropped
}

// appendXMLChars appends the characters of s that XML 1.0 allows and
// counts the others.
func appendXMLChars(out, s []byte) ([]byte, int) {
	dropped := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 || b == '\t' || b == '\n' || b == '\r' {
				out = append(out, b)
			} else {
				dropped++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			dropped++
		} else {
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	return out, dropped
}

// referenceLen is the length of the entity or character reference at the
// start of s ("&amp;", "&eacute;", "&#233;"), or 0. Names are taken in
// ASCII only, as HTML's are; the rest is text.
func referenceLen(s []byte) int {
	for i := 1; i < len(s) && i < 64; i++ {
		c := s[i]
		switch {
		case c == ';':
			if i == 1 {
				return 0
			}
			return i + 1
		case c == '#' && i == 1,
			'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '_', c == '-', c == '.', c == ':':
		default:
			return 0
		}
	}
	return 0
}

// hasForbiddenXMLChar reports whether doc may hold something
// dropForbiddenXMLChars drops. It is the fast path every XML feed takes:
// most have nothing to drop, so it avoids copying and keeps to loops the
// compiler makes cheap (utf8.Valid, bytes.Index).
func hasForbiddenXMLChar(doc []byte) bool {
	if hasC0Control(doc) {
		return true
	}
	if !utf8.Valid(doc) || bytes.Contains(doc, []byte("\xEF\xBF\xBE")) || bytes.Contains(doc, []byte("\xEF\xBF\xBF")) {
		return true
	}
	for i := 0; ; i += 2 {
		j := bytes.Index(doc[i:], []byte("&#"))
		if j < 0 {
			return false
		}
		i += j
		if forbiddenCharRefLen(doc[i:]) > 0 {
			return true
		}
	}
}

// hasC0Control reports whether b holds a C0 control other than TAB, LF
// and CR. It looks at eight bytes at a time: a third of the time of a byte
// loop, on a check every XML feed pays for.
func hasC0Control(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; len(b) >= 8; b = b[8:] {
		// A high bit is set for each byte below 0x20 (and, as a false
		// alarm, for none other): the classic "has less than" trick.
		if x := binary.LittleEndian.Uint64(b); (x-ones*0x20)&^x&highs == 0 {
			continue
		}
		for _, c := range b[:8] {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return true
			}
		}
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}

// forbiddenCharRefLen is the length of the character reference at the
// start of s when it names a character XML 1.0 forbids, else 0. Only
// references the decoder would read as such count ("&#" digits ";"); a
// malformed one stays text for the lenient reader to keep.
func forbiddenCharRefLen(s []byte) int {
	if len(s) < 4 || s[0] != '&' || s[1] != '#' {
		return 0
	}
	i, base := 2, rune(10)
	if s[i] == 'x' {
		i, base = 3, 16
	}
	start := i
	var n rune
	for ; i < len(s); i++ {
		c := s[i]
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		case c == ';':
			if i == start {
				return 0
			}
			if isXMLChar(n) {
				return 0
			}
			return i + 1
		default:
			return 0
		}
		if n <= utf8.MaxRune {
			n = n*base + d
		}
	}
	return 0
}

// isXMLChar is XML 1.0's Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= utf8.MaxRune
}
