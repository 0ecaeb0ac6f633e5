package charset

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"revue/internal/shareddata"
)

// The chardet corpus was at hand while the scorer was written; these tests
// judge it on text it was not shaped on: the other single-byte feeds of
// ../shared/testdata/feeds/real, and real news leads from
// ../shared/testdata/stories encoded the way unlabeled pages come.

// TestRealFeedsWithoutLabels decodes every feed of feeds/real (outside the
// chardet folder) whose declared single-byte encoding the collector
// confirmed, once with its labels and once without.
func TestRealFeedsWithoutLabels(t *testing.T) {
	root := shareddata.Testdata(t, "feeds", "real")
	f, err := os.Open(filepath.Join(root, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sc.Scan() // header: file, format, language, declared_encoding, encoding_check, bom, gzip, …
	tested, unlabeledOK, labeledOK := 0, 0, 0
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		if len(col) < 7 || strings.HasPrefix(col[0], "chardet/") || col[4] != "" || col[6] != "" {
			continue // chardet's own samples, a mismatch the collector flagged, or gzip
		}
		truth, name := htmlcharset.Lookup(col[3])
		if truth == nil || strings.HasPrefix(name, "utf-") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(root, col[0]))
		if err != nil {
			t.Fatal(err)
		}
		if why, ok := knownMisses[col[0]]; ok {
			t.Logf("known miss, not counted: %s: %s", col[0], why)
			continue
		}
		if candidateNamed(name) == nil {
			_, got, _ := ToUTF8(withoutLabels(raw), "")
			t.Logf("not a candidate: %s (%s), unlabeled detected as %s", col[0], name, got)
			continue
		}
		tested++
		for _, tc := range []struct {
			how  string
			body []byte
			ok   *int
		}{{"unlabeled", withoutLabels(raw), &unlabeledOK}, {"labeled", raw, &labeledOK}} {
			_, got, err := ToUTF8(tc.body, "")
			if err != nil {
				t.Fatalf("%s: %v", col[0], err)
			}
			same, err := sameText(tc.body, got, truth)
			if err != nil {
				t.Fatalf("%s: %v", col[0], err)
			}
			if same {
				*tc.ok++
			} else {
				t.Errorf("%s (%s, declared %s): decoded as %s", col[0], tc.how, name, got)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if tested < 20 {
		t.Fatalf("only %d feeds tested: has MANIFEST.tsv changed?", tested)
	}
	t.Logf("real single-byte feeds: unlabeled %d/%d, labeled %d/%d", unlabeledOK, tested, labeledOK, tested)
}

// knownMisses are feeds detection gets wrong for a reason that is theirs.
var knownMisses = map[string]string{
	"picofeed/rss_20_iso8859-15.xml": "its only text is a test string of accented letters in a row, éàùç€@ïî, which reads better as Hebrew (windows-1255) than as any Latin word",
}

type story struct {
	Lang  string `json:"lang"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// shortTextEncodings are the encodings an unlabeled page in each language
// of the stories may come in.
var shortTextEncodings = map[string][]struct {
	name string
	enc  encoding.Encoding
}{
	"ar": {{"windows-1256", charmap.Windows1256}, {"iso-8859-6", charmap.ISO8859_6}},
	"fr": {{"windows-1252", charmap.Windows1252}, {"iso-8859-15", charmap.ISO8859_15}, {"windows-1256", charmap.Windows1256}},
	"es": {{"windows-1252", charmap.Windows1252}, {"iso-8859-15", charmap.ISO8859_15}},
	"en": {{"windows-1252", charmap.Windows1252}},
}

// minShortTextAccuracy is the share, in per cent, of headlines and leads
// that must decode right per language and encoding: all Arabic ones, and
// for the others what detection achieves today.
var minShortTextAccuracy = map[string]float64{
	"ar/windows-1256": 100, "ar/iso-8859-6": 100,
	"fr/windows-1252": 100, "fr/iso-8859-15": 100, "fr/windows-1256": 100,
	"es/windows-1252": 100, "es/iso-8859-15": 100, "en/windows-1252": 100,
	"ar/windows-1256 labeled windows-1256": 100, "ar/iso-8859-6 labeled iso-8859-6": 100,
	"fr/windows-1252 labeled windows-1252": 100, "fr/iso-8859-15 labeled iso-8859-15": 100,
	"fr/windows-1256 labeled windows-1256": 100, "es/windows-1252 labeled windows-1252": 100,
	"es/iso-8859-15 labeled iso-8859-15": 100, "en/windows-1252 labeled windows-1252": 100,
	"ar/windows-1256 labeled iso-8859-1": 100, "ar/iso-8859-6 labeled iso-8859-1": 100,
}

// TestShortNewsTexts encodes each headline and each lead of the stories
// (Arabic, French, Spanish, English, 20–600 characters) in the encodings
// its language is published in, with no label, and checks ToUTF8 reads it
// back. Texts an encoding cannot hold, and pure ASCII, are left out.
func TestShortNewsTexts(t *testing.T) {
	path := filepath.Join(shareddata.Testdata(t, "stories"), "dev.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type tally struct{ ok, total int }
	results := map[string]*tally{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var s story
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, text := range []string{s.Title, s.Text} {
			if isASCII([]byte(text)) {
				continue
			}
			for _, e := range shortTextEncodings[s.Lang] {
				body, err := e.enc.NewEncoder().Bytes([]byte(text))
				if err != nil {
					continue
				}
				key := s.Lang + "/" + e.name
				tl := results[key]
				if tl == nil {
					tl = &tally{}
					results[key] = tl
				}
				tl.total++
				_, got, err := ToUTF8(body, "")
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				if same, _ := sameText(body, got, e.enc); same {
					tl.ok++
				} else {
					t.Logf("wrong: %s read as %s: %q", key, got, truncate([]byte(text), 80))
				}
				// Its own label must stand; the common server default
				// "ISO-8859-1" over Arabic must not.
				for _, label := range []string{e.name, "iso-8859-1"} {
					if label == "iso-8859-1" && s.Lang != "ar" {
						continue
					}
					lkey := key + " labeled " + label
					lt := results[lkey]
					if lt == nil {
						lt = &tally{}
						results[lkey] = lt
					}
					lt.total++
					_, got, err := ToUTF8(body, "text/html; charset="+label)
					if err != nil {
						t.Fatalf("%s: %v", lkey, err)
					}
					if same, _ := sameText(body, got, e.enc); same {
						lt.ok++
					} else {
						t.Logf("wrong: %s read as %s: %q", lkey, got, truncate([]byte(text), 80))
					}
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(results))
	for k := range results {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tl := results[k]
		pct := 100 * float64(tl.ok) / float64(tl.total)
		t.Logf("%-16s %3d/%3d  %5.1f %%", k, tl.ok, tl.total, pct)
		if want, ok := minShortTextAccuracy[k]; !ok {
			t.Errorf("%s: no expected accuracy", k)
		} else if pct < want {
			t.Errorf("%s: %.1f %% right, want at least %.1f %%", k, pct, want)
		}
	}
	if len(keys) == 0 {
		t.Fatal(fmt.Sprintf("no texts read from %s", path))
	}
}
