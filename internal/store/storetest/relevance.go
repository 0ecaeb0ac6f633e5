package storetest

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"revue"
	"revue/internal/shareddata"
	"revue/internal/textproc"
)

//go:embed testdata/relevance/queries.tsv
var relevanceQueries string

// RelevanceFloors are the lowest figures RunRelevance accepts: the
// measured ones (BENCHMARKS.md, "Search") less a margin.
type RelevanceFloors struct {
	NDCG10, MRR float64
}

// Relevance is what RunRelevance measured.
type Relevance struct {
	NDCG10, MRR         float64
	Topical, KnownItems int
}

type devArticle struct {
	ID, Story, TopicFamily, Lang, Source, URL, Published, Title, Text string
}

// RunRelevance stores the dev set's articles in st with SaveArticles, runs
// the relevance set's topical and known-item queries with SearchArticles,
// and fails t when nDCG@10 or MRR falls below floors. See
// testdata/relevance/README.md for how the set was built.
func RunRelevance(t *testing.T, st revue.Store, floors RelevanceFloors) Relevance {
	ctx := t.Context()
	f, err := os.Open(shareddata.Testdata(t, "stories", "dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var dev []devArticle
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var row struct {
			ID, Story, Lang, Source, URL, Published, Title, Text string
			TopicFamily                                          string `json:"topic_family"`
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("reading dev.jsonl: %v", err)
		}
		dev = append(dev, devArticle{row.ID, row.Story, row.TopicFamily, row.Lang, row.Source, row.URL, row.Published, row.Title, row.Text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	// One source per outlet; every article saved as a feed item with its
	// page's text.
	sources := map[string]int64{}
	byID := map[int64]devArticle{}
	var newest time.Time
	for _, d := range dev {
		src, ok := sources[d.Source]
		if !ok {
			s, err := st.AddSource(ctx, revue.Source{Name: d.Source, FeedURL: "https://" + d.Source + "/feed", Enabled: true}, t0)
			if err != nil {
				t.Fatal(err)
			}
			src, sources[d.Source] = s.ID, s.ID
		}
		// Dates are days, some only a month or a year, a few missing.
		published := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, layout := range []string{time.DateOnly, "2006-01", "2006"} {
			if p, err := time.Parse(layout, d.Published); err == nil {
				published = p
				break
			}
		}
		if published.After(newest) {
			newest = published
		}
		res, err := st.SaveArticles(ctx, src, []revue.Article{{GUID: d.ID, URL: d.URL, CanonicalURL: d.URL + "#" + d.ID,
			Title: d.Title, Text: d.Text, Lang: d.Lang, PublishedAt: published}}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.New) != 1 {
			t.Fatalf("%s was not stored", d.ID)
		}
		byID[res.New[0].ID] = d
	}
	now := newest.Add(24 * time.Hour)
	searchIDs := func(text string) []int64 {
		page, err := st.SearchArticles(ctx, revue.SearchQuery{Query: textproc.AnalyzeQuery(text, ""), Limit: 10, Now: now})
		if err != nil {
			t.Fatalf("SearchArticles(%q): %v", text, err)
		}
		var ids []int64
		for _, h := range page.Hits {
			ids = append(ids, h.Article.ID)
		}
		return ids
	}

	var out Relevance
	var ndcgSum float64
	for _, line := range strings.Split(relevanceQueries, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			t.Fatalf("queries.tsv: %q is not lang, story and query", line)
		}
		story, text := fields[1], fields[2]
		family := ""
		for _, d := range dev {
			if d.Story == story {
				family = d.TopicFamily
			}
		}
		if family == "" {
			t.Fatalf("queries.tsv: story %q is not in dev.jsonl", story)
		}
		grade := func(d devArticle) float64 {
			switch {
			case d.Story == story:
				return 2
			case d.TopicFamily == family:
				return 1
			}
			return 0
		}
		var ideal []float64
		for _, d := range dev {
			if g := grade(d); g > 0 {
				ideal = append(ideal, g)
			}
		}
		slices.SortFunc(ideal, func(a, b float64) int { return int(b - a) })
		var gains []float64
		for _, id := range searchIDs(text) {
			gains = append(gains, grade(byID[id]))
		}
		score := dcg(gains) / dcg(ideal)
		ndcgSum += score
		out.Topical++
		t.Logf("nDCG@10 %.3f  %s", score, text)
	}
	out.NDCG10 = ndcgSum / float64(out.Topical)

	var rrSum float64
	titled := 0
	for _, d := range dev {
		if d.Title == "" {
			continue // some dev articles have a text but no title
		}
		if titled++; titled%3 != 1 {
			continue
		}
		words := strings.Fields(d.Title)
		if len(words) > 6 {
			words = words[2:6]
		}
		text := strings.Join(words, " ")
		rr := 0.0
		for rank, id := range searchIDs(text) {
			if byID[id].ID == d.ID {
				rr = 1 / float64(rank+1)
				break
			}
		}
		if rr < 1 {
			t.Logf("known item %s at 1/RR %.0f: %q", d.ID, 1/rr, text)
		}
		rrSum += rr
		out.KnownItems++
	}
	out.MRR = rrSum / float64(out.KnownItems)
	t.Logf("relevance: nDCG@10 %.3f over %d topical queries, MRR %.3f over %d known items", out.NDCG10, out.Topical, out.MRR, out.KnownItems)
	if out.NDCG10 < floors.NDCG10 {
		t.Errorf("nDCG@10 = %.3f, below the floor %.3f", out.NDCG10, floors.NDCG10)
	}
	if out.MRR < floors.MRR {
		t.Errorf("known-item MRR = %.3f, below the floor %.3f", out.MRR, floors.MRR)
	}
	return out
}

// dcg is the discounted cumulative gain of the first 10 gains.
func dcg(gains []float64) float64 {
	var sum float64
	for i, g := range gains[:min(10, len(gains))] {
		sum += (math.Pow(2, g) - 1) / math.Log2(float64(i+2))
	}
	return sum
}
