package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"revue"
	"revue/internal/password"
)

const adminPassword = "une phrase de passe assez longue"

// setPassword stores an administrator as `revue admin set-password` does.
func (e *testEnv) setPassword(t *testing.T, name, pw string) {
	t.Helper()
	h, err := password.Hash(pw, password.Default)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetAdminPassword(context.Background(), name, h, testNow); err != nil {
		t.Fatal(err)
	}
}

// browser is a client with a cookie jar that does not follow redirects.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *testEnv) getWith(t *testing.T, c *http.Client, path string) response {
	t.Helper()
	resp, err := c.Get(e.portal.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// hiddenValue is the value of the first hidden input called name.
func hiddenValue(t *testing.T, body, name string) string {
	t.Helper()
	inputs := findAll(parseHTML(t, body), func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == name })
	if len(inputs) == 0 {
		t.Fatalf("no input %q in the page", name)
	}
	return attr(inputs[0], "value")
}

// login signs in through the login form and returns the browser and the
// session's CSRF token.
func (e *testEnv) login(t *testing.T, name, pw string) (*http.Client, string) {
	t.Helper()
	c := browser(t)
	page := e.getWith(t, c, "/admin/login")
	res := e.post(t, c, "/admin/login", url.Values{"csrf": {hiddenValue(t, page.body, "csrf")}, "name": {name}, "password": {pw}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("login: %d\n%s", res.status, res.body)
	}
	dash := e.getWith(t, c, "/admin/")
	if dash.status != 200 {
		t.Fatalf("the dashboard after login: %d", dash.status)
	}
	return c, hiddenValue(t, dash.body, "csrf")
}

func TestAdminRefusesAnonymousRequests(t *testing.T) {
	sc := newReportScene(t)
	for _, path := range []string{"/admin/", "/admin/sources", "/admin/sources/1", "/admin/moderation", "/admin/moderation/log",
		"/admin/images/" + strconv.FormatInt(sc.picture.ID, 10)} {
		res := sc.get(t, path)
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/admin/login?next=") {
			t.Errorf("GET %s anonymously: %d, Location %q; want the login page", path, res.status, res.header.Get("Location"))
		}
		if strings.Contains(res.body, "PNG") {
			t.Errorf("GET %s anonymously gave the picture", path)
		}
	}
	for _, path := range []string{"/admin/sources", "/admin/sources/1", "/admin/sources/1/enabled", "/admin/moderation", "/admin/logout"} {
		res := sc.post(t, nil, path, url.Values{"image": {strconv.FormatInt(sc.picture.ID, 10)}, "action": {"block"}, "feed_url": {"https://x.example/feed"}})
		if res.status != http.StatusForbidden {
			t.Errorf("POST %s anonymously: %d, want 403", path, res.status)
		}
	}
	if got := sc.status(t, sc.picture); got.Status != revue.ImageOK {
		t.Error("an anonymous request blocked an image")
	}
	if srcs, _ := sc.store.ListSources(t.Context()); len(srcs) != 2 {
		t.Errorf("an anonymous request added a source: %d sources", len(srcs))
	}
}

