package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"revue"
)

// reporterSecret names the installation's key of reporters' hashes in
// the store.
const reporterSecret = "reporter-hmac"

// maxNoteRunes bounds a reader's own words in a report.
const maxNoteRunes = 500

// secretKey is an installation secret read from the store once it is
// first needed, and created there by whichever process needs it first.
// A failed read is tried again at the next need.
type secretKey struct {
	store revue.Store
	name  string
	now   func() time.Time

	mu  sync.Mutex
	key []byte
}

func (k *secretKey) get(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("drawing a secret: %w", err)
	}
	key, err := k.store.Secret(ctx, k.name, fresh, k.now())
	if err != nil {
		return nil, err
	}
	k.key = key
	return key, nil
}

// reporter is the keyed hash that stands for the client of r: its network
// (an IPv4 address or an IPv6 /64) as seen through the trusted proxies.
// The address itself is never stored, and without the installation's key
// the hash cannot be tied back to it.
func (s *Server) reporter(r *http.Request) (string, error) {
	key, err := s.reporterKey.get(r.Context())
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(clientNetwork(s.clients.of(r)).String()))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// setOrigin derives the origin same-origin requests carry from the base URL.
func (s *Server) setOrigin() error {
	if s.baseURL == "" {
		return nil // tests without a base URL: the request's own host decides
	}
	u, err := url.Parse(s.baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("web: the base URL %q is not an absolute http(s) URL", s.baseURL)
	}
	s.origin = strings.ToLower(u.Scheme + "://" + u.Host)
	s.secureCookies = u.Scheme == "https"
	return nil
}

// sameOrigin reports whether r comes from a page of this portal: its
// Origin header, or without one its Referer, names the portal's origin. A
// request with neither is refused: every browser sends one of them with a
// form or a script's POST, so only a forged request lacks both. The
// portal's origin is the configured base URL's; without one, the origin of
// the host the request was sent to (a cross-site page's request carries
// that page's origin, never ours), which tests without a base URL use too.
func (s *Server) sameOrigin(r *http.Request) bool {
	from := r.Header.Get("Origin")
	if from == "" {
		ref, err := url.Parse(r.Header.Get("Referer"))
		if err != nil || ref.Host == "" {
			return false
		}
		from = ref.Scheme + "://" + ref.Host
	}
	if s.origin != "" && strings.EqualFold(from, s.origin) {
		return true
	}
	if s.origin != "" && !s.originFromHost {
		return false
	}
	// Either scheme: behind a proxy that ends TLS the request arrives as
	// plain HTTP, and no other site can serve pages under our host name.
	u, err := url.Parse(from)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && r.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// wantsJSON reports whether the client asked for JSON (the page's script).
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// reportBody is the body of the report page: the form, or the answer.
type reportBody struct {
	ImageID int64
	Image   *imageView // nil when blocked
	Action  string
	From    string // where "back" goes: the article the reader came from
	Reasons []reasonView
	Message string // after a report: the thank-you text or why it was refused
	Refused bool
}

type reasonView struct{ Value, Label string }

func (s *Server) reasonViews(l *uiLang) []reasonView {
	out := []reasonView{{Value: "", Label: l.tr.T("report.reason.")}}
	for _, r := range revue.ReportReasons {
		out = append(out, reasonView{Value: r, Label: l.tr.T("report.reason." + r)})
	}
	return out
}

// localPath keeps from only when it is a path on this portal, so the
// "back" link cannot send the reader elsewhere.
func localPath(from string) string {
	if !strings.HasPrefix(from, "/") || strings.HasPrefix(from, "//") || strings.HasPrefix(from, "/\\") {
		return ""
	}
	if u, err := url.Parse(from); err != nil || u.Host != "" || u.Scheme != "" {
		return ""
	}
	return from
}

// pagePath is from, a page of this portal, without its interface
// language's prefix: the page that links to it adds the reader's.
func pagePath(from string) string {
	from = localPath(from)
	if _, rest, ok := splitLangPrefix(from); ok {
		return rest
	}
	return from
}

// handleReportForm is the report form for readers without JavaScript.
func (s *Server) handleReportForm(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.handleNotFound(w, r)
		return
	}
	img, err := s.store.GetImage(r.Context(), id)
	if errors.Is(err, revue.ErrNotFound) {
		s.handleNotFound(w, r)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "loading an image to report", "id", id, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, s.ui(r).T("error.body"))
		return
	}
	body := reportBody{ImageID: id, Action: reportPath(id), From: pagePath(r.URL.Query().Get("from")), Reasons: s.reasonViews(s.lang(r))}
	if img.Status != revue.ImageBlocked {
		body.Image = &imageView{Src: imagePath(id), Alt: img.Alt}
	} else {
		body.Message = s.ui(r).T("report.blocked")
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "report", s.ui(r).T("report.title"), body)
}

