package search

import (
	"math"
	"slices"
	"time"
)

// Candidate is a matching article as a store reads it for ranking: its
// date and its indexed terms.
type Candidate struct {
	ID          int64
	PublishedAt time.Time
	Title, Body []string
}

// Scored is a ranked candidate.
type Scored struct {
	ID          int64
	PublishedAt time.Time
	Score       float64
}

const (
	// bm25's usual constants: term-frequency saturation and how much a
	// long text's matches are discounted.
	bm25K1 = 1.2
	bm25B  = 0.75
	// TitleWeight is how many body occurrences one title occurrence is
	// worth (BM25F's field weight).
	TitleWeight = 3
)

// Rank scores the candidates a store found for plan, best first: BM25F
// over the title (weighted TitleWeight) and body, each word of the query
// one term (any of its alternative forms counting), the inverse document
// frequency and the average length taken over the candidates, times the
// recency boost (see RecencyDays). Both stores hand their candidates to
// Rank, so they rank alike. Collection-wide statistics are not used:
// counting a common word's articles reads its whole posting list, which is
// what made queries slow at a million articles.
func Rank(plan Plan, candidates []Candidate, now time.Time) []Scored {
	var groups [][]string
	for _, part := range plan.Require {
		groups = append(groups, part.Words...)
	}
	n := float64(len(candidates))
	tf := make([][]float64, len(candidates)) // per candidate, per group
	df := make([]float64, len(groups))
	var totalLen float64
	for i, c := range candidates {
		tf[i] = make([]float64, len(groups))
		for g, forms := range groups {
			count := TitleWeight*occurrences(c.Title, forms) + occurrences(c.Body, forms)
			tf[i][g] = count
			if count > 0 {
				df[g]++
			}
		}
		totalLen += float64(TitleWeight*len(c.Title) + len(c.Body))
	}
	avgLen := max(totalLen/max(n, 1), 1)
	out := make([]Scored, len(candidates))
	for i, c := range candidates {
		length := float64(TitleWeight*len(c.Title) + len(c.Body))
		norm := bm25K1 * (1 - bm25B + bm25B*length/avgLen)
		var score float64
		for g := range groups {
			if t := tf[i][g]; t > 0 {
				idf := math.Log(1 + (n-df[g]+0.5)/(df[g]+0.5))
				score += idf * t * (bm25K1 + 1) / (t + norm)
			}
		}
		age := max(now.Sub(c.PublishedAt).Hours()/24, 0)
		score *= 1 + 1/(1+age/RecencyDays)
		out[i] = Scored{ID: c.ID, PublishedAt: c.PublishedAt, Score: score}
	}
	slices.SortFunc(out, func(a, b Scored) int {
		switch {
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case !a.PublishedAt.Equal(b.PublishedAt):
			return b.PublishedAt.Compare(a.PublishedAt)
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	return out
}

func occurrences(terms, forms []string) float64 {
	var n float64
	for _, t := range terms {
		if slices.Contains(forms, t) {
			n++
		}
	}
	return n
}
