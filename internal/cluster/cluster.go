// Package cluster groups articles into stories: each new article joins the
// best matching story of the recent window, in any of Revue's languages, or
// starts a new one. It also says whether two articles are the same text
// (SameText), which is a different question: a reprint is one article, a
// report of the same event in other words is one story.
//
// Matching is lexical and needs no network service. An article becomes a
// set of weighted features: stems of its own language, and features every
// language shares — names from a shipped cross-script lexicon (Maroc,
// Morocco, Marruecos and المغرب are one name), capitalised Latin words,
// numbers (digits of any script, small numbers in words, percentages,
// amounts, match scores), years, dates, weekdays, and the regions the
// region gazetteer finds. A story keeps, per feature, how many of its
// articles carry it; an article is scored against a story by the cosine
// between its vector and the story's mean vector over the features the two
// can share (its own language's stems only when the story has articles in
// that language). Candidate stories come from an inverted index over the
// features, never from a scan of every story.
package cluster

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"revue/internal/tag"
)

// Config tunes a Grouper. The zero value of each field selects its default.
type Config struct {
	// Window is how far apart in time an article and a story may be: an
	// article joins only stories with an article published within Window
	// of its own. Default 72 h.
	Window time.Duration
	// SameLanguage is the least score for joining a story that has
	// articles in the article's language. Default 0.30.
	SameLanguage float64
	// CrossLanguage is the least score for joining a story with no article
	// in the article's language; lower, since only names, numbers, dates,
	// places and lexicon words can match. Default 0.25.
	CrossLanguage float64
	// Candidates is how many stories, found through the index, are scored
	// in full. Default 16.
	Candidates int
	// CommonPostings: a feature carried by more stories than this is not
	// used to find candidates (it still counts in the score). It bounds the
	// work per article however large the window. Default 500.
	CommonPostings int
	// Tagger finds regions; nil selects the embedded Moroccan gazetteer.
	Tagger *tag.Tagger
}

func (c Config) withDefaults() Config {
	if c.Window <= 0 {
		c.Window = 72 * time.Hour
	}
	if c.SameLanguage <= 0 {
		c.SameLanguage = 0.30
	}
	if c.CrossLanguage <= 0 {
		c.CrossLanguage = 0.25
	}
	if c.Candidates <= 0 {
		c.Candidates = 16
	}
	if c.CommonPostings <= 0 {
		c.CommonPostings = 500
	}
	return c
}

// Article is what grouping reads of an article.
type Article struct {
	ID           int64
	SourceID     int64
	Lang         string // fr, es, en, ar, or another code
	Title        string
	Text         string // the text, or the summary when the page was not read
	CanonicalURL string
	Published    time.Time // zero when unknown: no window then applies
}

// Assignment is where Assign put an article, and why.
type Assignment struct {
	StoryID int64
	// New: the article starts a story, whose ID is the article's ID.
	New bool
	// Score is the best candidate's score, joined or not (0 without one).
	Score float64
	// Why lists, for debugging, the reason or the features that weighed
	// most in the best candidate's score.
	Why string
}

// Story is a story's persistent signature: what a store keeps so that a
// Grouper can be rebuilt, or shared by several workers, without reading
// the articles again.
type Story struct {
	ID          int64
	First, Last time.Time // publication times of its articles (zero: none known)
	Articles    int
	Langs       map[string]int // articles per language
	// Features holds, per feature key, how many of its articles carry it.
	Features map[string]int

	// The squared norms of the story's mean vector, over its language-free
	// features and over each language's stems, so that scoring reads only
	// the article's features. idf moves with every article of the window;
	// the norms are computed again when the story grows or when the
	// window's article count has moved by more than 1/64 since normsAt.
	freeNorm2 float64
	stemNorm2 map[string]float64
	normsAt   int
}

