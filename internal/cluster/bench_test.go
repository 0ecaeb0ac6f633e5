package cluster

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// synthetic makes articles from an invented vocabulary, so that the
// benchmark needs no corpus and its window can hold any number of
// articles. Words are syllables strung together (Latin letters for fr, es
// and en, Arabic letters for ar), drawn with a Zipf law as in real text;
// each story has its own rarer words, two capitalised names and a number,
// of which each of its articles uses some.
type synthetic struct {
	rng     *rand.Rand
	latin   []string
	arabic  []string
	zipfLat *rand.Zipf
	zipfAr  *rand.Zipf
}

func newSynthetic(seed uint64, vocabulary int) *synthetic {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s := &synthetic{rng: rng}
	latinSyl := []string{"ba", "ke", "li", "mo", "nu", "ra", "se", "ti", "vo", "za", "dan", "mer", "por", "tal", "quin", "sol", "ver", "gra", "pli", "stu"}
	arabicSyl := []string{"با", "كي", "لي", "مو", "نو", "را", "سي", "تي", "فو", "زا", "دان", "مر", "بور", "طال", "قين", "سول", "ور", "غرا", "بلي", "ستو"}
	word := func(syl []string) string {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		return b.String()
	}
	for range vocabulary {
		s.latin = append(s.latin, word(latinSyl))
		s.arabic = append(s.arabic, word(arabicSyl))
	}
	s.zipfLat = rand.NewZipf(rng, 1.1, 2, uint64(vocabulary-1))
	s.zipfAr = rand.NewZipf(rng, 1.1, 2, uint64(vocabulary-1))
	return s
}

// story is what the articles of one synthetic story share.
type syntheticStory struct {
	latin, arabic []string // story words
	names         []string // capitalised, shared by every script's articles
	number        int
}

func (s *synthetic) story() syntheticStory {
	st := syntheticStory{number: 10 + s.rng.IntN(5000)}
	for range 8 {
		i := s.rng.IntN(len(s.latin))
		st.latin = append(st.latin, s.latin[i])
		st.arabic = append(st.arabic, s.arabic[i])
	}
	for range 2 {
		n := s.latin[s.rng.IntN(len(s.latin))]
		st.names = append(st.names, strings.ToUpper(n[:1])+n[1:])
	}
	return st
}

var benchLangs = []string{"fr", "es", "en", "ar"}

func (s *synthetic) article(id int64, st syntheticStory, published time.Time) Article {
	lang := benchLangs[s.rng.IntN(len(benchLangs))]
	vocab, storyWords, zipf := s.latin, st.latin, s.zipfLat
	if lang == "ar" {
		vocab, storyWords, zipf = s.arabic, st.arabic, s.zipfAr
	}
	pick := func(n int) string {
		ws := make([]string, 0, n)
		for range n {
			if s.rng.IntN(5) == 0 {
				ws = append(ws, storyWords[s.rng.IntN(len(storyWords))])
			} else {
				ws = append(ws, vocab[zipf.Uint64()])
			}
		}
		return strings.Join(ws, " ")
	}
	title := fmt.Sprintf("%s %s %s", st.names[0], pick(6), st.names[1])
	text := fmt.Sprintf("%s, %s %d %s. %s", pick(20), st.names[0], st.number, pick(15), pick(20))
	return Article{ID: id, Lang: lang, Title: title, Text: text, Published: published}
}

// BenchmarkAssign measures Assign with a window already holding 100,000
// articles (20,000 stories of five), all published within the 72 hours.
func BenchmarkAssign(b *testing.B) {
	const window, perStory = 100_000, 5
	syn := newSynthetic(1, 30_000)
	g := newTestGrouper(b, Config{})
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	step := 70 * time.Hour / window
	var stories []syntheticStory
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range window {
		if i%perStory == 0 {
			stories = append(stories, syn.story())
		}
		storyID := int64(i/perStory*perStory + 1)
		g.Add(syn.article(int64(i+1), stories[len(stories)-1], start.Add(time.Duration(i)*step)), storyID)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	windowMiB := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	features := float64(len(g.postings))

	// Half of the new articles report stories of the window, half new ones.
	next := int64(window + 1)
	arts := make([]Article, 0, 4096)
	for i := range cap(arts) {
		st := stories[syn.rng.IntN(len(stories))]
		if i%2 == 1 {
			st = syn.story()
		}
		arts = append(arts, syn.article(next, st, start.Add(71*time.Hour)))
		next++
	}
	// Workers assign at once, as the crawler's do: feature extraction runs
	// in parallel, assignment itself is serialised by the Grouper.
	b.ReportAllocs()
	var n atomic.Int64
	b.ResetTimer()
	began := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			g.Assign(arts[n.Add(1)%int64(len(arts))])
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(began).Seconds(), "articles/s")
	// After the loop: ResetTimer drops metrics reported before it.
	b.ReportMetric(windowMiB, "window-MiB")
	b.ReportMetric(features, "features")
}
