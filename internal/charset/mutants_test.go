package charset

import (
	"math"
	"strings"
	"testing"
)

// Tests written to kill the mutants scripts/mutation found alive: each
// case holds one boundary or condition of the detection in place.

// arabic1256 is "المغرب " in windows-1256: six bytes above 0x7F.
const arabic1256 = "\xc7\xe1\xe3\xdb\xd1\xc8 "

// french1252 is "président déclaré à " in windows-1252: four bytes above 0x7F.
const french1252 = "pr\xe9sident d\xe9clar\xe9 \xe0 "

func TestToUTF8Boundaries(t *testing.T) {
	// A <meta> that the prescan sees whole but rejects (content= without
	// http-equiv), its '>' right after the label, then enough text to pass
	// the prescan's kilobyte.
	lateMetaless := func(at int) string {
		tag := "<meta content=text/html;charset=windows-1256>"
		return strings.Repeat(" ", at-len(tag)) + tag + strings.Repeat("x", 2000)
	}
	tests := []struct {
		name, body, contentType, want string
	}{
		{"four bytes of UTF-16BE starting with '<'", "\x00<\x00a", "", "utf-16be"},
		{"four pairs of UTF-16LE without '<'", "a\x00b\x00c\x00d\x00", "", "utf-16le"},
		{"header charset over ASCII", "<p>hello</p>", "text/html; charset=windows-1256", "windows-1256"},
		// Detection alone reads this as windows-1252; the header's label
		// is not contradicted by one letter.
		{"header charset over non-UTF-8 bytes", "<p>caf\xe9</p>", "text/html; charset=windows-1251", "windows-1251"},
		{"malformed header ignored", "<p>hello</p>", "text/html; charset", "utf-8"},
		// Four good characters to one bad byte is not "mostly UTF-8"
		// (more than four to one is).
		{"four valid to one invalid", "<p>é é é é \xe9</p>", "", "windows-1252"},
		// 0x80 is above ASCII: the prescan must not take the page's head
		// for valid UTF-8 and answer its windows-1252 default.
		{"0x80 in a mostly UTF-8 head", "<p>é é é é é \x80</p>", "", "utf-8"},
		{"meta prescan rejected, tag ends inside the kilobyte", lateMetaless(600), "", "utf-8"},
		{"meta prescan rejected, tag ends on its last byte", lateMetaless(prescanned), "", "utf-8"},
		{"meta after the kilobyte", lateMetaless(prescanned + 1), "", "windows-1256"},
		// The regular expression's first match is a <meta> the prescan
		// found wanting; the second, past the kilobyte, decides.
		{"second meta after the kilobyte", `<meta charset="x-bogus">` + strings.Repeat(" ", 1100) + `<meta charset="windows-1256">`, "", "windows-1256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, enc, err := ToUTF8([]byte(tt.body), tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tt.want {
				t.Errorf("encoding = %q, want %q", enc, tt.want)
			}
		})
	}
}

// TestOverrideMargin: a declared encoding is overruled only past
// overrideMarginFixed + overrideMarginPerByte per byte above 0x7F.
// French windows-1252 text labelled ISO-8859-15 with two "’" (0x92, a C1
// control in ISO-8859-15) reads 37 nats better in windows-1252, far under
// the 121 allowed for its 202 bytes above 0x7F; with ten it reads 181
// better, past the 125 allowed for 210.
func TestOverrideMargin(t *testing.T) {
	body := func(apostrophes int) string {
		return strings.Repeat(french1252, 50) + strings.Repeat("l\x92homme ", apostrophes)
	}
	tests := []struct {
		apostrophes int
		want        string
	}{
		{2, "iso-8859-15"},
		{10, "windows-1252"},
	}
	for _, tt := range tests {
		_, enc, err := ToUTF8([]byte(body(tt.apostrophes)), "text/html; charset=ISO-8859-15")
		if err != nil {
			t.Fatal(err)
		}
		if enc != tt.want {
			t.Errorf("%d apostrophes: encoding = %q, want %q", tt.apostrophes, enc, tt.want)
		}
	}
}

