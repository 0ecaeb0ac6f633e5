package web

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"revue"
)

// The publisher decides how much of its articles the portal shows: its
// source's mode, else the portal's default, never more than the page's
// robots meta allows. The page, the listing and the API all honour it.
func TestRepublishingLimits(t *testing.T) {
	long := "<p>" + strings.Repeat("Premier paragraphe, assez long pour remplir un extrait à lui seul. ", 12) + "</p>" +
		`<p><img src="https://img.example/x.jpg" alt="x">Deuxième paragraphe, au-delà de l'extrait.</p><p>Troisième paragraphe.</p>`
	cases := []struct {
		name          string
		portal        string
		sourceMode    string
		robots        string
		want          string
		showsSecond   bool // the second paragraph is shown
		showsSummary  bool
		noteFragments []string
	}{
		{"default: everything", "", "", "", revue.RepublishFull, true, true, nil},
		{"portal excerpt", revue.RepublishExcerpt, "", "", revue.RepublishExcerpt, false, true, []string{"extrait", "Le Matin"}},
		{"source full over a portal excerpt", revue.RepublishExcerpt, revue.RepublishFull, "", revue.RepublishFull, true, true, nil},
		{"source excerpt", "", revue.RepublishExcerpt, "", revue.RepublishExcerpt, false, true, []string{"extrait"}},
		{"noarchive page under a full source", "", revue.RepublishFull, revue.RepublishExcerpt, revue.RepublishExcerpt, false, true, []string{"extrait"}},
		{"nosnippet page: the title only", "", "", revue.RepublishTitle, revue.RepublishTitle, false, false, []string{"ne permet pas"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.Republish = tc.portal })
			src, err := e.store.AddSource(t.Context(), revue.Source{Name: "Le Matin", FeedURL: "https://lematin.example/rss", Enabled: true,
				Republish: tc.sourceMode}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			a := e.save(t, src, revue.Article{URL: "https://lematin.example/a", Title: "Un titre", Summary: "Le résumé du flux.",
				ContentHTML: long, Lang: "fr", PublishedAt: testNow.Add(-time.Hour), Page: revue.PagePending})[0]
			if tc.robots != "" {
				if _, err := e.store.ClaimPages(t.Context(), "w", testNow, time.Minute, 1); err != nil {
					t.Fatal(err)
				}
				if err := e.store.RecordPage(t.Context(), revue.PageOutcome{ArticleID: a.ID, Worker: "w", At: testNow, Robots: tc.robots}); err != nil {
					t.Fatal(err)
				}
			}
			full, _ := e.store.GetArticle(t.Context(), a.ID)
			if got := republishMode(full, e.server.republish); got != tc.want {
				t.Errorf("mode %q, want %q", got, tc.want)
			}
			page := e.get(t, ArticlePath(a.ID, a.Title)).body
			if strings.Contains(page, "Deuxième paragraphe") != tc.showsSecond {
				t.Errorf("article page shows the second paragraph: %v, want %v", !tc.showsSecond, tc.showsSecond)
			}
			if tc.want != revue.RepublishTitle && !strings.Contains(page, "Premier paragraphe") && !strings.Contains(page, "Le résumé du flux.") {
				t.Errorf("article page shows no text at all")
			}
			if tc.want == revue.RepublishTitle && (strings.Contains(page, "Premier paragraphe") || strings.Contains(page, "Le résumé du flux.")) {
				t.Errorf("a nosnippet article shows text")
			}
			for _, f := range tc.noteFragments {
				if !strings.Contains(page, f) {
					t.Errorf("article page lacks the note's %q", f)
				}
			}
			if !strings.Contains(page, `href="https://lematin.example/a"`) {
				t.Errorf("the article page must always link to the original")
			}
			var got Article
			if err := json.Unmarshal([]byte(e.get(t, "/api/v1/articles/"+strconv.FormatInt(a.ID, 10)).body), &got); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(got.ContentHTML, "Deuxième") != tc.showsSecond || (got.Summary != "") != tc.showsSummary {
				t.Errorf("API: content %.80q, summary %q; want second paragraph %v, summary %v", got.ContentHTML, got.Summary, tc.showsSecond, tc.showsSummary)
			}
			var list List[Article]
			if err := json.Unmarshal([]byte(e.get(t, "/api/v1/articles").body), &list); err != nil || len(list.Items) != 1 {
				t.Fatalf("API list: %v, %v", list, err)
			}
			if strings.Contains(list.Items[0].ContentHTML, "Deuxième") != tc.showsSecond || (list.Items[0].Summary != "") != tc.showsSummary {
				t.Errorf("API list: content %.80q, summary %q", list.Items[0].ContentHTML, list.Items[0].Summary)
			}
			home := e.get(t, "/").body
			if strings.Contains(home, "Le résumé du flux.") != tc.showsSummary {
				t.Errorf("home page shows the summary: %v, want %v", !tc.showsSummary, tc.showsSummary)
			}
		})
	}
}

func TestExcerptHTML(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		max            int
	}{
		{"first paragraphs up to the length", "<p>aaaa</p><p>bbbb</p><p>cccc</p>", "<p>aaaa</p><p>bbbb</p>", 6},
		{"at least one paragraph", "<p>aaaaaaaaaa</p><p>b</p>", "<p>aaaaaaaaaa</p>", 3},
		{"images and figures go", `<figure><img src="x"></figure><p>a <img src="y">b</p>`, "<p>a b</p>", 100},
		{"empty blocks are skipped", "<p> </p><h2>Titre</h2><p>texte</p>", "<h2>Titre</h2><p>texte</p>", 100},
		{"nothing", "", "", 100},
	} {
		if got := excerptHTML(tc.in, tc.max); got != tc.want {
			t.Errorf("%s: excerptHTML(%q, %d) = %q, want %q", tc.name, tc.in, tc.max, got, tc.want)
		}
	}
}

// The article page names the other outlets that carried the article.
func TestArticlePageCreditsOtherOutlets(t *testing.T) {
	e := newEnv(t)
	first := e.addSource(t, "Hespress", "fr")
	relay := e.addSource(t, "Le360", "fr")
	a := e.save(t, first, revue.Article{URL: "https://hespress.example/wire", Title: "La dépêche", Lang: "fr",
		PublishedAt: testNow.Add(-time.Hour)})[0]
	if _, err := e.store.SaveArticles(t.Context(), relay.ID, []revue.Article{{GUID: "r1", URL: "https://le360.example/copie",
		CanonicalURL: a.CanonicalURL, Title: "Autre titre"}}, testNow); err != nil {
		t.Fatal(err)
	}
	page := e.get(t, ArticlePath(a.ID, a.Title)).body
	if !strings.Contains(page, "Également publié dans") || !strings.Contains(page, `href="https://le360.example/copie"`) {
		t.Errorf("the article page does not credit Le360 with its link")
	}
}
