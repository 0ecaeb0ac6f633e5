package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"revue"
	"revue/internal/extract"
)

// sourceRow is one source in the admin list.
type sourceRow struct {
	Source  revue.Source
	Health  string
	Healthy bool
	Last    string
}

type adminSourcesBody struct {
	Sources []sourceRow
	Form    sourceForm // the add form, refilled after a refusal
	Message string
}

// sourceForm is the add and edit forms' fields.
type sourceForm struct {
	ID        int64
	Name      string
	FeedURL   string
	SiteURL   string
	Lang      string
	Section   string
	Region    string
	Enabled   bool
	Body      string
	Drop      string // one selector a line
	Republish string // "", full, excerpt or title
}

func formOf(src revue.Source) sourceForm {
	return sourceForm{ID: src.ID, Name: src.Name, FeedURL: src.FeedURL, SiteURL: src.SiteURL, Lang: src.Lang,
		Section: src.Section, Region: src.Region, Enabled: src.Enabled, Body: src.Rules.Body,
		Drop: strings.Join(src.Rules.Drop, "\n"), Republish: src.Republish}
}

// readSourceForm reads the form and applies it to src, or says what is
// wrong in words.
func (s *Server) readSourceForm(r *http.Request, src *revue.Source) (sourceForm, error) {
	f := sourceForm{
		ID:        src.ID,
		Name:      strings.TrimSpace(r.PostFormValue("name")),
		FeedURL:   strings.TrimSpace(r.PostFormValue("feed_url")),
		SiteURL:   strings.TrimSpace(r.PostFormValue("site_url")),
		Lang:      strings.TrimSpace(r.PostFormValue("lang")),
		Section:   strings.TrimSpace(r.PostFormValue("section")),
		Region:    strings.TrimSpace(r.PostFormValue("region")),
		Enabled:   r.PostFormValue("enabled") == "on",
		Body:      strings.TrimSpace(r.PostFormValue("body")),
		Drop:      strings.TrimSpace(r.PostFormValue("drop")),
		Republish: r.PostFormValue("republish"),
	}
	if err := checkHTTPURL(f.FeedURL); err != nil {
		return f, errors.New(s.tr.T("admin.source.badfeed"))
	}
	if f.SiteURL != "" && checkHTTPURL(f.SiteURL) != nil {
		return f, errors.New(s.tr.T("admin.source.badsite"))
	}
	switch f.Republish {
	case "", revue.RepublishFull, revue.RepublishExcerpt, revue.RepublishTitle:
	default:
		return f, errors.New(s.tr.T("admin.source.badrepublish"))
	}
	var drop []string
	for _, line := range strings.Split(f.Drop, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			drop = append(drop, line)
		}
	}
	if err := (extract.Rules{Body: f.Body, Drop: drop}).Check(); err != nil {
		return f, fmt.Errorf("%s %v", s.tr.T("admin.source.badrules"), err)
	}
	src.Name, src.FeedURL, src.SiteURL, src.Lang = f.Name, f.FeedURL, f.SiteURL, f.Lang
	src.Section, src.Region, src.Republish = f.Section, f.Region, f.Republish
	src.Rules = revue.ExtractRules{Body: f.Body, Drop: drop}
	if src.Name == "" {
		src.Name = hostName(f.FeedURL)
	}
	return f, nil
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	return nil
}

func hostName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

func (s *Server) handleAdminSources(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	s.renderSources(w, r, sess, http.StatusOK, sourceForm{Enabled: true}, r.URL.Query().Get("done"))
}

