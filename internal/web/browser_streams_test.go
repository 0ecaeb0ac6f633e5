package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"revue"
)

// pageLoadBudget is how long page loads take on loopback: nine in ten must
// be this fast. A load that waits for one of the browser's six connections
// to a host takes until a held stream lets go (the 15 s heartbeat), far
// above it.
const pageLoadBudget = time.Second

// stallBudget bounds every single load. On a 2-core machine running other
// test packages beside this one, a load now and then takes 1-1.6 s for
// want of CPU; a stall, the failure these tests are for, takes 15 s.
const stallBudget = 5 * time.Second

// tabsLoadBudget is the same bound for eight tabs loading at once. Those
// loads are bound by CPU: Chromium lets one request for a URL go out at a
// time until its headers come back, and eight home pages rendered by the
// race-enabled server next to eight Chromium pages take 1-1.6 s on two
// cores shared with other tests (under 1 s on an idle machine). A stalled
// load still takes 15 s or more.
const tabsLoadBudget = 3 * time.Second

// pageLoadCap ends a stalled load, so the test reports it instead of hanging.
const pageLoadCap = 20 * time.Second

// maxBrowserStreams is how many live streams one browser may hold on the
// server, whatever its tabs do: one shared stream, and a second while a
// closing tab hands it over.
const maxBrowserStreams = 2

// streamsEnv is a portal with 40 real headlines (French, Spanish and
// Arabic), its live hub running, for the browser stream tests.
func streamsEnv(t *testing.T) (*testEnv, []revue.Article, map[string]revue.Source) {
	t.Helper()
	e := newEnv(t, func(c *Config) {
		c.Now = time.Now
		c.LivePoll = 200 * time.Millisecond
	})
	sources := map[string]revue.Source{
		"fr": e.addSource(t, "Hespress FR", "fr"),
		"es": e.addSource(t, "Le360 Español", "es"),
		"ar": e.addSource(t, "Hespress عربية", "ar"),
	}
	fixtures := append(readHeadlines(t, "seed_ticker.jsonl")[:36], readHeadlines(t, "arabic_headlines.jsonl")...)
	now := time.Now()
	var saved []revue.Article
	for i, h := range fixtures {
		saved = append(saved, e.save(t, sources[h.Lang], revue.Article{
			URL:         "https://news.example/" + h.ID,
			Title:       h.Title,
			Lang:        h.Lang,
			Summary:     h.Title,
			PublishedAt: now.Add(-time.Duration(len(fixtures)-i) * 3 * time.Minute),
		})[0])
	}
	hubCtx, stopHub := context.WithCancel(context.Background())
	t.Cleanup(stopHub)
	go e.server.Run(hubCtx)
	return e, saved, sources
}

// timedNavigate loads url in the tab and says how long until its load event.
func timedNavigate(tab context.Context, url string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(tab, pageLoadCap)
	defer cancel()
	start := time.Now()
	_, err := chromedp.Run(ctx, chromedp.Navigate(url))
	return time.Since(start), err
}

// checkLoads fails the test for every load over stallBudget, and when the
// ninth decile of the loads is over budget; it logs max, p90 and p50.
func checkLoads(t *testing.T, what string, budget time.Duration, loads []time.Duration, errs []error) {
	t.Helper()
	for i, d := range loads {
		if errs[i] != nil {
			t.Errorf("%s: load %d failed after %v: %v", what, i+1, d.Round(time.Millisecond), errs[i])
		} else if d > stallBudget {
			t.Errorf("%s: load %d took %v: stalled", what, i+1, d.Round(time.Millisecond))
		}
	}
	sorted := slices.Sorted(slices.Values(loads))
	p90 := sorted[(len(sorted)*9+9)/10-1]
	if p90 > budget {
		t.Errorf("%s: nine loads in ten took up to %v, over %v", what, p90.Round(time.Millisecond), budget)
	}
	t.Logf("%s: %d loads, max %v, p90 %v, p50 %v", what, len(loads),
		sorted[len(sorted)-1].Round(time.Millisecond), p90.Round(time.Millisecond), sorted[(len(sorted)-1)/2].Round(time.Millisecond))
}

