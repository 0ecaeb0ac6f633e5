package postgres

import (
	"context"
	"fmt"
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

func TestSaveArticlesKeepsABlockedImageBlocked(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	src := addSource(t, s, "hespress")
	blocked := "https://img.example/blocked.jpg"
	first := article("one", base)
	first.Images = []revue.Image{{URL: blocked}}
	if _, err := s.SaveArticles(ctx, src.ID, []revue.Article{first}, base); err != nil {
		t.Fatal(err)
	}
	// An image blocked by moderation stays blocked when another article uses it.
	exec(t, s, "UPDATE images SET status = 'blocked', reports = 3 WHERE url = $1", blocked)
	second := article("two", base)
	second.Images = []revue.Image{{URL: blocked}}
	saved, err := newArticles(s.SaveArticles(ctx, src.ID, []revue.Article{second}, base))
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 1 || len(saved[0].Images) != 1 {
		t.Fatalf("saved %+v, want one article with one image", saved)
	}
	if img := saved[0].Images[0]; img.Status != revue.ImageBlocked || img.Reports != 3 {
		t.Errorf("reused image %+v, want blocked with 3 reports kept", img)
	}
	if got, err := s.GetImage(ctx, saved[0].Images[0].ID); err != nil || got.Status != revue.ImageBlocked || got.URL != blocked {
		t.Errorf("GetImage = %+v, %v", got, err)
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
			saved, err := newArticles(s.SaveArticles(ctx, sources[w%2].ID, mine, base))
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
