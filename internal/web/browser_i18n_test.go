package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"revue"
)

// TestBrowserArabic drives headless Chromium through the Arabic interface
// and measures its layout: the page is right to left, the masthead and
// the ticker are mirrored against the French page, a live headline pushes
// the band leftward, and the article header reads the Arabic wording.
func TestBrowserArabic(t *testing.T) {
	chromium := chromiumPath(t)
	e := newEnv(t, func(c *Config) {
		c.Now = time.Now
		c.Images = pictureFetcher{body: leadPNG(t)}
		c.LivePoll = 50 * time.Millisecond
	})
	sources := map[string]revue.Source{
		"fr": e.addSource(t, "Hespress FR", "fr"),
		"es": e.addSource(t, "Le360 Español", "es"),
		"ar": e.addSource(t, "هسبريس", "ar"),
	}
	arabic := readHeadlines(t, "arabic_headlines.jsonl")
	latin := readHeadlines(t, "seed_ticker.jsonl")[:8]
	order := append(append([]headlineFixture{}, arabic...), latin...)
	now := time.Now()
	var first revue.Article
	for i, h := range order {
		a := revue.Article{URL: "https://news.example/" + h.ID, Title: h.Title, Lang: h.Lang,
			Summary: "Résumé de la dépêche « " + h.Title + " ».", PublishedAt: now.Add(-time.Duration(i*7+2) * time.Minute)}
		if h.Lang == "ar" {
			a.Summary = "ملخص الخبر: " + h.Title
		}
		if i == 0 {
			a.ContentHTML = "<p>أعلنت القوات المسلحة الملكية، بتعليمات سامية، عن نشر ثلاثة مستشفيات عسكرية ميدانية في الأقاليم الأكثر تضررًا من موجة البرد.</p><p>وتقدم هذه المستشفيات استشارات وعلاجات وأدوية مجانية لسكان المناطق المعزولة.</p>"
			a.Section = "societe"
			a.Regions = []string{"draa-tafilalet"}
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
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	eval := evaluator(t, ctx)
	load := func(path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(e.portal.URL+path), chromedp.WaitVisible(chromedp.CSS(".ticker-item"))); err != nil {
			t.Fatalf("loading %s: %v", path, err)
		}
	}
	// layout measures, in CSS pixels, where the masthead's parts and the
	// first ticker items sit.
	const layout = `(() => {
	  const r = s => document.querySelector(s).getBoundingClientRect();
	  const items = document.querySelectorAll(".ticker-item");
	  const links = document.querySelectorAll(".languages a");
	  return JSON.stringify([
	    document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction,
	    r(".masthead").left, r(".masthead").right, r(".brand").left, r(".brand").right, r(".languages").left, r(".languages").right,
	    links[0].getBoundingClientRect().left, links[1].getBoundingClientRect().left,
	    items[0].getBoundingClientRect().left, items[1].getBoundingClientRect().left, r(".ticker-list").left, r(".ticker-list").right,
	    items[0].getBoundingClientRect().right,
	  ]);
	})()`
	type measures struct {
		lang, dir, direction                                 string
		mastL, mastR, brandL, brandR, navL, navR             float64
		link0L, link1L, item0L, item1L, listL, listR, item0R float64
	}
	measure := func(what string) measures {
		t.Helper()
		raw := eval("measuring "+what, layout)
		var v []any
		if err := jsonUnmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		f := func(i int) float64 { return v[i].(float64) }
		return measures{v[0].(string), v[1].(string), v[2].(string), f(3), f(4), f(5), f(6), f(7), f(8), f(9), f(10), f(11), f(12), f(13), f(14), f(15)}
	}

	load("/")
	fr := measure("the French home")
	load("/ar/")
	ar := measure("the Arabic home")
	if ar.lang != "ar" || ar.dir != "rtl" || ar.direction != "rtl" {
		t.Errorf("Arabic page: lang %q dir %q, computed direction %q; want ar, rtl, rtl", ar.lang, ar.dir, ar.direction)
	}
	if fr.dir != "ltr" || fr.direction != "ltr" {
		t.Errorf("French page: dir %q, computed direction %q", fr.dir, fr.direction)
	}
	// The brand opens the masthead: at its left in French, its right in Arabic.
	if fr.brandL-fr.mastL > 40 {
		t.Errorf("French brand at %.0f, not at the masthead's left edge %.0f", fr.brandL, fr.mastL)
	}
	if ar.mastR-ar.brandR > 40 {
		t.Errorf("Arabic brand ends at %.0f, not at the masthead's right edge %.0f", ar.brandR, ar.mastR)
	}
	// The language switcher closes it, on the other side, its links in reading order.
	if !(fr.navL > fr.brandR && ar.navR < ar.brandL) {
		t.Errorf("switcher not mirrored: French nav %.0f–%.0f after brand end %.0f; Arabic nav %.0f–%.0f before brand start %.0f",
			fr.navL, fr.navR, fr.brandR, ar.navL, ar.navR, ar.brandL)
	}
	if !(fr.link0L < fr.link1L && ar.link0L > ar.link1L) {
		t.Errorf("switcher links: French %.0f, %.0f; Arabic %.0f, %.0f: want left to right, then right to left", fr.link0L, fr.link1L, ar.link0L, ar.link1L)
	}
	// The newest headline starts the band: leftmost in French, rightmost in Arabic.
	if !(fr.item0L < fr.item1L && ar.item0L > ar.item1L) {
		t.Errorf("ticker order: French items at %.0f, %.0f; Arabic at %.0f, %.0f", fr.item0L, fr.item1L, ar.item0L, ar.item1L)
	}
	if ar.listR-ar.item0R > 2 {
		t.Errorf("the newest Arabic headline ends at %.0f, not at the band's right edge %.0f", ar.item0R, ar.listR)
	}
	if got := eval("reading the arrival offset", `getComputedStyle(document.querySelector(".ticker")).getPropertyValue("--arrive-from").trim()`); got != "2rem" {
		t.Errorf("a new Arabic headline slides in from %q, want 2rem (from the right)", got)
	}

	// Live: a new headline takes the right end; the rest move leftward.
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".live-dot"))); err != nil {
		t.Fatalf("waiting for the live stream: %v", err)
	}
	before := eval("locating the newest headline", `String(document.querySelector(".ticker-item").getBoundingClientRect().left)`)
	live := e.save(t, sources["ar"], revue.Article{URL: "https://news.example/live", Lang: "ar", PublishedAt: time.Now(),
		Title: "عاجل: البنك الدولي يمنح المغرب 4 ملايين دولار"})[0]
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`.ticker-item[data-id="%d"]`, live.ID)))); err != nil {
		t.Fatalf("waiting for the live headline: %v", err)
	}
	after := eval("locating the former newest headline", fmt.Sprintf(`String(document.querySelector('.ticker-item[data-id="%d"]').getBoundingClientRect().left)`, first.ID))
	b, _ := strconv.ParseFloat(before, 64)
	a, _ := strconv.ParseFloat(after, 64)
	if !(a < b-100) {
		t.Errorf("the former newest headline went from x=%.0f to x=%.0f; in Arabic the band moves leftward", b, a)
	}
	if got := measure("the Arabic home after a live headline"); got.listR-got.item0R > 2 {
		t.Errorf("the live headline ends at %.0f, out of sight of the band's right edge %.0f", got.item0R, got.listR)
	}
	if got := eval("reading the live time", `document.querySelector(".ticker-item time").textContent`); got != "الآن" {
		t.Errorf("live headline time %q, want الآن", got)
	}
	// Older live headlines are dated by the script, in the page's locale:
	// Latin digits and Moroccan month names, like the server's.
	if got := eval("formatting a day as the ticker script does", `new Intl.DateTimeFormat(document.querySelector(".ticker").dataset.locale, {day: "numeric", month: "long"}).format(new Date(2021, 2, 16))`); got != "16 مارس" {
		t.Errorf("the ticker script writes 16 March as %q, want 16 مارس", got)
	}
	if got := eval("reading the live link", `document.querySelector(".ticker-item .headline").getAttribute("href")`); !strings.HasPrefix(got, "/ar/articles/") {
		t.Errorf("live headline link %q keeps no /ar prefix", got)
	}

	// In French the same arrival moves the band rightward.
	load("/")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".live-dot"))); err != nil {
		t.Fatalf("waiting for the live stream: %v", err)
	}
	beforeFR := measure("the French home").item0L
	liveFR := e.save(t, sources["fr"], revue.Article{URL: "https://news.example/live-fr", Lang: "fr", PublishedAt: time.Now(),
		Title: "Dernière minute : la Banque mondiale accorde 4 millions de dollars au Maroc"})[0]
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`.ticker-item[data-id="%d"]`, liveFR.ID)))); err != nil {
		t.Fatalf("waiting for the French live headline: %v", err)
	}
	afterFR := eval("locating the former newest French headline", fmt.Sprintf(`String(document.querySelector('.ticker-item[data-id="%d"]').getBoundingClientRect().left)`, live.ID))
	if x, _ := strconv.ParseFloat(afterFR, 64); !(x > beforeFR+100) {
		t.Errorf("in French the former newest headline went from x=%.0f to x=%s; the band should move rightward", beforeFR, afterFR)
	}
	load("/ar/")

	shots := os.Getenv("REVUE_SCREENSHOTS") == "1"
	shoot := func(name string) {
		if !shots {
			return
		}
		time.Sleep(1500 * time.Millisecond) // the arrival highlight fades
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(repoRoot(t), "docs", "screenshots", name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shoot("ar-home.png")

	// The article, opened by its link in the list, in Arabic.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`.teaser-title a[href^="/ar/articles/%d-"]`, first.ID))),
		chromedp.WaitVisible(chromedp.CSS(".story-title")),
	); err != nil {
		t.Fatalf("opening the Arabic article: %v", err)
	}
	day := first.PublishedAt.In(time.UTC)
	want := "نُشر في هسبريس يوم " + strconv.Itoa(day.Day()) + " " + arabicMonths[day.Month()-1] + " " + strconv.Itoa(day.Year())
	if got := eval("reading the header", `document.querySelector(".published").textContent.trim()`); got != want {
		t.Errorf("article header %q, want %q", got, want)
	}
	if got := eval("reading the source link", `document.querySelector(".source-link").textContent.trim()`); got != "انقر هنا لقراءة المقال من مصدره." {
		t.Errorf("source link %q", got)
	}
	if got := eval("reading the header's direction", `getComputedStyle(document.querySelector(".published")).direction`); got != "rtl" {
		t.Errorf("header direction %q", got)
	}
	shoot("ar-article.png")

	// A report sent in place: the form and the answer in Arabic.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".lead-image .report-link")),
		chromedp.WaitVisible(chromedp.CSS(".lead-image .report-box select[name=reason]")),
		chromedp.Click(chromedp.CSS(".lead-image .report-box button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".lead-image .report-message")),
	); err != nil {
		t.Fatalf("reporting the lead image: %v", err)
	}
	if got := eval("reading the answer", `document.querySelector(".lead-image .report-message").textContent`); got != "شكرًا على التبليغ! ستُحجب هذه الصورة تلقائيًا بعد أن يُبلِّغ عنها عدة أشخاص." {
		t.Errorf("the answer under the image is %q, want the Arabic thanks", got)
	}
	if got := eval("reading the answer's language", `document.querySelector(".lead-image .report-message").lang`); got != "ar" {
		t.Errorf("the answer is marked lang=%q", got)
	}
	stopHub()
}

// arabicMonths are the month names of Moroccan Arabic, written out here
// rather than read from the catalog the page uses.
var arabicMonths = [...]string{"يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
