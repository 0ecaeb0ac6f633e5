package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"revue"
)

var storyTests = []storeTest{
	{"a round hands over waiting articles oldest first and records what was decided", testGroupRound},
	{"a member for an article grouped already is skipped; a bad decision records nothing", testGroupSkipsAndRefuses},
	{"the log replays other rounds' members within the window and forgets older ones", testGroupLogReplay},
	{"rounds never overlap, however many run at once, and each article is grouped once", testGroupRoundsSerialised},
	{"a reprint is credited by the article it reprints, not listed, and comes back when that one goes", testReprints},
	{"top stories: outlets and languages beat a lone fresh item; versions newest first; filters", testTopStories},
	{"the ticker shows one headline per story, however many versions a story has", testTickerOnePerStory},
	{"articles grouped after a point come in grouping order, reprints left out", testArticlesGroupedAfter},
}

// groupAll runs rounds until no article waits, deciding each with decide,
// and returns the members recorded, in order.
func groupAll(t *testing.T, st revue.Store, since time.Time, decide func(revue.GroupArticle) revue.StoryMember) []revue.StoryMember {
	t.Helper()
	var decided []revue.StoryMember
	var after int64
	for range 100 {
		handed := 0
		last, err := st.GroupStories(t.Context(), revue.GroupRequest{AfterSeq: after, Since: since, Limit: 3},
			func(r revue.GroupRound) ([]revue.StoryMember, error) {
				handed = len(r.Pending)
				var out []revue.StoryMember
				for _, a := range r.Pending {
					out = append(out, decide(a))
				}
				decided = append(decided, out...)
				return out, nil
			})
		if err != nil {
			t.Fatalf("GroupStories: %v", err)
		}
		after = last
		if handed == 0 {
			return decided
		}
	}
	t.Fatal("articles still wait for a story after 100 rounds")
	return nil
}

func mustGetArticle(t *testing.T, st revue.Store, id int64) revue.Article {
	t.Helper()
	a, err := st.GetArticle(t.Context(), id)
	if err != nil {
		t.Fatalf("GetArticle(%d): %v", id, err)
	}
	return a
}

func testGroupRound(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Le Matin", t0)
	first := newArticle("round-1", t0.Add(-2*time.Hour))
	second := newArticle("round-2", t0.Add(-3*time.Hour)) // older, stored after: ID order counts
	second.Text = "Le texte entier de l'article."
	saved := mustSave(t, st, src.ID, []revue.Article{first, second}, t0)
	for _, a := range saved {
		if a.GroupSeq != 0 {
			t.Fatalf("a new article has GroupSeq %d before any round, want 0", a.GroupSeq)
		}
	}
	var rounds []revue.GroupRound
	last, err := st.GroupStories(t.Context(), revue.GroupRequest{Since: t0.Add(-72 * time.Hour)},
		func(r revue.GroupRound) ([]revue.StoryMember, error) {
			rounds = append(rounds, r)
			return []revue.StoryMember{
				{ArticleID: saved[0].ID, StoryID: saved[0].ID, Signature: []byte("sig-1")},
				{ArticleID: saved[1].ID, StoryID: saved[0].ID, Signature: []byte{0, 1, 2, 255}},
			}, nil
		})
	if err != nil {
		t.Fatalf("GroupStories: %v", err)
	}
	if len(rounds) != 1 {
		t.Fatalf("assign called %d times, want 1", len(rounds))
	}
	r := rounds[0]
	if len(r.Caught) != 0 {
		t.Errorf("Caught = %+v on an empty log", r.Caught)
	}
	if len(r.Pending) != 2 || r.Pending[0].ID != saved[0].ID || r.Pending[1].ID != saved[1].ID {
		t.Fatalf("Pending = %+v, want articles %d then %d", r.Pending, saved[0].ID, saved[1].ID)
	}
	p := r.Pending[0]
	if p.SourceID != src.ID || p.Lang != "fr" || p.Title != first.Title || p.Text != first.Summary ||
		p.CanonicalURL != first.CanonicalURL || !p.PublishedAt.Equal(stored(first.PublishedAt)) {
		t.Errorf("Pending[0] = %+v; want the article's source, language, title, summary as text (no page read), link and date", p)
	}
	if r.Pending[1].Text != second.Text {
		t.Errorf("Pending[1].Text = %q, want the page's text %q", r.Pending[1].Text, second.Text)
	}

	a0, a1 := mustGetArticle(t, st, saved[0].ID), mustGetArticle(t, st, saved[1].ID)
	if a1.StoryID != saved[0].ID || a0.StoryID != saved[0].ID {
		t.Errorf("stories %d and %d, want both %d", a0.StoryID, a1.StoryID, saved[0].ID)
	}
	if a0.GroupSeq == 0 || a1.GroupSeq <= a0.GroupSeq {
		t.Errorf("GroupSeq %d then %d, want increasing from 1", a0.GroupSeq, a1.GroupSeq)
	}
	if last != a1.GroupSeq {
		t.Errorf("GroupStories returned %d, want the last Seq recorded %d", last, a1.GroupSeq)
	}
	if a0.DuplicateOf != 0 || a1.DuplicateOf != 0 {
		t.Errorf("DuplicateOf %d, %d; want none", a0.DuplicateOf, a1.DuplicateOf)
	}

	called := false
	again, err := st.GroupStories(t.Context(), revue.GroupRequest{AfterSeq: last, Since: t0.Add(-72 * time.Hour)},
		func(r revue.GroupRound) ([]revue.StoryMember, error) {
			called = true
			return nil, nil
		})
	if err != nil || called || again != last {
		t.Errorf("a round with nothing to do: assign called %v, returned %d, %v; want not called, %d, nil", called, again, err, last)
	}
}

