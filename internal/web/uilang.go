package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"

	"revue/internal/web/i18n"
)

// uiLang is one interface language: its catalog, the URL prefix of its
// pages ("" for French, "/ar" …) and its templates, parsed once at start.
type uiLang struct {
	code   string
	prefix string
	tr     *i18n.Translator
	pages  map[string]*template.Template
}

// path is p, a path of the portal's own, in this interface language.
func (l *uiLang) path(p string) string {
	if l.prefix == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return p
	}
	return l.prefix + p
}

// locale is the BCP 47 locale scripts format dates in (Intl): Arabic as
// read in Morocco, whose dates keep Latin digits.
func (l *uiLang) locale() string {
	if l.code == "ar" {
		return "ar-MA"
	}
	return l.code
}

const (
	// uiCookie remembers the interface language a reader picked with the
	// language switcher.
	uiCookie = "revue_ui"
	// langsCookie remembers which article languages listings show.
	langsCookie = "revue_langs"
	// prefsAge is how long a reader's choices are remembered.
	prefsAge = 365 * 24 * time.Hour
)

type uiLangKey struct{}

// lang is the interface language r is answered in.
func (s *Server) lang(r *http.Request) *uiLang {
	if l, ok := r.Context().Value(uiLangKey{}).(*uiLang); ok {
		return l
	}
	return s.langs[i18n.Default]
}

// ui is the interface language a request is answered in: handlers word
// what they write through it, never through a fixed catalog.
func (s *Server) ui(r *http.Request) *i18n.Translator { return s.lang(r).tr }

func (s *Server) loadLanguages() error {
	s.langs = map[string]*uiLang{}
	var tags []language.Tag
	for _, code := range i18n.Languages() {
		tr, err := i18n.New(code)
		if err != nil {
			return err
		}
		l := &uiLang{code: code, tr: tr}
		if code != i18n.Default {
			l.prefix = "/" + code
		}
		s.langs[code] = l
		s.langOrder = append(s.langOrder, l)
		tags = append(tags, language.Make(code))
	}
	s.tr = s.langs[i18n.Default].tr
	s.matcher = language.NewMatcher(tags)
	return nil
}

// unlocalized are the paths that are no page of the interface: they keep
// one address whatever the reader's language.
func unlocalized(p string) bool {
	for _, prefix := range []string{"/api/", "/static/", "/events/", "/admin/", "/language", "/article-languages"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	switch p {
	case "/api", "/admin", "/healthz", "/metrics":
		return true
	}
	// An image's bytes (/images/{id}), unlike its report form.
	if rest, ok := strings.CutPrefix(p, "/images/"); ok && !strings.Contains(rest, "/") {
		return true
	}
	// Feeds, OPML and other files are read by programs, not people.
	for _, ext := range []string{".atom", ".rss", ".json", ".opml", ".xml", ".txt", ".ico"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// splitLangPrefix cuts an interface-language prefix (/ar/…, /fr/…) from p.
func splitLangPrefix(p string) (code, rest string, ok bool) {
	if len(p) < 3 || p[0] != '/' {
		return "", p, false
	}
	code, rest, _ = strings.Cut(p[1:], "/")
	if !slices.Contains(i18n.Languages(), code) {
		return "", p, false
	}
	return code, "/" + rest, true
}

// withInterfaceLanguage picks the interface language of each request: the
// URL's prefix (/ar/, /es/, /en/; French has none), else the language the
// reader picked before (a cookie), else the best match of their browser's
// Accept-Language. A page asked for without prefix in another language
// than French is sent to its prefixed address, so every address names one
// language.
func (s *Server) withInterfaceLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code, rest, ok := splitLangPrefix(r.URL.Path); ok {
			if code == i18n.Default || unlocalized(rest) {
				// French is unprefixed; the rest have one address only.
				http.Redirect(w, r, withQuery(sameSite(rest), r.URL.RawQuery), http.StatusMovedPermanently)
				return
			}
			u := *r.URL
			u.Path, u.RawPath = rest, ""
			r = r.WithContext(context.WithValue(r.Context(), uiLangKey{}, s.langs[code]))
			r.URL = &u
			next.ServeHTTP(w, r)
			return
		}
		if unlocalized(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Cookie")
		code := s.chosenLanguage(r)
		if code == "" {
			w.Header().Add("Vary", "Accept-Language")
			code = s.guessLanguage(r)
		}
		l := s.langs[code]
		if l.prefix != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			http.Redirect(w, r, l.path(withQuery(sameSite(r.URL.Path), r.URL.RawQuery)), http.StatusFound)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), uiLangKey{}, l)))
	})
}

