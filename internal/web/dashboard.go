package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"revue"
	"revue/internal/chart"
)

// dashboardDays is how far back the dashboard's charts go.
const dashboardDays = 30

// chartSources is how many sources the articles chart names; the others
// are summed under one name.
const chartSources = 7

type dashboardBody struct {
	Facts    []fact
	Articles template.HTML // SVG
	Fetches  template.HTML // SVG
	Pending  int
	From, To string
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request, sess revue.AdminSession) {
	ctx := r.Context()
	to := s.now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	from := to.Add(-dashboardDays * 24 * time.Hour)
	articles, err := s.store.DailyArticles(ctx, from, to)
	if err != nil {
		s.dashboardFailed(w, r, err)
		return
	}
	fetches, err := s.store.DailyFetches(ctx, from, to)
	if err != nil {
		s.dashboardFailed(w, r, err)
		return
	}
	sources, err := s.store.ListSources(ctx)
	if err != nil {
		s.dashboardFailed(w, r, err)
		return
	}
	images, err := s.store.CountImages(ctx)
	if err != nil {
		s.dashboardFailed(w, r, err)
		return
	}
	enabled, failing := 0, 0
	for _, src := range sources {
		if src.Enabled {
			enabled++
			if src.ConsecutiveFailures > 0 {
				failing++
			}
		}
	}
	days := make([]time.Time, dashboardDays)
	labels := make([]string, dashboardDays)
	for i := range days {
		days[i] = from.Add(time.Duration(i) * 24 * time.Hour)
		labels[i] = days[i].Format("02/01")
	}
	body := dashboardBody{
		Facts: []fact{
			{s.tr.T("admin.dash.sources"), fmt.Sprint(len(sources))},
			{s.tr.T("admin.dash.enabled"), fmt.Sprint(enabled)},
			{s.tr.T("admin.dash.failing"), fmt.Sprint(failing)},
			{s.tr.T("admin.dash.pending"), fmt.Sprint(images.Pending)},
			{s.tr.T("admin.dash.blocked"), fmt.Sprint(images.Blocked)},
		},
		Pending: images.Pending,
		From:    s.dateDMY(from),
		To:      s.dateDMY(to.Add(-time.Second)),
	}
	body.Articles = template.HTML(chart.Bars{Title: s.tr.T("admin.dash.articles"), Labels: labels,
		Series: s.articleSeries(articles, days)}.SVG())
	body.Fetches = template.HTML(chart.Bars{Title: s.tr.T("admin.dash.fetches"), Labels: labels,
		Series: s.fetchSeries(fetches, days)}.SVG())
	s.renderAdmin(w, r, http.StatusOK, "admin_dashboard", s.tr.T("admin.dash.title"), sess, body)
}

func (s *Server) dashboardFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "reading the dashboard's figures", "err", err)
	s.renderAdminError(w, r, http.StatusInternalServerError, s.tr.T("error.body"))
}

// articleSeries is one series per source among the chartSources that
// published most in the period, and one for all the others.
func (s *Server) articleSeries(counts []revue.SourceDay, days []time.Time) []chart.Series {
	type source struct {
		name   string
		total  int
		values []float64
	}
	index := func(day time.Time) int { return int(day.Sub(days[0]) / (24 * time.Hour)) }
	bySource := map[int64]*source{}
	for _, c := range counts {
		src := bySource[c.SourceID]
		if src == nil {
			src = &source{name: c.SourceName, values: make([]float64, len(days))}
			bySource[c.SourceID] = src
		}
		if i := index(c.Day); i >= 0 && i < len(days) {
			src.values[i] += float64(c.Articles)
			src.total += c.Articles
		}
	}
	all := make([]*source, 0, len(bySource))
	for _, src := range bySource {
		all = append(all, src)
	}
	slices.SortFunc(all, func(a, b *source) int { return cmp.Or(b.total-a.total, cmp.Compare(a.name, b.name)) })
	var out []chart.Series
	others := make([]float64, len(days))
	for i, src := range all {
		if i < chartSources {
			out = append(out, chart.Series{Name: src.name, Values: src.values})
			continue
		}
		for d, v := range src.values {
			others[d] += v
		}
	}
	if len(all) > chartSources {
		out = append(out, chart.Series{Name: s.tr.T("admin.dash.others", len(all)-chartSources), Values: others})
	}
	return out
}

// fetchSeries stacks failed fetches on successful ones.
func (s *Server) fetchSeries(counts []revue.FetchDay, days []time.Time) []chart.Series {
	ok := make([]float64, len(days))
	failed := make([]float64, len(days))
	for _, c := range counts {
		if i := int(c.Day.Sub(days[0]) / (24 * time.Hour)); i >= 0 && i < len(days) {
			ok[i] += float64(c.Fetches - c.Errors)
			failed[i] += float64(c.Errors)
		}
	}
	return []chart.Series{
		{Name: s.tr.T("admin.dash.fetch.failed"), Values: failed, Color: "#a3171f"},
		{Name: s.tr.T("admin.dash.fetch.ok"), Values: ok, Color: "#2f6d3a"},
	}
}
