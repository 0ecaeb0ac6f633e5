package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"revue"
)

var losslessTests = []storeTest{
	{"items of one source sharing a link are distinct articles", testSharedLinkDistinctArticles},
	{"the same link from another source is credited, not dropped", testCreditAcrossSources},
	{"racing sources store each link once and credit the rest", testCreditRace},
	{"credits go with the source that gave them", testCreditsRemoved},
	{"an estimated date is kept, listed, and out of the ticker", testDateEstimated},
}

func testSharedLinkDistinctArticles(t *testing.T, st revue.Store) {
	radio := mustAddSource(t, st, "Radio", t0)
	show := "https://radio.example/emissions/le-journal"
	var episodes []revue.Article
	for i := range 5 {
		ep := newArticle(fmt.Sprintf("episode-%d", i), t0.Add(time.Duration(i)*time.Hour))
		ep.URL, ep.CanonicalURL = show+"?episode="+fmt.Sprint(i)+"&utm_source=rss", show
		ep.Title = fmt.Sprintf("Le journal du %d mars", 10+i)
		episodes = append(episodes, ep)
	}
	saved := mustSave(t, st, radio.ID, episodes, t0)
	if len(saved) != len(episodes) {
		t.Fatalf("%d of %d episodes linking to one page were stored; distinct GUIDs of one source are distinct articles", len(saved), len(episodes))
	}
	holders := 0
	for _, a := range saved {
		got, err := st.GetArticle(t.Context(), a.ID)
		if err != nil {
			t.Fatalf("GetArticle(%d): %v", a.ID, err)
		}
		if got.URL == "" || got.Title != a.Title {
			t.Errorf("article %d read back as %q at %q", a.ID, got.Title, got.URL)
		}
		if got.CanonicalURL == show {
			holders++
		}
	}
	if holders != 1 {
		t.Errorf("%d articles hold the show's canonical URL, want exactly one", holders)
	}
	// The feed again, the next day: nothing new.
	if again := mustSave(t, st, radio.ID, episodes, t0.Add(24*time.Hour)); len(again) != 0 {
		t.Errorf("saving the same episodes again inserted %d", len(again))
	}
	// Another source linking to that page is crediting the first episode.
	other := mustAddSource(t, st, "Agrégateur", t0)
	copyOf := newArticle("copy", t0)
	copyOf.CanonicalURL = show
	res, err := st.SaveArticles(t.Context(), other.ID, []revue.Article{copyOf}, t0)
	if err != nil {
		t.Fatalf("SaveArticles: %v", err)
	}
	if len(res.New) != 0 || len(res.Credited) != 1 {
		t.Errorf("another source's item on the show page: %d new, %d credited; want 0 and 1", len(res.New), len(res.Credited))
	}
}

