package charset

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"revue/internal/shareddata"
)

// chardetTruth is the encoding each folder of chardet's test corpus holds,
// as a strict decoder (Latin-1 is Latin-1 here, not its WHATWG superset), so
// that an answer is judged by the text it yields, not by its name.
var chardetTruth = map[string]encoding.Encoding{
	"UTF-16BE":             unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
	"UTF-16LE":             unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	"iso-8859-1":           charmap.ISO8859_1,
	"iso-8859-6-arabic":    charmap.ISO8859_6,
	"iso-8859-7-greek":     charmap.ISO8859_7,
	"utf-8":                encoding.Nop,
	"utf-8-sig":            encoding.Nop,
	"windows-1251-russian": charmap.Windows1251,
	"windows-1252":         charmap.Windows1252,
	"windows-1255-hebrew":  charmap.Windows1255,
	"windows-1256-arabic":  charmap.Windows1256,
}

// chardetLabel is the label a correct server would send for each folder.
var chardetLabel = map[string]string{
	"UTF-16BE": "utf-16be", "UTF-16LE": "utf-16le", "iso-8859-1": "iso-8859-1",
	"iso-8859-6-arabic": "iso-8859-6", "iso-8859-7-greek": "iso-8859-7",
	"utf-8": "utf-8", "utf-8-sig": "utf-8", "windows-1251-russian": "windows-1251",
	"windows-1252": "windows-1252", "windows-1255-hebrew": "windows-1255",
	"windows-1256-arabic": "windows-1256",
}

// minUnlabeledCorrect is how many files of each folder must decode right
// with every label removed: the Arabic folders all of them (the reason
// detection exists), the others what detection achieves today, so that a
// regression shows.
var minUnlabeledCorrect = map[string]int{
	"UTF-16": 2, "UTF-16BE": 2, "UTF-16LE": 2, "iso-8859-1": 3,
	"iso-8859-6-arabic": 1, "iso-8859-7-greek": 7, "utf-8": 7, "utf-8-sig": 2,
	"windows-1251-russian": 6, "windows-1252": 3, "windows-1255-hebrew": 7,
	"windows-1256-arabic": 1,
}

var (
	metaCharsetTagRe = regexp.MustCompile(`(?is)<meta[^>]*charset[^>]*>`)
	xmlEncodingAttr  = regexp.MustCompile(`(?i)(<\?xml[^>]*?)\sencoding\s*=\s*(?:"[^"]*"|'[^']*')`)
)

// withoutLabels removes what declares an encoding inside a document: a
// byte-order mark, the XML declaration's encoding, and <meta> charset tags.
func withoutLabels(body []byte) []byte {
	for _, bom := range [][]byte{{0xFF, 0xFE, 0, 0}, {0, 0, 0xFE, 0xFF}, bomUTF8, bomUTF16LE, bomUTF16BE} {
		if bytes.HasPrefix(body, bom) {
			body = body[len(bom):]
			break
		}
	}
	body = xmlEncodingAttr.ReplaceAll(body, []byte("$1"))
	return metaCharsetTagRe.ReplaceAll(body, nil)
}

type chardetFile struct {
	folder, path string
	truth        encoding.Encoding
	label        string
}

func chardetFiles(t *testing.T) []chardetFile {
	t.Helper()
	root := shareddata.Testdata(t, "feeds", "real", "chardet")
	var files []chardetFile
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Dir(path) == root {
			return err
		}
		folder := filepath.Base(filepath.Dir(path))
		truth, label := chardetTruth[folder], chardetLabel[folder]
		if folder == "UTF-16" {
			// This folder holds both byte orders; the names say which.
			truth, label = chardetTruth["UTF-16LE"], "utf-16le"
			if strings.Contains(d.Name(), "-be") {
				truth, label = chardetTruth["UTF-16BE"], "utf-16be"
			}
		}
		if truth == nil {
			return fmt.Errorf("%s: no known encoding for folder %q", path, folder)
		}
		files = append(files, chardetFile{folder, path, truth, label})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no files under %s", root)
	}
	return files
}

// sameText reports whether decoding body as the encoding ToUTF8 named gives
// the same text as the true encoding: windows-1252 for Latin-1 without C1
// bytes, or windows-1255 for ISO-8859-8 Hebrew letters, is a right answer.
func sameText(body []byte, gotName string, truth encoding.Encoding) (bool, error) {
	want, err := truth.NewDecoder().Bytes(body)
	if err != nil {
		return false, fmt.Errorf("decoding with the true encoding: %w", err)
	}
	enc, _ := htmlcharset.Lookup(gotName)
	if enc == nil {
		return false, nil
	}
	got, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return false, nil
	}
	return bytes.Equal(got, want), nil
}

