package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"revue"
)

// TestBrowserReport drives the reader's flow in headless Chromium: the
// report link under an image opens the form in place, sending it shows
// the French thank-you text there; once three distinct readers reported
// a picture the page shows the placeholder instead, in place when this
// reader's report was the third, and after a reload for everyone.
// Chromium connects from 127.0.0.1; the other readers are HTTP clients on
// 127.0.0.2 and 127.0.0.3, distinct TCP peers.
func TestBrowserReport(t *testing.T) {
	chromium := chromiumPath(t)
	// Two pictures, so that the two images are no copies of each other.
	pictures := perURLFetcher{lead: leadPNG(t), inline: otherPNG}
	e := newEnv(t, func(c *Config) {
		c.Now = time.Now
		c.Images = pictures
	})
	src := e.addSource(t, "Hespress FR", "fr")
	lead := "https://news.example/img/lead.jpg"
	inline := "https://news.example/img/inline.jpg"
	a := e.save(t, src, revue.Article{
		URL:   "https://news.example/maroc-hopitaux",
		Title: frTitle,
		Lang:  "fr",
		ContentHTML: `<p>Sur hautes instructions royales, trois hôpitaux sont déployés.</p>` +
			`<p><img src="` + inline + `" alt="Un hôpital de campagne"> Les consultations sont gratuites.</p>`,
		PublishedAt: time.Now().Add(-time.Hour),
		Images:      []revue.Image{{URL: lead}, {URL: inline}},
	})[0]
	leadImg, inlineImg := a.Images[0], a.Images[1]
	path := ArticlePath(a.ID, a.Title)
	reportFrom := func(addr string, img revue.Image) {
		t.Helper()
		if res := e.post(t, from(t, addr), reportPath(img.ID), url.Values{"from": {path}}); res.status != 200 {
			t.Fatalf("report from %s: %d", addr, res.status)
		}
	}

	ctx := newBrowser(t, chromium)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	eval := evaluator(t, ctx)
	loaded := func(sel string) string {
		return eval("checking "+sel, fmt.Sprintf(`(() => { const i = document.querySelector(%q); return !i ? "absent" : i.complete && i.naturalWidth > 0 ? "loaded" : "broken" })()`, sel))
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(e.portal.URL+path), chromedp.WaitVisible(chromedp.CSS(".lead-image img"))); err != nil {
		t.Fatalf("opening the article: %v", err)
	}
	if got := loaded(".lead-image img"); got != "loaded" {
		t.Fatalf("the lead image is %s", got)
	}
	eval("marking the document", `window.__sameDocument = "yes", "ok"`)

	// The first report of the lead image: the message, in place.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".lead-image .report-link")),
		chromedp.WaitVisible(chromedp.CSS(".lead-image .report-box select[name=reason]")),
		chromedp.SetValue(chromedp.CSS(".lead-image .report-box select[name=reason]"), revue.ReasonShocking),
		chromedp.SendKeys(chromedp.CSS(".lead-image .report-box textarea"), "Photo trop dure"),
		chromedp.Click(chromedp.CSS(".lead-image .report-box button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".lead-image .report-message")),
	); err != nil {
		t.Fatalf("reporting the lead image: %v", err)
	}
	if got := eval("reading the message", `document.querySelector(".lead-image .report-message").textContent`); got != thanks {
		t.Errorf("the message under the image is %q, want %q", got, thanks)
	}
	if got := eval("checking the page stayed", `window.__sameDocument || "reloaded"`); got != "yes" {
		t.Error("reporting reloaded the page")
	}
	if got := loaded(".lead-image img"); got != "loaded" {
		t.Errorf("one report hid the image: %s", got)
	}
	stored, err := e.store.ModerationQueue(t.Context(), revue.ModerationQuery{})
	if err != nil || len(stored) != 1 || stored[0].Image.ID != leadImg.ID || len(stored[0].Notes) != 1 || stored[0].Notes[0].Note != "Photo trop dure" {
		t.Fatalf("the browser's report as stored: %+v, %v", stored, err)
	}

	// Two more readers: the threshold. After a reload the placeholder
	// stands where the lead image was.
	reportFrom("127.0.0.2", leadImg)
	reportFrom("127.0.0.3", leadImg)
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".lead-image .image-blocked"))); err != nil {
		t.Fatalf("reloading after the threshold: %v", err)
	}
	if got := loaded(".lead-image img"); got != "absent" {
		t.Errorf("the blocked lead image is still in the page: %s", got)
	}
	if got := eval("reading the placeholder", `document.querySelector(".lead-image .image-blocked").textContent`); got != "Image masquée après des signalements de lecteurs." {
		t.Errorf("placeholder %q", got)
	}
	if res := e.get(t, imagePath(leadImg.ID)); res.status != 410 {
		t.Errorf("the proxy answers %d for the blocked image, want 410", res.status)
	}

	// The inline image: two readers first, then this reader's report is
	// the third and the picture gives way without a reload.
	reportFrom("127.0.0.2", inlineImg)
	reportFrom("127.0.0.3", inlineImg)
	inlineSel := fmt.Sprintf(`.story-body img[src="/images/%d"]`, inlineImg.ID)
	if got := loaded(inlineSel); got != "loaded" {
		t.Fatalf("the inline image is %s", got)
	}
	eval("marking the document", `window.__sameDocument = "yes", "ok"`)
	linkSel := fmt.Sprintf(`.story-body a.report-link[data-image="%d"]`, inlineImg.ID)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(linkSel)),
		chromedp.WaitVisible(chromedp.CSS(".story-body .report-box button[type=submit]")),
		chromedp.Click(chromedp.CSS(".story-body .report-box button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".story-body .report-message")),
		chromedp.WaitVisible(chromedp.CSS(".story-body .image-blocked")),
	); err != nil {
		t.Fatalf("reporting the inline image: %v", err)
	}
	if got := loaded(inlineSel); got != "absent" {
		t.Errorf("the inline image is still shown after the third report: %s", got)
	}
	if got := eval("reading the message", `document.querySelector(".story-body .report-message").textContent`); got != thanks {
		t.Errorf("message %q", got)
	}
	if got := eval("checking the page stayed", `window.__sameDocument || "reloaded"`); got != "yes" {
		t.Error("the placeholder needed a reload")
	}
	if img, err := e.store.GetImage(t.Context(), inlineImg.ID); err != nil || img.Status != revue.ImageBlocked || img.Reports != 3 {
		t.Errorf("the inline image after three readers: %+v, %v", img, err)
	}
	if body := e.get(t, path).body; strings.Contains(body, fmt.Sprintf(`src="/images/%d"`, inlineImg.ID)) {
		t.Error("the server still shows the inline image")
	}
}

// perURLFetcher serves the lead picture for URLs naming "lead", the
// inline one for the others.
type perURLFetcher struct{ lead, inline []byte }

func (f perURLFetcher) FetchImage(_ context.Context, u string) (string, []byte, error) {
	if strings.Contains(u, "lead") {
		return "image/png", f.lead, nil
	}
	return "image/png", f.inline, nil
}
