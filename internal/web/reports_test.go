package web

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"golang.org/x/net/html"

	"revue"
)

const thanks = "Merci d'avoir signalé! Cette image sera automatiquement bloquée après qu'elle soit signalée par plusieurs personnes."

// reportScene is a portal whose two articles, from two outlets, show one
// picture: under one URL in both, and a copy of it under another URL in
// the second, once fetched.
type reportScene struct {
	*testEnv
	reg             *prometheus.Registry
	first, second   revue.Article
	picture, copyOf revue.Image
	other           revue.Image
	firstP, secondP string // article paths
}

func newReportScene(t *testing.T, mutate ...func(*Config)) *reportScene {
	t.Helper()
	reg := prometheus.NewRegistry()
	e := newEnv(t, append([]func(*Config){func(c *Config) { c.Metrics = reg }}, mutate...)...)
	sc := &reportScene{testEnv: e, reg: reg}
	hespress := e.addSource(t, "Hespress", "fr")
	lematin := e.addSource(t, "Le Matin", "fr")
	picture := e.origin.URL + "/img/lead.png"
	copyURL := e.origin.URL + "/img/lead-copy.png" // the same bytes: pngPixel
	other := e.origin.URL + "/img/other.png"
	sc.first = e.save(t, hespress, revue.Article{URL: "https://www.hespress.com/a.html", Title: frTitle, Lang: "fr",
		PublishedAt: testNow.Add(-time.Hour), Images: []revue.Image{{URL: picture}}})[0]
	sc.second = e.save(t, lematin, revue.Article{URL: "https://lematin.ma/b.html", Title: "Le froid et les hôpitaux de campagne", Lang: "fr",
		ContentHTML: `<p>Texte.</p><p><img src="` + picture + `" alt="Même photo"></p><p><a href="https://lematin.ma/galerie"><img src="` + copyURL + `"></a></p><p><img src="` + other + `"></p>`,
		PublishedAt: testNow.Add(-2 * time.Hour), Images: []revue.Image{{URL: copyURL}, {URL: picture}, {URL: other}}})[0]
	sc.picture, sc.copyOf, sc.other = sc.first.Images[0], sc.second.Images[0], sc.second.Images[2]
	sc.firstP, sc.secondP = ArticlePath(sc.first.ID, sc.first.Title), ArticlePath(sc.second.ID, sc.second.Title)
	// The proxy fetches every picture once: the copy's content hash is
	// then known to be the picture's.
	for _, img := range []revue.Image{sc.picture, sc.copyOf, sc.other} {
		if res := e.get(t, imagePath(img.ID)); res.status != 200 {
			t.Fatalf("fetching image %d through the proxy: %d", img.ID, res.status)
		}
	}
	return sc
}