func testGroupSkipsAndRefuses(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Le Matin", t0)
	saved := mustSave(t, st, src.ID, []revue.Article{newArticle("skip-1", t0), newArticle("skip-2", t0.Add(-time.Minute))}, t0)
	since := t0.Add(-72 * time.Hour)
	groupAll(t, st, since, func(a revue.GroupArticle) revue.StoryMember {
		return revue.StoryMember{ArticleID: a.ID, StoryID: a.ID}
	})
	// A decision about an article grouped already (another worker's, or a
	// replay) changes nothing.
	_, err := st.GroupStories(t.Context(), revue.GroupRequest{Since: since}, func(r revue.GroupRound) ([]revue.StoryMember, error) {
		return []revue.StoryMember{{ArticleID: saved[1].ID, StoryID: saved[0].ID}, {ArticleID: 1 << 40, StoryID: 1 << 40}}, nil
	})
	if err != nil {
		t.Fatalf("GroupStories with decisions about a grouped article and a missing one: %v", err)
	}
	if got := mustGetArticle(t, st, saved[1].ID).StoryID; got != saved[1].ID {
		t.Errorf("an article grouped already moved to story %d", got)
	}

	fresh := mustSave(t, st, src.ID, []revue.Article{newArticle("skip-3", t0), newArticle("skip-4", t0)}, t0)
	boom := errors.New("grouper failed")
	for name, assign := range map[string]func(revue.GroupRound) ([]revue.StoryMember, error){
		"assign fails": func(revue.GroupRound) ([]revue.StoryMember, error) { return nil, boom },
		"a member without a story": func(r revue.GroupRound) ([]revue.StoryMember, error) {
			return []revue.StoryMember{{ArticleID: fresh[0].ID, StoryID: fresh[0].ID}, {ArticleID: fresh[1].ID}}, nil
		},
		"an article reprinting itself": func(r revue.GroupRound) ([]revue.StoryMember, error) {
			return []revue.StoryMember{{ArticleID: fresh[0].ID, StoryID: fresh[0].ID},
				{ArticleID: fresh[1].ID, StoryID: fresh[0].ID, DuplicateOf: fresh[1].ID}}, nil
		},
	} {
		if _, err := st.GroupStories(t.Context(), revue.GroupRequest{Since: since}, assign); err == nil {
			t.Errorf("%s: GroupStories succeeded", name)
		}
		for _, a := range fresh {
			if got := mustGetArticle(t, st, a.ID); got.GroupSeq != 0 || got.StoryID != a.ID {
				t.Errorf("%s: article %d was grouped (seq %d, story %d) by a round that failed", name, a.ID, got.GroupSeq, got.StoryID)
			}
		}
	}
	// Still waiting, so the next round gets them.
	if members := groupAll(t, st, since, func(a revue.GroupArticle) revue.StoryMember {
		return revue.StoryMember{ArticleID: a.ID, StoryID: fresh[0].ID}
	}); len(members) != 2 {
		t.Errorf("after the failed rounds, %d articles were handed over, want the 2 still waiting", len(members))
	}
	if got := mustGetArticle(t, st, fresh[1].ID).StoryID; got != fresh[0].ID {
		t.Errorf("after the failed rounds, the next round put article %d in story %d, want %d", fresh[1].ID, got, fresh[0].ID)
	}
}