// Grouper assigns articles to stories. Its state is the stories of the
// window, their inverted index and the document frequencies of features;
// it is safe for concurrent use (assignments are serialised).
type Grouper struct {
	cfg    Config
	lex    *lexicon
	tagger *tag.Tagger

	mu       sync.Mutex
	stories  map[int64]*Story
	postings map[string][]int64 // feature → stories carrying it (may hold pruned IDs)
	df       map[string]int     // feature → articles of the window carrying it
	articles int                // articles of the window
	byURL    map[string]int64   // canonical URL → story
	// scratch accumulates candidate weights; kept to spare an allocation
	// of the size of the window's common features per article.
	scratch map[int64]float64
}

// New returns a Grouper with no stories.
func New(cfg Config) (*Grouper, error) {
	cfg = cfg.withDefaults()
	lex, err := parseLexicon(embeddedLexicon)
	if err != nil {
		return nil, fmt.Errorf("story grouping: %w", err)
	}
	tagger := cfg.Tagger
	if tagger == nil {
		if tagger, err = tag.New(tag.Options{}); err != nil {
			return nil, fmt.Errorf("story grouping: %w", err)
		}
	}
	return &Grouper{
		cfg: cfg, lex: lex, tagger: tagger,
		stories:  map[int64]*Story{},
		postings: map[string][]int64{},
		df:       map[string]int{},
		byURL:    map[string]int64{},
		scratch:  map[int64]float64{},
	}, nil
}

// Assign puts a into the best matching story of the window, or starts a
// new one, and records it there.
func (g *Grouper) Assign(a Article) Assignment {
	a.Lang = normLang(a.Lang)
	feats := g.extract(a.Title, a.Text, a.Lang)
	g.mu.Lock()
	defer g.mu.Unlock()
	as := g.best(a, feats)
	if as.StoryID == 0 {
		as.StoryID, as.New = a.ID, true
	}
	g.add(a, feats, as.StoryID)
	return as
}

// Add records a in the story storyID without scoring it: for rebuilding a
// Grouper from stored articles and their stories, oldest first.
func (g *Grouper) Add(a Article, storyID int64) {
	a.Lang = normLang(a.Lang)
	feats := g.extract(a.Title, a.Text, a.Lang)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.add(a, feats, storyID)
}

