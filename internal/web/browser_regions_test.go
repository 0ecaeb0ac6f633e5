package web

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// mapShape is what the page's script reports of one region of the map.
type mapShape struct {
	Slug      string  `json:"slug"`
	Left      float64 `json:"left"`
	Top       float64 `json:"top"`
	Right     float64 `json:"right"`
	Bottom    float64 `json:"bottom"`
	Fill      string  `json:"fill"`
	Luminance float64 `json:"luminance"`
	// HitX, HitY is a point of the viewport inside the region's fill
	// where the region itself is what the reader would click (no other
	// element on top); both -1 when there is none.
	HitX float64 `json:"hitX"`
	HitY float64 `json:"hitY"`
}

// measureMap finds, for every region, its box on screen, its computed
// fill and a point where a click reaches it.
const measureMap = `JSON.stringify([...document.querySelectorAll(".regions-map a.region")].map(a => {
  const path = a.querySelector("path");
  const box = path.getBoundingClientRect();
  const fill = getComputedStyle(path).fill;
  const [r, g, b] = fill.match(/\d+/g).map(Number);
  const inverse = path.getScreenCTM().inverse();
  let hitX = -1, hitY = -1;
  search: for (let i = 1; i < 12; i++) {
    for (let j = 1; j < 12; j++) {
      const x = box.left + box.width * i / 12, y = box.top + box.height * j / 12;
      const p = new DOMPoint(x, y).matrixTransform(inverse);
      if (path.isPointInFill(p) && document.elementFromPoint(x, y) === path) { hitX = x; hitY = y; break search; }
    }
  }
  return {slug: a.dataset.region, left: box.left, top: box.top, right: box.right, bottom: box.bottom,
    fill, luminance: 0.2126 * r + 0.7152 * g + 0.0722 * b, hitX, hitY};
}))`

// TestBrowserRegionsMap opens the regional overview in headless Chromium:
// twelve regions drawn where a reader can see and click them, the busiest
// region darkest, a click opening the region's page, and the map keeping
// its geography when the page is laid out right to left.
func TestBrowserRegionsMap(t *testing.T) {
	chromium := chromiumPath(t)
	e := newEnv(t)
	seedRegionWeek(t, e)

	ctx := newBrowser(t, chromium)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	eval := evaluator(t, ctx)
	measure := func(what string) (map[string]mapShape, float64, float64) {
		t.Helper()
		var shapes []mapShape
		if err := json.Unmarshal([]byte(eval(what, measureMap)), &shapes); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var size struct{ W, H float64 }
		if err := json.Unmarshal([]byte(eval("reading the viewport", `JSON.stringify({W: innerWidth, H: innerHeight})`)), &size); err != nil {
			t.Fatal(err)
		}
		bySlug := map[string]mapShape{}
		for _, s := range shapes {
			bySlug[s.Slug] = s
		}
		return bySlug, size.W, size.H
	}

	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.portal.URL+"/regions"),
		chromedp.WaitVisible(chromedp.CSS(".regions-map svg")),
	); err != nil {
		t.Fatalf("loading /regions in Chromium: %v", err)
	}
	shapes, width, height := measure("measuring the map")
	if len(shapes) != 12 {
		t.Fatalf("the map has %d regions, want 12", len(shapes))
	}
	for slug, s := range shapes {
		if s.Right-s.Left < 3 || s.Bottom-s.Top < 3 {
			t.Errorf("%s is drawn %.1f×%.1f px", slug, s.Right-s.Left, s.Bottom-s.Top)
		}
		if s.Left < 0 || s.Top < 0 || s.Right > width || s.Bottom > height {
			t.Errorf("%s spans (%.0f,%.0f)–(%.0f,%.0f), outside the %.0f×%.0f viewport", slug, s.Left, s.Top, s.Right, s.Bottom, width, height)
		}
		if s.HitX < 0 {
			t.Errorf("%s: no point of its shape can be clicked (hidden or covered)", slug)
		}
	}
	busiest := shapes["casablanca-settat"]
	for slug, s := range shapes {
		if slug != busiest.Slug && s.Luminance <= busiest.Luminance {
			t.Errorf("%s (fill %s) is as dark as or darker than the busiest region, Casablanca-Settat (fill %s)", slug, s.Fill, busiest.Fill)
		}
	}
	if zero, low := shapes["guelmim-oued-noun"], shapes["dakhla-oued-ed-dahab"]; zero.Fill == low.Fill {
		t.Errorf("a region with no article and one with one article share the fill %s", zero.Fill)
	}
	checkGeography := func(shapes map[string]mapShape, layout string) {
		t.Helper()
		center := func(s mapShape) (float64, float64) { return (s.Left + s.Right) / 2, (s.Top + s.Bottom) / 2 }
		ox, _ := center(shapes["oriental"])
		sx, _ := center(shapes["souss-massa"])
		_, ty := center(shapes["tanger-tetouan-al-hoceima"])
		_, dy := center(shapes["dakhla-oued-ed-dahab"])
		if ox <= sx || ty >= dy {
			t.Errorf("%s: the map is mirrored or upside down: Oriental at x=%.0f, Souss-Massa at x=%.0f; Tanger at y=%.0f, Dakhla at y=%.0f", layout, ox, sx, ty, dy)
		}
	}
	checkGeography(shapes, "left to right")

	if os.Getenv("REVUE_SCREENSHOTS") == "1" {
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		path := filepath.Join(repoRoot(t), "docs", "screenshots", "regions.png")
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}

	// The Arabic interface lays the page out right to left: the table and
	// the map change sides, the map's geography does not, and its links
	// keep the interface language.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.portal.URL+"/ar/regions"),
		chromedp.WaitVisible(chromedp.CSS(".regions-map svg")),
	); err != nil {
		t.Fatalf("loading /ar/regions in Chromium: %v", err)
	}
	if dir := eval("reading the page's direction", `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("/ar/regions is laid out %q, want rtl", dir)
	}
	rtl, _, _ := measure("measuring the Arabic map")
	checkGeography(rtl, "right to left")
	table := eval("locating the table", `String(document.querySelector(".regions-table").getBoundingClientRect().left)`)
	if mapLeft := rtl["dakhla-oued-ed-dahab"].Left; table == "" || mapLeft < 100 {
		t.Errorf("right to left, the map should move to the right-hand side (Dakhla's left edge at %.0f px)", mapLeft)
	}
	if href := eval("reading a region's link", `document.querySelector(".regions-map a").getAttribute("href")`); !strings.HasPrefix(href, "/ar/regions/") {
		t.Errorf("a region of the Arabic map links to %q, want /ar/regions/…", href)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.portal.URL+"/regions"),
		chromedp.WaitVisible(chromedp.CSS(".regions-map svg")),
	); err != nil {
		t.Fatalf("loading /regions again: %v", err)
	}

	// A click on a region opens its page.
	oriental := shapes["oriental"]
	if err := chromedp.Do(ctx,
		chromedp.MouseClickXY(oriental.HitX, oriental.HitY),
		chromedp.WaitVisible(chromedp.CSS(".page-nav")),
	); err != nil {
		t.Fatalf("clicking Oriental on the map: %v", err)
	}
	if path := eval("reading the location", `location.pathname`); path != "/regions/oriental" {
		t.Errorf("clicking Oriental opened %s, want /regions/oriental", path)
	}
}