func testGroupLogReplay(t *testing.T, st revue.Store) {
	lematin := mustAddSource(t, st, "Le Matin", t0)
	efe := mustAddSource(t, st, "EFE", t0)
	old := newArticle("log-old", t0.Add(-100*time.Hour))
	recent := newArticle("log-recent", t0.Add(-time.Hour))
	recent.Lang = "es"
	saved := append(mustSave(t, st, lematin.ID, []revue.Article{old}, t0), mustSave(t, st, efe.ID, []revue.Article{recent}, t0)...)
	since := t0.Add(-72 * time.Hour)
	// Another worker's round: its grouper decided these.
	_, err := st.GroupStories(t.Context(), revue.GroupRequest{Since: t0.Add(-200 * time.Hour)}, func(r revue.GroupRound) ([]revue.StoryMember, error) {
		return []revue.StoryMember{
			{ArticleID: saved[0].ID, StoryID: saved[0].ID, Signature: []byte("old")},
			{ArticleID: saved[1].ID, StoryID: saved[0].ID, Signature: []byte("recent")},
		}, nil
	})
	if err != nil {
		t.Fatalf("GroupStories: %v", err)
	}
	// This worker starts: it replays the window's members.
	var caught []revue.StoryMember
	last, err := st.GroupStories(t.Context(), revue.GroupRequest{Since: since}, func(r revue.GroupRound) ([]revue.StoryMember, error) {
		caught = r.Caught
		return nil, nil
	})
	if err != nil {
		t.Fatalf("GroupStories: %v", err)
	}
	if len(caught) != 1 {
		t.Fatalf("Caught = %+v, want only the member published within the window", caught)
	}
	m := caught[0]
	want := revue.StoryMember{Seq: m.Seq, ArticleID: saved[1].ID, StoryID: saved[0].ID, SourceID: efe.ID, Lang: "es",
		CanonicalURL: recent.CanonicalURL, PublishedAt: stored(recent.PublishedAt), Signature: []byte("recent")}
	if m.Seq == 0 || !m.PublishedAt.Equal(want.PublishedAt) || m.ArticleID != want.ArticleID || m.StoryID != want.StoryID ||
		m.SourceID != want.SourceID || m.Lang != want.Lang || m.CanonicalURL != want.CanonicalURL || string(m.Signature) != "recent" {
		t.Errorf("Caught[0] = %+v, want %+v", m, want)
	}
	if last != m.Seq {
		t.Errorf("returned %d, want the last Seq seen %d", last, m.Seq)
	}
	// The old member is gone from the log, even for a grouper asking for
	// a wider window, but the article keeps its story.
	_, err = st.GroupStories(t.Context(), revue.GroupRequest{Since: t0.Add(-200 * time.Hour)}, func(r revue.GroupRound) ([]revue.StoryMember, error) {
		caught = r.Caught
		return nil, nil
	})
	if err != nil {
		t.Fatalf("GroupStories: %v", err)
	}
	if len(caught) != 1 || caught[0].ArticleID != saved[1].ID {
		t.Errorf("after a round forgot the members older than its window, Caught = %+v, want the recent member only", caught)
	}
	if a := mustGetArticle(t, st, saved[0].ID); a.StoryID != saved[0].ID || a.GroupSeq == 0 {
		t.Errorf("the old article lost its grouping: story %d, seq %d", a.StoryID, a.GroupSeq)
	}
}

