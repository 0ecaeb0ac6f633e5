package feed

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDropForbiddenXMLChars(t *testing.T) {
	tests := []struct {
		name, in, want string
		dropped        int
	}{
		{"clean", "<t>a &#233; &#x2019; &amp; \t\r\n é</t>", "<t>a &#233; &#x2019; &amp; \t\r\n é</t>", 0},
		{"hex reference to a C0 control", "<t>a&#x1F;b</t>", "<t>ab</t>", 1},
		{"decimal reference", "<t>a&#31;b&#0;c</t>", "<t>abc</t>", 2},
		{"leading zeros", "<t>a&#x0001;b&#00008;</t>", "<t>ab</t>", 2},
		{"surrogate and non-characters", "<t>&#xD800;&#xdfff;&#xFFFE;&#65535;x</t>", "<t>x</t>", 4},
		{"beyond Unicode", "<t>&#x110000;&#99999999999999999999;x</t>", "<t>x</t>", 2},
		{"allowed references stay", "<t>&#9;&#xA;&#13;&#x20;&#xFFFD;&#x10FFFF;</t>", "<t>&#9;&#xA;&#13;&#x20;&#xFFFD;&#x10FFFF;</t>", 0},
		{"malformed references stay for the lenient reader", "<t>&#x1F &#; &#x; &#X1F; &#1a;</t>", "<t>&#x1F &#; &#x; &#X1F; &#1a;</t>", 0},
		{"raw C0 controls", "<t>a\x00b\x01c\x1fd\x7f</t>", "<t>abcd\x7f</t>", 3},
		{"raw U+FFFE and U+FFFF", "<t>a\uFFFEb\uFFFFc</t>", "<t>abc</t>", 2},
		{"bytes that are not UTF-8", "<t>a\xffb\xc3c\xed\xa0\x80d</t>", "<t>abcd</t>", 5},
		{"everything at once", "\x02<t>&#x1F;\xfe&#233;</t>", "<t>&#233;</t>", 3},
		{"a bare & is escaped when something is dropped", "<t>AT&T &#x1F;&eacute;</t>", "<t>AT&amp;T &eacute;</t>", 1},
		{"dropping cannot join a new reference", "<t>&&#0;#31;</t>", "<t>&amp;#31;</t>", 1},
		{"references inside CDATA are text", "<t><![CDATA[&#x1F; a & b\x01]]>&#x1F;</t>", "<t><![CDATA[&#x1F; a & b]]></t>", 2},
		{"a suspect only inside CDATA", "<t><![CDATA[&#x1F; & ]]></t>", "<t><![CDATA[&#x1F; & ]]></t>", 0},
		{"an unclosed CDATA section", "<t><![CDATA[&#x1F;\x01", "<t><![CDATA[&#x1F;", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := dropForbiddenXMLChars([]byte(tt.in))
			if string(got) != tt.want || n != tt.dropped {
				t.Errorf("dropForbiddenXMLChars(%q) = %q, %d; want %q, %d", tt.in, got, n, tt.want, tt.dropped)
			}
		})
	}
	clean := []byte("<t>nothing to drop</t>")
	if got, _ := dropForbiddenXMLChars(clean); &got[0] != &clean[0] {
		t.Error("a clean document was copied; the common case must cost no allocation")
	}
}

// The case from the field: one "&#x1F;" in item 20 of a real French feed
// made the whole document "malformed XML" and lost every item.
func TestParseFeedWithForbiddenCharacterReference(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "jeux-linux.fr.xml"))
	if err != nil {
		t.Fatal(err)
	}
	clean, err := Parse(context.Background(), raw, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(clean.Items) != 20 || len(clean.Notes) != 0 {
		t.Fatalf("the clean capture gives %d items and notes %q; want 20 and none", len(clean.Items), clean.Notes)
	}
	last := bytes.LastIndex(raw, []byte("<title>"))
	broken := append(append(append([]byte{}, raw[:last+len("<title>")]...), "&#x1F;"...), raw[last+len("<title>"):]...)
	f, err := Parse(context.Background(), broken, Options{Now: testNow})
	if err != nil {
		t.Fatalf("one forbidden character reference: %v", err)
	}
	if len(f.Items) != 20 || f.Items[19].Title != clean.Items[19].Title {
		t.Errorf("%d items, the 20th titled %q; want 20, the last %q", len(f.Items), f.Items[19].Title, clean.Items[19].Title)
	}
	if want := []string{"1 character that XML 1.0 forbids was dropped"}; strings.Join(f.Notes, "|") != strings.Join(want, "|") {
		t.Errorf("notes %q, want %q", f.Notes, want)
	}
}

// The eight-bytes-at-a-time scan finds every C0 control at every offset,
// and takes TAB, LF, CR and the bytes just above the range for text.
func TestHasC0Control(t *testing.T) {
	for n := 0; n <= 19; n++ {
		for at := 0; at < n; at++ {
			for c := byte(0); c <= 0x21; c++ {
				b := bytes.Repeat([]byte("a"), n)
				b[at] = c
				want := c < 0x20 && c != '\t' && c != '\n' && c != '\r'
				if got := hasC0Control(b); got != want {
					t.Fatalf("hasC0Control(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
	if !hasC0Control([]byte("\xff\xfe\x80\x9f\xc0\xe0\xa0\x1f")) || hasC0Control([]byte("\xff\xfe\x80\x9f\xc0\xe0\xa0\x20")) {
		t.Error("high bytes confuse the scan")
	}
}

func FuzzDropForbiddenXMLChars(f *testing.F) {
	for _, s := range []string{"<t>&#x1F;</t>", "&#0;&#xD800;&#65534;", "a\x00\xff\uFFFE", "&#9;&#xA;ok", "&#x110000;", "&#1&#2;"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, n := dropForbiddenXMLChars(in)
		if n == 0 && !bytes.Equal(out, in) {
			t.Fatalf("nothing dropped but %q became %q", in, out)
		}
		if n > 0 && bytes.Equal(out, in) {
			t.Fatalf("%d dropped but %q is unchanged", n, in)
		}
		if !utf8.Valid(out) {
			t.Fatalf("output %q is not UTF-8", out)
		}
		for _, r := range string(out) {
			if !isXMLChar(r) {
				t.Fatalf("output %q holds %U", out, r)
			}
		}
		if again, m := dropForbiddenXMLChars(out); m > 0 || !bytes.Equal(again, out) {
			t.Fatalf("a second pass over %q dropped %d more: %q", out, m, again)
		}
		if n > 0 && !bytes.Contains(out, []byte("<")) {
			d := xml.NewDecoder(bytes.NewReader(append(append([]byte("<t>"), out...), "</t>"...)))
			d.Strict = false
			for {
				if _, err := d.Token(); err != nil {
					if err != io.EOF {
						t.Fatalf("%q does not read as character data: %v", out, err)
					}
					break
				}
			}
		}
	})
}