func (s *Server) renderSources(w http.ResponseWriter, r *http.Request, sess revue.AdminSession, status int, form sourceForm, message string) {
	sources, err := s.store.ListSources(r.Context())
	if err != nil {
		s.log.ErrorContext(r.Context(), "listing sources for the admin", "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	body := adminSourcesBody{Form: form, Message: message}
	for _, src := range sources {
		row := sourceRow{Source: src, Healthy: src.ConsecutiveFailures == 0, Health: s.tr.T("admin.source.ok")}
		switch {
		case !src.Enabled:
			row.Health = s.tr.T("source.disabled")
		case src.LastStatus == 0 && src.LastFetchAt.IsZero():
			row.Health = s.tr.T("source.status.none")
		case src.ConsecutiveFailures > 0:
			row.Health = s.tr.T("admin.source.failing", src.ConsecutiveFailures)
		}
		if !src.LastFetchAt.IsZero() {
			row.Last = s.dateTime(src.LastFetchAt)
		}
		body.Sources = append(body.Sources, row)
	}
	s.renderAdmin(w, r, status, "admin_sources", s.tr.T("admin.sources.title"), sess, body)
}

func (s *Server) handleAddSource(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	src := revue.Source{Enabled: true}
	form, err := s.readSourceForm(r, &src)
	if err != nil {
		s.renderSources(w, r, sess, http.StatusBadRequest, form, err.Error())
		return
	}
	added, err := s.store.AddSource(r.Context(), src, s.now())
	if errors.Is(err, revue.ErrDuplicate) {
		s.renderSources(w, r, sess, http.StatusConflict, form, s.tr.T("admin.source.duplicate"))
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "adding a source from the admin", "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	s.log.InfoContext(r.Context(), "a source was added", "id", added.ID, "feed", added.FeedURL, "admin", sess.Admin)
	http.Redirect(w, r, "/admin/sources/"+strconv.FormatInt(added.ID, 10)+"?done=added", http.StatusSeeOther)
}

// adminSourceBody is one source's page: its form, health and fetch log.
type adminSourceBody struct {
	Source  revue.Source
	Form    sourceForm
	Health  []fact
	Log     []fetchRow
	Message string
	Error   bool
}

type fact struct{ Name, Value string }

type fetchRow struct {
	At, Status, Duration, Items, Problem string
	Failed                               bool
}

func (s *Server) sourceOf(w http.ResponseWriter, r *http.Request) (revue.Source, bool) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderAdminError(w, r, http.StatusNotFound, s.tr.T("notfound.body"))
		return revue.Source{}, false
	}
	src, err := s.store.GetSource(r.Context(), id)
	if errors.Is(err, revue.ErrNotFound) {
		s.renderAdminError(w, r, http.StatusNotFound, s.tr.T("notfound.body"))
		return revue.Source{}, false
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "loading a source for the admin", "id", id, "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return revue.Source{}, false
	}
	return src, true
}

func (s *Server) handleAdminSource(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	src, ok := s.sourceOf(w, r)
	if !ok {
		return
	}
	msg := ""
	if done := r.URL.Query().Get("done"); done != "" && s.tr.Has("admin.done."+done) {
		msg = s.tr.T("admin.done." + done)
	}
	s.renderSource(w, r, sess, http.StatusOK, src, formOf(src), msg, false)
}

func (s *Server) renderSource(w http.ResponseWriter, r *http.Request, sess revue.AdminSession, status int, src revue.Source, form sourceForm, msg string, isErr bool) {
	log, err := s.store.FetchLog(r.Context(), src.ID, 50)
	if err != nil {
		s.log.ErrorContext(r.Context(), "reading a source's fetch log", "id", src.ID, "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	body := adminSourceBody{Source: src, Form: form, Message: msg, Error: isErr}
	status0 := s.tr.T("source.status.none")
	if src.LastStatus != 0 {
		status0 = strconv.Itoa(src.LastStatus) + " " + http.StatusText(src.LastStatus)
	}
	never := s.tr.T("source.never")
	body.Health = []fact{
		{s.tr.T("source.status"), status0},
		{s.tr.T("source.error"), cmp.Or(src.LastError, s.tr.T("source.error.none"))},
		{s.tr.T("admin.source.failures"), strconv.Itoa(src.ConsecutiveFailures)},
		{s.tr.T("source.success"), s.optionalTime(src.LastSuccessAt, never)},
		{s.tr.T("source.next"), s.optionalTime(src.NextFetchAt, "—")},
		{s.tr.T("admin.source.rate"), s.tr.T("admin.source.perday", src.ItemsPerDay)},
		{s.tr.T("source.count"), s.tr.T("count.articles", src.Articles)},
	}
	for _, e := range log {
		row := fetchRow{At: s.dateTime(e.At), Duration: fmt.Sprintf("%d ms", e.DurationMS),
			Items: fmt.Sprintf("%d / %d", e.ItemsNew, e.ItemsSeen), Problem: cmp.Or(e.Err, e.Warning), Failed: e.Err != ""}
		row.Status = "—"
		if e.Status != 0 {
			row.Status = strconv.Itoa(e.Status)
		}
		body.Log = append(body.Log, row)
	}
	s.renderAdmin(w, r, status, "admin_source", s.tr.T("source.title", src.Name), sess, body)
}

func (s *Server) handleEditSource(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	src, ok := s.sourceOf(w, r)
	if !ok {
		return
	}
	form, err := s.readSourceForm(r, &src)
	if err != nil {
		s.renderSource(w, r, sess, http.StatusBadRequest, src, form, err.Error(), true)
		return
	}
	src.Enabled = form.Enabled
	err = s.store.UpdateSource(r.Context(), src)
	if errors.Is(err, revue.ErrDuplicate) {
		s.renderSource(w, r, sess, http.StatusConflict, src, form, s.tr.T("admin.source.duplicate"), true)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "updating a source from the admin", "id", src.ID, "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	s.log.InfoContext(r.Context(), "a source was changed", "id", src.ID, "admin", sess.Admin)
	http.Redirect(w, r, "/admin/sources/"+strconv.FormatInt(src.ID, 10)+"?done=saved", http.StatusSeeOther)
}

// handleToggleSource enables or disables a source from the list.
func (s *Server) handleToggleSource(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	src, ok := s.sourceOf(w, r)
	if !ok {
		return
	}
	src.Enabled = r.PostFormValue("enabled") == "1"
	if err := s.store.UpdateSource(r.Context(), src); err != nil {
		s.log.ErrorContext(r.Context(), "enabling or disabling a source", "id", src.ID, "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	s.log.InfoContext(r.Context(), "a source was enabled or disabled", "id", src.ID, "enabled", src.Enabled, "admin", sess.Admin)
	done := "disabled"
	if src.Enabled {
		done = "enabled"
	}
	http.Redirect(w, r, "/admin/sources/"+strconv.FormatInt(src.ID, 10)+"?done="+done, http.StatusSeeOther)
}

func (s *Server) optionalTime(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return s.dateTime(t)
}