func testGroupRoundsSerialised(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Le Matin", t0)
	var all []revue.Article
	for i := range 40 {
		all = append(all, newArticle(fmt.Sprintf("race-%d", i), t0.Add(-time.Duration(i)*time.Minute)))
	}
	mustSave(t, st, src.ID, all, t0)
	since := t0.Add(-72 * time.Hour)
	var inside, overlaps, decisions atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for {
				handed := 0
				_, err := st.GroupStories(t.Context(), revue.GroupRequest{Since: since, Limit: 3}, func(r revue.GroupRound) ([]revue.StoryMember, error) {
					if inside.Add(1) > 1 {
						overlaps.Add(1)
					}
					defer inside.Add(-1)
					time.Sleep(2 * time.Millisecond) // a grouper thinking
					handed = len(r.Pending)
					var out []revue.StoryMember
					for _, a := range r.Pending {
						decisions.Add(1)
						out = append(out, revue.StoryMember{ArticleID: a.ID, StoryID: a.ID})
					}
					return out, nil
				})
				if err != nil {
					errs <- err
					return
				}
				if handed == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("GroupStories from 8 goroutines: %v", err)
	}
	if overlaps.Load() != 0 {
		t.Errorf("%d rounds ran while another was running", overlaps.Load())
	}
	if decisions.Load() != int64(len(all)) {
		t.Errorf("%d decisions for %d articles: an article was handed to two rounds", decisions.Load(), len(all))
	}
	seqs := map[int64]bool{}
	got := mustGrouped(t, st, 0)
	for _, a := range got {
		seqs[a.GroupSeq] = true
	}
	if len(got) != len(all) || len(seqs) != len(all) {
		t.Errorf("%d articles grouped with %d distinct Seq, want %d and %d", len(got), len(seqs), len(all), len(all))
	}
}

func mustGrouped(t *testing.T, st revue.Store, after int64) []revue.Article {
	t.Helper()
	got, err := st.ArticlesGroupedAfter(t.Context(), after, 500)
	if err != nil {
		t.Fatalf("ArticlesGroupedAfter(%d): %v", after, err)
	}
	return got
}

func testReprints(t *testing.T, st revue.Store) {
	mapf := mustAddSource(t, st, "MAP", t0)
	lematin := mustAddSource(t, st, "Le Matin", t0)
	original := mustSave(t, st, mapf.ID, []revue.Article{newArticle("wire", t0.Add(-2*time.Hour))}, t0)[0]
	reprint := mustSave(t, st, lematin.ID, []revue.Article{newArticle("wire-reprint", t0.Add(-time.Hour))}, t0.Add(time.Minute))[0]
	groupAll(t, st, t0.Add(-72*time.Hour), func(a revue.GroupArticle) revue.StoryMember {
		if a.ID == reprint.ID {
			return revue.StoryMember{ArticleID: a.ID, StoryID: original.ID, DuplicateOf: original.ID}
		}
		return revue.StoryMember{ArticleID: a.ID, StoryID: a.ID}
	})
	if got := mustGetArticle(t, st, reprint.ID); got.DuplicateOf != original.ID || got.StoryID != original.ID {
		t.Fatalf("the reprint has DuplicateOf %d, story %d; want %d, %d", got.DuplicateOf, got.StoryID, original.ID, original.ID)
	}
	got := mustGetArticle(t, st, original.ID)
	if len(got.Credits) != 1 || got.Credits[0].SourceID != lematin.ID || got.Credits[0].SourceName != "Le Matin" ||
		got.Credits[0].URL != reprint.URL || got.Credits[0].ArticleID != original.ID {
		t.Errorf("the original's credits = %+v, want Le Matin's reprint with its link", got.Credits)
	}
	listed := walk(t, st, revue.ArticleQuery{})
	if !slices.Equal(ids(listed), []int64{original.ID}) {
		t.Errorf("listing = %v, want only the original %d", ids(listed), original.ID)
	}
	if len(listed) == 1 && len(listed[0].Credits) != 1 {
		t.Errorf("the listed original carries credits %+v, want the reprint's", listed[0].Credits)
	}
	for name, q := range map[string]revue.ArticleQuery{"by source": {SourceID: lematin.ID}, "by story": {StoryID: original.ID}, "by language": {Lang: "fr"}} {
		for _, a := range walk(t, st, q) {
			if a.ID == reprint.ID {
				t.Errorf("listing %s shows the reprint", name)
			}
		}
	}
	ticker, err := st.Ticker(t.Context(), 10)
	if err != nil {
		t.Fatalf("Ticker: %v", err)
	}
	if !slices.Equal(ids(ticker), []int64{original.ID}) {
		t.Errorf("ticker = %v, want only the original", ids(ticker))
	}
	if err := st.RemoveSource(t.Context(), mapf.ID); err != nil {
		t.Fatalf("RemoveSource: %v", err)
	}
	if got := mustGetArticle(t, st, reprint.ID); got.DuplicateOf != 0 {
		t.Errorf("with the original removed, the reprint still has DuplicateOf %d", got.DuplicateOf)
	}
	if listed := walk(t, st, revue.ArticleQuery{}); !slices.Equal(ids(listed), []int64{reprint.ID}) {
		t.Errorf("with the original removed, listing = %v, want the reprint %d", ids(listed), reprint.ID)
	}
}

