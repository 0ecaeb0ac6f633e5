package tag

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"revue/internal/shareddata"
)

// codeSlugs maps the region codes of regions-dev.tsv to DESIGN.md slugs.
var codeSlugs = map[string]string{
	"TTA": "tanger-tetouan-al-hoceima",
	"ORI": "oriental",
	"FM":  "fes-meknes",
	"RSK": "rabat-sale-kenitra",
	"BMK": "beni-mellal-khenifra",
	"CS":  "casablanca-settat",
	"MS":  "marrakech-safi",
	"DT":  "draa-tafilalet",
	"SM":  "souss-massa",
	"GON": "guelmim-oued-noun",
	"LSH": "laayoune-sakia-el-hamra",
	"DOD": "dakhla-oued-ed-dahab",
}

// labelledArticle is one row of regions-dev.tsv joined with its article.
type labelledArticle struct {
	id, lang, title, text string
	want                  []string
	medium                bool
	evidence              string
}

// loadRegionsDev joins ../shared/testdata/stories/dev.jsonl with
// regions-dev.tsv; it skips tb (fails it on CI) when they are absent.
func loadRegionsDev(tb testing.TB) []labelledArticle {
	tb.Helper()
	dir := filepath.Join(shareddata.Testdata(tb), "stories")
	articles := map[string]struct{ lang, title, text string }{}
	f, err := os.Open(filepath.Join(dir, "dev.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for sc.Scan() {
		var a struct{ ID, Lang, Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			tb.Fatalf("dev.jsonl: %v", err)
		}
		articles[a.ID] = struct{ lang, title, text string }{a.Lang, a.Title, a.Text}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}

	lf, err := os.Open(filepath.Join(dir, "regions-dev.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer lf.Close()
	r := csv.NewReader(lf)
	r.Comma = '\t'
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil || !slices.Equal(header, []string{"id", "regions", "evidence", "confidence"}) {
		tb.Fatalf("regions-dev.tsv: unexpected header %q (%v)", header, err)
	}
	var out []labelledArticle
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("regions-dev.tsv: %v", err)
		}
		a, ok := articles[row[0]]
		if !ok {
			tb.Fatalf("regions-dev.tsv: %s is not in dev.jsonl", row[0])
		}
		la := labelledArticle{id: row[0], lang: a.lang, title: a.title, text: a.text, medium: row[3] == "medium", evidence: row[2]}
		for code := range strings.SplitSeq(row[1], ",") {
			if code = strings.TrimSpace(code); code == "" {
				continue
			}
			slug, ok := codeSlugs[code]
			if !ok {
				tb.Fatalf("regions-dev.tsv: %s: unknown region code %q", row[0], code)
			}
			la.want = append(la.want, slug)
		}
		out = append(out, la)
	}
	if len(out) == 0 {
		tb.Fatal("regions-dev.tsv has no rows")
	}
	return out
}

// prf is a micro-averaged score over (article, region) pairs.
type prf struct{ tp, fp, fn int }

func (s prf) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s prf) recall() float64    { return ratio(s.tp, s.tp+s.fn) }
func (s prf) f1() float64 {
	p, r := s.precision(), s.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
func (s prf) String() string {
	return fmt.Sprintf("P %.3f R %.3f F1 %.3f (tp %d, fp %d, fn %d)", s.precision(), s.recall(), s.f1(), s.tp, s.fp, s.fn)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (s *prf) add(got, want []string) {
	for _, g := range got {
		if slices.Contains(want, g) {
			s.tp++
		} else {
			s.fp++
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			s.fn++
		}
	}
}

// TestRegionsDev scores the embedded Moroccan gazetteer on the labelled
// region set: micro precision, recall and F1 over (article, region) pairs,
// on every row and on the rows labelled with high confidence. Every
// mistake is logged (go test -v) for error analysis.
func TestRegionsDev(t *testing.T) {
	rows := loadRegionsDev(t)
	tagger, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var all, high prf
	for _, a := range rows {
		got := tagger.Regions(a.title, a.text, a.lang)
		all.add(got, a.want)
		if !a.medium {
			high.add(got, a.want)
		}
		if !slices.Equal(got, a.want) {
			conf := "high"
			if a.medium {
				conf = "medium"
			}
			t.Logf("%s (%s, %s): got %v, want %v; labeller: %s", a.id, a.lang, conf, got, a.want, a.evidence)
		}
	}
	t.Logf("all %d rows:  %v", len(rows), all)
	t.Logf("high rows:    %v", high)
	if all.f1() < 0.90 {
		t.Errorf("F1 over all rows %.3f is under 0.90", all.f1())
	}
}

// TestRegionsForeignPages measures false alarms on text from elsewhere:
// the 563 pages of ../shared/testdata/articles come from international
// extraction benchmarks (news, blogs, shops in 20 languages) and none is
// about a Moroccan region, so any page tagged is a false positive. The
// whole visible text is tagged, menus and footers included, which is
// harsher than an article's text.
func TestRegionsForeignPages(t *testing.T) {
	dir := shareddata.Testdata(t, "articles")
	var pages []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".html.gz") {
			pages = append(pages, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 100 {
		t.Fatalf("found %d pages under %s, want the benchmark's 563", len(pages), dir)
	}
	tagger, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tagged := 0
	for _, p := range pages {
		text, err := visibleText(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if got := tagger.Regions("", text, ""); len(got) > 0 {
			tagged++
			t.Logf("%s: tagged %v", filepath.Base(p), got)
		}
	}
	t.Logf("%d of %d foreign pages tagged", tagged, len(pages))
	if max := len(pages) / 100; tagged > max {
		t.Errorf("%d of %d foreign pages tagged, want at most %d (1 %%)", tagged, len(pages), max)
	}
}

// visibleText returns the text of a gzip-compressed HTML page, without
// scripts and styles.
func visibleText(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", err
	}
	z := html.NewTokenizer(zr)
	var b strings.Builder
	hidden := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			if err := z.Err(); err != io.EOF {
				return "", err
			}
			return b.String(), nil
		case html.StartTagToken:
			name, _ := z.TagName()
			hidden = string(name) == "script" || string(name) == "style"
		case html.EndTagToken:
			hidden = false
		case html.TextToken:
			if !hidden {
				b.Write(z.Text())
				b.WriteString("\n")
			}
		}
	}
}
