package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"revue"
	"revue/internal/defaults"
	"revue/internal/search"
	"revue/internal/textproc"
)

// searchLangs are the article languages the search form offers.
var searchLangs = []string{"fr", "ar", "es", "en"}

// searchRequest is a search as a reader or an API client asked for it.
type searchRequest struct {
	Text                          string // as typed
	Lang, Source, Section, Region string
	From, To                      string // YYYY-MM-DD, as typed
	Query                         revue.SearchQuery
	Plan                          search.Plan
}

// errBadSearch words what was wrong with a search's parameters.
var errBadSearch = errors.New("bad search")

// parseSearch reads q, lang, source, section, region, from and to (dates
// YYYY-MM-DD, to included) from v. The words are analyzed in the lang
// filter's language when there is one: those articles were indexed in it.
func (s *Server) parseSearch(v url.Values) (searchRequest, error) {
	req := searchRequest{
		Text:    strings.TrimSpace(v.Get("q")),
		Lang:    v.Get("lang"),
		Source:  v.Get("source"),
		Section: v.Get("section"),
		Region:  v.Get("region"),
		From:    v.Get("from"),
		To:      v.Get("to"),
	}
	req.Query = revue.SearchQuery{
		Query:   textproc.AnalyzeQuery(req.Text, req.Lang),
		Lang:    req.Lang,
		Section: req.Section,
		Region:  req.Region,
		Now:     s.now(),
	}
	req.Plan = search.PlanQuery(req.Query.Query)
	if req.Source != "" {
		id, ok := pathID(req.Source)
		if !ok {
			return req, fmt.Errorf("%w: source %q is not a positive ID", errBadSearch, req.Source)
		}
		req.Query.SourceID = id
	}
	for _, d := range []struct {
		name, value string
		dst         *time.Time
		shift       int
	}{{"from", req.From, &req.Query.From, 0}, {"to", req.To, &req.Query.To, 1}} {
		if d.value == "" {
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, d.value, s.loc)
		if err != nil {
			return req, fmt.Errorf("%w: %s %q is not a date written YYYY-MM-DD", errBadSearch, d.name, d.value)
		}
		*d.dst = day.AddDate(0, 0, d.shift) // "to" includes its whole day
	}
	return req, nil
}

// values is the request's filters as URL parameters, for links to its
// other pages.
func (req searchRequest) values() url.Values {
	v := url.Values{}
	for _, p := range [][2]string{{"q", req.Text}, {"lang", req.Lang}, {"source", req.Source},
		{"section", req.Section}, {"region", req.Region}, {"from", req.From}, {"to", req.To}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	return v
}

// snippet is the highlighted part of a's text (as the portal may show it)
// around the words the search matched.
func (s *Server) snippet(a revue.Article, plan search.Plan) template.HTML {
	a = limitArticle(a, s.republish)
	return search.Snippet(search.BodyText(a), a.Lang, plan)
}

// searchCursor encodes a search page's offset as the API's opaque cursor.
func searchCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("search." + strconv.Itoa(offset)))
}

func parseSearchCursor(token string) (int, error) {
	if token == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	rest, ok := strings.CutPrefix(string(raw), "search.")
	offset, convErr := strconv.Atoi(rest)
	if err != nil || !ok || convErr != nil || offset < 0 {
		return 0, fmt.Errorf("%w: cursor %q is not one this server made for a search", errBadSearch, token)
	}
	return offset, nil
}

// searchResult is one result of the search page.
type searchResult struct {
	articleView
	Snippet template.HTML
}

type searchOption struct {
	Value, Name string
	Selected    bool
}