// post sends a form, from the portal's own pages unless headers say
// otherwise (a header given with an empty value is removed).
func (e *testEnv) post(t *testing.T, client *http.Client, path string, form url.Values, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.portal.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.portal.URL)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// from is a client whose connections come from a loopback address of its
// own, a distinct TCP peer for the portal.
func from(t *testing.T, addr string) *http.Client {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 5 * time.Second}
	return &http.Client{
		Transport:     &http.Transport{DialContext: dialer.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (sc *reportScene) report(t *testing.T, client *http.Client, img revue.Image, header ...string) response {
	t.Helper()
	return sc.post(t, client, reportPath(img.ID), url.Values{"reason": {revue.ReasonShocking}}, header...)
}

func (sc *reportScene) status(t *testing.T, img revue.Image) revue.Image {
	t.Helper()
	got, err := sc.store.GetImage(context.Background(), img.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func counter(t *testing.T, c *prometheus.CounterVec, labels ...string) float64 {
	t.Helper()
	return testutil.ToFloat64(c.WithLabelValues(labels...))
}

// Without JavaScript: the link under the image leads to a form, and the
// form's POST answers a page with the thank-you message.
func TestReportWithoutJavaScript(t *testing.T) {
	sc := newReportScene(t)
	page := parseHTML(t, sc.get(t, sc.firstP).body)
	links := findAll(page, func(n *html.Node) bool { return n.Data == "a" && attr(n, "class") == "report-link" })
	if len(links) != 1 || attr(links[0], "data-image") != strconv.FormatInt(sc.picture.ID, 10) {
		t.Fatalf("the article shows %d report links, want one for the lead image %d", len(links), sc.picture.ID)
	}
	formPath := attr(links[0], "href")
	if !strings.HasPrefix(formPath, reportPath(sc.picture.ID)+"?from=") {
		t.Errorf("report link %q", formPath)
	}
	form := parseHTML(t, sc.get(t, formPath).body)
	forms := findAll(form, func(n *html.Node) bool {
		return n.Data == "form" && attr(n, "method") == "post" && attr(n, "action") == reportPath(sc.picture.ID)
	})
	if len(forms) != 1 {
		t.Fatalf("the report page has %d report forms", len(forms))
	}
	fields := url.Values{}
	for _, in := range findAll(forms[0], func(n *html.Node) bool { return n.Data == "input" && attr(n, "type") == "hidden" }) {
		fields.Set(attr(in, "name"), attr(in, "value"))
	}
	radios := findAll(forms[0], func(n *html.Node) bool { return n.Data == "input" && attr(n, "type") == "radio" })
	if len(radios) != len(revue.ReportReasons)+1 {
		t.Errorf("%d reasons offered, want %d and none", len(radios), len(revue.ReportReasons))
	}
	if fields.Get("from") != sc.firstP {
		t.Errorf("the form goes back to %q, want %q", fields.Get("from"), sc.firstP)
	}
	fields.Set("reason", revue.ReasonPrivacy)
	fields.Set("note", "  On reconnaît un enfant.  ")
	res := sc.post(t, nil, reportPath(sc.picture.ID), fields, "Origin", "", "Referer", sc.portal.URL+formPath)
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
		t.Fatalf("the form's POST: %d %s", res.status, res.header.Get("Content-Type"))
	}
	answer := parseHTML(t, res.body)
	if !strings.Contains(visibleText(answer), thanks) {
		t.Errorf("the answer page does not say %q:\n%s", thanks, visibleText(answer))
	}
	section := findAll(answer, func(n *html.Node) bool { return attr(n, "class") == "report-page" })
	if len(section) != 1 {
		t.Fatal("the answer has no report section")
	}
	back := findAll(section[0], func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == sc.firstP })
	if len(back) != 1 {
		t.Error("the answer page has no link back to the article")
	}
	queue, err := sc.store.ModerationQueue(t.Context(), revue.ModerationQuery{})
	if err != nil || len(queue) != 1 || len(queue[0].Notes) != 1 || queue[0].Notes[0].Note != "On reconnaît un enfant." ||
		queue[0].Reasons[0].Reason != revue.ReasonPrivacy {
		t.Errorf("the report as stored: %+v, %v", queue, err)
	}
}

func TestReportAnswersJSON(t *testing.T) {
	sc := newReportScene(t)
	res := sc.report(t, nil, sc.picture, "Accept", "application/json")
	var got reportAnswer
	if err := json.Unmarshal([]byte(res.body), &got); err != nil || res.status != 200 {
		t.Fatalf("%d %q: %v", res.status, res.body, err)
	}
	if got != (reportAnswer{ImageID: sc.picture.ID, Status: "ok", Message: thanks}) {
		t.Errorf("answer %+v", got)
	}
}

// One client reporting ten times is one report; three distinct clients,
// whatever copy they report, block the picture on every article.
func TestDistinctClientsBlockThePictureEverywhere(t *testing.T) {
	sc := newReportScene(t)
	before := counter(t, sc.server.metrics.blocked, revue.BlockedByReports)
	for range 10 {
		if res := sc.report(t, from(t, "127.0.0.2"), sc.picture); res.status != 200 || !strings.Contains(res.body, "Merci d&#39;avoir signalé!") {
			t.Fatalf("report: %d\n%s", res.status, res.body)
		}
	}
	if got := sc.status(t, sc.picture); got.Reports != 1 || got.Status != revue.ImageOK {
		t.Fatalf("ten reports by one client: %d reports, %s; want 1, ok", got.Reports, got.Status)
	}
	if n := counter(t, sc.server.metrics.reports, "repeat"); n != 9 {
		t.Errorf("repeat reports counted %v, want 9", n)
	}
	sc.report(t, from(t, "127.0.0.3"), sc.copyOf)
	if got := sc.status(t, sc.picture); got.Status != revue.ImageOK {
		t.Fatal("blocked before the threshold")
	}
	var answer reportAnswer
	res := sc.report(t, from(t, "127.0.0.4"), sc.picture, "Accept", "application/json")
	if err := json.Unmarshal([]byte(res.body), &answer); err != nil || answer.Status != "blocked" {
		t.Fatalf("the third client's report: %q, %v; want status blocked", res.body, err)
	}
	for _, img := range []revue.Image{sc.picture, sc.copyOf} {
		if got := sc.status(t, img); got.Status != revue.ImageBlocked {
			t.Errorf("image %d is %s after three distinct clients", img.ID, got.Status)
		}
		if res := sc.get(t, imagePath(img.ID)); res.status != http.StatusGone || strings.Contains(res.body, "PNG") {
			t.Errorf("the proxy serves blocked image %d: %d", img.ID, res.status)
		}
	}
	if got := sc.status(t, sc.other); got.Status != revue.ImageOK {
		t.Error("another picture of the article was blocked")
	}
	if n := counter(t, sc.server.metrics.blocked, revue.BlockedByReports) - before; n != 2 {
		t.Errorf("blocked metric rose by %v, want 2 records", n)
	}
	// The store-wide gauges, the same on every replica: the picture's two
	// records blocked, one picture awaiting a moderator.
	if got := gauges(t, sc.reg); got["revue_images_blocked"] != 2 || got["revue_images_pending"] != 1 {
		t.Errorf("gauges %v, want 2 blocked records and 1 pending picture", got)
	}
	// Both articles show the placeholder instead, and neither links to it.
	for _, path := range []string{sc.firstP, sc.secondP} {
		body := sc.get(t, path).body
		doc := parseHTML(t, body)
		for _, img := range []revue.Image{sc.picture, sc.copyOf} {
			if strings.Contains(body, `src="`+imagePath(img.ID)+`"`) {
				t.Errorf("%s still shows blocked image %d", path, img.ID)
			}
		}
		placeholders := findAll(doc, func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "image-blocked") })
		if len(placeholders) == 0 || !strings.Contains(visibleText(placeholders[0]), "Image masquée") {
			t.Errorf("%s shows no placeholder", path)
		}
	}
	// In the text, each blocked image gives way where the author put it.
	story := findAll(parseHTML(t, sc.get(t, sc.secondP).body), func(n *html.Node) bool { return attr(n, "class") == "story-body" })
	if n := len(findAll(story[0], func(n *html.Node) bool { return attr(n, "class") == "image-blocked" })); n != 2 {
		t.Errorf("the second article's text shows %d placeholders, want 2", n)
	}
	if !strings.Contains(sc.get(t, sc.secondP).body, `src="`+imagePath(sc.other.ID)+`"`) {
		t.Error("the article's other picture disappeared too")
	}
	// The listings and the API say so too.
	home := parseHTML(t, sc.get(t, "/").body)
	if n := len(findAll(home, func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "teaser-image image-blocked") })); n != 2 {
		t.Errorf("the home page shows %d placeholders, want 2 (each article's lead)", n)
	}
	var api Article
	if err := json.Unmarshal([]byte(sc.get(t, "/api/v1/articles/"+strconv.FormatInt(sc.first.ID, 10)).body), &api); err != nil {
		t.Fatal(err)
	}
	if api.Images[0].Status != "blocked" {
		t.Errorf("the API says %q", api.Images[0].Status)
	}
	// The same picture arriving later under a new address is blocked as
	// soon as the proxy sees its bytes.
	later := sc.save(t, sc.addSource(t, "Le360", "fr"), revue.Article{URL: "https://le360.ma/c.html", Title: "Encore le froid", Lang: "fr",
		PublishedAt: testNow, Images: []revue.Image{{URL: sc.origin.URL + "/img/lead-again.png"}}})[0]
	if res := sc.get(t, imagePath(later.Images[0].ID)); res.status != http.StatusGone || strings.Contains(res.body, "PNG") {
		t.Errorf("the blocked picture under a new address: %d", res.status)
	}
}

