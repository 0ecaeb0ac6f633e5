package web

import (
	"cmp"
	"context"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"revue"
	"revue/internal/chart"
)

// overviewDays is how far back the regional overview counts, today
// included.
const overviewDays = 7

// shadeClasses is how many shades of the map's sequential scale stand for
// one article or more; shade 0, apart from the scale, is no article.
const shadeClasses = 5

// regionMapWidth is the map's canvas in SVG units; CSS sizes it on screen.
const regionMapWidth = 360

type regionsBody struct {
	ViewBox string
	Regions []regionShape // the map, in the boundary file's order
	Rows    []regionRow   // the table, most articles first
	Legend  []legendKey
}

type regionShape struct {
	Slug, Path, Label string
	Href              string
	Shade             int
	Articles          int
}

type regionRow struct {
	Slug, Name, Href string
	Articles         string
	Shade            int
	Spark            template.HTML
}

type legendKey struct {
	Shade int
	Label string
}

// handleRegions is the regional overview: a map of the regions shaded by
// the week's articles, and a table with each region's daily trend that is
// also the map's text alternative.
func (s *Server) handleRegions(w http.ResponseWriter, r *http.Request) {
	l := s.lang(r)
	tr := l.tr
	today := s.now().UTC().Truncate(24 * time.Hour)
	from := today.Add(-(overviewDays - 1) * 24 * time.Hour)
	volumes, err := s.regionWeek.get(r.Context(), s.now(), func(ctx context.Context) ([]revue.RegionDay, error) {
		return s.store.RegionVolumes(ctx, from, today.Add(24*time.Hour))
	})
	if err != nil {
		s.log.ErrorContext(r.Context(), "counting the articles of each region", "err", err)
		s.renderError(w, r, http.StatusInternalServerError, tr.T("error.body"))
		return
	}
	daily := map[string][]float64{}
	for _, v := range volumes {
		day := int(v.Day.Sub(from) / (24 * time.Hour))
		if day < 0 || day >= overviewDays {
			continue
		}
		if daily[v.Region] == nil {
			daily[v.Region] = make([]float64, overviewDays)
		}
		daily[v.Region][day] += float64(v.Articles)
	}
	totals := map[string]int{}
	top := 0
	for _, m := range s.regionMap.Regions {
		for _, n := range daily[m.Slug] {
			totals[m.Slug] += int(n)
		}
		top = max(top, totals[m.Slug])
	}

	body := regionsBody{ViewBox: "0 0 " + strconv.FormatFloat(s.regionMap.Width, 'f', -1, 64) + " " + strconv.FormatFloat(s.regionMap.Height, 'f', -1, 64)}
	fromText, toText := l.tr.Date(from.In(s.loc)), l.tr.Date(today.In(s.loc))
	for _, m := range s.regionMap.Regions {
		name, n := s.regionName(l, m.Slug), totals[m.Slug]
		href := "/regions/" + url.PathEscape(m.Slug)
		shade := shadeOf(n, top)
		label := tr.T("regionsmap.articles", n, name)
		body.Regions = append(body.Regions, regionShape{Slug: m.Slug, Path: m.Path, Label: label, Href: href, Shade: shade, Articles: n})
		values := daily[m.Slug]
		if values == nil {
			values = make([]float64, overviewDays)
		}
		words := make([]string, len(values))
		for i, v := range values {
			words[i] = strconv.Itoa(int(v))
		}
		body.Rows = append(body.Rows, regionRow{
			Slug: m.Slug, Name: name, Href: href, Articles: strconv.Itoa(n), Shade: shade,
			Spark: template.HTML(chart.Spark{
				Title:  tr.T("regionsmap.trend", fromText, toText, strings.Join(words, ", ")),
				Values: values,
			}.SVG()),
		})
	}
	slices.SortStableFunc(body.Rows, func(a, b regionRow) int {
		na, _ := strconv.Atoi(a.Articles)
		nb, _ := strconv.Atoi(b.Articles)
		return cmp.Or(nb-na, strings.Compare(a.Name, b.Name))
	})
	body.Legend = append(body.Legend, legendKey{Shade: 0, Label: tr.T("regionsmap.legend.zero")})
	for k, lo := 1, 1; k <= shadeClasses && lo <= top; k++ {
		hi := lastOfShade(k, top)
		if hi < lo {
			continue // no whole count falls in this shade
		}
		label := strconv.Itoa(lo)
		if hi > lo {
			label = tr.T("regionsmap.legend.range", lo, hi)
		}
		body.Legend = append(body.Legend, legendKey{Shade: k, Label: label})
		lo = hi + 1
	}
	s.render(w, r, http.StatusOK, "regions", tr.T("regionsmap.title"), body)
}

// shadeOf places count on a logarithmic scale from 1 to top: news volumes
// are skewed (Casablanca and Rabat dwarf the south), and a linear scale
// would paint every other region in the lightest shade.
func shadeOf(count, top int) int {
	if count <= 0 || top <= 0 {
		return 0
	}
	k := int(math.Ceil(shadeClasses * math.Log1p(float64(count)) / math.Log1p(float64(top))))
	return min(max(k, 1), shadeClasses)
}

// lastOfShade is the largest count up to top whose shade is at most k.
func lastOfShade(k, top int) int {
	lo, hi := 0, top // shadeOf(lo) <= k always holds; find the last such
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if shadeOf(mid, top) <= k {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// minuteCache keeps the regional overview's counts for the minute they
// were read in. Counting a week reads every article of the week, which on
// a portal with hundreds of sources is tens of thousands of rows: one
// count a minute per process, shared by every reader, is enough for a map
// of a week, and a burst of readers at a minute's turn waits for one count.
type minuteCache struct {
	mu      sync.Mutex
	minute  time.Time
	volumes []revue.RegionDay
	flight  singleflight.Group
}

func (c *minuteCache) get(ctx context.Context, now time.Time, load func(context.Context) ([]revue.RegionDay, error)) ([]revue.RegionDay, error) {
	minute := now.UTC().Truncate(time.Minute)
	c.mu.Lock()
	if c.minute.Equal(minute) {
		v := c.volumes
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	v, err, _ := c.flight.Do(minute.Format(time.RFC3339), func() (any, error) {
		// The count outlives a reader who leaves: others may be waiting.
		v, err := load(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if minute.After(c.minute) {
			c.minute, c.volumes = minute, v
		}
		c.mu.Unlock()
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]revue.RegionDay), nil
}