func testTopStories(t *testing.T, st revue.Store) {
	now := t0
	var sources []revue.Source
	for _, name := range []string{"Le Matin", "Hespress", "EFE", "Reuters"} {
		sources = append(sources, mustAddSource(t, st, name, now))
	}
	type version struct {
		src     int
		lang    string
		age     time.Duration
		section string
		region  string
		reprint bool
	}
	stories := map[string][]version{
		// Told by three outlets in two languages, five hours ago.
		"big": {{0, "fr", 6 * time.Hour, "politique", "oriental", false}, {1, "ar", 5 * time.Hour, "politique", "", false},
			{2, "es", 5 * time.Hour, "politique", "", false}, {3, "fr", 5 * time.Hour, "politique", "", true}},
		// One item, a minute old.
		"fresh": {{0, "fr", time.Minute, "sport", "", false}},
		// Two outlets, one language, two days old.
		"stale": {{0, "en", 50 * time.Hour, "economie", "", false}, {3, "en", 49 * time.Hour, "economie", "", false}},
		// Outside the window.
		"old": {{0, "fr", 100 * time.Hour, "politique", "", false}, {1, "fr", 99 * time.Hour, "politique", "", false}},
	}
	storyOf := map[int64]string{}
	byKey := map[string][]revue.Article{}
	for key, vs := range stories {
		for i, v := range vs {
			a := newArticle(fmt.Sprintf("%s-%d", key, i), now.Add(-v.age))
			a.Lang, a.Section = v.lang, v.section
			if v.region != "" {
				a.Regions = []string{v.region}
			}
			saved := mustSave(t, st, sources[v.src].ID, []revue.Article{a}, now)[0]
			storyOf[saved.ID] = key
			byKey[key] = append(byKey[key], saved)
		}
	}
	reprintOf := map[int64]bool{}
	for key, vs := range stories {
		for i, v := range vs {
			if v.reprint {
				reprintOf[byKey[key][i].ID] = true
			}
		}
	}
	groupAll(t, st, now.Add(-200*time.Hour), func(a revue.GroupArticle) revue.StoryMember {
		first := byKey[storyOf[a.ID]][0].ID
		m := revue.StoryMember{ArticleID: a.ID, StoryID: first}
		if reprintOf[a.ID] {
			m.DuplicateOf = first
		}
		return m
	})
	q := revue.StoryQuery{Since: now.Add(-72 * time.Hour), Now: now}
	top, err := st.TopStories(t.Context(), q)
	if err != nil {
		t.Fatalf("TopStories: %v", err)
	}
	var order []string
	for _, s := range top {
		order = append(order, storyOf[s.ID])
	}
	if !slices.Equal(order, []string{"big", "fresh", "stale"}) {
		t.Fatalf("top stories %v, want big (3 outlets, 2 languages, 5 h), fresh (1 item, 1 min), stale (2 days); old is outside the window", order)
	}
	big := top[0]
	if big.ID != byKey["big"][0].ID || big.Articles != 3 || big.Sources != 4 || !slices.Equal(big.Langs, []string{"ar", "es", "fr"}) {
		t.Errorf("big story = ID %d, %d articles, %d sources, langs %v; want ID %d, 3 versions (the reprint credits), 4 outlets, ar es fr (one version each)",
			big.ID, big.Articles, big.Sources, big.Langs, byKey["big"][0].ID)
	}
	if stale := top[2]; !slices.Equal(stale.Langs, []string{"en"}) || stale.Sources != 2 || stale.Articles != 2 {
		t.Errorf("stale story: langs %v, %d sources, %d articles; want en, 2, 2", stale.Langs, stale.Sources, stale.Articles)
	}
	checkTime(t, "big.First", big.First, now.Add(-6*time.Hour))
	checkTime(t, "big.Last", big.Last, now.Add(-5*time.Hour))
	if len(big.Versions) != 3 {
		t.Fatalf("big story versions %v, want 3", ids(big.Versions))
	}
	checkNewestFirst(t, "versions", big.Versions)
	for _, v := range big.Versions {
		if reprintOf[v.ID] {
			t.Errorf("versions include the reprint %d", v.ID)
		}
		if v.SourceName == "" || v.Title == "" || v.URL == "" || v.StoryID != big.ID {
			t.Errorf("version %+v lacks its source name, title, link or story", v)
		}
	}
	w := func(s revue.StorySummary) float64 { return revue.StoryWeight(s, now) }
	if !(w(top[0]) > w(top[1]) && w(top[1]) > w(top[2])) {
		t.Errorf("weights %v, %v, %v not decreasing", w(top[0]), w(top[1]), w(top[2]))
	}

	cases := []struct {
		name string
		q    revue.StoryQuery
		want []string
	}{
		{"limit", revue.StoryQuery{Limit: 1}, []string{"big"}},
		// Only the Spanish version of big counts: one outlet, 5 h old,
		// still above two English outlets two days ago.
		{"languages", revue.StoryQuery{Langs: []string{"en", "es"}}, []string{"big", "stale"}},
		{"section", revue.StoryQuery{Section: "sport"}, []string{"fresh"}},
		{"region", revue.StoryQuery{Region: "oriental"}, []string{"big"}},
		{"a wider window", revue.StoryQuery{Since: now.Add(-200 * time.Hour)}, []string{"big", "fresh", "stale", "old"}},
		{"one version each", revue.StoryQuery{Versions: 1}, []string{"big", "fresh", "stale"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			if q.Since.IsZero() {
				q.Since = now.Add(-72 * time.Hour)
			}
			q.Now = now
			got, err := st.TopStories(t.Context(), q)
			if err != nil {
				t.Fatalf("TopStories: %v", err)
			}
			var keys []string
			for _, s := range got {
				keys = append(keys, storyOf[s.ID])
				if tc.q.Versions == 1 && len(s.Versions) != 1 {
					t.Errorf("story %s has %d versions, want 1", storyOf[s.ID], len(s.Versions))
				}
				for _, v := range s.Versions {
					if len(tc.q.Langs) > 0 && !slices.Contains(tc.q.Langs, v.Lang) {
						t.Errorf("story %s shows a version in %s", storyOf[s.ID], v.Lang)
					}
				}
			}
			if !slices.Equal(keys, tc.want) {
				t.Errorf("stories %v, want %v", keys, tc.want)
			}
		})
	}
}