// Stories returns the signatures of the stories of the window (copies).
func (g *Grouper) Stories() []Story {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Story, 0, len(g.stories))
	for _, s := range g.stories {
		out = append(out, Story{ID: s.ID, First: s.First, Last: s.Last, Articles: s.Articles,
			Langs: cloneMap(s.Langs), Features: cloneMap(s.Features)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Prune forgets the stories whose last article was published before
// before; stories with no known time are kept. The owner calls it as time
// passes (the window's start), which bounds memory.
func (g *Grouper) Prune(before time.Time) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	removed := 0
	touched := map[string]bool{}
	for id, s := range g.stories {
		if s.Last.IsZero() || !s.Last.Before(before) {
			continue
		}
		for f, n := range s.Features {
			if g.df[f] -= n; g.df[f] <= 0 {
				delete(g.df, f)
			}
			touched[f] = true
		}
		g.articles -= s.Articles
		delete(g.stories, id)
		removed++
	}
	for f := range touched {
		ids := slices.DeleteFunc(g.postings[f], func(id int64) bool { return g.stories[id] == nil })
		if len(ids) == 0 {
			delete(g.postings, f)
		} else {
			g.postings[f] = ids
		}
	}
	for u, id := range g.byURL {
		if g.stories[id] == nil {
			delete(g.byURL, u)
		}
	}
	return removed
}

func (g *Grouper) add(a Article, feats map[string]int, storyID int64) {
	s := g.stories[storyID]
	if s == nil {
		s = &Story{ID: storyID, Langs: map[string]int{}, Features: map[string]int{}}
		g.stories[storyID] = s
	}
	s.Articles++
	s.Langs[a.Lang]++
	if !a.Published.IsZero() {
		if s.First.IsZero() || a.Published.Before(s.First) {
			s.First = a.Published
		}
		if a.Published.After(s.Last) {
			s.Last = a.Published
		}
	}
	for f := range feats {
		if s.Features[f] == 0 {
			g.postings[f] = append(g.postings[f], storyID)
		}
		s.Features[f]++
		g.df[f]++
	}
	g.articles++
	if a.CanonicalURL != "" {
		g.byURL[a.CanonicalURL] = storyID
	}
	g.updateNorms(s)
}

func (g *Grouper) updateNorms(s *Story) {
	s.normsAt = g.articles
	s.freeNorm2 = 0
	s.stemNorm2 = map[string]float64{}
	for f, n := range s.Features {
		if f[0] != kindStem {
			m := g.mean(s, f, n, s.Articles)
			s.freeNorm2 += m * m
			continue
		}
		lang, _, _ := strings.Cut(f[2:], ":")
		m := g.mean(s, f, n, s.Langs[lang])
		s.stemNorm2[lang] += m * m
	}
}

// mean is a feature's weight in a story's mean vector, carried by n of
// the div articles it is averaged over.
func (g *Grouper) mean(s *Story, f string, n, div int) float64 {
	return featureWeights[f[0]] * float64(n) / float64(div) * g.idf(f)
}

func (g *Grouper) idf(f string) float64 {
	return math.Log(1 + float64(g.articles+1)/float64(g.df[f]+1))
}

func (g *Grouper) inWindow(s *Story, t time.Time) bool {
	if t.IsZero() || s.First.IsZero() {
		return true
	}
	return !t.Before(s.First.Add(-g.cfg.Window)) && !t.After(s.Last.Add(g.cfg.Window))
}

// best returns the story a should join, or a zero StoryID.
func (g *Grouper) best(a Article, feats map[string]int) Assignment {
	if id, ok := g.byURL[a.CanonicalURL]; ok && a.CanonicalURL != "" {
		return Assignment{StoryID: id, Score: 1, Why: "same canonical URL"}
	}
	weights := make(map[string]float64, len(feats))
	idfs := make(map[string]float64, len(feats))
	for f, tf := range feats {
		idfs[f] = g.idf(f)
		weights[f] = featureWeights[f[0]] * (1 + math.Log(float64(tf))) * idfs[f]
	}
	cands := g.candidates(weights)
	var best Assignment
	var bestStory *Story
	scored := 0
	for _, c := range cands {
		if scored == g.cfg.Candidates {
			break
		}
		s := g.stories[c.id]
		if s == nil || !g.inWindow(s, a.Published) {
			continue
		}
		scored++
		score, why := g.score(a.Lang, weights, idfs, s)
		if score > best.Score {
			best = Assignment{StoryID: s.ID, Score: score, Why: why}
			bestStory = s
		}
	}
	if bestStory == nil {
		return Assignment{Why: "no candidate story shares a feature"}
	}
	threshold := g.cfg.CrossLanguage
	if bestStory.Langs[a.Lang] > 0 {
		threshold = g.cfg.SameLanguage
	}
	if best.Score < threshold {
		best.Why = fmt.Sprintf("best story %d below %.2f: %s", best.StoryID, threshold, best.Why)
		best.StoryID = 0
	}
	return best
}

// candidate is a story found through the index, with the weight of the
// features through which it was found.
type candidate struct {
	id  int64
	acc float64
}

// candidates returns the stories sharing the most weight with the article
// through its candidateFeatures heaviest features, best first, at most
// 2×Candidates (some may fall outside the window). Features carried by
// more than CommonPostings stories are passed over: they would visit much
// of the window and single out nothing.
func (g *Grouper) candidates(weights map[string]float64) []candidate {
	type fw struct {
		f string
		w float64
	}
	feats := make([]fw, 0, len(weights))
	for f, w := range weights {
		if n := len(g.postings[f]); n == 0 || n > g.cfg.CommonPostings || f[0] == kindWeekday || f[0] == kindYear {
			continue
		}
		feats = append(feats, fw{f, w})
	}
	sort.Slice(feats, func(i, j int) bool {
		if feats[i].w != feats[j].w {
			return feats[i].w > feats[j].w
		}
		return feats[i].f < feats[j].f
	})
	acc := g.scratch
	clear(acc)
	for i, x := range feats {
		if i == candidateFeatures {
			break
		}
		for _, id := range g.postings[x.f] {
			acc[id] += x.w
		}
	}
	// Keep the best 2×Candidates, in order, by insertion: most stories
	// fall below the last kept and cost one comparison.
	keep := 2 * g.cfg.Candidates
	top := make([]candidate, 0, keep+1)
	for id, w := range acc {
		c := candidate{id, w}
		if len(top) == keep && !better(c, top[keep-1]) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return better(c, top[i]) })
		top = slices.Insert(top, i, c)
		if len(top) > keep {
			top = top[:keep]
		}
	}
	return top
}