func testCreditAcrossSources(t *testing.T, st revue.Store) {
	ctx := t.Context()
	lematin := mustAddSource(t, st, "Le Matin", t0)
	hespress := mustAddSource(t, st, "Hespress", t0)
	original := mustSave(t, st, lematin.ID, []revue.Article{newArticle("wire", t0)}, t0)[0]

	relay := newArticle("wire", t0.Add(time.Hour))
	relay.GUID = "https://hespress.example/?p=77"
	relay.URL = "https://news.example/articles/wire?utm_source=hespress&utm_medium=rss"
	relay.Title = "Un autre titre pour la même dépêche"
	seen := t0.Add(2 * time.Hour)
	res, err := st.SaveArticles(ctx, hespress.ID, []revue.Article{relay}, seen)
	if err != nil {
		t.Fatalf("SaveArticles: %v", err)
	}
	want := revue.Credit{ArticleID: original.ID, SourceID: hespress.ID, SourceName: hespress.Name, GUID: relay.GUID, URL: relay.URL, SeenAt: stored(seen)}
	if len(res.New) != 0 || len(res.Credited) != 1 || !sameCredit(res.Credited[0], want) {
		t.Fatalf("SaveArticles = %d new, credits %+v; want none new and %+v", len(res.New), res.Credited, want)
	}
	got, err := st.GetArticle(ctx, original.ID)
	if err != nil {
		t.Fatalf("GetArticle: %v", err)
	}
	if len(got.Credits) != 1 || !sameCredit(got.Credits[0], want) {
		t.Errorf("GetArticle credits %+v, want [%+v]", got.Credits, want)
	}
	if got.SourceID != lematin.ID || got.Title != original.Title {
		t.Errorf("crediting changed the article: %+v", got)
	}
	for what, list := range map[string][]revue.Article{
		"ListArticles":  walk(t, st, revue.ArticleQuery{}),
		"ArticlesAfter": mustArticlesAfter(t, st, 0, 10),
	} {
		if len(list) != 1 || len(list[0].Credits) != 1 || !sameCredit(list[0].Credits[0], want) {
			t.Errorf("%s: %d articles, credits %+v; want the one article with its credit", what, len(list), list)
		}
	}
	// Credited once: the relay's next fetches change nothing.
	res, err = st.SaveArticles(ctx, hespress.ID, []revue.Article{relay}, seen.Add(time.Hour))
	if err != nil || len(res.New) != 0 || len(res.Credited) != 0 {
		t.Errorf("saving the credited item again: %+v, %v; want nothing", res, err)
	}
	if again, _ := st.GetArticle(ctx, original.ID); len(again.Credits) != 1 {
		t.Errorf("credits after a second save: %+v", again.Credits)
	}
}

func sameCredit(a, b revue.Credit) bool {
	a.SeenAt, b.SeenAt = a.SeenAt.UTC(), b.SeenAt.UTC()
	return a == b
}

func testCreditRace(t *testing.T, st revue.Store) {
	const writers, items = 8, 150
	sources := make([]revue.Source, writers)
	for i := range sources {
		sources[i] = mustAddSource(t, st, fmt.Sprintf("Outlet %d", i), t0)
	}
	results := make([]revue.SaveResult, writers)
	runConcurrently(t, writers, func(w int) error {
		var batch []revue.Article
		for i := range items {
			// Every outlet carries the same wire stories, under its own GUIDs,
			// in its own order.
			a := newArticle(fmt.Sprintf("wire-%d", (i+w*7)%items), t0.Add(time.Duration(i)*time.Minute))
			a.GUID = fmt.Sprintf("urn:outlet-%d:%d", w, i)
			batch = append(batch, a)
		}
		var err error
		results[w], err = st.SaveArticles(t.Context(), sources[w].ID, batch, t0)
		return err
	})
	newCount, credited := 0, 0
	for _, r := range results {
		newCount += len(r.New)
		credited += len(r.Credited)
	}
	if newCount != items || credited != items*(writers-1) {
		t.Errorf("%d inserted and %d credited, want %d and %d: every item is stored once or credited", newCount, credited, items, items*(writers-1))
	}
	all := walk(t, st, revue.ArticleQuery{Limit: 500})
	if len(all) != items {
		t.Fatalf("store holds %d articles, want %d", len(all), items)
	}
	total := 0
	for _, a := range all {
		got, err := st.GetArticle(t.Context(), a.ID)
		if err != nil {
			t.Fatalf("GetArticle: %v", err)
		}
		total += 1 + len(got.Credits)
		outlets := []int64{got.SourceID}
		for _, c := range got.Credits {
			outlets = append(outlets, c.SourceID)
		}
		slices.Sort(outlets)
		if len(slices.Compact(outlets)) != writers {
			t.Errorf("article %d is credited to outlets %v, want all %d", a.ID, outlets, writers)
		}
	}
	if total != writers*items {
		t.Errorf("articles and credits add up to %d publications, want %d", total, writers*items)
	}
}