// Behind a trusted proxy the forwarded address is the client; from any
// other peer, X-Forwarded-For is the client's to write and is ignored.
// One IPv6 /64 is one client.
func TestReportersAreSeenThroughTrustedProxiesOnly(t *testing.T) {
	tests := []struct {
		name    string
		proxies []netip.Prefix
		xff     []string
		want    int
	}{
		{"untrusted peer, three forged addresses", nil, []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"}, 1},
		{"trusted proxy, three clients", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"}, 3},
		{"trusted proxy, client-written prefix ignored", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
			[]string{"198.51.100.1, 203.0.113.7", "198.51.100.2, 203.0.113.7", "203.0.113.7"}, 1},
		{"trusted proxy, one IPv6 /64", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
			[]string{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newReportScene(t, func(c *Config) { c.TrustedProxies = tc.proxies; c.ReportThreshold = 10 })
			for _, xff := range tc.xff {
				if res := sc.report(t, nil, sc.picture, "X-Forwarded-For", xff); res.status != 200 {
					t.Fatalf("report: %d", res.status)
				}
			}
			if got := sc.status(t, sc.picture).Reports; got != tc.want {
				t.Errorf("%d distinct reporters, want %d", got, tc.want)
			}
		})
	}
}

// A report that does not come from a page of the portal is refused and
// counts nothing.
func TestReportWithoutSameOriginIsRefused(t *testing.T) {
	sc := newReportScene(t)
	tests := []struct {
		name   string
		header []string
		status int
	}{
		{"neither Origin nor Referer", []string{"Origin", ""}, 403},
		{"another site's Origin", []string{"Origin", "https://evil.example"}, 403},
		{"Origin null", []string{"Origin", "null"}, 403},
		{"another port", []string{"Origin", strings.Replace(sc.portal.URL, "127.0.0.1:", "127.0.0.1:1", 1)}, 403},
		{"another site's Referer", []string{"Origin", "", "Referer", "https://evil.example" + sc.firstP}, 403},
		{"a Referer that only starts like the portal", []string{"Origin", "", "Referer", sc.portal.URL + ".evil.example/"}, 403},
		{"the portal's Referer", []string{"Origin", "", "Referer", sc.portal.URL + sc.firstP}, 200},
		{"the portal's Origin", nil, 200},
	}
	want := 0
	for _, tc := range tests {
		for _, accept := range []string{"text/html", "application/json"} {
			res := sc.report(t, from(t, "127.0.0."+strconv.Itoa(10+want)), sc.other, append([]string{"Accept", accept}, tc.header...)...)
			if res.status != tc.status {
				t.Errorf("%s (%s): %d, want %d", tc.name, accept, res.status, tc.status)
			}
			if tc.status == 200 {
				want++
			} else if !strings.Contains(res.body, "ne vient pas d") {
				t.Errorf("%s: the refusal does not say why: %s", tc.name, res.body)
			}
		}
	}
	if got := sc.status(t, sc.other).Reports; got != want {
		t.Errorf("%d reports stored, want the %d from the portal's pages", got, want)
	}
	if n := counter(t, sc.server.metrics.refused, "report", "csrf"); n != 12 {
		t.Errorf("refused metric %v, want 12", n)
	}
}

// Without a configured base URL (BaseURLGuessed, from the listening
// address) readers reach the portal under other names, localhost among
// them: a form is same-origin when its origin names the host it was sent
// to. A configured base URL is the only origin.
func TestReportOriginWhenTheBaseURLIsGuessed(t *testing.T) {
	port := func(sc *reportScene) string { return sc.portal.URL[strings.LastIndex(sc.portal.URL, ":"):] }
	tests := []struct {
		name    string
		guessed bool
		header  func(port string) []string
		status  int
	}{
		{"guessed: localhost", true, func(p string) []string { return []string{"Host", "localhost" + p, "Origin", "http://localhost" + p} }, 200},
		{"guessed: localhost behind a TLS proxy", true, func(p string) []string { return []string{"Host", "localhost" + p, "Origin", "https://localhost" + p} }, 200},
		{"guessed: the listening address", true, func(string) []string { return nil }, 200},
		{"guessed: Referer of the host", true, func(p string) []string {
			return []string{"Host", "revue.lan" + p, "Origin", "", "Referer", "http://revue.lan" + p + "/articles/1"}
		}, 200},
		{"guessed: another site", true, func(p string) []string { return []string{"Host", "localhost" + p, "Origin", "http://evil.example"} }, 403},
		{"guessed: another port", true, func(p string) []string { return []string{"Host", "localhost" + p, "Origin", "http://localhost:1"} }, 403},
		{"guessed: neither header", true, func(p string) []string { return []string{"Host", "localhost" + p, "Origin", ""} }, 403},
		{"guessed: Origin null", true, func(p string) []string { return []string{"Host", "localhost" + p, "Origin", "null"} }, 403},
		{"configured: localhost", false, func(p string) []string { return []string{"Host", "localhost" + p, "Origin", "http://localhost" + p} }, 403},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newReportScene(t, func(c *Config) { c.BaseURLGuessed = tc.guessed })
			res := sc.report(t, from(t, "127.0.0."+strconv.Itoa(40+i)), sc.other, append([]string{"Accept", "application/json"}, tc.header(port(sc))...)...)
			if res.status != tc.status {
				t.Errorf("%d, want %d: %s", res.status, tc.status, res.body)
			}
		})
	}
}

