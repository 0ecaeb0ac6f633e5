// Package search turns articles and analyzed queries into what both stores
// index and match, and highlights results. The stores only render what it
// decides into their own query languages (FTS5, tsquery), so that they
// match the same articles.
package search

import (
	"context"
	"unicode/utf8"

	"revue"
	"revue/internal/textproc"
)

const (
	// MaxTitleTerms and MaxBodyTerms bound what is indexed of one article.
	// PostgreSQL keeps word positions up to 16383 only, and puts the body
	// after TitleSlots positions; SQLite indexes the same words, so both
	// stores find the same articles.
	MaxTitleTerms = 256
	MaxBodyTerms  = 16000
	// TitleSlots is where the body's positions start in a one-column index,
	// so no phrase runs from the title into the body.
	TitleSlots = 300
	// maxTermBytes cuts longer terms (runs of letters that are no word:
	// URLs, base64) on both sides, below PostgreSQL's 2046-byte lexeme limit.
	maxTermBytes = 120
	// maxPhraseVariants bounds how many spellings of a phrase are matched
	// when its words have several possible terms (a query without a
	// language). Beyond it the phrase is matched as its words in any order.
	maxPhraseVariants = 64
	// RecencyDays is the age at which an article's recency boost has fallen
	// by half: the score is relevance × (1 + 1/(1 + age/RecencyDays)), so a
	// new article counts twice its relevance and an old one once.
	RecencyDays = 7.0
)

// Document is an article as the index stores it: the terms of its title
// and of its body, in order.
type Document struct {
	Title, Body []string
}

// BodyText is the text of a that is indexed and snippeted: the page's text
// when it was read, else the feed's summary.
func BodyText(a revue.Article) string {
	if a.Text != "" {
		return a.Text
	}
	return a.Summary
}

// Index analyzes an article's title and body text, written in lang.
func Index(title, body, lang string) Document {
	return Document{Title: terms(title, lang, MaxTitleTerms), Body: terms(body, lang, MaxBodyTerms)}
}

func terms(text, lang string, limit int) []string {
	tokens := textproc.Analyze(text, lang)
	out := make([]string, 0, min(len(tokens), limit))
	for _, t := range tokens {
		if len(out) == limit {
			break
		}
		out = append(out, clampTerm(t.Term))
	}
	return out
}

// clampTerm cuts term to maxTermBytes at a rune boundary.
func clampTerm(term string) string {
	if len(term) <= maxTermBytes {
		return term
	}
	cut := maxTermBytes
	for cut > 0 && !utf8.RuneStart(term[cut]) {
		cut--
	}
	return term[:cut]
}

// Plan is a query as the stores match it: an article matches when every
// Require part matches it and no Exclude part does. A plan with no Require
// part matches nothing (a query of exclusions alone asks for everything
// but a few articles, which is no search).
type Plan struct {
	Require, Exclude []Part
}

// Part matches an article when one of its Phrases occurs in the title or
// in the body (a phrase is consecutive terms), or, when Phrases is empty,
// when each of Words (one or more alternative terms per word) occurs in
// the article, or, when Any is set, when one of them does.
type Part struct {
	Phrases [][]string
	Words   [][]string
	Any     bool
}

// Empty tells whether p can match nothing.
func (p Plan) Empty() bool { return len(p.Require) == 0 }

// PlanQuery is the plan both stores match for q.
func PlanQuery(q textproc.Query) Plan {
	var plan Plan
	for _, c := range q.Clauses {
		words := make([][]string, 0, len(c.Words))
		for _, forms := range c.Words {
			alts := make([]string, 0, len(forms))
			for _, f := range forms {
				f = clampTerm(f)
				if f != "" && !contains(alts, f) {
					alts = append(alts, f)
				}
			}
			if len(alts) > 0 {
				words = append(words, alts)
			}
		}
		if len(words) == 0 {
			continue
		}
		part := Part{Words: words}
		if c.Phrase && len(words) > 1 {
			part.Phrases = variants(words)
		}
		if c.Exclude {
			plan.Exclude = append(plan.Exclude, part)
		} else {
			plan.Require = append(plan.Require, part)
		}
	}
	return plan
}

