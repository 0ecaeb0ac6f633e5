package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"revue"
)

func searchEnv(t *testing.T) (*testEnv, revue.Source) {
	e := newEnv(t)
	src := e.addSource(t, "Le Matin", "fr")
	ar := e.addSource(t, "Hespress", "ar")
	var batch []revue.Article
	for i := range 25 {
		batch = append(batch, revue.Article{
			URL:         fmt.Sprintf("https://lematin.example/a/%d", i),
			Title:       fmt.Sprintf("Les élections communales, épisode %d", i),
			Summary:     "Le scrutin <local> s'est tenu dans le calme à Fès et à Rabat.",
			Lang:        "fr",
			PublishedAt: testNow.Add(-time.Duration(i) * time.Hour),
		})
	}
	e.save(t, src, batch...)
	e.save(t, ar, revue.Article{URL: "https://hespress.example/1", Title: "الانتخابات الجماعية",
		Summary: "جرت الانتخابات في هدوء بمدينة فاس.", Lang: "ar", PublishedAt: testNow})
	return e, src
}

func TestSearchPage(t *testing.T) {
	e, src := searchEnv(t)
	for _, tc := range []struct {
		name, query string
		status      int
		contains    []string
		absent      []string
	}{
		{"form only", "", 200, []string{`name="q"`, `name="lang"`, `name="region"`, `value="casablanca-settat"`}, []string{"<mark>"}},
		{"accent-free words", "q=elections", 200,
			[]string{"épisode 0", `rel="next"`, "page=2"}, []string{"الانتخابات"}},
		{"highlighted and escaped", "q=Fes+scrutin", 200, []string{"Le <mark>scrutin</mark> &lt;local&gt; s&#39;est tenu dans le calme à <mark>Fès</mark>"}, nil},
		{"second page", "q=elections&page=2", 200, []string{"épisode 20", `rel="prev"`}, []string{"épisode 0<"}},
		{"Arabic", "q=" + url.QueryEscape("انتخابات"), 200, []string{"<mark>الانتخابات</mark>"}, []string{"épisode"}},
		{"lang filter", "q=" + url.QueryEscape("فاس") + "&lang=ar", 200, []string{"<mark>فاس</mark>"}, []string{"épisode"}},
		{"lang filter leaves other languages out", "q=scrutin&lang=ar", 200, []string{"Aucun article"}, []string{"épisode"}},
		{"source filter keeps the form", fmt.Sprintf("q=scrutin&source=%d", src.ID), 200,
			[]string{"épisode 3", fmt.Sprintf(`value="%d" selected`, src.ID)}, []string{"الانتخابات"}},
		{"dates", "q=scrutin&from=2021-03-16&to=2021-03-16", 200, []string{"épisode 0"}, []string{"épisode 20"}},
		{"no match", "q=tramway", 200, []string{"Aucun article ne correspond"}, nil},
		{"bad date", "q=scrutin&from=16/03/2021", 400, nil, nil},
		{"bad page", "q=scrutin&page=0", 400, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.get(t, "/search?"+tc.query)
			if res.status != tc.status {
				t.Fatalf("GET /search?%s: status %d, want %d", tc.query, res.status, tc.status)
			}
			// The ticker shows every headline: only the page's own
			// content counts.
			_, res.body, _ = strings.Cut(res.body, `<main`)
			for _, want := range tc.contains {
				if !strings.Contains(res.body, want) {
					t.Errorf("GET /search?%s: no %q in the page", tc.query, want)
				}
			}
			for _, unwanted := range tc.absent {
				if strings.Contains(res.body, unwanted) {
					t.Errorf("GET /search?%s: %q in the page", tc.query, unwanted)
				}
			}
		})
	}
	if home := e.get(t, "/"); !strings.Contains(home.body, `action="/search"`) {
		t.Error("the masthead has no search box")
	}
}

func TestSearchAPI(t *testing.T) {
	e, _ := searchEnv(t)
	var seen []string
	cursor := ""
	for range 5 {
		res := e.get(t, "/api/v1/articles?q=scrutin&limit=10&cursor="+cursor)
		if res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		var page List[SearchResult]
		if err := json.Unmarshal([]byte(res.body), &page); err != nil {
			t.Fatalf("decoding %s: %v", res.body, err)
		}
		for _, item := range page.Items {
			seen = append(seen, item.Title)
			if !strings.Contains(item.Snippet, "<mark>") || item.Score <= 0 || item.Source.Name != "Le Matin" {
				t.Errorf("result %+v lacks a snippet, a score or its source", item)
			}
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if len(seen) != 25 || seen[0] != "Les élections communales, épisode 0" {
		t.Errorf("pages gave %d results starting %q, want the 25 articles, newest first", len(seen), seen[:min(1, len(seen))])
	}
	for _, bad := range []string{"q=x&cursor=nope", "q=x&limit=0", "q=x&from=yesterday", "q=x&source=-1"} {
		if res := e.get(t, "/api/v1/articles?"+bad); res.status != 400 || !strings.Contains(res.body, `"error"`) {
			t.Errorf("GET ?%s: status %d %s, want 400 with an error", bad, res.status, res.body)
		}
	}
	// Without q, the listing answers as before.
	if res := e.get(t, "/api/v1/articles?limit=1"); res.status != 200 || strings.Contains(res.body, `"score"`) {
		t.Errorf("listing without q: %d %s", res.status, res.body)
	}
}