// searchBody is the search page.
type searchBody struct {
	Text, Section, From, To string
	Langs, Sources, Regions []searchOption
	Sections                []searchOption
	Searched                bool // a query with words was given
	Results                 []searchResult
	Next, Prev              string
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	l := s.lang(r)
	ui := l.tr
	req, err := s.parseSearch(r.URL.Query())
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, ui.T("search.badrequest"))
		return
	}
	pageNo := 1
	if p := r.URL.Query().Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || (n-1)*pageSize >= revue.SearchCandidates {
			s.renderError(w, r, http.StatusBadRequest, ui.T("search.badrequest"))
			return
		}
		pageNo = n
	}
	body := searchBody{Text: req.Text, Section: req.Section, From: req.From, To: req.To}
	for _, code := range searchLangs {
		body.Langs = append(body.Langs, searchOption{Value: code, Name: s.langName(l, code), Selected: code == req.Lang})
	}
	for _, slug := range s.sections {
		body.Sections = append(body.Sections, searchOption{Value: slug, Name: s.sectionName(l, slug), Selected: slug == req.Section})
	}
	for _, slug := range defaults.MoroccanRegions() {
		body.Regions = append(body.Regions, searchOption{Value: slug, Name: s.regionName(l, slug), Selected: slug == req.Region})
	}
	sources, err := s.store.ListSources(r.Context())
	if err != nil {
		s.log.WarnContext(r.Context(), "listing sources for the search form", "err", err)
	}
	for _, src := range sources {
		id := strconv.FormatInt(src.ID, 10)
		body.Sources = append(body.Sources, searchOption{Value: id, Name: src.Name, Selected: id == req.Source})
	}

	title := ui.T("search.title")
	if !req.Plan.Empty() {
		body.Searched = true
		title = ui.T("search.heading", req.Text)
		req.Query.Limit, req.Query.Offset = pageSize, (pageNo-1)*pageSize
		page, err := s.store.SearchArticles(r.Context(), req.Query)
		if err != nil {
			s.log.ErrorContext(r.Context(), "searching articles", "path", r.URL.Path, "err", err)
			s.renderError(w, r, http.StatusInternalServerError, ui.T("error.body"))
			return
		}
		for _, h := range page.Hits {
			body.Results = append(body.Results, searchResult{articleView: s.listItemView(l, h.Article), Snippet: s.snippet(h.Article, req.Plan)})
		}
		link := func(n int) string {
			v := req.values()
			if n > 1 {
				v.Set("page", strconv.Itoa(n))
			}
			return "/search?" + v.Encode()
		}
		if page.HasMore {
			body.Next = link(pageNo + 1)
		}
		if pageNo > 1 {
			body.Prev = link(pageNo - 1)
		}
	}
	s.render(w, r, http.StatusOK, "search", title, body)
}

// SearchResult is an article in search results (API, `revue search
// --json`): the listing's fields, the highlighted snippet (HTML) and the
// score (higher is better, comparable within one search only).
type SearchResult struct {
	Article
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
}

// SearchResultJSON converts a search hit, shown as the portal may show it
// under republishing mode portalDefault ("" for the whole text); plan is
// what the search matched, for the snippet.
func SearchResultJSON(h revue.SearchHit, plan search.Plan, baseURL, portalDefault string) SearchResult {
	a := limitArticle(h.Article, portalDefault)
	return SearchResult{
		Article: ArticleJSON(a, baseURL),
		Snippet: string(search.Snippet(search.BodyText(a), a.Lang, plan)),
		Score:   h.Score,
	}
}

// apiSearch answers /api/v1/articles?q=: the listing's envelope, best
// match first.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	req, err := s.parseSearch(v)
	if err != nil {
		s.jsonError(w, r, http.StatusBadRequest, "%v", err)
		return
	}
	req.Query.Limit = apiDefaultLimit
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			s.jsonError(w, r, http.StatusBadRequest, "limit %q is not a whole number from 1 to %d", l, apiMaxLimit)
			return
		}
		req.Query.Limit = min(n, apiMaxLimit)
	}
	if req.Query.Offset, err = parseSearchCursor(v.Get("cursor")); err != nil {
		s.jsonError(w, r, http.StatusBadRequest, "%v", err)
		return
	}
	page, err := s.store.SearchArticles(r.Context(), req.Query)
	if err != nil {
		s.storeFailed(w, r, "searching articles", err)
		return
	}
	out := List[SearchResult]{Items: make([]SearchResult, 0, len(page.Hits))}
	for _, h := range page.Hits {
		out.Items = append(out.Items, SearchResultJSON(h, req.Plan, s.baseURL, s.republish))
	}
	if page.HasMore {
		out.Next = searchCursor(req.Query.Offset + len(page.Hits))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}