func reportPath(id int64) string { return imagePath(id) + "/report" }

// reportAnswer is the JSON answer to a report.
type reportAnswer struct {
	ImageID int64  `json:"image_id"`
	Status  string `json:"status"` // the image's: ok or blocked
	Message string `json:"message"`
}

// handleReport takes one reader's report of an image.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.reportRefused(w, r, 0, http.StatusNotFound, "", s.ui(r).T("report.notfound"))
		return
	}
	if !s.sameOrigin(r) {
		s.metrics.refused.WithLabelValues("report", "csrf").Inc()
		s.reportRefused(w, r, id, http.StatusForbidden, "", s.ui(r).T("report.refused.origin"))
		return
	}
	// Room for a note of maxNoteRunes in any script, percent-encoded.
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		s.reportRefused(w, r, id, http.StatusBadRequest, "", s.ui(r).T("report.failed"))
		return
	}
	from := pagePath(r.PostFormValue("from"))
	reason := r.PostFormValue("reason")
	if reason != "" && !slices.Contains(revue.ReportReasons, reason) {
		s.reportRefused(w, r, id, http.StatusBadRequest, from, s.ui(r).T("report.refused.reason"))
		return
	}
	note := strings.TrimSpace(strings.ToValidUTF8(r.PostFormValue("note"), ""))
	if utf8.RuneCountInString(note) > maxNoteRunes {
		note = string([]rune(note)[:maxNoteRunes])
	}
	reporter, err := s.reporter(r)
	if err != nil {
		s.reportFailed(w, r, id, from, "reading the reporters' key", err)
		return
	}
	now := s.now()
	hits, err := s.store.CountHit(r.Context(), "report", reporter, now, time.Hour)
	if err != nil {
		s.reportFailed(w, r, id, from, "counting a reader's reports", err)
		return
	}
	if hits > s.reportsPerHour {
		s.metrics.refused.WithLabelValues("report", "rate_limit").Inc()
		w.Header().Set("Retry-After", strconv.Itoa(int(time.Hour/time.Second)))
		s.reportRefused(w, r, id, http.StatusTooManyRequests, from, s.ui(r).T("report.refused.limit"))
		return
	}
	res, err := s.store.ReportImage(r.Context(), revue.ImageReport{ImageID: id, Reporter: reporter, Reason: reason, Note: note, At: now}, s.threshold)
	if errors.Is(err, revue.ErrNotFound) {
		s.reportRefused(w, r, id, http.StatusNotFound, from, s.ui(r).T("report.notfound"))
		return
	}
	if err != nil {
		s.reportFailed(w, r, id, from, "recording a report", err)
		return
	}
	if res.Counted {
		s.metrics.reports.WithLabelValues("counted").Inc()
	} else {
		s.metrics.reports.WithLabelValues("repeat").Inc()
	}
	if len(res.Blocked) > 0 {
		s.metrics.blocked.WithLabelValues(revue.BlockedByReports).Add(float64(len(res.Blocked)))
		s.log.InfoContext(r.Context(), "readers' reports blocked a picture", "image", id, "records", res.Blocked, "reports", res.Reports)
	}
	// The same words whether this reader counted or had reported before:
	// the answer tells nobody who else reported.
	msg := s.ui(r).T("report.thanks")
	if wantsJSON(r) {
		s.writeJSON(w, r, http.StatusOK, reportAnswer{ImageID: id, Status: string(res.Status), Message: msg})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "report", s.ui(r).T("report.title"), reportBody{ImageID: id, From: from, Message: msg})
}

// reportRefused answers a refused report with why, as the client asked.
func (s *Server) reportRefused(w http.ResponseWriter, r *http.Request, id int64, status int, from, msg string) {
	if wantsJSON(r) {
		s.writeJSON(w, r, status, struct {
			ImageID int64  `json:"image_id,omitempty"`
			Error   string `json:"error"`
		}{id, msg})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "report", s.ui(r).T("report.title"), reportBody{ImageID: id, From: from, Message: msg, Refused: true})
}

func (s *Server) reportFailed(w http.ResponseWriter, r *http.Request, id int64, from, what string, err error) {
	s.log.ErrorContext(r.Context(), what, "image", id, "err", err)
	s.reportRefused(w, r, id, http.StatusInternalServerError, from, s.ui(r).T("report.failed"))
}
