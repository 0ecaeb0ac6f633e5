package storetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"revue"
	"revue/internal/search"
	"revue/internal/shareddata"
	"revue/internal/textproc"
)

// The search benchmark runs on synthetic articles whose words are drawn
// from the vocabulary of ../shared/testdata/stories/dev.jsonl: each
// language's words with their frequencies there (so common words are as
// common as in real news and the long tail is as long as the corpus
// allows), titles of 8 to 12 words and bodies of 40 to 60 (a feed's
// summary), in the dev set's language mix. IDs follow publication dates,
// as in a crawl.

// searchBenchVersion is part of a cached database's name: change it when
// the generator changes.
const searchBenchVersion = "search-1"

// SearchCorpus is the vocabulary the synthetic articles are drawn from.
type SearchCorpus struct {
	langs []string // one entry per dev article: the language mix
	vocab map[string]*vocabulary
}

type vocabulary struct {
	words, terms []string // a word as written, and its term
	counts       []int
	cumulative   []int // running total of counts, for sampling
}

// LoadSearchCorpus reads the vocabulary of dev.jsonl (skipping tb when the
// shared data is absent).
func LoadSearchCorpus(tb testing.TB) *SearchCorpus {
	tb.Helper()
	f, err := os.Open(shareddata.Testdata(tb, "stories", "dev.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	c := &SearchCorpus{vocab: map[string]*vocabulary{}}
	index := map[string]map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var row struct{ Lang, Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			tb.Fatalf("reading dev.jsonl: %v", err)
		}
		c.langs = append(c.langs, row.Lang)
		v := c.vocab[row.Lang]
		if v == nil {
			v = &vocabulary{}
			c.vocab[row.Lang], index[row.Lang] = v, map[string]int{}
		}
		text := row.Title + "\n" + row.Text
		for _, t := range textproc.Analyze(text, row.Lang) {
			word := text[t.Start:t.End]
			i, seen := index[row.Lang][word]
			if !seen {
				i = len(v.words)
				index[row.Lang][word] = i
				v.words, v.terms, v.counts = append(v.words, word), append(v.terms, t.Term), append(v.counts, 0)
			}
			v.counts[i]++
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	for _, v := range c.vocab {
		total := 0
		for _, n := range v.counts {
			total += n
			v.cumulative = append(v.cumulative, total)
		}
	}
	return c
}

// Fingerprint identifies the articles Articles makes, for a cached database.
func (c *SearchCorpus) Fingerprint() string {
	n := 0
	for _, v := range c.vocab {
		n += len(v.words)
	}
	return fmt.Sprintf("%s-%d-%d", searchBenchVersion, len(c.langs), n)
}

// SearchRow is one synthetic article and what search.Index makes of it.
type SearchRow struct {
	Article revue.Article
	Doc     search.Document
}

// Articles yields n articles with IDs 1…n, sources 1…FrontPageSourceCount
// (FrontPageSources) and FrontPage's sections; the same n gives the same
// rows.
func (c *SearchCorpus) Articles(n int) iter.Seq[SearchRow] {
	return func(yield func(SearchRow) bool) {
		rng := rand.New(rand.NewPCG(2, uint64(n)))
		sections := frontPageSections()
		newest := frontPageNewest()
		const twoYears = 2 * 365 * 24 * time.Hour
		step := twoYears / time.Duration(n)
		for id := 1; id <= n; id++ {
			lang := c.langs[rng.IntN(len(c.langs))]
			v := c.vocab[lang]
			title, titleTerms := v.sample(rng, 8+rng.IntN(5))
			body, bodyTerms := v.sample(rng, 40+rng.IntN(21))
			published := newest.Add(-twoYears + time.Duration(id)*step + time.Duration(rng.Int64N(int64(time.Hour))))
			row := SearchRow{
				Article: revue.Article{
					ID: int64(id), StoryID: int64(id), SourceID: int64(1 + rng.IntN(FrontPageSourceCount)),
					GUID: fmt.Sprintf("urn:search-bench:%d", id), URL: fmt.Sprintf("https://news.example/s/%d", id),
					Title: title, Summary: body, Lang: lang, Section: sections[rng.IntN(len(sections))],
					PublishedAt: published, FetchedAt: published,
				},
				Doc: search.Document{Title: titleTerms, Body: bodyTerms},
			}
			if !yield(row) {
				return
			}
		}
	}
}

// sample draws n words by their frequency, returning the text and the terms.
func (v *vocabulary) sample(rng *rand.Rand, n int) (string, []string) {
	words := make([]string, n)
	terms := make([]string, n)
	total := v.cumulative[len(v.cumulative)-1]
	for i := range n {
		k := sort.SearchInts(v.cumulative, rng.IntN(total)+1)
		words[i], terms[i] = v.words[k], v.terms[k]
	}
	return strings.Join(words, " "), terms
}

// CheckSearchRows fails tb when the terms Articles precomputes (word by
// word, to fill a million rows in minutes) differ from what search.Index
// makes of the article, on the first n rows.
func (c *SearchCorpus) CheckSearchRows(tb testing.TB, n int) {
	tb.Helper()
	for row := range c.Articles(n) {
		got := search.Index(row.Article.Title, row.Article.Summary, row.Article.Lang)
		if !slices.Equal(got.Title, row.Doc.Title) || !slices.Equal(got.Body, row.Doc.Body) {
			tb.Fatalf("article %d: precomputed terms %q / %q, search.Index gives %q / %q",
				row.Article.ID, row.Doc.Title, row.Doc.Body, got.Title, got.Body)
		}
	}
}

// searchBenchQuery is one kind of query the benchmark times.
type searchBenchQuery struct {
	name    string
	queries []revue.SearchQuery
	texts   []string
}

// benchQueries picks each kind's words from the vocabulary: the most
// frequent longer words (common), words seen once (rare), pairs of frequent
// words as phrases, and common words with a language and section filter.
func (c *SearchCorpus) benchQueries(now time.Time) []searchBenchQuery {
	type entry struct {
		lang, word string
		count      int
	}
	var all []entry
	for lang, v := range c.vocab {
		for i, w := range v.words {
			all = append(all, entry{lang, w, v.counts[i]})
		}
	}
	slices.SortFunc(all, func(a, b entry) int {
		if a.count != b.count {
			return b.count - a.count
		}
		return strings.Compare(a.lang+a.word, b.lang+b.word)
	})
	var common, sameLang, rare, frequent []entry
	for _, e := range all {
		n := utf8.RuneCountInString(e.word)
		if n >= 5 && len(common) < 10 {
			common = append(common, e)
		}
		if n >= 5 && len(sameLang) < 10 && e.lang == all[0].lang {
			sameLang = append(sameLang, e)
		}
		if len(frequent) < 20 && n >= 2 {
			frequent = append(frequent, e)
		}
	}
	for i := len(all) - 1; i >= 0 && len(rare) < 10; i-- {
		if utf8.RuneCountInString(all[i].word) >= 6 {
			rare = append(rare, all[i])
		}
	}
	mk := func(name string, texts []string, q revue.SearchQuery) searchBenchQuery {
		k := searchBenchQuery{name: name, texts: texts}
		for _, t := range texts {
			q.Query, q.Now, q.Limit = textproc.AnalyzeQuery(t, ""), now, 20
			k.queries = append(k.queries, q)
		}
		return k
	}
	words := func(es []entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.word)
		}
		return out
	}
	var phrases []string
	for i := 0; i+1 < len(frequent) && len(phrases) < 10; i++ {
		for j := i + 1; j < len(frequent) && len(phrases) < 10; j++ {
			if frequent[i].lang == frequent[j].lang {
				phrases = append(phrases, `"`+frequent[i].word+" "+frequent[j].word+`"`)
			}
		}
	}
	return []searchBenchQuery{
		mk("common", words(common), revue.SearchQuery{}),
		mk("rare", words(rare), revue.SearchQuery{}),
		mk("phrase", phrases, revue.SearchQuery{}),
		// A reader filtering by language searches in that language.
		mk("common+filter", words(sameLang), revue.SearchQuery{Lang: sameLang[0].lang, Section: frontPageSections()[0]}),
	}
}

// BenchmarkSearch times SearchArticles on st, filled with Articles(n):
// each kind of query, its words in turn, reporting p50, p95 and p99.
func BenchmarkSearch(b *testing.B, st revue.Store, c *SearchCorpus, n int) {
	ctx := b.Context()
	now := frontPageNewest()
	const rounds = 20 // per word: 200 timings per kind
	for _, kind := range c.benchQueries(now) {
		b.Run(kind.name, func(b *testing.B) {
			var times []time.Duration
			hits := 0
			for b.Loop() {
				times = times[:0]
				for range rounds {
					for _, q := range kind.queries {
						start := time.Now()
						page, err := st.SearchArticles(ctx, q)
						times = append(times, time.Since(start))
						if err != nil {
							b.Fatal(err)
						}
						hits += len(page.Hits)
					}
				}
			}
			if hits == 0 {
				b.Fatalf("%s queries %q found nothing", kind.name, kind.texts)
			}
			slices.Sort(times)
			pct := func(p float64) float64 {
				return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.Logf("%s at %d articles: %d timings, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; queries %q",
				kind.name, n, len(times), pct(0.50), pct(0.95), pct(0.99), kind.texts)
		})
	}
}
