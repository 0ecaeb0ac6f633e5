package regionmap

import (
	"fmt"
	"strings"
	"testing"
)

// These tests pin the limits Project states, inclusive where the text says
// so; they were written for the mutants `scripts/mutation
// ./internal/web/regionmap` left alive.

func square(lon0, lat0, lon1, lat1 float64) []byte {
	return fmt.Appendf(nil, `{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}}]}`,
		lon0, lat0, lon1, lat0, lon1, lat1, lon0, lat1, lon0, lat0)
}

func TestProjectLimits(t *testing.T) {
	for _, tc := range []struct {
		name    string
		geojson []byte
		width   float64
		wantErr string
	}{
		{"the widest world", square(-180, -85, 180, 85), 100, ""},
		{"past the antimeridian", square(-180.5, 0, 10, 10), 100, "not a longitude and latitude"},
		{"past 180° east", square(0, 0, 180.5, 10), 100, "not a longitude and latitude"},
		{"too far south", square(0, -85.5, 10, 10), 100, "too near a pole"},
		{"too far north", square(0, 0, 10, 85.5), 100, "too near a pole"},
		{"just room to draw", square(0, 0, 10, 10), 8.5, ""},
		{"the margins alone", square(0, 0, 10, 10), 8, "leaves no room"},
		{"nothing wide", square(0, 0, 10, 10), 0, "leaves no room"},
	} {
		m, err := Project(tc.geojson, tc.width)
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: Project = %+v, %v; want an error saying %q", tc.name, m, err, tc.wantErr)
		}
	}
}

// A ring of exactly four positions (a triangle closed) is a ring.
func TestProjectTriangle(t *testing.T) {
	m, err := Project([]byte(`{"type":"FeatureCollection","features":[{"properties":{"slug":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,0]]]}}]}`), 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Regions[0].Path; strings.Count(got, "L") != 2 || !strings.HasSuffix(got, "Z") {
		t.Errorf("path %q, want a move, two lines and a close", got)
	}
}
