package regionmap

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// designSlugs are Morocco's twelve regions as DESIGN.md names them.
var designSlugs = []string{
	"tanger-tetouan-al-hoceima", "oriental", "fes-meknes", "rabat-sale-kenitra", "beni-mellal-khenifra",
	"casablanca-settat", "marrakech-safi", "draa-tafilalet", "souss-massa", "guelmim-oued-noun",
	"laayoune-sakia-el-hamra", "dakhla-oued-ed-dahab",
}

func TestMorocco(t *testing.T) {
	m, err := Morocco(400)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	byslug := map[string]Region{}
	for _, r := range m.Regions {
		slugs = append(slugs, r.Slug)
		byslug[r.Slug] = r
		if r.MinX < 0 || r.MinY < 0 || r.MaxX > m.Width || r.MaxY > m.Height || r.MaxX-r.MinX < 2 || r.MaxY-r.MinY < 2 {
			t.Errorf("%s spans (%.1f,%.1f)–(%.1f,%.1f), want a visible box inside the %vx%v canvas", r.Slug, r.MinX, r.MinY, r.MaxX, r.MaxY, m.Width, m.Height)
		}
		if !strings.HasPrefix(r.Path, "M") || !strings.HasSuffix(r.Path, "Z") || strings.Count(r.Path, "L") < 20 {
			t.Errorf("%s: path %.60q… is not a closed outline of some detail", r.Slug, r.Path)
		}
	}
	slices.Sort(slugs)
	want := slices.Sorted(slices.Values(designSlugs))
	if !slices.Equal(slugs, want) {
		t.Fatalf("regions %v, want DESIGN.md's twelve %v", slugs, want)
	}
	// From Cap Spartel (35.8°N) to Lagouira (20.8°N) and from 17°W to 1°W,
	// in Mercator: a little taller than wide.
	if ratio := m.Height / m.Width; ratio < 1 || ratio > 1.2 {
		t.Errorf("canvas %vx%v: Morocco's twelve regions are a little taller than wide", m.Width, m.Height)
	}
	// Geography, not its mirror image: east is right, north is up.
	for _, c := range []struct{ west, east string }{
		{"souss-massa", "draa-tafilalet"},
		{"rabat-sale-kenitra", "fes-meknes"},
		{"fes-meknes", "oriental"},
		{"dakhla-oued-ed-dahab", "draa-tafilalet"},
	} {
		if w, e := byslug[c.west], byslug[c.east]; (w.MinX+w.MaxX)/2 >= (e.MinX+e.MaxX)/2 {
			t.Errorf("%s is drawn east of %s", c.west, c.east)
		}
	}
	for _, c := range []struct{ north, south string }{
		{"tanger-tetouan-al-hoceima", "rabat-sale-kenitra"},
		{"casablanca-settat", "marrakech-safi"},
		{"guelmim-oued-noun", "laayoune-sakia-el-hamra"},
		{"laayoune-sakia-el-hamra", "dakhla-oued-ed-dahab"},
	} {
		if n, s := byslug[c.north], byslug[c.south]; (n.MinY+n.MaxY)/2 >= (s.MinY+s.MaxY)/2 {
			t.Errorf("%s is drawn south of %s", c.north, c.south)
		}
	}
}

func TestProject(t *testing.T) {
	for _, tc := range []struct {
		name, geojson, err string
	}{
		{"one square", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}}]}`, ""},
		{"a multipolygon with a hole", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"slug":"a"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[4,2],[4,4],[2,2]]],[[[20,0],[21,0],[21,1],[20,0]]]]}}]}`, ""},
		{"not JSON", `{"type":`, "reading GeoJSON"},
		{"a bare feature", `{"type":"Feature"}`, "want a FeatureCollection"},
		{"no feature", `{"type":"FeatureCollection","features":[]}`, "no feature"},
		{"no slug", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,0]]]}}]}`, `no "slug"`},
		{"twice the same region", `{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,0]]]}},{"properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`, `two features are region "a"`},
		{"a point", `{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"Point","coordinates":[0,0]}}]}`, `is a "Point"`},
		{"an open ring", `{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10]]]}}]}`, "ring of 3 positions"},
		{"projected metres", `{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[100000,0],[100000,100000],[0,0]]]}}]}`, "not a longitude and latitude"},
		{"a flat region", `{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[5,0],[0,0]]]}}]}`, "no extent"},
	} {
		m, err := Project([]byte(tc.geojson), 100)
		if tc.err == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: Project = %+v, %v; want an error saying %q", tc.name, m, err, tc.err)
		}
	}
}

func TestProjectFitsTheCanvas(t *testing.T) {
	m, err := Project([]byte(`{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}}]}`), 100)
	if err != nil {
		t.Fatal(err)
	}
	r := m.Regions[0]
	// The square's west edge is at the margin, its east edge at the
	// other margin, its north edge (latitude 10) at the top; Mercator
	// stretches it a little north to south (92.47 for 92 wide), and the
	// height is rounded up.
	if r.MinX != margin || r.MaxX != 100-margin || r.MinY != margin || m.Height != 101 || r.MaxY > m.Height-margin {
		t.Errorf("square spans (%v,%v)–(%v,%v) on a %vx%v canvas", r.MinX, r.MinY, r.MaxX, r.MaxY, m.Width, m.Height)
	}
	if want := "M4.0,96.5L96.0,96.5L96.0,4.0L4.0,4.0Z"; r.Path != want {
		t.Errorf("path %q, want %q", r.Path, want)
	}
}

func FuzzProject(f *testing.F) {
	// One real region, not the whole file: with a 31 KB seed the fuzzing
	// engine stalls (no executions after the first seconds).
	var shipped struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(moroccoGeoJSON, &shipped); err != nil {
		f.Fatal(err)
	}
	for _, feature := range shipped.Features {
		if strings.Contains(string(feature), `"casablanca-settat"`) {
			f.Add([]byte(`{"type":"FeatureCollection","features":[` + string(feature) + `]}`))
		}
	}
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[10,0],[10,10],[0,10],[0,0]]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,84.9],[10,-84.9],[10,10],[0,0]]]}}]}`))
	f.Fuzz(func(t *testing.T, geojson []byte) {
		m, err := Project(geojson, 300)
		if err != nil {
			return
		}
		for _, r := range m.Regions {
			if r.MinX < 0 || r.MaxX > m.Width+0.05 || r.MinY < 0 || r.MaxY > m.Height+0.05 || strings.ContainsAny(r.Path, "NI") {
				t.Fatalf("region %s outside the %vx%v canvas or not finite: (%v,%v)–(%v,%v) %q", r.Slug, m.Width, m.Height, r.MinX, r.MinY, r.MaxX, r.MaxY, r.Path)
			}
		}
	})
}
