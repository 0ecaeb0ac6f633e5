package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"revue/internal/web/i18n"

	"revue"
	"revue/internal/password"
)

const (
	sessionCookie = "revue_admin"
	// loginCookie carries the login form's CSRF token before there is a
	// session (double submit: the form and the cookie must agree).
	loginCookie     = "revue_login"
	sessionLifetime = 12 * time.Hour
	// Login attempts from one client network in loginWindow.
	loginAttempts = 10
	loginWindow   = 15 * time.Minute
)

// adminRoutes registers /admin/…: the login page is open, everything
// else needs a session, and every POST a same-origin request carrying
// the session's CSRF token.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/login", s.handleLoginForm)
	mux.HandleFunc("POST /admin/login", s.handleLogin)
	mux.Handle("POST /admin/logout", s.admin(s.handleLogout))
	mux.Handle("GET /admin/{$}", s.admin(s.handleDashboard))
	mux.Handle("GET /admin/sources", s.admin(s.handleAdminSources))
	mux.Handle("POST /admin/sources", s.admin(s.handleAddSource))
	mux.Handle("GET /admin/sources/{id}", s.admin(s.handleAdminSource))
	mux.Handle("POST /admin/sources/{id}", s.admin(s.handleEditSource))
	mux.Handle("POST /admin/sources/{id}/enabled", s.admin(s.handleToggleSource))
	mux.Handle("GET /admin/moderation", s.admin(s.handleModeration))
	mux.Handle("POST /admin/moderation", s.admin(s.handleModerate))
	mux.Handle("GET /admin/moderation/log", s.admin(s.handleModerationLog))
	mux.Handle("GET /admin/images/{id}", s.admin(s.handleModeratorImage))
	mux.HandleFunc("/admin/", s.handleNotFound)
}

// adminHandler is a handler of the admin area, given the session.
type adminHandler func(w http.ResponseWriter, r *http.Request, sess revue.AdminSession)

// admin wraps h: anonymous requests go to the login page (GET) or are
// refused (anything else); a POST must come from a page of the portal and
// carry the session's CSRF token.
func (s *Server) admin(h adminHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		sess, err := s.session(r)
		if errors.Is(err, revue.ErrNotFound) {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/admin/login?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
				return
			}
			s.adminRefused(w, r, http.StatusForbidden, "admin", "session", s.tr.T("admin.refused.session"))
			return
		}
		if err != nil {
			s.log.ErrorContext(r.Context(), "reading an admin session", "err", err)
			s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if !s.sameOrigin(r) || !sameToken(r.PostFormValue("csrf"), sess.CSRFToken) {
				s.adminRefused(w, r, http.StatusForbidden, "admin", "csrf", s.tr.T("admin.refused.csrf"))
				return
			}
		}
		h(w, r, sess)
	})
}

func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// session is the request's admin session; ErrNotFound when it has none.
func (s *Server) session(r *http.Request) (revue.AdminSession, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return revue.AdminSession{}, fmt.Errorf("no session cookie: %w", revue.ErrNotFound)
	}
	return s.store.Session(r.Context(), sessionID(c.Value), s.now())
}

// sessionID is what the store keeps of a cookie's token: its SHA-256.
func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("drawing a token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (s *Server) cookie(name, value, path string, maxAge time.Duration) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		MaxAge:   int(maxAge / time.Second),
		HttpOnly: true,
		Secure:   s.secureCookies,
		SameSite: http.SameSiteStrictMode,
	}
}

// adminRefused answers a refused admin request and counts it.
func (s *Server) adminRefused(w http.ResponseWriter, r *http.Request, status int, route, reason, msg string) {
	if reason == "csrf" || reason == "rate_limit" {
		s.metrics.refused.WithLabelValues(route, reason).Inc()
	}
	s.renderAdminError(w, r, status, msg)
}

