package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"revue"
)

var pageTests = []storeTest{
	{"a source's extraction rules and republishing mode are kept", testSourceRules},
	{"a page asked for is claimed, read and recorded", testPageRead},
	{"a page that fails is retried, then given up", testPageRetries},
	{"pages are claimed newest first, each by one worker", testPageClaims},
	{"a page's date replaces an estimated date only", testPageDate},
	{"a page's regions are added to the article's", testPageRegions},
}

func testPageRegions(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src, err := st.AddSource(ctx, revue.Source{Name: "Le Matin", FeedURL: "https://lematin.example/rss", Enabled: true}, t0)
	if err != nil {
		t.Fatalf("AddSource: %v", err)
	}
	a := pending("quake", t0)
	a.Regions = []string{"souss-massa"}
	saved := mustSave(t, st, src.ID, []revue.Article{a}, t0)[0]
	if _, err := st.ClaimPages(ctx, "w1", t0, lease, 10); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: saved.ID, Worker: "w1", At: t0, Text: "Le texte.",
		Regions: []string{"marrakech-safi", "souss-massa"}}); err != nil {
		t.Fatalf("RecordPage: %v", err)
	}
	got, _ := st.GetArticle(ctx, saved.ID)
	slices.Sort(got.Regions)
	if want := []string{"marrakech-safi", "souss-massa"}; !slices.Equal(got.Regions, want) {
		t.Errorf("regions after the page: %q, want %q", got.Regions, want)
	}
	for _, region := range []string{"marrakech-safi", "souss-massa"} {
		if list := walk(t, st, revue.ArticleQuery{Region: region}); len(list) != 1 || list[0].ID != saved.ID {
			t.Errorf("region %s lists %v, want the article", region, list)
		}
	}
}

// testPageDate: an article whose feed gave no date (its date estimated by
// the crawler) takes its page's date, in every listing; an article dated
// by its feed keeps the feed's.
func testPageDate(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src, err := st.AddSource(ctx, revue.Source{Name: "Le Desk", FeedURL: "https://ledesk.example/rss", Enabled: true}, t0)
	if err != nil {
		t.Fatalf("AddSource: %v", err)
	}
	undated := pending("undated", t0.Add(2*time.Hour)) // the estimate: newest
	undated.DateEstimated = true
	undated.Regions = []string{"maroc"}
	dated := pending("dated", t0.Add(time.Hour))
	dated.Regions = []string{"maroc"}
	saved := mustSave(t, st, src.ID, []revue.Article{undated, dated}, t0.Add(2*time.Hour))
	if _, err := st.ClaimPages(ctx, "w1", t0.Add(2*time.Hour), lease, 10); err != nil {
		t.Fatal(err)
	}
	pageDate := t0.Add(-3 * time.Hour).Truncate(time.Microsecond) // what both stores keep
	for _, a := range saved {
		if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: a.ID, Worker: "w1", At: t0.Add(2 * time.Hour), Text: "Le texte.", PublishedAt: pageDate}); err != nil {
			t.Fatalf("RecordPage: %v", err)
		}
	}
	if got, _ := st.GetArticle(ctx, saved[0].ID); !got.PublishedAt.Equal(pageDate) || got.DateEstimated {
		t.Errorf("the undated article after its page: %v, estimated %v; want the page's %v", got.PublishedAt, got.DateEstimated, pageDate)
	}
	if got, _ := st.GetArticle(ctx, saved[1].ID); !got.PublishedAt.Equal(dated.PublishedAt.Truncate(time.Microsecond)) || got.DateEstimated {
		t.Errorf("the dated article after its page: %v; want its feed's %v", got.PublishedAt, dated.PublishedAt)
	}
	for _, q := range []revue.ArticleQuery{{}, {Region: "maroc"}, {SourceID: src.ID}} {
		list := walk(t, st, q)
		if len(list) != 2 || list[0].ID != saved[1].ID || !list[1].PublishedAt.Equal(pageDate) {
			t.Errorf("listing %+v: %v; want the dated article first, the other at its page's date", q, list)
		}
	}
}

