package chart

import (
	"encoding/xml"
	"strings"
	"testing"
)

type sparkDoc struct {
	XMLName   xml.Name `xml:"svg"`
	Label     string   `xml:"aria-label,attr"`
	Title     string   `xml:"title"`
	Polylines []struct {
		Points string `xml:"points,attr"`
	} `xml:"polyline"`
	Circles []struct {
		CX string `xml:"cx,attr"`
		CY string `xml:"cy,attr"`
	} `xml:"circle"`
}

func TestSpark(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []float64
		// points are the polyline's, on the default 84×22 box (3 of
		// padding: x from 3 to 81, y from 19 at 0 up to 3 at the top).
		points string
	}{
		{"a week", []float64{0, 2, 4, 1, 0, 3, 4}, "3.0,19.0 16.0,11.0 29.0,3.0 42.0,15.0 55.0,19.0 68.0,7.0 81.0,3.0"},
		{"nothing all week lies on the baseline", []float64{0, 0, 0}, "3.0,19.0 42.0,19.0 81.0,19.0"},
		{"a steady trickle stays a line at the top, from 0", []float64{1, 1}, "3.0,3.0 81.0,3.0"},
		{"one day", []float64{5}, "42.0,3.0"},
		{"a negative value is drawn as 0", []float64{-2, 2}, "3.0,19.0 81.0,3.0"},
	} {
		svg := Spark{Title: "Oriental <7 jours> : " + tc.name, Values: tc.values}.SVG()
		var d sparkDoc
		if err := xml.Unmarshal([]byte(svg), &d); err != nil {
			t.Fatalf("%s: not well-formed XML: %v\n%s", tc.name, err, svg)
		}
		if want := "Oriental <7 jours> : " + tc.name; d.Title != want || d.Label != want {
			t.Errorf("%s: title %q, label %q; want %q", tc.name, d.Title, d.Label, want)
		}
		if len(d.Polylines) != 1 || d.Polylines[0].Points != tc.points {
			t.Errorf("%s: polylines %+v, want points %q", tc.name, d.Polylines, tc.points)
			continue
		}
		last := tc.points[strings.LastIndex(tc.points, " ")+1:]
		if len(d.Circles) != 1 || d.Circles[0].CX+","+d.Circles[0].CY != last {
			t.Errorf("%s: end dot %+v, want at %s", tc.name, d.Circles, last)
		}
	}
	if svg := (Spark{Title: "vide"}).SVG(); strings.Contains(svg, "polyline") {
		t.Errorf("no values drew a line: %s", svg)
	}
}
