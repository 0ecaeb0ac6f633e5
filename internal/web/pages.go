package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"revue"
)

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.renderListing(w, r, "home", s.ui(r).T("site.tagline"), "/", revue.ArticleQuery{Langs: s.articleLangs(r)}, nil)
}

func (s *Server) handleSection(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	title := s.ui(r).T("section.title", s.sectionName(s.lang(r), slug))
	s.renderListing(w, r, "list", title, "/sections/"+url.PathEscape(slug),
		revue.ArticleQuery{Section: slug, Langs: s.articleLangs(r)}, func(lv listView) (string, bool) {
			// A section of the table has its page even while empty; any
			// other slug only while articles are filed under it.
			return title, slices.Contains(s.sections, slug) || len(lv.Items) > 0
		})
}

func (s *Server) handleRegion(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	s.renderListing(w, r, "list", s.ui(r).T("region.title", s.regionName(s.lang(r), slug)), "/regions/"+url.PathEscape(slug),
		revue.ArticleQuery{Region: slug, Langs: s.articleLangs(r)}, nil)
}

func (s *Server) handleStory(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.handleNotFound(w, r)
		return
	}
	s.renderListing(w, r, "list", "", "/stories/"+strconv.FormatInt(id, 10),
		revue.ArticleQuery{StoryID: id}, func(lv listView) (string, bool) {
			if len(lv.Items) == 0 {
				return "", false // no article: no such story
			}
			return s.ui(r).T("story.title", lv.Items[len(lv.Items)-1].Title), true
		})
}

// listingBody is the body of list pages.
type listingBody struct {
	Heading string
	List    listView
	// Overview, when set, is the page that puts this listing among its
	// peers (a region's on the regional map).
	Overview string
	feedLinks
	// Langs, on listings the reader's article languages apply to, is the
	// form that chooses them.
	Langs *langsForm
}

// renderListing shows one page of q. titleFor, when set, names the page
// from its items, or reports that the listing does not exist (404).
func (s *Server) renderListing(w http.ResponseWriter, r *http.Request, page, title, basePath string, q revue.ArticleQuery,
	titleFor func(listView) (string, bool)) {
	cursor, err := revue.ParseCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, s.ui(r).T("error.badcursor"))
		return
	}
	q.Cursor = cursor
	q.Limit = pageSize
	res, err := s.store.ListArticles(r.Context(), q)
	if err != nil {
		s.log.ErrorContext(r.Context(), "listing articles", "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, s.ui(r).T("error.body"))
		return
	}
	lv := s.listView(res, basePath, r)
	if titleFor != nil {
		t, ok := titleFor(lv)
		if !ok && cursor.IsZero() {
			s.handleNotFound(w, r)
			return
		}
		title = t
	}
	body := listingBody{Heading: title, List: lv, feedLinks: s.feedLinksFor(r, basePath, title)}
	if q.Region != "" {
		body.Overview = "/regions"
	}
	if q.Langs != nil || titleFor == nil {
		body.Langs = s.langsForm(r)
	}
	s.render(w, r, http.StatusOK, page, title, body)
}

func (s *Server) handleArticle(w http.ResponseWriter, r *http.Request) {
	idPart, slug, _ := strings.Cut(r.PathValue("id"), "-")
	id, ok := pathID(idPart)
	if !ok {
		s.handleNotFound(w, r)
		return
	}
	a, err := s.store.GetArticle(r.Context(), id)
	if errors.Is(err, revue.ErrNotFound) {
		s.handleNotFound(w, r)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "loading an article", "id", id, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, s.ui(r).T("error.body"))
		return
	}
	if slug != Slug(a.Title) {
		target := ArticlePath(a.ID, a.Title)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, s.lang(r).path(target), http.StatusMovedPermanently)
		return
	}
	s.render(w, r, http.StatusOK, "article", a.Title, s.fullView(s.lang(r), a))
}

// sourceBody is the body of a source page.
type sourceBody struct {
	Source     revue.Source
	LangName   string
	Status     string
	LastError  string
	Success    string
	Next       string
	Count      string
	List       listView
	SectionURL string
	feedLinks
	Langs *langsForm
}

func (s *Server) handleSource(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.handleNotFound(w, r)
		return
	}
	src, err := s.store.GetSource(r.Context(), id)
	if errors.Is(err, revue.ErrNotFound) {
		s.handleNotFound(w, r)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "loading a source", "id", id, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, s.ui(r).T("error.body"))
		return
	}
	cursor, err := revue.ParseCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, s.ui(r).T("error.badcursor"))
		return
	}
	res, err := s.store.ListArticles(r.Context(), revue.ArticleQuery{SourceID: id, Cursor: cursor, Limit: pageSize, Langs: s.articleLangs(r)})
	if err != nil {
		s.log.ErrorContext(r.Context(), "listing a source's articles", "id", id, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, s.ui(r).T("error.body"))
		return
	}
	body := sourceBody{
		Source:    src,
		LangName:  s.langName(s.lang(r), src.Lang),
		Status:    s.ui(r).T("source.status.none"),
		LastError: s.ui(r).T("source.error.none"),
		Success:   s.ui(r).T("source.never"),
		Next:      "—",
		Count:     s.ui(r).T("count.articles", src.Articles),
		List:      s.listView(res, "/sources/"+strconv.FormatInt(id, 10), r),
		feedLinks: s.feedLinksFor(r, "/sources/"+strconv.FormatInt(id, 10), src.Name),
		Langs:     s.langsForm(r),
	}
	if src.LastStatus != 0 {
		body.Status = strconv.Itoa(src.LastStatus) + " " + http.StatusText(src.LastStatus)
	}
	if src.LastError != "" {
		body.LastError = src.LastError
	}
	if !src.LastSuccessAt.IsZero() {
		body.Success = s.localDateTime(s.lang(r), src.LastSuccessAt)
	}
	if !src.Enabled {
		body.Next = s.ui(r).T("source.disabled")
	} else if !src.NextFetchAt.IsZero() {
		body.Next = s.localDateTime(s.lang(r), src.NextFetchAt)
	}
	s.render(w, r, http.StatusOK, "source", s.ui(r).T("source.title", src.Name), body)
}

// dateTime is the French administration's date and time.
func (s *Server) dateTime(t time.Time) string {
	return s.tr.T("date.at", s.dateDMY(t), t.In(s.loc).Format("15:04"))
}

// localDateTime is a day in words and a time, in the interface language.
func (s *Server) localDateTime(l *uiLang, t time.Time) string {
	return l.tr.T("date.at", l.tr.Date(t.In(s.loc)), t.In(s.loc).Format("15:04"))
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "notfound", s.ui(r).T("notfound.title"), nil)
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	s.render(w, r, status, "error", s.ui(r).T("error.title"), message)
}

// pathID parses a positive decimal ID from a URL segment.
func pathID(seg string) (int64, bool) {
	id, err := strconv.ParseInt(seg, 10, 64)
	return id, err == nil && id > 0
}