func TestReportsPerReaderAreRateLimited(t *testing.T) {
	sc := newReportScene(t, func(c *Config) { c.ReportsPerHour = 3 })
	client := from(t, "127.0.0.5")
	for i, img := range []revue.Image{sc.picture, sc.other, sc.picture} {
		if res := sc.report(t, client, img); res.status != 200 {
			t.Fatalf("report %d within the limit: %d", i+1, res.status)
		}
	}
	res := sc.report(t, client, sc.copyOf)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || !strings.Contains(res.body, "Merci de votre vigilance") {
		t.Errorf("over the limit: %d, Retry-After %q\n%s", res.status, res.header.Get("Retry-After"), res.body)
	}
	res = sc.report(t, client, sc.copyOf, "Accept", "application/json")
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, `"error":"Merci de votre vigilance`) {
		t.Errorf("over the limit, JSON: %d %s", res.status, res.body)
	}
	if got := sc.status(t, sc.copyOf).Reports; got != 0 {
		t.Errorf("a report over the limit was stored")
	}
	if res := sc.report(t, from(t, "127.0.0.6"), sc.copyOf); res.status != 200 {
		t.Errorf("another reader is limited too: %d", res.status)
	}
	if n := counter(t, sc.server.metrics.refused, "report", "rate_limit"); n != 2 {
		t.Errorf("refused metric %v, want 2", n)
	}
}