func TestAdminLogin(t *testing.T) {
	e := newEnv(t)
	e.setPassword(t, "leila", adminPassword)
	c := browser(t)
	page := e.getWith(t, c, "/admin/login?next=/admin/moderation")
	csrf := hiddenValue(t, page.body, "csrf")
	if hiddenValue(t, page.body, "next") != "/admin/moderation" {
		t.Error("the login form forgets where to go next")
	}
	tests := []struct {
		name   string
		form   url.Values
		header []string
		status int
	}{
		{"wrong password", url.Values{"name": {"leila"}, "password": {"mauvais mot de passe"}}, nil, http.StatusUnauthorized},
		{"unknown name", url.Values{"name": {"omar"}, "password": {adminPassword}}, nil, http.StatusUnauthorized},
		{"no CSRF token", url.Values{"name": {"leila"}, "password": {adminPassword}, "csrf": {""}}, nil, http.StatusForbidden},
		{"another CSRF token", url.Values{"name": {"leila"}, "password": {adminPassword}, "csrf": {"x" + csrf}}, nil, http.StatusForbidden},
		{"cross-site", url.Values{"name": {"leila"}, "password": {adminPassword}}, []string{"Origin", "https://evil.example"}, http.StatusForbidden},
	}
	for _, tc := range tests {
		form := url.Values{"csrf": {csrf}, "next": {"/admin/moderation"}}
		for k, v := range tc.form {
			form[k] = v
		}
		res := e.post(t, c, "/admin/login", form, tc.header...)
		if res.status != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, res.status, tc.status)
		}
		if len(c.Jar.Cookies(mustURL(t, e.portal.URL+"/admin/"))) > 0 {
			t.Fatalf("%s: a session cookie was set", tc.name)
		}
		// Every answer of the form gives a new token in the cookie.
		csrf = hiddenValue(t, res.body, "csrf")
	}
	res := e.post(t, c, "/admin/login", url.Values{"csrf": {csrf}, "name": {"leila"}, "password": {adminPassword}, "next": {"/admin/moderation"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/admin/moderation" {
		t.Fatalf("login: %d to %q", res.status, res.header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range (&http.Response{Header: res.header}).Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Secure || session.Path != "/admin" {
		t.Fatalf("session cookie %+v, want HttpOnly, SameSite=Strict, for /admin (not Secure under http)", session)
	}
	if res := e.getWith(t, c, "/admin/moderation"); res.status != 200 || !strings.Contains(res.body, "leila") {
		t.Errorf("the moderation page once signed in: %d", res.status)
	}
	// Logging out ends the session in the store: the old cookie is dead.
	logout := e.post(t, c, "/admin/logout", url.Values{"csrf": {hiddenValue(t, e.getWith(t, c, "/admin/").body, "csrf")}})
	if logout.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", logout.status)
	}
	stale := browser(t)
	stale.Jar.SetCookies(mustURL(t, e.portal.URL+"/admin/"), []*http.Cookie{{Name: sessionCookie, Value: session.Value}})
	if res := e.getWith(t, stale, "/admin/"); res.status != http.StatusSeeOther {
		t.Errorf("the session after logout: %d, want the login page", res.status)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Under an https base URL the cookies are Secure.
func TestAdminCookiesAreSecureUnderHTTPS(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BaseURL = "https://revue.example" })
	e.setPassword(t, "leila", adminPassword)
	c := browser(t)
	page := e.getWith(t, c, "/admin/login")
	if !strings.Contains(page.header.Get("Set-Cookie"), "Secure") {
		t.Errorf("login cookie %q is not Secure", page.header.Get("Set-Cookie"))
	}
	// The jar keeps no Secure cookie over http: pass the token by hand.
	token := ""
	for _, ck := range (&http.Response{Header: page.header}).Cookies() {
		token = ck.Value
	}
	res := e.post(t, nil, "/admin/login", url.Values{"csrf": {hiddenValue(t, page.body, "csrf")}, "name": {"leila"}, "password": {adminPassword}},
		"Origin", "https://revue.example", "Cookie", loginCookie+"="+token)
	if res.status != http.StatusSeeOther || !strings.Contains(res.header.Values("Set-Cookie")[1], "Secure") {
		t.Errorf("login under https: %d, cookies %q", res.status, res.header.Values("Set-Cookie"))
	}
}

func TestAdminLoginIsRateLimited(t *testing.T) {
	e := newEnv(t)
	e.setPassword(t, "leila", adminPassword)
	c := browser(t)
	csrf := hiddenValue(t, e.getWith(t, c, "/admin/login").body, "csrf")
	var last response
	for range loginAttempts + 1 {
		last = e.post(t, c, "/admin/login", url.Values{"csrf": {csrf}, "name": {"leila"}, "password": {"devine devine devine"}})
		csrf = hiddenValue(t, last.body, "csrf")
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Fatalf("attempt %d: %d, want 429 with Retry-After", loginAttempts+1, last.status)
	}
	// Even the right password waits now.
	res := e.post(t, c, "/admin/login", url.Values{"csrf": {csrf}, "name": {"leila"}, "password": {adminPassword}})
	if res.status != http.StatusTooManyRequests {
		t.Errorf("the right password while limited: %d", res.status)
	}
	if n := counter(t, e.server.metrics.refused, "login", "rate_limit"); n != 2 {
		t.Errorf("refused metric %v, want 2", n)
	}
}

// Signed in, a form without the session's token, or sent from another
// site, changes nothing.
func TestAdminRefusesCrossSiteRequests(t *testing.T) {
	sc := newReportScene(t)
	sc.setPassword(t, "leila", adminPassword)
	c, csrf := sc.login(t, "leila", adminPassword)
	block := url.Values{"image": {strconv.FormatInt(sc.picture.ID, 10)}, "action": {"block"}}
	tests := []struct {
		name   string
		csrf   string
		header []string
	}{
		{"no token", "", nil},
		{"another token", csrf + "x", nil},
		{"another site", csrf, []string{"Origin", "https://evil.example"}},
		{"no origin at all", csrf, []string{"Origin", ""}},
	}
	for _, tc := range tests {
		form := url.Values{"csrf": {tc.csrf}}
		for k, v := range block {
			form[k] = v
		}
		if res := sc.post(t, c, "/admin/moderation", form, tc.header...); res.status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", tc.name, res.status)
		}
	}
	if got := sc.status(t, sc.picture); got.Status != revue.ImageOK {
		t.Fatal("a refused request blocked the picture")
	}
	if n := counter(t, sc.server.metrics.refused, "admin", "csrf"); n != float64(len(tests)) {
		t.Errorf("refused metric %v, want %d", n, len(tests))
	}
	block.Set("csrf", csrf)
	if res := sc.post(t, c, "/admin/moderation", block); res.status != http.StatusSeeOther {
		t.Errorf("the same request with the token: %d", res.status)
	}
	if got := sc.status(t, sc.picture); got.Status != revue.ImageBlocked {
		t.Error("the moderator's block did not take")
	}
}

// The moderation queue: the blocked picture with its thumbnail, counts,
// reasons and articles; restore, confirm and block by hand, all logged
// with who and when.
func TestModerationQueueAndActions(t *testing.T) {
	sc := newReportScene(t)
	sc.setPassword(t, "leila", adminPassword)
	for i, addr := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"} {
		reason := []string{revue.ReasonShocking, revue.ReasonShocking, revue.ReasonPrivacy}[i]
		sc.post(t, from(t, addr), reportPath(sc.picture.ID), url.Values{"reason": {reason}, "note": {"note " + addr}})
	}
	c, csrf := sc.login(t, "leila", adminPassword)
	page := sc.getWith(t, c, "/admin/moderation")
	doc := parseHTML(t, page.body)
	items := findAll(doc, func(n *html.Node) bool { return strings.HasPrefix(attr(n, "class"), "queue-item") })
	if len(items) != 1 || attr(items[0], "data-image") != strconv.FormatInt(sc.picture.ID, 10) {
		t.Fatalf("queue items: %d", len(items))
	}
	text := visibleText(items[0])
	for _, want := range []string{"bloquée", "par les signalements des lecteurs", "3 depuis le dernier rétablissement, 3 en tout",
		"Choquante ou violente : 2", "Atteinte à la vie privée : 1", "note 127.0.0.4", "Paraît dans 2 articles", frTitle, "Hespress", "Le Matin",
		"#" + strconv.FormatInt(sc.copyOf.ID, 10)} {
		if !strings.Contains(text, want) {
			t.Errorf("the queue item lacks %q:\n%s", want, text)
		}
	}
	thumbs := findAll(items[0], func(n *html.Node) bool { return n.Data == "img" })
	thumb := sc.getWith(t, c, attr(thumbs[0], "src"))
	if thumb.status != 200 || thumb.header.Get("Content-Type") != "image/png" || !strings.Contains(thumb.header.Get("Cache-Control"), "no-store") {
		t.Errorf("the moderator's thumbnail of a blocked picture: %d %s %s", thumb.status, thumb.header.Get("Content-Type"), thumb.header.Get("Cache-Control"))
	}
	if res := sc.get(t, imagePath(sc.picture.ID)); res.status != http.StatusGone {
		t.Errorf("readers get the blocked picture: %d", res.status)
	}

	act := func(id int64, action, note string) response {
		t.Helper()
		return sc.post(t, c, "/admin/moderation", url.Values{"csrf": {csrf}, "image": {strconv.FormatInt(id, 10)}, "action": {action}, "note": {note}})
	}
	if res := act(sc.picture.ID, revue.ActionConfirm, "violent"); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.status)
	}
	if got := sc.status(t, sc.picture); got.Status != revue.ImageBlocked || got.Moderation.Pending {
		t.Errorf("confirmed: %+v", got)
	}
	if res := act(sc.copyOf.ID, revue.ActionRestore, "erreur"); res.status != http.StatusSeeOther {
		t.Fatalf("restore: %d", res.status)
	}
	for _, img := range []revue.Image{sc.picture, sc.copyOf} {
		if res := sc.get(t, imagePath(img.ID)); res.status != 200 {
			t.Errorf("restored image %d: %d", img.ID, res.status)
		}
	}
	if res := act(sc.other.ID, revue.ActionConfirm, ""); res.status != http.StatusConflict {
		t.Errorf("confirming a shown picture: %d, want 409", res.status)
	}
	if res := act(999999, revue.ActionBlock, ""); res.status != http.StatusNotFound {
		t.Errorf("blocking no image: %d, want 404", res.status)
	}
	// Block by hand, by the number in the form.
	res := sc.post(t, c, "/admin/moderation", url.Values{"csrf": {csrf}, "image": {"#" + strconv.FormatInt(sc.other.ID, 10)}, "action": {"block"}})
	if res.status != http.StatusSeeOther || sc.status(t, sc.other).Status != revue.ImageBlocked {
		t.Errorf("block by hand: %d, %s", res.status, sc.status(t, sc.other).Status)
	}
	if n := counter(t, sc.server.metrics.blocked, revue.BlockedByModerator); n != 1 {
		t.Errorf("blocked-by-moderator metric %v, want 1", n)
	}
	logPage := visibleText(parseHTML(t, sc.getWith(t, c, "/admin/moderation/log").body))
	for _, want := range []string{"leila", "Bloquer", "Rétablir", "erreur", "Confirmer le blocage", "violent", "blocage automatique", "signalements des lecteurs", "16 - 03 - 2021 à 12:00"} {
		if !strings.Contains(logPage, want) {
			t.Errorf("the log lacks %q:\n%s", want, logPage)
		}
	}
}