// TestChardetCorpus decodes chardet's real samples three ways: every label
// removed (detection alone), as they are (their own BOM, XML declaration or
// <meta>), and with the true charset in the HTTP header (a right label must
// win). Accuracy per folder is logged: go test -run TestChardetCorpus -v.
func TestChardetCorpus(t *testing.T) {
	files := chardetFiles(t)
	type tally struct{ unlabeled, own, http, total int }
	byFolder := map[string]*tally{}
	for _, f := range files {
		raw, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		tl := byFolder[f.folder]
		if tl == nil {
			tl = &tally{}
			byFolder[f.folder] = tl
		}
		tl.total++
		for _, tc := range []struct {
			how         string
			body        []byte
			contentType string
			count       *int
		}{
			{"unlabeled", withoutLabels(raw), "", &tl.unlabeled},
			{"own labels", raw, "", &tl.own},
			{"HTTP label", raw, "text/html; charset=" + f.label, &tl.http},
		} {
			_, name, err := ToUTF8(tc.body, tc.contentType)
			if err != nil {
				t.Errorf("%s (%s): %v", f.path, tc.how, err)
				continue
			}
			body := tc.body
			if skip := bomLength(body); skip > 0 {
				body = body[skip:]
			}
			ok, err := sameText(body, name, f.truth)
			if err != nil {
				t.Fatalf("%s: %v", f.path, err)
			}
			if ok {
				*tc.count++
			} else {
				t.Logf("wrong: %s/%s (%s): got %s", f.folder, filepath.Base(f.path), tc.how, name)
			}
		}
	}
	folders := make([]string, 0, len(byFolder))
	for folder := range byFolder {
		folders = append(folders, folder)
	}
	sort.Strings(folders)
	var sum tally
	for _, folder := range folders {
		tl := byFolder[folder]
		t.Logf("%-22s unlabeled %d/%d  own labels %d/%d  HTTP label %d/%d", folder, tl.unlabeled, tl.total, tl.own, tl.total, tl.http, tl.total)
		sum.unlabeled += tl.unlabeled
		sum.own += tl.own
		sum.http += tl.http
		sum.total += tl.total
		if want, ok := minUnlabeledCorrect[folder]; !ok {
			t.Errorf("folder %s has no expected accuracy; add it to minUnlabeledCorrect", folder)
		} else if tl.unlabeled < want {
			t.Errorf("%s: %d/%d right without labels, want at least %d", folder, tl.unlabeled, tl.total, want)
		}
		if tl.own != tl.total || tl.http != tl.total {
			t.Errorf("%s: a right label lost: own labels %d/%d, HTTP label %d/%d", folder, tl.own, tl.total, tl.http, tl.total)
		}
	}
	t.Logf("%-22s unlabeled %d/%d  own labels %d/%d  HTTP label %d/%d", "all", sum.unlabeled, sum.total, sum.own, sum.total, sum.http, sum.total)
}

func bomLength(body []byte) int {
	for _, bom := range [][]byte{{0xFF, 0xFE, 0, 0}, {0, 0, 0xFE, 0xFF}, bomUTF8, bomUTF16LE, bomUTF16BE} {
		if bytes.HasPrefix(body, bom) {
			return len(bom)
		}
	}
	return 0
}

type html5libCase struct {
	file, data, want string
}

// readHTML5LibEncoding parses html5lib's encoding tests: "#data", the start
// of a document, then "#encoding", the charset the <meta> prescan finds.
func readHTML5LibEncoding(t *testing.T, path string) []html5libCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		cases   []html5libCase
		section string
		data    []string
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "#data":
			section, data = "data", nil
		case line == "#encoding":
			section = "encoding"
		case section == "data":
			data = append(data, line)
		case section == "encoding" && line != "":
			cases = append(cases, html5libCase{filepath.Base(path), strings.Join(data, "\n"), line})
			section = ""
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestHTML5LibMetaPrescan runs html5lib's charset-sniffing cases through
// ToUTF8 with no HTTP header. The cases are pure ASCII, so where no <meta>
// applies, our answer "utf-8" and the browsers' "windows-1252" decode them
// alike; those are counted apart (a <meta> wrongly believed still counts
// as wrong). Figures: go test -run TestHTML5Lib -v ./internal/charset.
func TestHTML5LibMetaPrescan(t *testing.T) {
	root := shareddata.Testdata(t, "security", "html5lib-tests", "encoding")
	var cases []html5libCase
	for _, name := range []string{"tests1.dat", "tests2.dat", "test-yahoo-jp.dat"} {
		cases = append(cases, readHTML5LibEncoding(t, filepath.Join(root, name))...)
	}
	if len(cases) < 80 {
		t.Fatalf("read %d cases, expected over 80: has the format changed?", len(cases))
	}
	pass, defaultOnly := 0, 0
	for _, tc := range cases {
		_, wantName := htmlcharset.Lookup(tc.want)
		_, got, err := ToUTF8([]byte(tc.data), "")
		if err != nil {
			t.Errorf("%s %q: %v", tc.file, tc.data, err)
			continue
		}
		switch {
		case got == wantName:
			pass++
		case wantName == "windows-1252" && got == "utf-8" && isASCII([]byte(tc.data)):
			defaultOnly++
		default:
			t.Logf("fail: %s %q: got %s, want %s", tc.file, truncate([]byte(tc.data), 120), got, wantName)
		}
	}
	wrong := len(cases) - pass - defaultOnly
	t.Logf("html5lib meta prescan: %d/%d exact, %d more differ only by the default for undeclared ASCII, %d wrong", pass, len(cases), defaultOnly, wrong)
	if wrong > maxHTML5LibWrong {
		t.Errorf("%d html5lib cases wrong, at most %d expected", wrong, maxHTML5LibWrong)
	}
}

// maxHTML5LibWrong counts the html5lib cases we knowingly differ on:
// x/net's prescan reads <script> and <style> as raw text, so a <meta>
// inside them (three cases) declares nothing, and one page declares its
// charset 8 KB in, where browsers find it only while parsing.
const maxHTML5LibWrong = 4

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