func testTickerOnePerStory(t *testing.T, st revue.Store) {
	src := mustAddSource(t, st, "Le Matin", t0)
	var saved []revue.Article
	// A big story of 60 versions, the newest of all, then 5 lone items.
	for i := range 60 {
		saved = append(saved, mustSave(t, st, src.ID, []revue.Article{newArticle(fmt.Sprintf("big-%d", i), t0.Add(-time.Duration(i)*time.Second))}, t0)...)
	}
	for i := range 5 {
		saved = append(saved, mustSave(t, st, src.ID, []revue.Article{newArticle(fmt.Sprintf("lone-%d", i), t0.Add(-time.Hour-time.Duration(i)*time.Minute))}, t0)...)
	}
	groupAll(t, st, t0.Add(-72*time.Hour), func(a revue.GroupArticle) revue.StoryMember {
		if a.ID <= saved[59].ID {
			return revue.StoryMember{ArticleID: a.ID, StoryID: saved[0].ID}
		}
		return revue.StoryMember{ArticleID: a.ID, StoryID: a.ID}
	})
	ticker, err := st.Ticker(t.Context(), 4)
	if err != nil {
		t.Fatalf("Ticker: %v", err)
	}
	want := []int64{saved[0].ID, saved[60].ID, saved[61].ID, saved[62].ID}
	if !slices.Equal(ids(ticker), want) {
		t.Errorf("ticker = %v, want the big story's newest version then three lone items %v", ids(ticker), want)
	}
	ticker, err = st.Ticker(t.Context(), 50)
	if err != nil {
		t.Fatalf("Ticker: %v", err)
	}
	if len(ticker) != 6 {
		t.Errorf("ticker of 50 = %v, want all 6 stories once", ids(ticker))
	}
}