// waitForHeadline waits until the tab's ticker shows the article, and says
// whether it came.
func waitForHeadline(tab context.Context, id int64) error {
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	js := fmt.Sprintf(`!!document.querySelector('.ticker-item[data-id="%d"]')`, id)
	for {
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err != nil {
			return fmt.Errorf("headline %d not in the ticker: %w", id, err)
		}
		if shown {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("headline %d not in the ticker within 10s", id)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// checkStreams fails the test when the browser holds more than max live
// streams on the server. Streams of pages just left may take a moment to
// close.
func checkStreams(t *testing.T, e *testEnv, max int, when string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := e.server.hub.subscribers()
		if n <= max {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: the server holds %d live streams for one browser, want at most %d", when, n, max)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newHeadline(t *testing.T, e *testEnv, src revue.Source, n int, title string) revue.Article {
	t.Helper()
	return e.save(t, src, revue.Article{
		URL:         "https://news.example/live/" + strconv.Itoa(n),
		Title:       title,
		Lang:        src.Lang,
		PublishedAt: time.Now(),
	})[0]
}

// TestBrowserStreams reads the portal as a reader does, in a real Chromium:
// one tab through 40 article pages, then eight tabs at once. Every page
// loads at once, every tab's ticker stays live, and the browser holds one
// stream on the server, not one per page it has seen.
func TestBrowserStreams(t *testing.T) {
	chromium := chromiumPath(t)

	t.Run("40 article pages in one tab", func(t *testing.T) {
		e, articles, sources := streamsEnv(t)
		tab := newBrowser(t, chromium)
		if err := chromedp.Do(tab); err != nil {
			t.Fatalf("starting Chromium: %v", err)
		}
		var loads []time.Duration
		var errs []error
		for _, a := range articles {
			d, err := timedNavigate(tab, e.portal.URL+ArticlePath(a.ID, a.Title))
			loads, errs = append(loads, d), append(errs, err)
		}
		checkLoads(t, "40 article pages in sequence", pageLoadBudget, loads, errs)
		checkStreams(t, e, 1, "after 40 article pages")

		// The page in front is live.
		live := newHeadline(t, e, sources["fr"], 1, "Dernière minute : la page ouverte reçoit la dépêche")
		if err := waitForHeadline(tab, live.ID); err != nil {
			t.Errorf("the 40th article page: %v", err)
		}

		// A page left for another holds no stream, so the browser keeps it
		// whole in its back/forward cache; going back, it shows what
		// arrived meanwhile and is live again. Every step below is
		// bounded, so a stalled page fails the test.
		bounded, cancel := context.WithTimeout(tab, time.Minute)
		defer cancel()
		if _, err := chromedp.Run(bounded, chromedp.Evaluate[bool](`window.__kept = true`)); err != nil {
			t.Fatal(err)
		}
		if _, err := timedNavigate(tab, e.portal.URL+"/"); err != nil {
			t.Fatalf("leaving the article for the home page: %v", err)
		}
		missed := newHeadline(t, e, sources["ar"], 2, "عاجل: خبر وصل بينما كانت الصفحة في الخلف")
		if err := waitForHeadline(tab, missed.ID); err != nil {
			t.Errorf("the home page: %v", err)
		}
		checkStreams(t, e, 1, "with the article page left for the home page")
		// chromedp's NavigateBack waits for a load event, which a page
		// restored from the back/forward cache does not fire.
		backPath := fmt.Sprintf("/articles/%d-", articles[len(articles)-1].ID)
		if _, err := chromedp.Run(bounded, chromedp.Evaluate[bool](`history.back(), true`)); err != nil {
			t.Fatalf("going back to the article: %v", err)
		}
		for {
			js := fmt.Sprintf(`location.pathname.startsWith(%q) && document.readyState === "complete"`, backPath)
			if arrived, err := chromedp.Run(bounded, chromedp.Evaluate[bool](js)); err != nil {
				t.Fatalf("going back to the article: %v", err)
			} else if arrived {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		kept, err := chromedp.Run(bounded, chromedp.Evaluate[bool](`window.__kept === true`))
		if err != nil {
			t.Fatal(err)
		}
		if !kept {
			t.Error("going back reloaded the article page instead of restoring it from the back/forward cache")
		}
		if err := waitForHeadline(tab, missed.ID); err != nil {
			t.Errorf("the article page after going back: %v", err)
		}
		after := newHeadline(t, e, sources["es"], 3, "Última hora: la página recuperada sigue en directo")
		if err := waitForHeadline(tab, after.ID); err != nil {
			t.Errorf("the article page after going back: %v", err)
		}
		checkStreams(t, e, 1, "after going back")
	})

	t.Run("8 tabs at once", func(t *testing.T) {
		e, _, sources := streamsEnv(t)
		// One tab opens the eight with window.open, as a reader's clicks
		// would, and reads them through their window objects. Attaching
		// the test to each tab instead would have every tab report each
		// DOM, style and network change as it loads, which costs this
		// two-core machine more than the loads being measured.
		opener := newBrowser(t, chromium)
		if err := chromedp.Do(opener, chromedp.Navigate(e.portal.URL+"/healthz")); err != nil {
			t.Fatalf("starting Chromium: %v", err)
		}
		ctx, cancel := context.WithTimeout(opener, 2*time.Minute)
		defer cancel()
		eval := evaluator(t, ctx)
		// A running portal has served its home page before.
		if r := e.get(t, "/"); r.status != http.StatusOK {
			t.Fatalf("warming the portal up: GET / answered %d", r.status)
		}
		const n = 8
		eval("opening the tabs", fmt.Sprintf(`window.tabs = Array.from({length: %d}, () => window.open("/", "_blank")), "ok"`, n))

		// Each tab's load, by its own navigation timing: from the start of
		// its navigation to the end of its load event.
		loads := make([]time.Duration, n)
		errs := make([]error, n)
		deadline := time.Now().Add(pageLoadCap)
		for {
			ms := eval("reading the tabs' load times", `JSON.stringify(tabs.map(w => {
				const nav = w.location.pathname === "/" && w.performance.getEntriesByType("navigation")[0];
				return nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : 0;
			}))`)
			var loaded []float64
			if err := json.Unmarshal([]byte(ms), &loaded); err != nil || len(loaded) != n {
				t.Fatalf("load times %s: %v", ms, err)
			}
			done := 0
			for i, v := range loaded {
				if v > 0 {
					loads[i], errs[i] = time.Duration(v*float64(time.Millisecond)), nil
					done++
				} else {
					loads[i], errs[i] = pageLoadCap, fmt.Errorf("not loaded within %v", pageLoadCap)
				}
			}
			if done == n || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		checkLoads(t, "8 tabs opened at once", tabsLoadBudget, loads, errs)

		// Close the tabs one by one: whichever holds the stream, the
		// others go on receiving, and the browser never holds more than
		// one or two streams.
		for round := range n {
			title := "عاجل: الخبر رقم " + strconv.Itoa(round+1) + " يصل إلى كل النوافذ"
			h := newHeadline(t, e, sources["ar"], 100+round, title)
			// Each open tab: "" until the headline shows, then its direction.
			js := fmt.Sprintf(`JSON.stringify(tabs.slice(%d).map(w => {
				const li = w.document.querySelector('.ticker-item[data-id="%d"]');
				return li ? w.getComputedStyle(li).direction : "";
			}))`, round, h.ID)
			var dirs []string
			for deadline := time.Now().Add(10 * time.Second); ; {
				if err := json.Unmarshal([]byte(eval("reading the tabs' tickers", js)), &dirs); err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(dirs, "") || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			for i, dir := range dirs {
				if dir == "" {
					t.Errorf("round %d: tab %d of %d did not show headline %d within 10s", round+1, round+i+1, n, h.ID)
				} else if dir != "rtl" {
					t.Errorf("round %d: tab %d shows the Arabic headline %s, want rtl", round+1, round+i+1, dir)
				}
			}
			checkStreams(t, e, maxBrowserStreams, fmt.Sprintf("with %d tabs open", n-round))
			if t.Failed() {
				return
			}
			eval("closing a tab", fmt.Sprintf(`tabs[%d].close(), "ok"`, round))
		}
	})
}
