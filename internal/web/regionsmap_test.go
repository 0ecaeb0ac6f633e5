package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"revue"
)

// regionWeek is the overview's fixture: articles per region on each of the
// seven days up to testNow (oldest first), chosen so that every shade of
// the scale and the zero shade appear.
var regionWeek = map[string][7]int{
	"casablanca-settat":    {9, 12, 10, 14, 11, 13, 11}, // 80
	"rabat-sale-kenitra":   {4, 5, 2, 6, 3, 4, 1},       // 25
	"souss-massa":          {0, 2, 1, 0, 3, 0, 2},       // 8
	"oriental":             {0, 0, 1, 0, 0, 1, 1},       // 3
	"dakhla-oued-ed-dahab": {0, 0, 0, 0, 0, 0, 1},       // 1
}

// seedRegionWeek stores regionWeek, plus what the overview must not count:
// an article of the eighth day back, one with an estimated date, one with
// no region. On each day Rabat-Salé-Kénitra has articles, one of them is
// also one of Casablanca-Settat's: an article in two regions counts in both.
func seedRegionWeek(t *testing.T, e *testEnv) {
	t.Helper()
	src := e.addSource(t, "Le Matin", "fr")
	today := testNow.UTC().Truncate(24 * time.Hour)
	var articles []revue.Article
	add := func(key string, at time.Time, regions ...string) *revue.Article {
		articles = append(articles, revue.Article{
			URL: "https://lematin.example/" + key, Title: "Dépêche " + key, Lang: "fr",
			PublishedAt: at, Regions: regions,
		})
		return &articles[len(articles)-1]
	}
	for slug, days := range regionWeek {
		for d, n := range days {
			day := today.Add(time.Duration(d-6) * 24 * time.Hour)
			for i := range n {
				regions := []string{slug}
				switch {
				case slug == "rabat-sale-kenitra" && i == 0:
					continue // Casablanca's first of the day is this one
				case slug == "casablanca-settat" && i == 0 && regionWeek["rabat-sale-kenitra"][d] > 0:
					regions = append(regions, "rabat-sale-kenitra")
				}
				add(fmt.Sprintf("%s-%d-%d", slug, d, i), day.Add(time.Duration(i)*time.Minute+time.Hour), regions...)
			}
		}
	}
	add("eighth-day", today.Add(-7*24*time.Hour+23*time.Hour), "guelmim-oued-noun")
	add("no-region", today.Add(time.Hour))
	add("estimated", today.Add(2*time.Hour), "guelmim-oued-noun").DateEstimated = true
	e.save(t, src, articles...)
}