// loginBody is the login page's.
type loginBody struct {
	CSRF    string
	Next    string
	Name    string
	Message string
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if _, err := s.session(r); err == nil {
		http.Redirect(w, r, adminNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, loginBody{Next: adminNext(r.URL.Query().Get("next"))})
}

// renderLogin shows the login form with a fresh CSRF token, also set in
// the login cookie.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, body loginBody) {
	token, err := newToken()
	if err != nil {
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	http.SetCookie(w, s.cookie(loginCookie, token, "/admin/login", time.Hour))
	body.CSRF = token
	w.Header().Set("Cache-Control", "no-store")
	s.renderAdmin(w, r, status, "admin_login", s.tr.T("admin.login.title"), revue.AdminSession{}, body)
}

// adminNext keeps where to go after logging in only when it is a page of
// the admin area.
func adminNext(next string) string {
	if p := localPath(next); strings.HasPrefix(p, "/admin/") && !strings.HasPrefix(p, "/admin/login") {
		return p
	}
	return "/admin/"
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	next := adminNext(r.PostFormValue("next"))
	name := strings.TrimSpace(r.PostFormValue("name"))
	c, err := r.Cookie(loginCookie)
	if !s.sameOrigin(r) || err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		s.metrics.refused.WithLabelValues("login", "csrf").Inc()
		s.renderLogin(w, r, http.StatusForbidden, loginBody{Next: next, Name: name, Message: s.tr.T("admin.refused.csrf")})
		return
	}
	client, err := s.reporter(r)
	if err != nil {
		s.log.ErrorContext(r.Context(), "reading the clients' key", "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	hits, err := s.store.CountHit(r.Context(), "login", client, s.now(), loginWindow)
	if err != nil {
		s.log.ErrorContext(r.Context(), "counting login attempts", "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	if hits > loginAttempts {
		s.metrics.refused.WithLabelValues("login", "rate_limit").Inc()
		w.Header().Set("Retry-After", fmt.Sprint(int(loginWindow/time.Second)))
		s.renderLogin(w, r, http.StatusTooManyRequests, loginBody{Next: next, Name: name, Message: s.tr.T("admin.login.limit")})
		return
	}
	if !s.checkPassword(r.Context(), name, r.PostFormValue("password")) {
		s.log.WarnContext(r.Context(), "a failed admin login", "name", name)
		s.renderLogin(w, r, http.StatusUnauthorized, loginBody{Next: next, Name: name, Message: s.tr.T("admin.login.wrong")})
		return
	}
	token, err := newToken()
	if err == nil {
		var csrf string
		if csrf, err = newToken(); err == nil {
			now := s.now()
			err = s.store.CreateSession(r.Context(), revue.AdminSession{ID: sessionID(token), Admin: name, CSRFToken: csrf,
				CreatedAt: now, ExpiresAt: now.Add(sessionLifetime)})
		}
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "opening an admin session", "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	s.log.InfoContext(r.Context(), "an administrator signed in", "name", name)
	http.SetCookie(w, s.cookie(loginCookie, "", "/admin/login", -time.Second))
	http.SetCookie(w, s.cookie(sessionCookie, token, "/admin", sessionLifetime))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// checkPassword verifies name's password; an unknown name costs as much
// as a wrong password, so that timing does not tell which names exist.
func (s *Server) checkPassword(ctx context.Context, name, pw string) bool {
	hash, err := s.store.AdminPasswordHash(ctx, name)
	if err != nil {
		if !errors.Is(err, revue.ErrNotFound) {
			s.log.ErrorContext(ctx, "reading an administrator", "err", err)
		}
		_ = password.Verify(s.dummyHash, pw)
		return false
	}
	if err := password.Verify(hash, pw); err != nil {
		if !errors.Is(err, password.ErrMismatch) {
			s.log.ErrorContext(ctx, "an administrator's stored password hash is unusable; set it again with `revue admin set-password`", "name", name, "err", err)
		}
		return false
	}
	return true
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	if err := s.store.DeleteSession(r.Context(), sess.ID); err != nil {
		s.log.ErrorContext(r.Context(), "ending an admin session", "err", err)
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", "/admin", -time.Second))
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// adminPage is the root value of admin templates.
type adminPage struct {
	Title string
	Admin string // "" on the login page
	CSRF  string
	CSS   string
	Nav   string // the current section: dashboard, sources, moderation
	Body  any
}

func (s *Server) parseAdminTemplates() error {
	base, err := template.New("admin_layout.html").Funcs(s.funcs(s.langs[i18n.Default])).ParseFS(templateFS, "templates/admin_layout.html")
	if err != nil {
		return fmt.Errorf("web: parsing the admin layout: %w", err)
	}
	s.adminPages = map[string]*template.Template{}
	for _, name := range []string{"admin_login", "admin_error", "admin_dashboard", "admin_sources", "admin_source", "admin_moderation", "admin_log"} {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: parsing template %s.html: %w", name, err)
		}
		s.adminPages[name] = t
	}
	return nil
}

// renderAdmin writes an admin page; nav is taken from the page's name.
func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, status int, page, title string, sess revue.AdminSession, body any) {
	data := adminPage{Title: title, Admin: sess.Admin, CSRF: sess.CSRFToken, CSS: s.assetURL("style.css"), Body: body,
		Nav: strings.TrimPrefix(page, "admin_")}
	var buf bytes.Buffer
	if err := s.adminPages[page].ExecuteTemplate(&buf, "admin_layout.html", data); err != nil {
		s.log.ErrorContext(r.Context(), "rendering an admin page", "page", page, "err", err)
		http.Error(w, s.tr.T("error.body"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) renderAdminError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.renderAdmin(w, r, status, "admin_error", s.tr.T("error.title"), revue.AdminSession{}, msg)
}