func testCreditsRemoved(t *testing.T, st revue.Store) {
	ctx := t.Context()
	first := mustAddSource(t, st, "First", t0)
	relay := mustAddSource(t, st, "Relay", t0)
	original := mustSave(t, st, first.ID, []revue.Article{newArticle("x", t0)}, t0)[0]
	copyOf := newArticle("x", t0)
	copyOf.GUID = "urn:relay:x"
	if _, err := st.SaveArticles(ctx, relay.ID, []revue.Article{copyOf}, t0); err != nil {
		t.Fatalf("SaveArticles: %v", err)
	}
	if err := st.RemoveSource(ctx, relay.ID); err != nil {
		t.Fatalf("RemoveSource: %v", err)
	}
	got, err := st.GetArticle(ctx, original.ID)
	if err != nil {
		t.Fatalf("GetArticle: %v", err)
	}
	if len(got.Credits) != 0 {
		t.Errorf("credits of a removed source remain: %+v", got.Credits)
	}
	// Following the relay again, its item is credited again, not lost.
	relay = mustAddSource(t, st, "Relay", t0.Add(time.Hour))
	res, err := st.SaveArticles(ctx, relay.ID, []revue.Article{copyOf}, t0.Add(time.Hour))
	if err != nil || len(res.Credited) != 1 {
		t.Errorf("the relay's item after re-adding it: %+v, %v; want credited once", res, err)
	}
}

func testDateEstimated(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Undated", t0)
	dated := newArticle("dated", t0.Add(-time.Hour))
	backlog := newArticle("backlog", t0) // newer than the dated one
	backlog.DateEstimated = true
	saved := mustSave(t, st, src.ID, []revue.Article{dated, backlog}, t0)
	if len(saved) != 2 || saved[0].DateEstimated || !saved[1].DateEstimated {
		t.Fatalf("SaveArticles returned %+v", saved)
	}
	got, err := st.GetArticle(ctx, saved[1].ID)
	if err != nil || !got.DateEstimated {
		t.Errorf("GetArticle of the backlog item: DateEstimated %v (%v), want true", got.DateEstimated, err)
	}
	listed := walk(t, st, revue.ArticleQuery{})
	if len(listed) != 2 || listed[0].ID != saved[1].ID || !listed[0].DateEstimated {
		t.Errorf("ListArticles = %v, want both, the estimated one first with its flag", ids(listed))
	}
	after := mustArticlesAfter(t, st, 0, 10)
	if len(after) != 2 || !after[1].DateEstimated {
		t.Errorf("ArticlesAfter does not carry the flag: %+v", after)
	}
	ticker, err := st.Ticker(ctx, 10)
	if err != nil {
		t.Fatalf("Ticker: %v", err)
	}
	if len(ticker) != 1 || ticker[0].ID != saved[0].ID {
		t.Errorf("Ticker = %v, want only the dated article %d", ids(ticker), saved[0].ID)
	}
}

var politenessTests = []storeTest{
	{"claims skip busy hosts and spread over hosts", testClaimHosts},
	{"ReleaseLease frees a source at once, schedule unchanged", testReleaseLease},
	{"Crawl-delay per host is kept", testCrawlDelay},
}

