package storetest

import (
	"fmt"
	"testing"
	"time"

	"revue"
)

var regionVolumeTests = []storeTest{
	{"counts per region and UTC day", testRegionVolumes},
	{"a page's date replaces an estimated one", testRegionVolumesDatedLater},
}

// testRegionVolumes runs every range over one set of articles placed on
// the edges that matter: midnight UTC, the last microsecond of a day, an
// hour that is the next day in Casablanca but not in UTC, two regions at
// once, no region, an estimated date.
func testRegionVolumes(t *testing.T, st revue.Store) {
	ctx := t.Context()
	casablanca := time.FixedZone("Casablanca", 3600)
	day := time.Date(2021, 3, 15, 0, 0, 0, 0, time.UTC)
	next, after := day.Add(24*time.Hour), day.Add(48*time.Hour)
	src := mustAddSource(t, st, "Le Matin", t0)
	placed := []struct {
		key       string
		at        time.Time
		regions   []string
		estimated bool
	}{
		{"midnight", day, []string{"oriental"}, false},
		{"two-regions", day.Add(10 * time.Hour), []string{"oriental", "souss-massa"}, false},
		{"last-microsecond", next.Add(-time.Microsecond), []string{"souss-massa"}, false},
		// 00:30 in Casablanca on the 16th is 23:30 UTC on the 15th.
		{"casablanca-half-past-midnight", time.Date(2021, 3, 16, 0, 30, 0, 0, casablanca), []string{"oriental"}, false},
		{"next-midnight", next, []string{"oriental"}, false},
		{"next-day-two-regions", next.Add(5 * time.Hour), []string{"souss-massa", "dakhla-oued-ed-dahab"}, false},
		{"no-region", day.Add(3 * time.Hour), nil, false},
		{"estimated", day.Add(4 * time.Hour), []string{"oriental"}, true},
		{"before", day.Add(-time.Microsecond), []string{"oriental"}, false},
		{"at-the-end", after, []string{"oriental"}, false},
	}
	var articles []revue.Article
	for _, p := range placed {
		a := newArticle(p.key, p.at)
		a.Regions = p.regions
		a.DateEstimated = p.estimated
		articles = append(articles, a)
	}
	mustSave(t, st, src.ID, articles, t0)

	rd := func(region string, d time.Time, n int) revue.RegionDay {
		return revue.RegionDay{Region: region, Day: d, Articles: n}
	}
	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     []revue.RegionDay
	}{
		{"two days", day, after, []revue.RegionDay{
			rd("dakhla-oued-ed-dahab", next, 1),
			rd("oriental", day, 3), rd("oriental", next, 1),
			rd("souss-massa", day, 2), rd("souss-massa", next, 1),
		}},
		{"one day", day, next, []revue.RegionDay{rd("oriental", day, 3), rd("souss-massa", day, 2)}},
		// The same instants named in Casablanca's zone: the range is a
		// pair of instants, the days stay UTC days.
		{"bounds given in another zone", day.In(casablanca), next.In(casablanca), []revue.RegionDay{rd("oriental", day, 3), rd("souss-massa", day, 2)}},
		{"from is inclusive, to exclusive", after, after.Add(time.Hour), []revue.RegionDay{rd("oriental", after, 1)}},
		{"a range inside one day", day.Add(9 * time.Hour), day.Add(11 * time.Hour), []revue.RegionDay{rd("oriental", day, 1), rd("souss-massa", day, 1)}},
		{"nothing published", day.Add(-48 * time.Hour), day.Add(-24 * time.Hour), nil},
		{"an empty range", next, next, nil},
	} {
		got, err := st.RegionVolumes(ctx, tc.from, tc.to)
		if err != nil {
			t.Fatalf("%s: RegionVolumes: %v", tc.name, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: RegionVolumes(%v, %v) =\n  %v\nwant\n  %v", tc.name, tc.from, tc.to, got, tc.want)
		}
		for _, d := range got {
			if d.Day.Location() != time.UTC {
				t.Errorf("%s: day %v comes back in %v, want UTC", tc.name, d.Day, d.Day.Location())
			}
		}
	}
}

// testRegionVolumesDatedLater checks that an article leaves the estimated
// backlog, and counts on its real day, once its page gives a date.
func testRegionVolumesDatedLater(t *testing.T, st revue.Store) {
	ctx := t.Context()
	day := time.Date(2021, 3, 15, 0, 0, 0, 0, time.UTC)
	src := mustAddSource(t, st, "Le Matin", t0)
	a := pending("backlog", day.Add(20*time.Hour))
	a.Regions = []string{"fes-meknes"}
	a.DateEstimated = true
	saved := mustSave(t, st, src.ID, []revue.Article{a}, t0)
	if got, err := st.RegionVolumes(ctx, day, day.Add(48*time.Hour)); err != nil || len(got) != 0 {
		t.Fatalf("RegionVolumes with only an estimated date = %v, %v; want nothing", got, err)
	}
	jobs, err := st.ClaimPages(ctx, "worker-1", t0, time.Minute, 10)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("ClaimPages = %v, %v; want the one article", jobs, err)
	}
	pageDate := day.Add(-2 * time.Hour) // the 14th, 22:00 UTC
	if err := st.RecordPage(ctx, revue.PageOutcome{ArticleID: saved[0].ID, Worker: "worker-1", At: t0,
		Text: "Texte.", PublishedAt: pageDate}); err != nil {
		t.Fatal(err)
	}
	got, err := st.RegionVolumes(ctx, day.Add(-24*time.Hour), day.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []revue.RegionDay{{Region: "fes-meknes", Day: day.Add(-24 * time.Hour), Articles: 1}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("RegionVolumes after the page's date = %v, want %v", got, want)
	}
}