// A moderator restored the picture: the readers who reported it cannot
// block it again.
func TestRestoredPictureIsNotReblockedBySameReaders(t *testing.T) {
	sc := newReportScene(t)
	readers := []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"}
	for _, r := range readers {
		sc.report(t, from(t, r), sc.picture)
	}
	if _, err := sc.store.ModerateImage(t.Context(), revue.ModerationAction{ImageID: sc.picture.ID, Action: revue.ActionRestore, Moderator: "leila", At: testNow}); err != nil {
		t.Fatal(err)
	}
	for _, r := range readers {
		for _, img := range []revue.Image{sc.picture, sc.copyOf} {
			if res := sc.report(t, from(t, r), img); res.status != 200 {
				t.Fatalf("report: %d", res.status)
			}
		}
	}
	if got := sc.status(t, sc.picture); got.Status != revue.ImageOK {
		t.Errorf("the same readers blocked the restored picture again")
	}
	if res := sc.get(t, imagePath(sc.picture.ID)); res.status != 200 {
		t.Errorf("the restored picture: %d", res.status)
	}
}

func TestReportOddities(t *testing.T) {
	sc := newReportScene(t)
	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
	}{
		{"no such image", "/images/999999/report", nil, 404},
		{"not a number", "/images/abc/report", nil, 404},
		{"unknown reason", reportPath(sc.other.ID), url.Values{"reason": {"ennuyeuse"}}, 400},
		{"a note too long is cut", reportPath(sc.other.ID), url.Values{"note": {strings.Repeat("é", 600)}}, 200},
		{"from elsewhere is not followed", reportPath(sc.other.ID), url.Values{"from": {"//evil.example/"}}, 200},
	}
	for _, tc := range tests {
		res := sc.post(t, nil, tc.path, tc.form)
		if res.status != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, res.status, tc.status)
		}
		if strings.Contains(res.body, "evil.example") {
			t.Errorf("%s: the page links to another site", tc.name)
		}
	}
	queue, err := sc.store.ModerationQueue(t.Context(), revue.ModerationQuery{})
	if err != nil || len(queue) != 1 || len([]rune(queue[0].Notes[0].Note)) != maxNoteRunes {
		t.Errorf("the long note as stored: %+v, %v", queue, err)
	}
	if res := sc.get(t, "/images/999999/report"); res.status != 404 {
		t.Errorf("the form of a missing image: %d", res.status)
	}
}