func testClaimHosts(t *testing.T, st revue.Store) {
	ctx := t.Context()
	byHost := map[string][]int64{}
	for i := range 9 {
		host := []string{"a", "b", "c"}[i%3]
		src, err := st.AddSource(ctx, revue.Source{Name: fmt.Sprint("S", i), FeedURL: fmt.Sprintf("https://%s.example/feed-%d.xml", host, i), Enabled: true},
			t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatalf("AddSource: %v", err)
		}
		byHost[src.Host] = append(byHost[src.Host], src.ID)
	}
	if len(byHost) != 3 || len(byHost["a.example:443"]) != 3 {
		t.Fatalf("sources by host: %v", byHost)
	}
	now := t0.Add(time.Minute)
	req := revue.ClaimRequest{Worker: "w", Now: now, Lease: lease, Limit: 10, PerHost: 1, SkipHosts: []string{"b.example:443"}}
	got, err := st.ClaimDueSources(ctx, req)
	if err != nil {
		t.Fatalf("ClaimDueSources: %v", err)
	}
	// The first due of a and c, none of b.
	checkClaimed(t, "one per host, b skipped", sourceIDs(got), byHost["a.example:443"][0], byHost["c.example:443"][0])
	req.PerHost, req.SkipHosts = 2, nil
	got, err = st.ClaimDueSources(ctx, req)
	if err != nil {
		t.Fatalf("ClaimDueSources: %v", err)
	}
	// a and c have two unleased sources left, b three: two of each, soonest first.
	a, b, c := byHost["a.example:443"], byHost["b.example:443"], byHost["c.example:443"]
	checkClaimed(t, "two per host", sourceIDs(got), b[0], a[1], b[1], c[1], a[2], c[2])
	req.PerHost, req.Limit = 0, 1
	got, err = st.ClaimDueSources(ctx, req)
	if err != nil {
		t.Fatalf("ClaimDueSources: %v", err)
	}
	checkClaimed(t, "no cap, limit 1", sourceIDs(got), b[2])
	for _, id := range append(slices.Clone(a), c...) {
		if err := st.ReleaseLease(ctx, "w", id); err != nil {
			t.Fatalf("ReleaseLease: %v", err)
		}
	}
	req.Limit, req.SkipHosts = 10, []string{"a.example:443", "c.example:443"}
	got, err = st.ClaimDueSources(ctx, req)
	if err != nil {
		t.Fatalf("ClaimDueSources: %v", err)
	}
	checkClaimed(t, "every due host skipped", sourceIDs(got))
}

func testReleaseLease(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "A", t0)
	checkClaimed(t, "worker A", claim(t, st, "A", t0, 10, never), src.ID)
	if err := st.ReleaseLease(ctx, "B", src.ID); err != nil {
		t.Fatalf("ReleaseLease by another worker: %v", err)
	}
	checkClaimed(t, "worker B after a stranger's release", claim(t, st, "B", t0.Add(time.Second), 10, never))
	if err := st.ReleaseLease(ctx, "A", src.ID); err != nil {
		t.Fatalf("ReleaseLease: %v", err)
	}
	checkClaimed(t, "worker B right after A's release", claim(t, st, "B", t0.Add(2*time.Second), 10, never), src.ID)
	after, err := st.GetSource(ctx, src.ID)
	if err != nil {
		t.Fatalf("GetSource: %v", err)
	}
	checkTime(t, "NextFetchAt after a release", after.NextFetchAt, t0)
	if !after.LastFetchAt.IsZero() || after.ConsecutiveFailures != 0 || after.LastError != "" {
		t.Errorf("a release recorded a fetch: %+v", after)
	}
	if log, _ := st.FetchLog(ctx, src.ID, 10); len(log) != 0 {
		t.Errorf("a release wrote %d fetch log entries", len(log))
	}
}

func testCrawlDelay(t *testing.T, st revue.Store) {
	ctx := t.Context()
	const host = "slow.example:443"
	check := func(what string, want time.Duration) {
		t.Helper()
		got, err := st.HostCrawlDelay(ctx, host)
		if err != nil || got != want {
			t.Errorf("%s: HostCrawlDelay = %v, %v; want %v", what, got, err, want)
		}
	}
	check("unknown host", 0)
	if err := st.SetHostCrawlDelay(ctx, host, 7500*time.Millisecond, t0); err != nil {
		t.Fatalf("SetHostCrawlDelay: %v", err)
	}
	check("after setting 7.5s", 7500*time.Millisecond)
	if other, _ := st.HostCrawlDelay(ctx, "fast.example:443"); other != 0 {
		t.Errorf("another host has %v", other)
	}
	if err := st.SetHostCrawlDelay(ctx, host, 20*time.Second, t0.Add(time.Hour)); err != nil {
		t.Fatalf("SetHostCrawlDelay: %v", err)
	}
	check("after raising it", 20*time.Second)
	if err := st.SetHostCrawlDelay(ctx, host, 0, t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("SetHostCrawlDelay(0): %v", err)
	}
	check("after forgetting it", 0)
}
