package postgres

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"revue"
)

// article makes an article whose GUID and canonical URL derive from key.
func article(key string, published time.Time) revue.Article {
	return revue.Article{
		GUID:         "guid-" + key,
		URL:          "https://news.example/" + key + "?utm_source=rss",
		CanonicalURL: "https://news.example/" + key,
		Title:        "Maroc : 3 hôpitaux militaires de campagne " + key,
		Summary:      "المغرب يقيم ثلاثة مستشفيات عسكرية ميدانية",
		ContentHTML:  "<p>Marruecos: 3 hospitales militares de campaña</p>",
		Byline:       "MAP",
		Lang:         "fr",
		Section:      "societe",
		PublishedAt:  published,
	}
}

func TestSaveArticles(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	src := addSource(t, s, "hespress")
	other := addSource(t, s, "le360")
	now := base.Add(time.Hour)

	blocked := "https://img.example/blocked.jpg"
	first := article("one", base)
	first.Regions = []string{"souss-massa", "oriental", "souss-massa", ""}
	first.Images = []revue.Image{{URL: "https://img.example/a.jpg"}, {URL: blocked}, {URL: "https://img.example/a.jpg"}}
	second := article("two", base.Add(time.Minute))
	second.Images = []revue.Image{{URL: blocked}}

	saved, err := s.SaveArticles(ctx, src.ID, []revue.Article{first, second}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 2 {
		t.Fatalf("saved %d articles, want 2", len(saved))
	}
	for _, a := range saved {
		if a.ID == 0 || a.StoryID != a.ID || a.SourceID != src.ID || a.SourceName != "hespress" ||
			a.FetchedAt != now.Truncate(time.Microsecond).UTC() || a.PublishedAt.Location() != time.UTC {
			t.Errorf("saved %+v", a)
		}
		got, err := s.GetArticle(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := a
		want.Regions = slices.Sorted(slices.Values(a.Regions)) // reads return regions by name
		if !reflect.DeepEqual(nilIfEmpty(got), nilIfEmpty(want)) {
			t.Errorf("GetArticle(%d) =\n%+v\nwant\n%+v", a.ID, got, want)
		}
	}
	if want := []string{"souss-massa", "oriental"}; !slices.Equal(saved[0].Regions, want) {
		t.Errorf("regions %v, want %v (cleaned, in given order)", saved[0].Regions, want)
	}
	if len(saved[0].Images) != 2 || saved[0].Images[1].ID != saved[1].Images[0].ID || saved[0].Images[0].Status != revue.ImageOK {
		t.Errorf("images %+v / %+v: want two distinct per article, the shared one reused", saved[0].Images, saved[1].Images)
	}

	// An image blocked by moderation stays blocked when another article uses it.
	exec(t, s, "UPDATE images SET status = 'blocked', reports = 3 WHERE url = $1", blocked)
	dupGUID := article("one", base)
	dupGUID.CanonicalURL = "https://news.example/one-moved"
	dupCanonical := article("one", base)
	dupCanonical.GUID = "another-guid"
	third := article("three", base)
	third.Images = []revue.Image{{URL: blocked}}
	saved, err = s.SaveArticles(ctx, src.ID, []revue.Article{dupGUID, dupCanonical, third, third}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 1 || saved[0].GUID != third.GUID {
		t.Fatalf("saved %+v; want only the third article (others collide on GUID or canonical URL)", saved)
	}
	if img := saved[0].Images[0]; img.Status != revue.ImageBlocked || img.Reports != 3 {
		t.Errorf("reused image %+v, want blocked with 3 reports kept", img)
	}
	if got, err := s.GetImage(ctx, saved[0].Images[0].ID); err != nil || got.Status != revue.ImageBlocked || got.URL != blocked {
		t.Errorf("GetImage = %+v, %v", got, err)
	}

	// The same story from another source, same canonical URL: a duplicate.
	saved, err = s.SaveArticles(ctx, other.ID, []revue.Article{article("two", base)}, now)
	if err != nil || len(saved) != 0 {
		t.Errorf("saving a canonical URL another source holds: %v, %v; want nothing saved", saved, err)
	}

	if _, err := s.SaveArticles(ctx, 999999, []revue.Article{article("x", base)}, now); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("saving to a missing source: %v, want ErrNotFound", err)
	}
	if _, err := s.GetArticle(ctx, 999999); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("GetArticle of a missing ID: %v, want ErrNotFound", err)
	}
	if _, err := s.GetImage(ctx, 999999); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("GetImage of a missing ID: %v, want ErrNotFound", err)
	}
}

