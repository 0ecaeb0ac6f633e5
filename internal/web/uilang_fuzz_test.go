package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzInterfaceLanguage feeds the language picker any path, cookie and
// Accept-Language: it must not panic, every redirect must stay on the
// portal (no //host or /\host Location), and a page it lets through must
// carry an interface language.
func FuzzInterfaceLanguage(f *testing.F) {
	s := &Server{}
	if err := s.loadLanguages(); err != nil {
		f.Fatal(err)
	}
	var langOf *uiLang
	h := s.withInterfaceLanguage(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		langOf = s.lang(r)
		w.WriteHeader(http.StatusOK)
	}))
	seeds := []struct{ path, cookie, accept string }{
		{"/", "", ""},
		{"/ar/articles/1-x", "", ""},
		{"/fr//evil.example", "", ""},
		{"//evil.example/x", "ar", ""},
		{"/\\evil.example", "", "es"},
		{"/fr/\\evil.example", "", ""},
		{"/en/api/v1/ticker", "", ""},
		{"/images/3", "ar", "ar"},
		{"/ar", "", ""},
		{"/es/../admin", "", ""},
		{"/sections/x", "tlh", "en-GB,fr;q=0.5"},
		{"/", "", "*;q=0.1, ar-MA;q=1.0, x-klingon"},
	}
	for _, sd := range seeds {
		f.Add(sd.path, sd.cookie, sd.accept)
	}
	f.Fuzz(func(t *testing.T, path, cookie, accept string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.Path = path
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: uiCookie, Value: url.QueryEscape(cookie)})
		}
		r.Header.Set("Accept-Language", accept)
		langOf = nil
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 300 && w.Code < 400 {
			loc := w.Header().Get("Location")
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
				t.Fatalf("path %q (cookie %q, Accept-Language %q) redirects off the portal, to %q", path, cookie, accept, loc)
			}
			return
		}
		if langOf == nil && !unlocalized(path) {
			t.Fatalf("path %q reached a page with no interface language", path)
		}
	})
}