func TestAdminSources(t *testing.T) {
	e := newEnv(t)
	e.setPassword(t, "leila", adminPassword)
	c, csrf := e.login(t, "leila", adminPassword)
	add := url.Values{"csrf": {csrf}, "feed_url": {"https://www.hespress.com/feed"}, "name": {"Hespress"}, "lang": {"ar"}, "section": {"actualite"}}
	res := e.post(t, c, "/admin/sources", add)
	if res.status != http.StatusSeeOther {
		t.Fatalf("adding a source: %d\n%s", res.status, res.body)
	}
	srcs, err := e.store.ListSources(t.Context())
	if err != nil || len(srcs) != 1 || srcs[0].Name != "Hespress" || srcs[0].Lang != "ar" || !srcs[0].Enabled || !srcs[0].NextFetchAt.Equal(testNow) {
		t.Fatalf("the source added: %+v, %v", srcs, err)
	}
	id := strconv.FormatInt(srcs[0].ID, 10)
	if res := e.post(t, c, "/admin/sources", add); res.status != http.StatusConflict || !strings.Contains(res.body, "déjà suivi") {
		t.Errorf("adding it again: %d", res.status)
	}
	for _, bad := range []url.Values{
		{"feed_url": {"ftp://x.example/feed"}},
		{"feed_url": {"https://www.hespress.com/feed"}, "body": {"article[unclosed"}},
		{"feed_url": {"https://www.hespress.com/feed"}, "drop": {".ok\n>>>"}},
		{"feed_url": {"https://www.hespress.com/feed"}, "republish": {"tout"}},
	} {
		bad.Set("csrf", csrf)
		if res := e.post(t, c, "/admin/sources/"+id, bad); res.status != http.StatusBadRequest {
			t.Errorf("editing with %v: %d, want 400", bad, res.status)
		}
	}
	edit := url.Values{"csrf": {csrf}, "feed_url": {"https://www.hespress.com/feed"}, "name": {"Hespress FR"}, "lang": {"fr"},
		"enabled": {"on"}, "body": {"article .content"}, "drop": {".related\n  aside.pub  \n"}, "republish": {"excerpt"}}
	if res := e.post(t, c, "/admin/sources/"+id, edit); res.status != http.StatusSeeOther {
		t.Fatalf("editing: %d\n%s", res.status, res.body)
	}
	src, err := e.store.GetSource(t.Context(), srcs[0].ID)
	if err != nil || src.Name != "Hespress FR" || src.Rules.Body != "article .content" || strings.Join(src.Rules.Drop, "|") != ".related|aside.pub" ||
		src.Republish != revue.RepublishExcerpt || !src.Enabled {
		t.Errorf("after editing: %+v, %v", src, err)
	}
	if res := e.post(t, c, "/admin/sources/"+id+"/enabled", url.Values{"csrf": {csrf}, "enabled": {"0"}}); res.status != http.StatusSeeOther {
		t.Fatalf("disabling: %d", res.status)
	}
	if src, _ := e.store.GetSource(t.Context(), srcs[0].ID); src.Enabled || src.Rules.Body != "article .content" {
		t.Errorf("after disabling: %+v", src)
	}
	// Health and the fetch log.
	for i, o := range []revue.FetchOutcome{
		{SourceID: srcs[0].ID, At: testNow.Add(-2 * time.Hour), Status: 200, ItemsSeen: 20, ItemsNew: 20},
		{SourceID: srcs[0].ID, At: testNow.Add(-time.Hour), Status: 503, Err: "fetching https://www.hespress.com/feed: server answered 503"},
	} {
		o.NextFetchAt = testNow.Add(time.Duration(i+1) * time.Hour)
		if err := e.store.RecordFetch(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	page := visibleText(parseHTML(t, e.getWith(t, c, "/admin/sources/"+id).body))
	for _, want := range []string{"Hespress FR", "503 Service Unavailable", "server answered 503", "Échecs consécutifs1", "0,0 articles par jour", "20 / 20", "Journal des collectes"} {
		if !strings.Contains(page, want) {
			t.Errorf("the source page lacks %q:\n%s", want, page)
		}
	}
	list := visibleText(parseHTML(t, e.getWith(t, c, "/admin/sources").body))
	if !strings.Contains(list, "Hespress FR") || !strings.Contains(list, "désactivée") {
		t.Errorf("the sources list: %s", list)
	}
}

func TestAdminDashboard(t *testing.T) {
	sc := newReportScene(t)
	sc.setPassword(t, "leila", adminPassword)
	if err := sc.store.RecordFetch(t.Context(), revue.FetchOutcome{SourceID: sc.first.SourceID, At: testNow.Add(-time.Hour), Status: 500,
		Err: "server answered 500", NextFetchAt: testNow}); err != nil {
		t.Fatal(err)
	}
	// One picture blocked by three readers: it awaits a moderator, and
	// its two records (the picture and its copy) are blocked.
	for _, addr := range []string{"127.0.0.61", "127.0.0.62", "127.0.0.63"} {
		if res := sc.report(t, from(t, addr), sc.picture); res.status != 200 {
			t.Fatalf("report from %s: %d", addr, res.status)
		}
	}
	c, _ := sc.login(t, "leila", adminPassword)
	body := sc.getWith(t, c, "/admin/").body
	for _, want := range []string{"<dt>Images à examiner</dt><dd>1</dd>", "<dt>Images bloquées</dt><dd>2</dd>"} {
		if !strings.Contains(strings.Join(strings.Fields(body), ""), strings.Join(strings.Fields(want), "")) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	doc := parseHTML(t, body)
	charts := findAll(doc, func(n *html.Node) bool { return n.Data == "svg" })
	if len(charts) != 2 {
		t.Fatalf("the dashboard has %d charts, want 2", len(charts))
	}
	articles, fetches := visibleText(charts[0]), visibleText(charts[1])
	for _, want := range []string{"Hespress", "Le Matin", "16/03"} {
		if !strings.Contains(articles, want) {
			t.Errorf("the articles chart lacks %q: %s", want, articles)
		}
	}
	if !strings.Contains(fetches, "En échec") {
		t.Errorf("the fetches chart: %s", fetches)
	}
	bars := findAll(charts[1], func(n *html.Node) bool {
		return n.Data == "rect" && len(findAll(n, func(m *html.Node) bool { return m.Data == "title" })) > 0
	})
	if len(bars) != 1 || !strings.Contains(visibleText(bars[0]), "En échec : 1") {
		t.Errorf("the fetches chart's bars: %d", len(bars))
	}
}
