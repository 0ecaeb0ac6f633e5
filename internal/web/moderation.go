package web

import (
	"bytes"
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"revue"
)

// queueItem is one picture in the moderation queue as the page shows it.
type queueItem struct {
	Item       revue.ModerationItem
	Thumb      string
	Blocked    bool
	Pending    bool
	By         string // who blocked it, in words
	Reasons    []fact
	Notes      []fact
	Articles   []articleLink
	MoreLinks  int
	LastReport string
}

type articleLink struct{ Title, Path, Source, Date string }

type moderationBody struct {
	Filter  string
	Filters []fact // value, label
	Items   []queueItem
	Message string
	Error   bool
}

func (s *Server) handleModeration(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	msg := ""
	if done := r.URL.Query().Get("done"); done != "" && s.tr.Has("admin.done."+done) {
		msg = s.tr.T("admin.done." + done)
	}
	s.renderModeration(w, r, sess, http.StatusOK, r.URL.Query().Get("filter"), msg, false)
}

func (s *Server) renderModeration(w http.ResponseWriter, r *http.Request, sess revue.AdminSession, status int, filter, msg string, isErr bool) {
	if !slices.Contains([]string{revue.QueuePending, revue.QueueBlocked, revue.QueueAll}, filter) {
		filter = revue.QueuePending
	}
	items, err := s.store.ModerationQueue(r.Context(), revue.ModerationQuery{Filter: filter, Limit: 100})
	if err != nil {
		s.log.ErrorContext(r.Context(), "reading the moderation queue", "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	body := moderationBody{Filter: filter, Message: msg, Error: isErr}
	for _, f := range []string{revue.QueuePending, revue.QueueBlocked, revue.QueueAll} {
		body.Filters = append(body.Filters, fact{f, s.tr.T("admin.queue." + f)})
	}
	for _, it := range items {
		m := it.Image.Moderation
		q := queueItem{Item: it, Thumb: "/admin/images/" + strconv.FormatInt(it.Image.ID, 10),
			Blocked: it.Image.Status == revue.ImageBlocked, Pending: m.Pending, MoreLinks: it.ArticleSum - len(it.Articles)}
		if q.Blocked {
			q.By = s.tr.T("admin.blockedby." + cmp.Or(m.BlockedBy, "unknown"))
		}
		if !m.LastReportAt.IsZero() {
			q.LastReport = s.dateTime(m.LastReportAt)
		}
		for _, rc := range it.Reasons {
			q.Reasons = append(q.Reasons, fact{s.tr.T("report.reason." + rc.Reason), strconv.Itoa(rc.Count)})
		}
		for _, n := range it.Notes {
			q.Notes = append(q.Notes, fact{s.dateTime(n.At), n.Note})
		}
		for _, a := range it.Articles {
			q.Articles = append(q.Articles, articleLink{Title: a.Title, Path: ArticlePath(a.ID, a.Title), Source: a.SourceName, Date: s.dateDMY(a.PublishedAt)})
		}
		body.Items = append(body.Items, q)
	}
	s.renderAdmin(w, r, status, "admin_moderation", s.tr.T("admin.moderation.title"), sess, body)
}

// handleModerate applies a moderator's action: restore, confirm, or block
// (an image of the queue, or any image by its number).
func (s *Server) handleModerate(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	filter := r.PostFormValue("filter")
	action := r.PostFormValue("action")
	id, ok := pathID(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("image")), "#")))
	if !ok || !slices.Contains([]string{revue.ActionRestore, revue.ActionConfirm, revue.ActionBlock}, action) {
		s.renderModeration(w, r, sess, http.StatusBadRequest, filter, s.tr.T("admin.moderation.bad"), true)
		return
	}
	ids, err := s.store.ModerateImage(r.Context(), revue.ModerationAction{ImageID: id, Action: action, Moderator: sess.Admin,
		Note: strings.TrimSpace(r.PostFormValue("note")), At: s.now()})
	switch {
	case errors.Is(err, revue.ErrNotFound):
		s.renderModeration(w, r, sess, http.StatusNotFound, filter, s.tr.T("admin.moderation.noimage", strconv.FormatInt(id, 10)), true)
		return
	case errors.Is(err, revue.ErrConflict):
		s.renderModeration(w, r, sess, http.StatusConflict, filter, s.tr.T("admin.moderation.notblocked"), true)
		return
	case err != nil:
		s.log.ErrorContext(r.Context(), "moderating an image", "id", id, "action", action, "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	if action == revue.ActionBlock {
		s.metrics.blocked.WithLabelValues(revue.BlockedByModerator).Add(float64(len(ids)))
	}
	s.log.InfoContext(r.Context(), "a moderator acted", "image", id, "action", action, "records", ids, "admin", sess.Admin)
	http.Redirect(w, r, "/admin/moderation?"+url.Values{"filter": {filter}, "done": {action}}.Encode(), http.StatusSeeOther)
}

type logBody struct{ Entries []logRow }

type logRow struct{ At, Who, Action, Image, Thumb, Note, Records string }

func (s *Server) handleModerationLog(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	var imageID int64
	if v := r.URL.Query().Get("image"); v != "" {
		imageID, _ = pathID(v)
	}
	entries, err := s.store.ModerationLog(r.Context(), imageID, 200)
	if err != nil && !errors.Is(err, revue.ErrNotFound) {
		s.log.ErrorContext(r.Context(), "reading the moderation log", "err", err)
		s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
		return
	}
	var body logBody
	for _, e := range entries {
		id := strconv.FormatInt(e.ImageID, 10)
		body.Entries = append(body.Entries, logRow{At: s.dateTime(e.At), Who: cmp.Or(e.Moderator, s.tr.T("admin.log.readers")),
			Action: s.tr.T("admin.action." + e.Action), Image: id, Thumb: "/admin/images/" + id, Note: e.Note, Records: strconv.Itoa(e.Images)})
	}
	s.renderAdmin(w, r, http.StatusOK, "admin_log", s.tr.T("admin.log.title"), sess, body)
}

// handleModeratorImage shows moderators a picture whatever its status:
// they must see what they decide on. Nobody else reaches it, and nothing
// keeps it.
func (s *Server) handleModeratorImage(w http.ResponseWriter, r *http.Request, _ revue.AdminSession) {
	w.Header().Set("Content-Security-Policy", imageCSP)
	w.Header().Set("Cache-Control", "private, no-store")
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		http.Error(w, "no such image", http.StatusNotFound)
		return
	}
	img, err := s.store.GetImage(r.Context(), id)
	if errors.Is(err, revue.ErrNotFound) {
		http.Error(w, "no such image", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "loading an image for a moderator", "id", id, "err", err)
		http.Error(w, "the image could not be loaded", http.StatusInternalServerError)
		return
	}
	pic, err := s.picture(r.Context(), img)
	if err != nil && !errors.Is(err, errPictureBlocked) {
		if r.Context().Err() == nil {
			s.log.WarnContext(r.Context(), "no picture to show a moderator", "id", id, "err", err)
			unavailable(w)
		}
		return
	}
	if errors.Is(err, errPictureBlocked) {
		// Fetched just now and found to be a blocked picture: it is in
		// the cache under its hash.
		img, err = s.store.GetImage(r.Context(), id)
		if err == nil {
			pic, err = s.picture(r.Context(), img)
		}
		if err != nil {
			unavailable(w)
			return
		}
	}
	w.Header().Set("Content-Type", pic.content.Type)
	http.ServeContent(w, r, "", pic.content.FetchedAt, bytes.NewReader(pic.body))
}