func testArticlesGroupedAfter(t *testing.T, st revue.Store) {
	mapf := mustAddSource(t, st, "MAP", t0)
	lematin := mustAddSource(t, st, "Le Matin", t0)
	if seq, err := st.LatestGroupSeq(t.Context()); err != nil || seq != 0 {
		t.Fatalf("LatestGroupSeq on an empty store = %d, %v; want 0", seq, err)
	}
	a := mustSave(t, st, mapf.ID, []revue.Article{newArticle("live-1", t0), newArticle("live-2", t0.Add(-time.Hour))}, t0)
	b := mustSave(t, st, lematin.ID, []revue.Article{newArticle("live-3", t0)}, t0)
	if got := mustGrouped(t, st, 0); len(got) != 0 {
		t.Fatalf("before grouping, ArticlesGroupedAfter(0) = %v, want none", ids(got))
	}
	// Grouped in another order than stored: the later article first.
	_, err := st.GroupStories(t.Context(), revue.GroupRequest{Since: t0.Add(-72 * time.Hour)}, func(r revue.GroupRound) ([]revue.StoryMember, error) {
		return []revue.StoryMember{
			{ArticleID: a[1].ID, StoryID: a[1].ID},
			{ArticleID: b[0].ID, StoryID: a[1].ID, DuplicateOf: a[1].ID},
			{ArticleID: a[0].ID, StoryID: a[1].ID},
		}, nil
	})
	if err != nil {
		t.Fatalf("GroupStories: %v", err)
	}
	got := mustGrouped(t, st, 0)
	if !slices.Equal(ids(got), []int64{a[1].ID, a[0].ID}) {
		t.Fatalf("ArticlesGroupedAfter(0) = %v, want %v (grouping order, reprint left out)", ids(got), []int64{a[1].ID, a[0].ID})
	}
	if got[0].StoryID != a[1].ID || got[1].StoryID != a[1].ID || got[0].SourceName != "MAP" {
		t.Errorf("grouped articles carry stories %d, %d and source %q", got[0].StoryID, got[1].StoryID, got[0].SourceName)
	}
	if rest := mustGrouped(t, st, got[0].GroupSeq); !slices.Equal(ids(rest), []int64{a[0].ID}) {
		t.Errorf("after the first, %v; want %v", ids(rest), []int64{a[0].ID})
	}
	latest, err := st.LatestGroupSeq(t.Context())
	if err != nil || latest != got[1].GroupSeq {
		t.Errorf("LatestGroupSeq = %d, %v; want %d", latest, err, got[1].GroupSeq)
	}
}