// sameSite keeps a path that begins with two slashes (or a slash and a
// backslash) from becoming, in a Location header, the address of another
// site: /fr//evil.example would otherwise send readers to evil.example.
func sameSite(p string) string {
	if strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/" + strings.TrimLeft(p, "/\\")
	}
	return p
}

func withQuery(p, rawQuery string) string {
	if rawQuery == "" {
		return p
	}
	return p + "?" + rawQuery
}

// chosenLanguage is the interface language the reader picked, "" if none.
func (s *Server) chosenLanguage(r *http.Request) string {
	c, err := r.Cookie(uiCookie)
	if err != nil {
		return ""
	}
	if _, ok := s.langs[c.Value]; !ok {
		return ""
	}
	return c.Value
}

// guessLanguage matches the browser's Accept-Language against the
// interface languages; French when nothing matches.
func (s *Server) guessLanguage(r *http.Request) string {
	accept := r.Header.Get("Accept-Language")
	if accept == "" {
		return i18n.Default
	}
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return i18n.Default
	}
	_, index, confidence := s.matcher.Match(tags...)
	if confidence == language.No {
		return i18n.Default
	}
	return s.langOrder[index].code
}

// handleLanguage is the language switcher: it remembers the reader's pick
// and sends them to the page they were on, in that language.
func (s *Server) handleLanguage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l, ok := s.langs[q.Get("set")]
	if !ok {
		s.handleNotFound(w, r)
		return
	}
	to := localPath(q.Get("to"))
	if to == "" || unlocalized(to) {
		to = "/"
	}
	if _, rest, ok := splitLangPrefix(to); ok {
		to = rest
	}
	s.setPref(w, uiCookie, l.code)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, l.path(to), http.StatusSeeOther)
}

func (s *Server) setPref(w http.ResponseWriter, name, value string) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(prefsAge / time.Second),
		HttpOnly: true, Secure: s.secureCookies, SameSite: http.SameSiteLaxMode}
	if value == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// switchLink is one language of the masthead's switcher.
type switchLink struct {
	Code, Name, Href, Alternate string
	Current                     bool
}

// switchLinks are the links of the language switcher on a page at the
// unprefixed path here (with its query).
func (s *Server) switchLinks(r *http.Request) []switchLink {
	here := withQuery(r.URL.Path, r.URL.RawQuery)
	cur := s.lang(r)
	var out []switchLink
	for _, l := range s.langOrder {
		out = append(out, switchLink{
			Code:      l.code,
			Name:      l.tr.Name(),
			Href:      "/language?" + url.Values{"set": {l.code}, "to": {here}}.Encode(),
			Alternate: l.path(here),
			Current:   l == cur,
		})
	}
	return out
}

// articleLangs are the article languages the reader chose to see in
// listings; nil means all.
func (s *Server) articleLangs(r *http.Request) []string {
	c, err := r.Cookie(langsCookie)
	if err != nil {
		return nil
	}
	var out []string
	for code := range strings.SplitSeq(c.Value, ".") {
		if _, ok := s.langs[code]; ok && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	if len(out) == len(s.langs) {
		return nil
	}
	return out
}

// langChoice is one checkbox of the article-languages form.
type langChoice struct {
	Code, Name string
	Checked    bool
}

// langsForm is the form that picks the article languages of listings.
type langsForm struct {
	Action  string
	Back    string
	Choices []langChoice
}

func (s *Server) langsForm(r *http.Request) *langsForm {
	chosen := s.articleLangs(r)
	// Back to the page's first page: a cursor of one selection means
	// nothing in another.
	q := r.URL.Query()
	q.Del("cursor")
	f := &langsForm{Action: "/article-languages", Back: s.lang(r).path(withQuery(r.URL.Path, q.Encode()))}
	for _, l := range s.langOrder {
		f.Choices = append(f.Choices, langChoice{Code: l.code, Name: s.langName(s.lang(r), l.code),
			Checked: chosen == nil || slices.Contains(chosen, l.code)})
	}
	return f
}

// handleArticleLanguages remembers the article languages the reader
// ticked (none or all: every language) and sends them back.
func (s *Server) handleArticleLanguages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var chosen []string
	for _, l := range s.langOrder {
		if slices.Contains(q["lang"], l.code) {
			chosen = append(chosen, l.code)
		}
	}
	if len(chosen) == len(s.langOrder) {
		chosen = nil
	}
	s.setPref(w, langsCookie, strings.Join(chosen, "."))
	back := localPath(q.Get("back"))
	if back == "" {
		back = "/"
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, back, http.StatusSeeOther)
}
