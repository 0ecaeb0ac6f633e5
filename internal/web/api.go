package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"revue"
)

const (
	apiDefaultLimit = 50
	apiMaxLimit     = 500
)

type apiError struct {
	Error string `json:"error"`
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.ErrorContext(r.Context(), "encoding a JSON answer", "path", r.URL.Path, "err", err)
		status = http.StatusInternalServerError
		body = []byte(`{"error":"the server could not encode its answer"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func (s *Server) jsonError(w http.ResponseWriter, r *http.Request, status int, format string, args ...any) {
	s.writeJSON(w, r, status, apiError{Error: fmt.Sprintf(format, args...)})
}

// storeFailed answers 500 without leaking internals; the log has the details.
func (s *Server) storeFailed(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.log.ErrorContext(r.Context(), what, "path", r.URL.Path, "err", err)
	s.jsonError(w, r, http.StatusInternalServerError, "%s failed; try again later", what)
}

func (s *Server) apiArticles(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("q") != "" {
		s.apiSearch(w, r)
		return
	}
	q, err := parseArticleQuery(r)
	if err != nil {
		s.jsonError(w, r, http.StatusBadRequest, "%v", err)
		return
	}
	page, err := s.store.ListArticles(r.Context(), q)
	if err != nil {
		s.storeFailed(w, r, "listing articles", err)
		return
	}
	out := List[Article]{Items: make([]Article, 0, len(page.Items)), Next: page.Next.String()}
	for _, a := range page.Items {
		out.Items = append(out.Items, ArticleJSON(limitArticle(a, s.republish), s.baseURL))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

// parseArticleQuery reads the list parameters; a limit above 500 is
// lowered to 500, anything unreadable is an error for the client.
func parseArticleQuery(r *http.Request) (revue.ArticleQuery, error) {
	v := r.URL.Query()
	q := revue.ArticleQuery{
		Limit:   apiDefaultLimit,
		Section: v.Get("section"),
		Region:  v.Get("region"),
	}
	// lang=fr,ar asks for several article languages; lang=fr stays the
	// exact filter it always was.
	if langs := articleLangs(v.Get("lang")); len(langs) == 1 {
		q.Lang = langs[0]
	} else {
		q.Langs = langs
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, fmt.Errorf("limit %q is not a whole number from 1 to %d", s, apiMaxLimit)
		}
		q.Limit = min(n, apiMaxLimit)
	}
	c, err := revue.ParseCursor(v.Get("cursor"))
	if err != nil {
		return q, err
	}
	q.Cursor = c
	for name, dst := range map[string]*int64{"source": &q.SourceID, "story": &q.StoryID} {
		s := v.Get(name)
		if s == "" {
			continue
		}
		id, ok := pathID(s)
		if !ok {
			return q, fmt.Errorf("%s %q is not a positive ID", name, s)
		}
		*dst = id
	}
	return q, nil
}

func (s *Server) apiArticle(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.jsonError(w, r, http.StatusBadRequest, "article ID %q is not a positive number", r.PathValue("id"))
		return
	}
	a, err := s.store.GetArticle(r.Context(), id)
	if errors.Is(err, revue.ErrNotFound) {
		s.jsonError(w, r, http.StatusNotFound, "no article %d", id)
		return
	}
	if err != nil {
		s.storeFailed(w, r, "loading the article", err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, ArticleJSON(limitArticle(a, s.republish), s.baseURL))
}

type storyJSON struct {
	ID    int64     `json:"id"`
	Items []Article `json:"items"`
}

// maxStoryArticles bounds one story answer; real stories are far smaller.
const maxStoryArticles = 2000

func (s *Server) apiStory(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.jsonError(w, r, http.StatusBadRequest, "story ID %q is not a positive number", r.PathValue("id"))
		return
	}
	out := storyJSON{ID: id, Items: []Article{}}
	q := revue.ArticleQuery{StoryID: id, Limit: apiMaxLimit}
	for {
		page, err := s.store.ListArticles(r.Context(), q)
		if err != nil {
			s.storeFailed(w, r, "listing the story's articles", err)
			return
		}
		for _, a := range page.Items {
			out.Items = append(out.Items, ArticleJSON(limitArticle(a, s.republish), s.baseURL))
		}
		if page.Next.IsZero() || len(out.Items) >= maxStoryArticles {
			break
		}
		q.Cursor = page.Next
	}
	if len(out.Items) == 0 {
		s.jsonError(w, r, http.StatusNotFound, "no story %d", id)
		return
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiTicker(w http.ResponseWriter, r *http.Request) {
	items, err := s.store.Ticker(r.Context(), tickerSize)
	if err != nil {
		s.storeFailed(w, r, "loading the ticker", err)
		return
	}
	out := struct {
		Items []Article `json:"items"`
	}{Items: make([]Article, 0, len(items))}
	for _, a := range items {
		out.Items = append(out.Items, ArticleJSON(limitArticle(a, s.republish), s.baseURL))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	sources, err := s.store.ListSources(r.Context())
	if err != nil {
		s.storeFailed(w, r, "listing sources", err)
		return
	}
	out := struct {
		Items []Source `json:"items"`
	}{Items: make([]Source, 0, len(sources))}
	for _, src := range sources {
		out.Items = append(out.Items, SourceJSON(src))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.jsonError(w, r, http.StatusNotFound, "no API endpoint %s %s", r.Method, r.URL.Path)
}

// articleLangs reads a comma-separated list of article languages, leaving
// out empty items and repeats.
func articleLangs(list string) []string {
	var out []string
	for l := range strings.SplitSeq(list, ",") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}