func TestRegionsOverview(t *testing.T) {
	e := newEnv(t)
	seedRegionWeek(t, e)
	resp := e.get(t, "/regions")
	if resp.status != http.StatusOK {
		t.Fatalf("GET /regions: %d\n%s", resp.status, resp.body)
	}
	doc := parseHTML(t, resp.body)

	svgs := findAll(doc, func(n *html.Node) bool { return n.Data == "svg" && attr(n, "aria-labelledby") == "regions-map-title" })
	if len(svgs) != 1 || attr(svgs[0], "dir") != "ltr" {
		t.Fatalf("want one map <svg dir=\"ltr\">, got %d", len(svgs))
	}
	links := findAll(svgs[0], func(n *html.Node) bool { return n.Data == "a" })
	if len(links) != 12 {
		t.Fatalf("the map has %d region links, want 12", len(links))
	}
	shades := map[string]int{}
	for _, a := range links {
		slug := attr(a, "data-region")
		if href := attr(a, "href"); href != "/regions/"+slug {
			t.Errorf("region %s links to %q", slug, href)
		}
		paths := findAll(a, func(n *html.Node) bool { return n.Data == "path" })
		titles := findAll(a, func(n *html.Node) bool { return n.Data == "title" })
		if len(paths) != 1 || len(titles) != 1 || !strings.HasPrefix(attr(paths[0], "d"), "M") {
			t.Errorf("region %s: want one <title> and one drawn <path>", slug)
			continue
		}
		week := 0
		for _, n := range regionWeek[slug] {
			week += n
		}
		if label := attr(a, "aria-label"); label != visibleText(titles[0]) || !strings.HasSuffix(label, fmt.Sprintf(" : %d article", week)) && !strings.HasSuffix(label, fmt.Sprintf(" : %d articles", week)) {
			t.Errorf("region %s: aria-label %q, title %q; want its name and %d articles", slug, label, visibleText(titles[0]), week)
		}
		class := attr(paths[0], "class")
		shade, err := strconv.Atoi(strings.TrimPrefix(class, "shade-"))
		if err != nil {
			t.Errorf("region %s: class %q is not a shade", slug, class)
		}
		shades[slug] = shade
	}
	// 80 is the top of a logarithmic scale of five shades: 1 → 1, 2–4 → 2,
	// 5–12 → 3, 13–32 → 4, 33–80 → 5; no article → 0.
	want := map[string]int{"casablanca-settat": 5, "rabat-sale-kenitra": 4, "souss-massa": 3, "oriental": 2, "dakhla-oued-ed-dahab": 1,
		"guelmim-oued-noun": 0, "tanger-tetouan-al-hoceima": 0}
	for slug, w := range want {
		if shades[slug] != w {
			t.Errorf("region %s has shade %d, want %d (all: %v)", slug, shades[slug], w, shades)
		}
	}

	// The table: most articles first, with each region's seven days.
	rows := findAll(doc, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-region") != "" })
	if len(rows) != 12 {
		t.Fatalf("the table has %d regions, want 12", len(rows))
	}
	var order []string
	for _, row := range rows {
		order = append(order, attr(row, "data-region"))
	}
	if !slices.Equal(order[:5], []string{"casablanca-settat", "rabat-sale-kenitra", "souss-massa", "oriental", "dakhla-oued-ed-dahab"}) {
		t.Errorf("table order %v, want most articles first", order)
	}
	for _, row := range rows {
		slug := attr(row, "data-region")
		days := regionWeek[slug]
		polylines := findAll(row, func(n *html.Node) bool { return n.Data == "polyline" })
		if len(polylines) != 1 {
			t.Errorf("%s: %d sparklines", slug, len(polylines))
			continue
		}
		points := strings.Fields(attr(polylines[0], "points"))
		if len(points) != 7 {
			t.Errorf("%s: sparkline of %d points, want 7", slug, len(points))
			continue
		}
		// Higher counts are drawn higher (smaller y); equal ones level.
		ys := make([]float64, 7)
		for i, p := range points {
			_, y, _ := strings.Cut(p, ",")
			ys[i], _ = strconv.ParseFloat(y, 64)
		}
		for i := range 7 {
			for j := range 7 {
				if (days[i] > days[j]) != (ys[i] < ys[j]) {
					t.Errorf("%s: day %d (%d articles) at y=%v, day %d (%d) at y=%v", slug, i, days[i], ys[i], j, days[j], ys[j])
				}
			}
		}
		var words []string
		for _, n := range days {
			words = append(words, strconv.Itoa(n))
		}
		titles := findAll(row, func(n *html.Node) bool { return n.Data == "title" })
		if len(titles) != 1 || !strings.HasSuffix(visibleText(titles[0]), " : "+strings.Join(words, ", ")) {
			t.Errorf("%s: sparkline title should list the days' counts %v", slug, words)
		}
	}
	for _, c := range []struct{ slug, name, count string }{
		{"casablanca-settat", "Casablanca-Settat", "80"},
		{"guelmim-oued-noun", "Guelmim-Oued Noun", "0"},
	} {
		row := rows[slices.Index(order, c.slug)]
		cells := findAll(row, func(n *html.Node) bool { return n.Data == "th" || n.Data == "td" })
		if len(cells) != 3 || visibleText(cells[0]) != c.name || visibleText(cells[1]) != c.count {
			t.Errorf("%s's row does not say %s, %s", c.slug, c.name, c.count)
		}
	}
	if text := visibleText(doc); !strings.Contains(text, "OpenStreetMap") || !strings.Contains(text, "ODbL") {
		t.Error("the page does not credit the boundaries' source and licence")
	}
	legend := findAll(doc, func(n *html.Node) bool { return n.Data == "ul" && attr(n, "class") == "map-legend" })
	if len(legend) != 1 {
		t.Fatal("no legend")
	}
	if got := visibleText(legend[0]); got != "aucun 1 2 à 4 5 à 12 13 à 32 33 à 80" {
		t.Errorf("legend %q", got)
	}
}

func TestRegionsOverviewLinks(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ path, want string }{
		{"/", `href="/regions"`},
		{"/regions/oriental", `<a href="/regions">`},
	} {
		resp := e.get(t, tc.path)
		if resp.status != http.StatusOK || !strings.Contains(resp.body, tc.want) {
			t.Errorf("GET %s: %d; want a link %s", tc.path, resp.status, tc.want)
		}
	}
	if resp := e.get(t, "/sections/economie"); strings.Contains(resp.body, `<a href="/regions">`) {
		t.Error("a section's page links to the regional map")
	}
	// With no article at all, every region is in the zero shade.
	resp := e.get(t, "/regions")
	if resp.status != http.StatusOK || strings.Count(resp.body, `class="shade-0"`) != 12 {
		t.Errorf("GET /regions on an empty store: %d, %d regions in shade 0", resp.status, strings.Count(resp.body, `class="shade-0"`))
	}
}