func TestRepairDoubleEncodedThreshold(t *testing.T) {
	tests := []struct{ in, want string }{
		// Two sequences could be real text; three are repaired.
		{"CafÃ© et thÃ©", "CafÃ© et thÃ©"},
		{"CafÃ© et thÃ© Ã\u00a0 Fès", "Café et thé à Fès"},
	}
	for _, tt := range tests {
		if got := string(repairDoubleEncoded([]byte(tt.in))); got != tt.want {
			t.Errorf("repairDoubleEncoded(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDetectSingleBytePruning(t *testing.T) {
	named := func(name string) int {
		for k, c := range candidates {
			if c.name == name {
				return k
			}
		}
		t.Fatalf("no candidate %s", name)
		return -1
	}
	tests := []struct {
		name     string
		body     string
		keep     string
		wantHigh int
		dropped  []string // scored -Inf
		kept     []string // finite
	}{
		// 60 bytes: windows-1255 is over 500 nats behind but nothing is
		// dropped before 256 bytes above 0x7F.
		{"below the first check", strings.Repeat(arabic1256, 10), "", 60, nil, []string{"windows-1252", "windows-1255", "windows-1256"}},
		{"at the first check", strings.Repeat(arabic1256, 42) + "\xc7\xe1\xe3\xdb ", "", 256, []string{"windows-1252", "windows-1255"}, []string{"windows-1256"}},
		{"the declared one is kept", strings.Repeat(arabic1256, 42) + "\xc7\xe1\xe3\xdb ", "windows-1252", 256, []string{"windows-1255"}, []string{"windows-1252", "windows-1256"}},
		// French for 256 bytes (windows-1252 and -1256 read it alike),
		// then Arabic: windows-1252 falls 600 nats behind, but the next
		// check is at 512 bytes.
		{"between checks", strings.Repeat(french1252, 64) + strings.Repeat(arabic1256, 17), "", 358, []string{"windows-1255"}, []string{"windows-1252", "windows-1256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keep *candidate
			if tt.keep != "" {
				keep = candidates[named(tt.keep)]
			}
			_, scores, high := detectSingleByte([]byte(tt.body), keep)
			if high != tt.wantHigh {
				t.Errorf("high = %d, want %d", high, tt.wantHigh)
			}
			for _, name := range tt.dropped {
				if s := scores[named(name)]; !math.IsInf(s, -1) {
					t.Errorf("%s scored %v, want dropped", name, s)
				}
			}
			for _, name := range tt.kept {
				if s := scores[named(name)]; math.IsInf(s, 0) {
					t.Errorf("%s dropped, want scored", name)
				}
			}
		})
	}
}

func TestDetectSingleByteCountsHighBytes(t *testing.T) {
	for body, want := range map[string]int{"a\x80b": 1, "caf\xe9 \xe9t\xe9": 3, "ascii only": 0} {
		if _, _, high := detectSingleByte([]byte(body), nil); high != want {
			t.Errorf("detectSingleByte(%q) high = %d, want %d", body, high, want)
		}
	}
}

func TestIsWordByte(t *testing.T) {
	for _, b := range []byte{'A', 'Z', 'a', 'z', 'M', 0x80, 0xFF} {
		if !isWordByte[b] {
			t.Errorf("isWordByte[%q] = false", b)
		}
	}
	for _, b := range []byte{'@', '[', '`', '{', ' ', '0', 0x7F} {
		if isWordByte[b] {
			t.Errorf("isWordByte[%q] = true", b)
		}
	}
}

func TestIsCased(t *testing.T) {
	for s, want := range map[script]bool{scriptLatin: true, scriptCyrillic: true, scriptGreek: true, scriptArabic: false, scriptHebrew: false, scriptNone: false} {
		if got := isCased(s); got != want {
			t.Errorf("isCased(%d) = %v, want %v", s, got, want)
		}
	}
}

// TestCandidateCost pins the cost of short runs to the constants it is
// made of.
func TestCandidateCost(t *testing.T) {
	const eAcute = 30.0 // é, per cent of accented Latin letters
	e := -math.Log(eAcute / 100)
	ya := -math.Log(2.0 / 100) // я
	hebrewAlef := -math.Log(6.0 / 100)
	tests := []struct {
		encoding, run string
		want          float64
	}{
		{"windows-1252", "\xe9\xe9", 2 * e},
		{"windows-1252", "\xe9\xe9\xe9", 3*e + costLatinRun},
		{"windows-1252", "\xe9Z", e + costCaseBreak},
		{"windows-1252", "\x80", costCommonPunct}, // €
		{"windows-1251", "\xff", ya},
		{"windows-1255", "\xe0\xc0", hebrewAlef + costMark}, // alef, sheva
		{"windows-1255", "\xc0", costMark + costStrayMark},  // sheva alone
	}
	for _, tt := range tests {
		got := candidateNamed(tt.encoding).cost([]byte(tt.run))
		if math.Abs(got-tt.want) > 1e-4 {
			t.Errorf("%s cost(%q) = %v, want %v", tt.encoding, tt.run, got, tt.want)
		}
	}
}