// IsPhrase tells whether p is matched as a phrase.
func (p Part) IsPhrase() bool { return len(p.Phrases) > 0 }

// variants spells out every phrase the words' alternatives make, or nil
// when there are more than maxPhraseVariants.
func variants(words [][]string) [][]string {
	n := 1
	for _, w := range words {
		n *= len(w)
		if n > maxPhraseVariants {
			return nil
		}
	}
	out := [][]string{nil}
	for _, w := range words {
		next := make([][]string, 0, len(out)*len(w))
		for _, prefix := range out {
			for _, term := range w {
				next = append(next, append(append([]string(nil), prefix...), term))
			}
		}
		out = next
	}
	return out
}

// Terms lists the distinct terms a plan's required parts look for, which
// are the words a snippet highlights.
func (p Plan) Terms() map[string]bool {
	set := map[string]bool{}
	for _, part := range p.Require {
		for _, w := range part.Words {
			for _, t := range w {
				set[t] = true
			}
		}
	}
	return set
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Relaxed is the plan that completes a first page which all the words
// together fill too little: an article matching any one of the plan's
// words (phrases and exclusions still hold); Rank puts articles with more
// of the words first. ok is false when relaxing changes nothing (one word).
func (p Plan) Relaxed() (relaxed Plan, ok bool) {
	anyWord := Part{Any: true}
	for _, part := range p.Require {
		if part.IsPhrase() {
			relaxed.Require = append(relaxed.Require, part)
			continue
		}
		anyWord.Words = append(anyWord.Words, part.Words...)
	}
	if len(anyWord.Words) < 2 {
		return Plan{}, false
	}
	relaxed.Require = append(relaxed.Require, anyWord)
	relaxed.Exclude = p.Exclude
	return relaxed, true
}

// Complete appends to a first page of results (hits, from the plan with
// all its words) those of more (from its Relaxed plan) that it lacks, up
// to limit; id gives a hit's article ID.
func Complete[H any](hits, more []H, limit int, id func(H) int64) []H {
	seen := make(map[int64]bool, len(hits))
	for _, h := range hits {
		seen[id(h)] = true
	}
	for _, h := range more {
		if len(hits) >= limit {
			break
		}
		if !seen[id(h)] {
			hits = append(hits, h)
		}
	}
	return hits
}

// Run is a search as both stores run it: q's plan through runPlan and,
// on a first page all the words fill too little, the results of its
// Relaxed plan after them. Later pages hold only articles with all the
// words.
func Run(ctx context.Context, q revue.SearchQuery, limit int, runPlan func(context.Context, Plan) (revue.SearchPage, error)) (revue.SearchPage, error) {
	plan := PlanQuery(q.Query)
	if plan.Empty() || q.Offset >= revue.SearchCandidates {
		return revue.SearchPage{}, nil
	}
	page, err := runPlan(ctx, plan)
	if err != nil {
		return revue.SearchPage{}, err
	}
	if relaxed, ok := plan.Relaxed(); ok && q.Offset == 0 && len(page.Hits) < limit {
		more, err := runPlan(ctx, relaxed)
		if err != nil {
			return revue.SearchPage{}, err
		}
		page.Hits = Complete(page.Hits, more.Hits, limit, func(h revue.SearchHit) int64 { return h.Article.ID })
	}
	return page, nil
}

// PageOf cuts the ranked candidates to the page [offset, offset+limit)
// and tells whether another page follows.
func PageOf(ranked []Scored, offset, limit int) (page []Scored, more bool) {
	if offset >= len(ranked) {
		return nil, false
	}
	ranked = ranked[offset:]
	if len(ranked) > limit {
		return ranked[:limit], true
	}
	return ranked, false
}

// Hits pairs a page's articles, read in any order, with their scores, in
// the page's ranked order.
func Hits(ranked []Scored, articles []revue.Article) []revue.SearchHit {
	byID := make(map[int64]revue.Article, len(articles))
	for _, a := range articles {
		byID[a.ID] = a
	}
	hits := make([]revue.SearchHit, 0, len(ranked))
	for _, r := range ranked {
		hits = append(hits, revue.SearchHit{Article: byID[r.ID], Score: r.Score})
	}
	return hits
}