// The article's text: a report link after each picture shown (after the
// link around it, never inside), none after a placeholder.
func TestArticleTextReportLinks(t *testing.T) {
	sc := newReportScene(t)
	body := sc.get(t, sc.secondP).body
	// Links do not nest: a parser would split the link around the picture.
	if i := strings.Index(body, `href="https://lematin.ma/galerie"`); i < 0 ||
		strings.Index(body[i:], "</a>") > strings.Index(body[i:], "report-link") {
		t.Errorf("a report link is written inside the link around its picture:\n%s", body)
	}
	doc := parseHTML(t, body)
	var got []string
	for _, a := range findAll(doc, func(n *html.Node) bool { return attr(n, "class") == "report-link" }) {
		got = append(got, attr(a, "data-image"))
		for p := a.Parent; p != nil; p = p.Parent {
			if p.Data == "a" {
				t.Errorf("the report link of image %s is inside a link", attr(a, "data-image"))
			}
		}
	}
	want := []string{strconv.FormatInt(sc.picture.ID, 10), strconv.FormatInt(sc.copyOf.ID, 10), strconv.FormatInt(sc.other.ID, 10)}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("report links for images %v, want %v", got, want)
	}
}

// gauges gathers reg's unlabelled gauges by name.
func gauges(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	out := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if g := m.GetGauge(); g != nil && len(m.GetLabel()) == 0 {
				out[f.GetName()] = g.GetValue()
			}
		}
	}
	return out
}
