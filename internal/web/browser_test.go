package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"revue"
	"revue/internal/testenv"
)

type headlineFixture struct {
	ID    string `json:"id"`
	Lang  string `json:"lang"`
	Title string `json:"title"`
}

func readHeadlines(t *testing.T, name string) []headlineFixture {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []headlineFixture
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var h headlineFixture
		if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, h)
	}
	return out
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("REVUE_TEST_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		testenv.Missing(t, "no Chromium at %s (set REVUE_TEST_CHROMIUM to a chromium binary, or run scripts/test, which installs it): %v", path, err)
	}
	return path
}

// evaluator returns eval, which runs a script in ctx's tab and gives its
// string result; a failure ends the test, saying what was being done.
func evaluator(t *testing.T, ctx context.Context) func(what, js string) string {
	return func(what, js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// newBrowser starts a headless Chromium with a fresh profile and returns
// the context of its first tab; the browser closes when the test ends.
func newBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		// A French reader's browser: the portal guesses the interface
		// language from Accept-Language, which is en-US by default.
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancelBrowser)
	return ctx
}

// leadPNG draws a plain picture so the screenshots show a real lead image.
func leadPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	for y := range 360 {
		for x := range 640 {
			img.Set(x, y, color.RGBA{R: uint8(20 + x/8), G: uint8(33 + y/6), B: uint8(61 + (x+y)/12), A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pictureFetcher serves one generated picture for every image URL.
type pictureFetcher struct{ body []byte }

func (f pictureFetcher) FetchImage(context.Context, string) (string, []byte, error) {
	return "image/png", f.body, nil
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// TestBrowser drives a real headless Chromium through the portal: the
// ticker, an article opened by clicking, right-to-left layout, and a
// headline arriving live over SSE without a reload.
func TestBrowser(t *testing.T) {
	chromium := chromiumPath(t)
	picture := leadPNG(t)
	e := newEnv(t, func(c *Config) {
		c.Now = time.Now // the page's script words times with the real clock too
		c.Images = pictureFetcher{body: picture}
		c.LivePoll = 50 * time.Millisecond
	})
	sources := map[string]revue.Source{
		"fr": e.addSource(t, "Hespress FR", "fr"),
		"es": e.addSource(t, "Le360 Español", "es"),
		"ar": e.addSource(t, "Hespress عربية", "ar"),
	}
	// Interleave the languages, newest first, a few minutes apart.
	seedHeadlines := readHeadlines(t, "seed_ticker.jsonl")
	arabic := readHeadlines(t, "arabic_headlines.jsonl")
	var order []headlineFixture
	for i, h := range seedHeadlines[:20] {
		order = append(order, h)
		if i%5 == 1 && len(arabic) > 0 {
			order, arabic = append(order, arabic[0]), arabic[1:]
		}
	}
	now := time.Now()
	var first revue.Article
	for i, h := range order {
		a := revue.Article{
			URL:         "https://news.example/" + h.ID,
			Title:       h.Title,
			Lang:        h.Lang,
			Summary:     "Résumé de la dépêche « " + h.Title + " ».",
			PublishedAt: now.Add(-time.Duration(i*7+2) * time.Minute),
		}
		if h.Lang == "ar" {
			a.Summary = "ملخص الخبر: " + h.Title
		}
		if i == 0 {
			a.ContentHTML = "<p>Sur hautes instructions royales, les Forces armées royales déploient trois hôpitaux militaires de campagne dans les provinces les plus touchées par la vague de froid.</p><p>Ces structures offrent des consultations, des soins et des médicaments gratuits aux habitants des zones enclavées.</p>"
			a.Byline = "La rédaction"
			a.Section = "societe"
			a.Regions = []string{"draa-tafilalet", "beni-mellal-khenifra"}
			a.Images = []revue.Image{{URL: "https://news.example/img/" + h.ID + ".jpg"}}
		}
		saved := e.save(t, sources[h.Lang], a)[0]
		if i == 0 {
			first = saved
		}
	}
	hubCtx, stopHub := context.WithCancel(context.Background())
	defer stopHub()
	go e.server.Run(hubCtx)

	ctx := newBrowser(t, chromium)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	eval := evaluator(t, ctx)
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading the text of %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}

	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.portal.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".ticker-item")),
	); err != nil {
		t.Fatalf("loading the home page in Chromium: %v", err)
	}
	if n := eval("counting ticker items", `String(document.querySelectorAll(".ticker-item").length)`); n != strconv.Itoa(len(order)) {
		t.Errorf("ticker shows %s headlines, want %d", n, len(order))
	}
	tickerText := text(".ticker-list")
	for _, h := range order {
		if !strings.Contains(tickerText, h.Title) {
			t.Errorf("ticker lacks %q", h.Title)
		}
	}
	if first := text(".ticker-item:first-child .headline"); first != order[0].Title {
		t.Errorf("first ticker headline %q, want the newest %q", first, order[0].Title)
	}
	if dir := eval("reading the Arabic item's direction", `getComputedStyle(document.querySelector('.ticker-item[lang="ar"]')).direction`); dir != "rtl" {
		t.Errorf("computed direction of the Arabic headline = %q, want rtl", dir)
	}
	if dir := eval("reading a French item's direction", `getComputedStyle(document.querySelector('.ticker-item[lang="fr"]')).direction`); dir != "ltr" {
		t.Errorf("computed direction of a French headline = %q, want ltr", dir)
	}

	// Live: once the page's EventSource is open, a new headline appears
	// at the top of the ticker without a reload.
	eval("marking the document", `window.__sameDocument = "yes"`)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".live-dot"))); err != nil {
		t.Fatalf("waiting for the live stream to open: %v", err)
	}
	live := e.save(t, sources["es"], revue.Article{
		URL:         "https://news.example/live",
		Title:       "Última hora: el Banco Mundial concede 4 millones de dólares a Marruecos",
		Lang:        "es",
		PublishedAt: time.Now(),
	})[0]
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`.ticker-item[data-id="%d"]`, live.ID)))); err != nil {
		t.Fatalf("waiting for the live headline: %v", err)
	}
	if got := text(".ticker-item:first-child .headline"); got != live.Title {
		t.Errorf("live headline %q, want %q at the top", got, live.Title)
	}
	if got := text(".ticker-item:first-child time"); got != "à l'instant" {
		t.Errorf("live headline time %q, want à l'instant", got)
	}
	if got := eval("checking for a reload", `window.__sameDocument || "reloaded"`); got != "yes" {
		t.Error("the page was reloaded")
	}
	if got := eval("reading the live item's language", `document.querySelector(".ticker-item:first-child").lang`); got != "es" {
		t.Errorf("live item lang %q", got)
	}

	screenshots := os.Getenv("REVUE_SCREENSHOTS") == "1"
	shotDir := filepath.Join(repoRoot(t), "docs", "screenshots")
	shoot := func(name string) {
		if !screenshots {
			return
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 gives PNG
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.MkdirAll(shotDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shotDir, name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", filepath.Join(shotDir, name))
	}
	if screenshots {
		// Let the arrival highlight fade before the picture.
		time.Sleep(1500 * time.Millisecond)
	}
	shoot("home.png")

	// Open the first article by clicking its headline in the list.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`.teaser-title a[href^="/articles/%d-"]`, first.ID))),
		chromedp.WaitVisible(chromedp.CSS(".story-title")),
	); err != nil {
		t.Fatalf("opening the article page: %v", err)
	}
	if heading := text(".story-title"); heading != first.Title {
		t.Errorf("article h1 %q, want %q", heading, first.Title)
	}
	wantPublished := "Publié dans Hespress FR le " + first.PublishedAt.UTC().Format("02 - 01 - 2006")
	if published := text(".published"); published != wantPublished {
		t.Errorf("published line %q, want %q", published, wantPublished)
	}
	if path := eval("reading the location", `location.pathname`); !strings.HasPrefix(path, "/articles/"+strconv.FormatInt(first.ID, 10)+"-") {
		t.Errorf("article path %q", path)
	}
	imgState := eval("checking the lead image", `(() => { const i = document.querySelector(".lead-image img"); return i && i.complete && i.naturalWidth > 0 ? "loaded" : "missing" })()`)
	if imgState != "loaded" {
		t.Errorf("lead image through the proxy is %s", imgState)
	}
	shoot("article.png")
	stopHub()
}

// Just to make sure the helper fixtures stay real JSON for anyone editing them.
func TestHeadlineFixturesParse(t *testing.T) {
	for _, name := range []string{"seed_ticker.jsonl", "arabic_headlines.jsonl"} {
		hs := readHeadlines(t, name)
		if len(hs) < 4 {
			t.Errorf("%s: %d headlines", name, len(hs))
		}
		for _, h := range hs {
			if h.Title == "" || h.Lang == "" {
				t.Errorf("%s: %+v lacks title or lang", name, h)
			}
		}
	}
}