func TestShadeScale(t *testing.T) {
	for _, tc := range []struct{ count, top, want int }{
		{0, 0, 0}, {0, 10, 0}, {1, 1, 5}, {1, 2, 4}, {2, 2, 5},
		{1, 80, 1}, {80, 80, 5}, {81, 80, 5}, {-1, 5, 0},
	} {
		if got := shadeOf(tc.count, tc.top); got != tc.want {
			t.Errorf("shadeOf(%d, %d) = %d, want %d", tc.count, tc.top, got, tc.want)
		}
	}
	for top := 1; top < 2000; top++ {
		prev := 0
		for k := 1; k <= shadeClasses; k++ {
			last := lastOfShade(k, top)
			if last < prev || (last > 0 && shadeOf(last, top) > k) || (last < top && shadeOf(last+1, top) <= k) {
				t.Fatalf("lastOfShade(%d, %d) = %d", k, top, last)
			}
			prev = last
		}
		if prev != top {
			t.Fatalf("top %d: the last shade ends at %d", top, prev)
		}
	}
}

// TestRegionsOverviewCountsOncePerMinute checks the overview's counts are
// read again only when the minute turns.
func TestRegionsOverviewCountsOncePerMinute(t *testing.T) {
	var now atomic.Int64
	now.Store(testNow.UnixNano())
	e := newEnv(t, func(c *Config) { c.Now = func() time.Time { return time.Unix(0, now.Load()).UTC() } })
	src := e.addSource(t, "Le Matin", "fr")
	orientalCount := func() string {
		t.Helper()
		resp := e.get(t, "/regions")
		doc := parseHTML(t, resp.body)
		for _, a := range findAll(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "data-region") == "oriental" }) {
			return attr(a, "data-articles")
		}
		t.Fatalf("GET /regions: %d, no Oriental on the map", resp.status)
		return ""
	}
	if got := orientalCount(); got != "0" {
		t.Fatalf("Oriental has %s articles on an empty store", got)
	}
	e.save(t, src, revue.Article{URL: "https://lematin.example/oujda", Title: "Oujda", Lang: "fr",
		PublishedAt: testNow.Add(-time.Hour), Regions: []string{"oriental"}})
	now.Store(testNow.Add(50 * time.Second).UnixNano())
	if got := orientalCount(); got != "0" {
		t.Errorf("within the minute, Oriental has %s articles; want the minute's count, 0", got)
	}
	now.Store(testNow.Add(time.Minute).UnixNano())
	if got := orientalCount(); got != "1" {
		t.Errorf("the next minute, Oriental has %s articles; want 1", got)
	}
}
