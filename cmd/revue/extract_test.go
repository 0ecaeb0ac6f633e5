package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func extractFixture(t *testing.T, name string) string {
	t.Helper()
	return filepath.Join("..", "..", "internal", "extract", "testdata", name)
}

// servePages serves real pages of the extractor's testdata on loopback,
// with a robots.txt that keeps crawlers out of /private/.
func servePages(t *testing.T) *httptest.Server {
	t.Helper()
	page, err := os.ReadFile(extractFixture(t, "fr-bondyblog.html.gz"))
	if err != nil {
		t.Fatal(err)
	}
	arabic, err := os.ReadFile(extractFixture(t, "ar-windows-1256.html"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
	})
	article := func(w http.ResponseWriter, r *http.Request) {
		// The page as the publisher serves it: gzip on the wire.
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(page)
	}
	mux.HandleFunc("/societe/a-paris-8/", article)
	mux.HandleFunc("/private/a-paris-8/", article)
	mux.HandleFunc("/ar.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1256")
		w.Write(arabic)
	})
	feed, err := os.ReadFile(extractFixture(t, "feed-aljazeera.xml"))
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/societe/a-paris-8/", http.StatusMovedPermanently)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestExtractCommandURL(t *testing.T) {
	srv := servePages(t)
	ta := newTestApp(t)

	var got extractJSON
	if err := json.Unmarshal([]byte(ta.mustRun("extract", "--json", srv.URL+"/moved")), &got); err != nil {
		t.Fatal(err)
	}
	if got.URL != srv.URL+"/societe/a-paris-8/" {
		t.Errorf("url %q: links are made absolute against the page after redirects", got.URL)
	}
	if got.Title != "A Paris-8, un peu de tension, beaucoup d'actions" || got.Lang != "fr" ||
		got.PublishedAt == nil || got.PublishedAt.UTC().Format("2006-01-02T15:04") != "2020-02-17T12:31" ||
		got.CanonicalURL != "https://www.bondyblog.fr/societe/a-paris-8-un-peu-de-tension-beaucoup-d-actions/" ||
		!strings.HasPrefix(got.LeadImage, "https://www.bondyblog.fr/app/uploads/2020/02/") {
		t.Errorf("extracted %+v", got)
	}
	if !strings.Contains(got.Text, "Une grève reconductible à partir du 5 mars") || !strings.Contains(got.HTML, "<p>") || got.Words < 800 {
		t.Errorf("text %.200q, html %.200q, %d words", got.Text, got.HTML, got.Words)
	}
	if len(got.Images) == 0 || !strings.HasPrefix(got.Images[0].URL, "https://") {
		t.Errorf("images %+v", got.Images)
	}

	// The charset the server declares is the one decoded.
	if err := json.Unmarshal([]byte(ta.mustRun("extract", "--json", srv.URL+"/ar.html")), &got); err != nil {
		t.Fatal(err)
	}
	if got.Lang != "ar" || !strings.Contains(got.Text, "أعلنت كتائب الشهيد عز الدين القسام") {
		t.Errorf("windows-1256 page: lang %q text %.100q", got.Lang, got.Text)
	}

	// What the server says the body is counts.
	if code, _, errOut := ta.run("extract", srv.URL+"/feed"); code != 1 || !strings.Contains(errOut, "not an HTML page: the server calls it application/rss+xml") {
		t.Errorf("a feed: exit %d, %q", code, errOut)
	}
}

// A URL is fetched like the crawler fetches pages: robots.txt is obeyed and
// the SSRF guard refuses loopback unless private networks are allowed.
func TestExtractCommandIsPolite(t *testing.T) {
	srv := servePages(t)
	ta := newTestApp(t)
	if code, _, errOut := ta.run("extract", srv.URL+"/private/a-paris-8/"); code != 1 || !strings.Contains(errOut, "robots.txt") {
		t.Errorf("a page robots.txt disallows: exit %d, %q", code, errOut)
	}
	delete(ta.env, "REVUE_ALLOW_PRIVATE_NETWORKS")
	if code, _, errOut := ta.run("extract", srv.URL+"/societe/a-paris-8/"); code != 1 || !strings.Contains(errOut, "SSRF guard") {
		t.Errorf("a loopback page without --allow-private-networks: exit %d, %q", code, errOut)
	}
	if code, out, errOut := ta.run("extract", "--allow-private-networks", srv.URL+"/societe/a-paris-8/"); code != 0 || !strings.Contains(out, "Title:") {
		t.Errorf("with --allow-private-networks: exit %d, %q %q", code, out, errOut)
	}
}

func TestExtractCommandFile(t *testing.T) {
	ta := newTestApp(t)
	out := ta.mustRun("extract", extractFixture(t, "fr-liberation.html.gz"), "--url", "http://www.liberation.fr/politiques/2012/10/27/ayrault-assume-et-revendique-sa-methode_856451")
	for _, want := range []string{
		"Title:       Ayrault «assume» et «revendique» sa méthode\n",
		"Published:   2012-10-27T18:27:17+02:00\n",
		"Language:    fr\n",
		"Canonical:   http://www.liberation.fr/politiques/2012/10/27/ayrault-assume-et-revendique-sa-methode_856451\n",
		"\n\nA Toulouse, Jean-Marc Ayrault aura fait deux rappels sur scène.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(line); n > wrapWidth && strings.Contains(line, " ") && !strings.Contains(line, ": ") {
			t.Errorf("line of %d characters not wrapped: %q", n, line)
		}
	}

	// A source's rules can be tried before they are set: the article's
	// element holds the authors' line, which the extractor leaves out, and
	// the standfirst the extractor keeps is dropped.
	out = ta.mustRun("extract", extractFixture(t, "fr-liberation.html.gz"), "--body", "div.object-content", "--drop", "h2", "--drop", "p.others")
	if !strings.Contains(out, "\n\nPar LILIAN ALEMAGNA, LAURE BRETTON") || strings.Contains(out, "Après une semaine agitée") || strings.Contains(out, "A lire aussi") {
		t.Errorf("with rules:\n%s", out)
	}
}

func TestExtractCommandErrors(t *testing.T) {
	ta := newTestApp(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"extract"}, 2, "one FILE or URL"},
		{[]string{"extract", "a.html", "b.html"}, 2, "one FILE or URL"},
		{[]string{"extract", "--body", "div[", extractFixture(t, "fr-liberation.html.gz")}, 2, `the body selector "div[" is not valid CSS`},
		{[]string{"extract", filepath.Join(t.TempDir(), "missing.html")}, 1, "no such file"},
		{[]string{"extract", extractFixture(t, "feed-aljazeera.xml")}, 1, "not an HTML page: it looks like a feed"},
	} {
		code, _, errOut := ta.run(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("revue %v: exit %d, %q; want exit %d saying %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "\n"},
		{"un deux trois", "un deux\ntrois\n"},
		{"anticonstitutionnellement x", "anticonstitutionnellement\nx\n"},
		{"قال   الوزير إن", "قال الوزير\nإن\n"},
	} {
		if got := wrap(tc.in, 10); got != tc.want {
			t.Errorf("wrap(%q, 10) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
