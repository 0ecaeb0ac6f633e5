package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// testApp runs revue commands in-process with their own environment.
type testApp struct {
	t   *testing.T
	env map[string]string
}

func newTestApp(t *testing.T) *testApp {
	return &testApp{t: t, env: map[string]string{
		"REVUE_DATABASE":               filepath.Join(t.TempDir(), "revue.db"),
		"REVUE_ALLOW_PRIVATE_NETWORKS": "1",
		// Their items link to hosts that are not served here: no pages.
		"REVUE_SHORT_TEXT": "0",
		"REVUE_HOST_DELAY": "0s",
		"REVUE_LOG_LEVEL":  "error",
	}}
}

func (ta *testApp) app(stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr, env: func(k string) (string, bool) {
		v, ok := ta.env[k]
		return v, ok
	}}
}

// run runs one command and returns its exit code and output.
func (ta *testApp) run(args ...string) (int, string, string) {
	ta.t.Helper()
	var out, errOut bytes.Buffer
	code := ta.app(&out, &errOut).run(context.Background(), args)
	return code, out.String(), errOut.String()
}

func (ta *testApp) mustRun(args ...string) string {
	ta.t.Helper()
	code, out, errOut := ta.run(args...)
	if code != 0 {
		ta.t.Fatalf("revue %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func serveFixtures(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for path, file := range map[string]string{"/hespress.xml": "hespress-ar.xml", "/telquel.xml": "telquel-fr.xml"} {
		body, err := os.ReadFile(filepath.Join("..", "..", "internal", "crawl", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			w.Header().Set("Last-Modified", "Tue, 24 Mar 2026 15:00:09 GMT")
			if r.Header.Get("If-Modified-Since") == "Tue, 24 Mar 2026 15:00:09 GMT" {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Write(body)
		})
	}
	mux.HandleFunc("/broken.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>never closed`)
	})
	mux.HandleFunc("/error.xml", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal error", http.StatusInternalServerError)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestEndToEnd(t *testing.T) {
	feeds := serveFixtures(t)
	ta := newTestApp(t)

	// Sources are added with --no-check for the broken ones: a check would
	// rightly refuse them.
	ta.mustRun("sources", "add", feeds.URL+"/hespress.xml", "--name", "Hespress", "--lang", "ar", "--section", "actualite")
	ta.mustRun("sources", "add", feeds.URL+"/telquel.xml", "--lang", "fr", "--region", "casablanca-settat")
	if code, _, errOut := ta.run("sources", "add", feeds.URL+"/error.xml"); code == 0 || !strings.Contains(errOut, "--no-check") {
		t.Fatalf("adding a failing feed: exit %d, stderr %q; want a refusal that mentions --no-check", code, errOut)
	}
	ta.mustRun("sources", "add", feeds.URL+"/error.xml", "--no-check", "--name", "Failing")
	ta.mustRun("sources", "add", feeds.URL+"/broken.xml", "--no-check", "--name", "Broken")
	if code, _, errOut := ta.run("sources", "add", feeds.URL+"/telquel.xml"); code == 0 || !strings.Contains(errOut, "already") {
		t.Fatalf("adding a source twice: exit %d, stderr %q", code, errOut)
	}

	out := ta.mustRun("crawl", "--once")
	// The broken feed is cut short: read in part, a warning, not a failure.
	if !strings.Contains(out, "4 sources fetched, 1 failed, 20 new articles") {
		t.Fatalf("first crawl said %q", out)
	}
	out = ta.mustRun("crawl", "--once", "--all")
	if !strings.Contains(out, "0 new articles") {
		t.Fatalf("second crawl said %q, want nothing new", out)
	}

	var sources struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(ta.mustRun("sources", "list", "--json")), &sources); err != nil {
		t.Fatal(err)
	}
	if len(sources.Items) != 4 {
		t.Fatalf("%d sources listed, want 4", len(sources.Items))
	}
	byName := map[string]map[string]any{}
	for _, s := range sources.Items {
		byName[s["name"].(string)] = s
	}
	if s := byName["Hespress"]; s["articles"].(float64) != 10 || s["last_error"] != "" || s["lang"] != "ar" {
		t.Errorf("Hespress source: %v", s)
	}
	if s := byName["Failing"]; !strings.Contains(s["last_error"].(string), "500") || s["last_status"].(float64) != 500 {
		t.Errorf("failing source: %v", s)
	}
	if s := byName["Broken"]; !strings.Contains(s["last_error"].(string), "ends before its end") || s["consecutive_failures"].(float64) != 0 {
		t.Errorf("broken source: %v, want the cut said and no failure counted", s)
	}
	if table := ta.mustRun("sources", "list"); !strings.Contains(table, "Hespress") || !strings.Contains(table, "failing") {
		t.Errorf("sources list table:\n%s", table)
	}

	// The portal, on the same database.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var cfg config
	cfg.DB, cfg.Listen, cfg.Workers, cfg.HostConcurrency = ta.env["REVUE_DATABASE"], ln.Addr().String(), 2, 2
	st, err := openStore(ctx, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ready := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a := ta.app(io.Discard, io.Discard)
		if err := a.runPortal(ctx, &cfg, st, ln, false, a.logger("error"), func(u string) { ready <- u }, portalVia{}); err != nil {
			t.Error(err)
		}
	}()
	defer func() { cancel(); wg.Wait() }()
	base := <-ready

	home := get(t, base+"/")
	for _, want := range []string{`أسعار البيض "تتحرك" قبيل رمضان`, "Spas de luxe au Maroc", `dir="rtl"`} {
		if !strings.Contains(home, want) && !strings.Contains(home, strings.ReplaceAll(want, `"`, "&#34;")) {
			t.Errorf("home page lacks %q", want)
		}
	}
	link := regexp.MustCompile(`href="(/articles/\d+[^"]*)"`).FindStringSubmatch(home)
	if link == nil {
		t.Fatal("home page links to no article")
	}
	article := get(t, base+link[1])
	for _, want := range []string{"Publié dans", "Cliquez ici pour lire l&#39;article depuis sa source."} {
		if !strings.Contains(article, want) && !strings.Contains(article, strings.ReplaceAll(want, "&#39;", "'")) {
			t.Errorf("article page lacks %q", want)
		}
	}

	var page struct {
		Items []map[string]any `json:"items"`
		Next  string           `json:"next"`
	}
	if err := json.Unmarshal([]byte(get(t, base+"/api/v1/articles?limit=500")), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 20 || page.Next != "" {
		t.Fatalf("API: %d articles, next %q; want 20 and no next page", len(page.Items), page.Next)
	}
	want := []string{"also_published_in", "byline", "content_html", "date_estimated", "id", "images", "lang", "published_at", "regions", "section", "source", "story_id", "summary", "title", "url"}
	var keys []string
	for k := range page.Items[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Errorf("article JSON fields = %v, want %v", keys, want)
	}
	if _, err := time.Parse(time.RFC3339, page.Items[0]["published_at"].(string)); err != nil {
		t.Errorf("published_at is not RFC 3339: %v", err)
	}
	if !strings.Contains(get(t, base+"/metrics"), "go_goroutines") {
		t.Error("/metrics lacks the Go collector")
	}

	// OPML out and back in, into a fresh database.
	opmlDoc := ta.mustRun("sources", "export")
	file := filepath.Join(t.TempDir(), "sources.opml")
	if err := os.WriteFile(file, []byte(opmlDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	other := newTestApp(t)
	if out := other.mustRun("sources", "import", file); !strings.Contains(out, "imported 4 sources") {
		t.Errorf("import said %q", out)
	}
	if out := other.mustRun("sources", "import", file); !strings.Contains(out, "imported 0 sources (4 already followed)") {
		t.Errorf("second import said %q", out)
	}
	id := fmt.Sprint(byName["Broken"]["id"])
	if out := ta.mustRun("sources", "remove", id); !strings.Contains(out, "removed source "+id) {
		t.Errorf("remove said %q", out)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, body)
	}
	return string(body)
}

func TestConfigurationFromFlagsAndEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(config) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(c config) bool {
			return c.DB == "revue.db" && c.Listen == "127.0.0.1:8080" && c.Workers == 16 && c.LeaseDuration == 5*time.Minute &&
				c.HostConcurrency == 2 && c.HostDelay == time.Second && c.ReportThreshold == 3 && !c.AllowPrivateNetworks &&
				c.baseURL() == "http://127.0.0.1:8080"
		}, ""},
		{"environment", map[string]string{"REVUE_DATABASE": "postgres://x@db/revue", "REVUE_WORKERS": "4", "REVUE_ALLOW_PRIVATE_NETWORKS": "1", "REVUE_BASE_URL": "https://revue.ma/", "REVUE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1"}, nil,
			func(c config) bool {
				return c.DB == "postgres://x@db/revue" && c.Workers == 4 && c.AllowPrivateNetworks && c.baseURL() == "https://revue.ma" && len(c.TrustedProxies) == 2
			}, ""},
		{"flag beats environment", map[string]string{"REVUE_WORKERS": "4"}, []string{"--workers", "9"}, func(c config) bool { return c.Workers == 9 }, ""},
		{"bad duration", map[string]string{"REVUE_HOST_DELAY": "soon"}, nil, nil, "REVUE_HOST_DELAY"},
		{"bad proxy", map[string]string{"REVUE_TRUSTED_PROXIES": "nowhere"}, nil, nil, "nowhere"},
		{"report threshold", map[string]string{"REVUE_REPORT_THRESHOLD": "5"}, nil, func(c config) bool { return c.ReportThreshold == 5 }, ""},
		{"report threshold 0", nil, []string{"--report-threshold", "0"}, nil, "report threshold"},
		{"languages by default", nil, nil, func(c config) bool { return slices.Equal(c.Languages, []string{"fr", "ar", "es", "en"}) }, ""},
		{"languages", map[string]string{"REVUE_LANGUAGES": " FR, ar,fr ,pt"}, nil, func(c config) bool { return slices.Equal(c.Languages, []string{"fr", "ar", "pt"}) }, ""},
		{"any language", nil, []string{"--languages", ""}, func(c config) bool { return len(c.Languages) == 0 }, ""},
		{"a bad language", nil, []string{"--languages", "fr,french"}, nil, "french"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &app{stderr: io.Discard}
			fs := a.flags("test")
			var c config
			errs := c.bind(fs, func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }, "db", "web", "crawl")
			if _, err := parse(fs, tc.args); err != nil {
				t.Fatal(err)
			}
			err := errs.check(&c)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(c) {
				t.Fatalf("config %+v, err %v", c, err)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	ta := newTestApp(t)
	for _, args := range [][]string{{}, {"nonsense"}, {"sources"}, {"sources", "remove", "x"}, {"crawl", "--all"}, {"sources", "add"}} {
		if code, _, _ := ta.run(args...); code != 2 {
			t.Errorf("revue %v: exit %d, want 2", args, code)
		}
	}
}

// On an empty database serve suggests Revue's source list but never loads
// it by itself; import --defaults loads it, due at once, nothing fetched.
func TestDefaultSources(t *testing.T) {
	ta := newTestApp(t)
	ta.env["REVUE_LOG_LEVEL"] = "warn"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var out, errOut syncBuffer
	if code := ta.app(&out, &errOut).run(ctx, []string{"serve", "--no-crawl", "--listen", "127.0.0.1:0"}); code != 0 {
		t.Fatalf("serve exited %d: %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "revue sources import --defaults") {
		t.Errorf("serve on an empty database did not suggest the default sources:\n%s", errOut.String())
	}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(ta.mustRun("sources", "list", "--json")), &list); err != nil || len(list.Items) != 0 {
		t.Fatalf("serve loaded sources by itself: %v %v", list.Items, err)
	}

	out2 := ta.mustRun("sources", "import", "--defaults")
	if err := json.Unmarshal([]byte(ta.mustRun("sources", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out2, fmt.Sprintf("imported %d sources", len(list.Items))) || len(list.Items) < 100 {
		t.Fatalf("import --defaults said %q and %d sources are listed", out2, len(list.Items))
	}
	langs := map[string]int{}
	for _, s := range list.Items {
		langs[s["lang"].(string)]++
		if s["last_status"].(float64) != 0 || s["articles"].(float64) != 0 {
			t.Fatalf("a default source was fetched on import: %v", s)
		}
	}
	for _, l := range []string{"ar", "fr", "es", "en"} {
		if langs[l] == 0 {
			t.Errorf("no default source in %s (%v)", l, langs)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