func testSourceRules(t *testing.T, st revue.Store) {
	ctx := t.Context()
	in := revue.Source{Name: "Le Matin", FeedURL: "https://lematin.example/rss", Enabled: true,
		Rules:     revue.ExtractRules{Body: "article .body", Drop: []string{".related", "aside.pub"}},
		Republish: revue.RepublishExcerpt}
	src, err := st.AddSource(ctx, in, t0)
	if err != nil {
		t.Fatalf("AddSource: %v", err)
	}
	if got, _ := st.GetSource(ctx, src.ID); got.Rules.Body != in.Rules.Body || !slices.Equal(got.Rules.Drop, in.Rules.Drop) || got.Republish != in.Republish {
		t.Errorf("GetSource: rules %+v, republish %q; want %+v, %q", got.Rules, got.Republish, in.Rules, in.Republish)
	}
	// Articles carry their source's mode, for the pages to honour.
	a := mustSave(t, st, src.ID, []revue.Article{newArticle("excerpted", t0)}, t0)[0]
	if got, _ := st.GetArticle(ctx, a.ID); got.SourceRepublish != revue.RepublishExcerpt {
		t.Errorf("GetArticle: source republishing mode %q, want excerpt", got.SourceRepublish)
	}
	if list := walk(t, st, revue.ArticleQuery{}); len(list) != 1 || list[0].SourceRepublish != revue.RepublishExcerpt {
		t.Errorf("ListArticles: %+v", list)
	}
	src.Rules, src.Republish = revue.ExtractRules{Drop: []string{"footer"}}, revue.RepublishFull
	if err := st.UpdateSource(ctx, src); err != nil {
		t.Fatalf("UpdateSource: %v", err)
	}
	all, err := st.ListSources(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("ListSources: %v, %v", all, err)
	}
	if got := all[0]; got.Rules.Body != "" || !slices.Equal(got.Rules.Drop, []string{"footer"}) || got.Republish != revue.RepublishFull {
		t.Errorf("after UpdateSource: rules %+v, republish %q", got.Rules, got.Republish)
	}
	src.Rules = revue.ExtractRules{}
	if err := st.UpdateSource(ctx, src); err != nil {
		t.Fatalf("UpdateSource: %v", err)
	}
	if got, _ := st.GetSource(ctx, src.ID); !got.Rules.IsZero() {
		t.Errorf("rules cleared read back as %+v", got.Rules)
	}
}

// pending is an article whose feed text is short: its page is asked for.
func pending(key string, published time.Time) revue.Article {
	a := newArticle(key, published)
	a.Page = revue.PagePending
	return a
}

func testPageRead(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src, err := st.AddSource(ctx, revue.Source{Name: "Hespress", FeedURL: "https://hespress.example/rss", Enabled: true,
		Rules: revue.ExtractRules{Body: "#article"}}, t0)
	if err != nil {
		t.Fatalf("AddSource: %v", err)
	}
	short := pending("short", t0)
	short.Byline = ""
	short.Images = []revue.Image{{URL: "https://img.example/feed.jpg"}}
	plain := newArticle("plain", t0) // its feed text is enough: no page
	saved := mustSave(t, st, src.ID, []revue.Article{short, plain}, t0)
	if saved[0].Page != revue.PagePending || saved[1].Page != revue.PageNone {
		t.Fatalf("SaveArticles returned pages %q and %q, want pending and none", saved[0].Page, saved[1].Page)
	}
	if got, _ := st.GetArticle(ctx, saved[0].ID); got.Page != revue.PagePending {
		t.Errorf("GetArticle: page %q, want pending", got.Page)
	}
	jobs, err := st.ClaimPages(ctx, "w1", t0, lease, 10)
	if err != nil {
		t.Fatalf("ClaimPages: %v", err)
	}
	want := revue.PageJob{ArticleID: saved[0].ID, SourceID: src.ID, URL: short.URL, Rules: revue.ExtractRules{Body: "#article"}}
	if len(jobs) != 1 || jobs[0].ArticleID != want.ArticleID || jobs[0].URL != want.URL || jobs[0].Rules.Body != "#article" || jobs[0].Attempts != 0 ||
		jobs[0].Title != short.Title || jobs[0].Lang != short.Lang {
		t.Fatalf("ClaimPages = %+v, want [%+v]", jobs, want)
	}
	if again, _ := st.ClaimPages(ctx, "w2", t0.Add(time.Second), lease, 10); len(again) != 0 {
		t.Errorf("a second worker claimed %+v during the lease", again)
	}
	o := revue.PageOutcome{ArticleID: saved[0].ID, Worker: "w1", At: t0.Add(time.Minute),
		ContentHTML: "<p>Le texte entier.</p><p>Deuxième paragraphe.</p>", Text: "Le texte entier.\n\nDeuxième paragraphe.",
		Byline: "Par Leïla Benali", Lang: "ar", Robots: revue.RepublishExcerpt,
		Images: []revue.Image{{URL: "https://img.example/lead.jpg", Alt: "Le port", Width: 1200, Height: 675}, {URL: "https://img.example/feed.jpg"}}}
	if err := st.RecordPage(ctx, o); err != nil {
		t.Fatalf("RecordPage: %v", err)
	}
	got, err := st.GetArticle(ctx, saved[0].ID)
	if err != nil {
		t.Fatalf("GetArticle: %v", err)
	}
	if got.Page != revue.PageDone || got.PageError != "" || got.ContentHTML != o.ContentHTML || got.Text != o.Text ||
		got.Byline != o.Byline || got.Lang != "ar" || got.Robots != revue.RepublishExcerpt || got.Title != short.Title || got.Summary != short.Summary {
		t.Errorf("after RecordPage: %+v", got)
	}
	var urls []string
	for _, img := range got.Images {
		urls = append(urls, img.URL)
	}
	if !slices.Equal(urls, []string{"https://img.example/feed.jpg", "https://img.example/lead.jpg"}) {
		t.Errorf("images %q: want the feed's, then the page's new one, each once", urls)
	}
	if lead := got.Images[1]; lead.Alt != "Le port" || lead.Width != 1200 || lead.Height != 675 {
		t.Errorf("page image %+v, want its alt text and size", lead)
	}
	if img, err := st.GetImage(ctx, got.Images[1].ID); err != nil || img.Alt != "Le port" || img.Width != 1200 {
		t.Errorf("GetImage = %+v, %v", img, err)
	}
	if jobs, _ := st.ClaimPages(ctx, "w2", t0.Add(time.Hour), lease, 10); len(jobs) != 0 {
		t.Errorf("a page read is claimed again: %+v", jobs)
	}
	// A byline from the feed is the outlet's own: the page's does not replace it.
	withByline := pending("byline", t0)
	b := mustSave(t, st, src.ID, []revue.Article{withByline}, t0)[0]
	if _, err := st.ClaimPages(ctx, "w1", t0, lease, 10); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: b.ID, Worker: "w1", At: t0, Text: "x", Byline: "Site staff"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.GetArticle(ctx, b.ID); got.Byline != withByline.Byline || got.ContentHTML != withByline.ContentHTML {
		t.Errorf("byline %q, content %q; want the feed's byline and content kept when the page gives none", got.Byline, got.ContentHTML)
	}
	if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: saved[1].ID, Worker: "w1", At: t0, Text: "x"}); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("RecordPage for an article whose page was never asked for: %v, want ErrNotFound", err)
	}
}