// candidateFeatures is how many of an article's heaviest features find
// its candidate stories.
const candidateFeatures = 24

func better(a, b candidate) bool {
	if a.acc != b.acc {
		return a.acc > b.acc
	}
	return a.id < b.id
}

// score is the cosine between the article's vector and the story's mean
// vector, over the features they can share: stems of the article's
// language only when the story has articles in it (averaged over those
// articles), every language-free feature (averaged over all articles).
func (g *Grouper) score(lang string, weights, idfs map[string]float64, s *Story) (float64, string) {
	sameLang := s.Langs[lang]
	stemPrefix := "s:" + lang + ":"
	var dot, na float64
	if d := g.articles - s.normsAt; d*64 > g.articles || -d*64 > g.articles {
		g.updateNorms(s)
	}
	ns := s.freeNorm2
	if sameLang > 0 {
		ns += s.stemNorm2[lang]
	}
	penalty := 1.0
	var top []contribution
	for f, w := range weights {
		stem := f[0] == kindStem
		if stem && (sameLang == 0 || !strings.HasPrefix(f, stemPrefix)) {
			continue
		}
		na += w * w
		if n := s.Features[f]; n > 0 {
			div := s.Articles
			if stem {
				div = sameLang
			}
			v := w * featureWeights[f[0]] * float64(n) / float64(div) * idfs[f]
			dot += v
			top = append(top, contribution{f, v})
		}
	}
	if dot == 0 {
		return 0, "nothing shared"
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].v != top[j].v {
			return top[i].v > top[j].v
		}
		return top[i].f < top[j].f
	})
	var why strings.Builder
	if k, ok := conflict(weights, s); ok {
		penalty *= conflictPenalty
		why.WriteString("conflicting " + k + "; ")
	}
	for i, c := range top {
		if i == 6 {
			break
		}
		if i > 0 {
			why.WriteString(" ")
		}
		why.WriteString(c.f)
	}
	return penalty * dot / math.Sqrt(na*ns), why.String()
}

// contribution is one shared feature's part of a score.
type contribution struct {
	f string
	v float64
}

// conflictPenalty (chosen on half A with 0.5 and 0 as alternatives, which
// scored alike there) scales the score of a story whose years or match scores
// all differ from the article's: the same topic in another season (a rate
// decision of another year, another match of a tournament) shares nearly
// every word, and these are what tell the events apart.
const conflictPenalty = 0.25

// conflict reports whether the article and the story both state years (or
// match scores) and share none; a story's year or score counts when at
// least a third of its articles state it.
func conflict(weights map[string]float64, s *Story) (string, bool) {
	for _, kind := range []string{"y:", "n:score:"} {
		var mine, shared bool
		for f := range weights {
			if strings.HasPrefix(f, kind) {
				mine = true
				if s.Features[f] > 0 {
					shared = true
					break
				}
			}
		}
		if !mine || shared {
			continue
		}
		for f, n := range s.Features {
			if strings.HasPrefix(f, kind) && 3*n >= s.Articles {
				return strings.TrimSuffix(kind, ":"), true
			}
		}
	}
	return "", false
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