func TestSaveArticlesConcurrentWritersStoreOneRow(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	sources := []revue.Source{addSource(t, s, "a"), addSource(t, s, "b")}
	var batch []revue.Article
	for i := range 40 {
		a := article(fmt.Sprint(i), base.Add(time.Duration(i)*time.Minute))
		a.Images = []revue.Image{{URL: fmt.Sprintf("https://img.example/%d.jpg", i%7)}}
		batch = append(batch, a)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	inserted := map[string]int{}
	for w := range 8 {
		// Writers save in different orders, the worst case for lock order.
		mine := slices.Clone(batch)
		if w%2 == 1 {
			slices.Reverse(mine)
		}
		wg.Go(func() {
			saved, err := s.SaveArticles(ctx, sources[w%2].ID, mine, base)
			if err != nil {
				t.Errorf("writer %d: %v", w, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, a := range saved {
				inserted[a.CanonicalURL]++
			}
		})
	}
	wg.Wait()
	var rows, images int
	if err := s.pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM images)").Scan(&rows, &images); err != nil {
		t.Fatal(err)
	}
	if rows != len(batch) || len(inserted) != len(batch) || images != 7 {
		t.Errorf("%d article rows, %d reported inserted, %d images; want %d, %d, 7", rows, len(inserted), images, len(batch), len(batch))
	}
	for url, n := range inserted {
		if n != 1 {
			t.Errorf("%s reported inserted by %d writers", url, n)
		}
	}
}

func TestListArticles(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	srcA, srcB := addSource(t, s, "a"), addSource(t, s, "b")
	var all []revue.Article
	for i := range 23 {
		a := article(fmt.Sprint(i), base.Add(time.Duration(i/3)*time.Hour)) // ties: three per hour
		a.Lang = []string{"fr", "ar", "es", "en"}[i%4]
		a.Section = []string{"politique", "sport"}[i%2]
		if i%5 == 0 {
			a.Regions = []string{"oriental"}
		}
		src := srcA
		if i%3 == 0 {
			src = srcB
		}
		saved, err := s.SaveArticles(ctx, src.ID, []revue.Article{a}, base)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, saved...)
	}
	newestFirst := slices.Clone(all)
	slices.SortFunc(newestFirst, func(x, y revue.Article) int {
		if c := y.PublishedAt.Compare(x.PublishedAt); c != 0 {
			return c
		}
		return int(y.ID - x.ID)
	})
	tests := []struct {
		name  string
		query revue.ArticleQuery
		keep  func(revue.Article) bool
	}{
		{"all", revue.ArticleQuery{}, func(revue.Article) bool { return true }},
		{"lang", revue.ArticleQuery{Lang: "ar"}, func(a revue.Article) bool { return a.Lang == "ar" }},
		{"source", revue.ArticleQuery{SourceID: srcB.ID}, func(a revue.Article) bool { return a.SourceID == srcB.ID }},
		{"section", revue.ArticleQuery{Section: "sport"}, func(a revue.Article) bool { return a.Section == "sport" }},
		{"region", revue.ArticleQuery{Region: "oriental"}, func(a revue.Article) bool { return slices.Contains(a.Regions, "oriental") }},
		{"story", revue.ArticleQuery{StoryID: all[4].ID}, func(a revue.Article) bool { return a.StoryID == all[4].ID }},
		{"lang and section", revue.ArticleQuery{Lang: "fr", Section: "politique"}, func(a revue.Article) bool { return a.Lang == "fr" && a.Section == "politique" }},
		{"nothing matches", revue.ArticleQuery{Lang: "de"}, func(revue.Article) bool { return false }},
	}
	for _, tt := range tests {
		for _, limit := range []int{1, 4, 500} {
			t.Run(fmt.Sprintf("%s/limit %d", tt.name, limit), func(t *testing.T) {
				var want, got []int64
				for _, a := range newestFirst {
					if tt.keep(a) {
						want = append(want, a.ID)
					}
				}
				q := tt.query
				q.Limit = limit
				for pages := 0; ; pages++ {
					if pages > len(all)+1 {
						t.Fatal("pagination does not end")
					}
					page, err := s.ListArticles(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(page.Items) > limit {
						t.Fatalf("page of %d items, limit %d", len(page.Items), limit)
					}
					for _, a := range page.Items {
						got = append(got, a.ID)
						if a.SourceName == "" {
							t.Errorf("article %d without its source name", a.ID)
						}
					}
					if page.Next.IsZero() {
						break
					}
					q.Cursor = page.Next
				}
				if !slices.Equal(got, want) {
					t.Errorf("IDs %v, want %v", got, want)
				}
			})
		}
	}

	page, err := s.ListArticles(ctx, revue.ArticleQuery{Region: "oriental", Limit: 1})
	if err != nil || len(page.Items) != 1 || !slices.Equal(page.Items[0].Regions, []string{"oriental"}) {
		t.Errorf("region listing items carry regions: %+v, %v", page.Items, err)
	}
	page, err = s.ListArticles(ctx, revue.ArticleQuery{Limit: 1000})
	if err != nil || len(page.Items) != len(all) {
		t.Errorf("limit above 500 is clamped, not refused: %d items, %v", len(page.Items), err)
	}

	ticker, err := s.Ticker(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range ticker {
		w := newestFirst[i]
		if a.ID != w.ID || a.Title != w.Title || a.URL != w.URL || a.SourceName == "" || !a.PublishedAt.Equal(w.PublishedAt) {
			t.Errorf("ticker[%d] = %+v, want %d %q", i, a, w.ID, w.Title)
		}
	}
	if len(ticker) != 5 {
		t.Errorf("ticker has %d items, want 5", len(ticker))
	}

	after, err := s.ArticlesAfter(ctx, all[19].ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 2 || after[0].ID != all[20].ID || after[1].ID != all[21].ID {
		t.Errorf("ArticlesAfter = %v, want articles %d and %d", after, all[20].ID, all[21].ID)
	}
	if latest, err := s.LatestArticleID(ctx); err != nil || latest != all[len(all)-1].ID {
		t.Errorf("LatestArticleID = %d, %v; want %d", latest, err, all[len(all)-1].ID)
	}
}

// nilIfEmpty makes empty and nil slices compare equal.
func nilIfEmpty(a revue.Article) revue.Article {
	if len(a.Regions) == 0 {
		a.Regions = nil
	}
	if len(a.Images) == 0 {
		a.Images = nil
	}
	return a
}