func testPageRetries(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Le Matin", t0)
	a := mustSave(t, st, src.ID, []revue.Article{pending("flaky", t0)}, t0)[0]
	claimAt := func(at time.Time) []revue.PageJob {
		t.Helper()
		jobs, err := st.ClaimPages(ctx, "w", at, lease, 10)
		if err != nil {
			t.Fatalf("ClaimPages: %v", err)
		}
		return jobs
	}
	if jobs := claimAt(t0); len(jobs) != 1 {
		t.Fatalf("first claim: %+v", jobs)
	}
	retry := t0.Add(30 * time.Minute)
	if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: a.ID, Worker: "w", At: t0, Err: "the page answered 503", RetryAt: retry}); err != nil {
		t.Fatalf("RecordPage: %v", err)
	}
	got, _ := st.GetArticle(ctx, a.ID)
	if got.Page != revue.PagePending || got.PageError != "the page answered 503" || got.ContentHTML != a.ContentHTML {
		t.Errorf("after a failure to retry: page %q, error %q, content %q", got.Page, got.PageError, got.ContentHTML)
	}
	if jobs := claimAt(retry.Add(-time.Second)); len(jobs) != 0 {
		t.Errorf("claimed before its retry time: %+v", jobs)
	}
	jobs := claimAt(retry)
	if len(jobs) != 1 || jobs[0].Attempts != 1 {
		t.Fatalf("claim at the retry time: %+v, want the page with one attempt behind it", jobs)
	}
	if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: a.ID, Worker: "w", At: retry, Err: "robots.txt disallows it"}); err != nil {
		t.Fatalf("RecordPage: %v", err)
	}
	got, _ = st.GetArticle(ctx, a.ID)
	if got.Page != revue.PageFailed || got.PageError != "robots.txt disallows it" || got.ContentHTML != a.ContentHTML || got.Summary != a.Summary {
		t.Errorf("after giving up: page %q, error %q; the feed's text must stay", got.Page, got.PageError)
	}
	if jobs := claimAt(retry.Add(48 * time.Hour)); len(jobs) != 0 {
		t.Errorf("a page given up is claimed again: %+v", jobs)
	}
}

func testPageClaims(t *testing.T, st revue.Store) {
	ctx := t.Context()
	src := mustAddSource(t, st, "Le Matin", t0)
	var batch []revue.Article
	for i, key := range []string{"old", "newest", "middle"} {
		batch = append(batch, pending(key, t0.Add(-time.Duration([]int{48, 1, 5}[i])*time.Hour)))
	}
	saved := mustSave(t, st, src.ID, batch, t0)
	jobs, err := st.ClaimPages(ctx, "w1", t0, lease, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, j := range jobs {
		got = append(got, j.ArticleID)
	}
	if !slices.Equal(got, []int64{saved[1].ID, saved[2].ID}) {
		t.Errorf("claimed %v, want the newest two %v", got, []int64{saved[1].ID, saved[2].ID})
	}
	rest, _ := st.ClaimPages(ctx, "w2", t0, lease, 10)
	if len(rest) != 1 || rest[0].ArticleID != saved[0].ID {
		t.Errorf("another worker claimed %+v, want only the old one", rest)
	}
	// A lease that lapsed is taken over.
	if over, _ := st.ClaimPages(ctx, "w3", t0.Add(lease+time.Second), lease, 10); len(over) != 3 {
		t.Errorf("after the leases lapsed %d pages were claimed, want 3", len(over))
	}
}
