package chart

import (
	"encoding/xml"
	"fmt"
	"slices"
	"testing"
)

// These tests pin the geometry the other tests only compare in ratios:
// where each bar part, grid line, label and legend key stands. They were
// written for the mutants `scripts/mutation ./internal/chart` left alive.

type geomDoc struct {
	ViewBox string `xml:"viewBox,attr"`
	Width   string `xml:"width,attr"`
	Height  string `xml:"height,attr"`
	Lines   []struct {
		Y1 string `xml:"y1,attr"`
		X2 string `xml:"x2,attr"`
	} `xml:"line"`
	Rects []struct {
		X      string `xml:"x,attr"`
		Y      string `xml:"y,attr"`
		Width  string `xml:"width,attr"`
		Height string `xml:"height,attr"`
		Title  string `xml:"title"`
	} `xml:"rect"`
	Texts []struct {
		X    string `xml:"x,attr"`
		Y    string `xml:"y,attr"`
		Text string `xml:",chardata"`
	} `xml:"text"`
}

func parseGeom(t *testing.T, svg string) geomDoc {
	t.Helper()
	var d geomDoc
	if err := xml.Unmarshal([]byte(svg), &d); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, svg)
	}
	return d
}

// TestBarsGeometry draws two labels and two series on the default canvas:
// 720×240, one legend row of 18, so the plot is 668 wide (44 left, 8
// right) and 188 high (10 top, 24 bottom); the tallest stack is 3, so
// the scale tops at 4 and one unit is 47 high. Each of the two columns is
// 334 wide, its bar 70 % of that (233.8), centred (50.1 on each side).
func TestBarsGeometry(t *testing.T) {
	d := parseGeom(t, Bars{
		Labels: []string{"a", "b"},
		Series: []Series{{Name: "s1", Values: []float64{1, 3}}, {Name: "s2", Values: []float64{1}}},
	}.SVG())
	if d.ViewBox != "0 0 720 240" || d.Width != "720" || d.Height != "240" {
		t.Errorf("viewBox %q, %s×%s; want the default 720×240", d.ViewBox, d.Width, d.Height)
	}
	var bars, keys []string
	for _, r := range d.Rects {
		s := fmt.Sprintf("%s,%s %s×%s", r.X, r.Y, r.Width, r.Height)
		if r.Title != "" {
			bars = append(bars, s)
		} else {
			keys = append(keys, s)
		}
	}
	// Stacked from the plot's bottom (y 198) upwards.
	wantBars := []string{"94.1,151.0 233.8×47.0", "94.1,104.0 233.8×47.0", "428.1,57.0 233.8×141.0"}
	if !slices.Equal(bars, wantBars) {
		t.Errorf("bar parts %q, want %q", bars, wantBars)
	}
	// Legend keys: four a row, each a quarter of the width after the left
	// margin ((720−44)/4 = 169), 18 from the bottom plus 4.
	if wantKeys := []string{"44,226 10×10", "213,226 10×10"}; !slices.Equal(keys, wantKeys) {
		t.Errorf("legend keys %q, want %q", keys, wantKeys)
	}
	var texts []string
	for _, x := range d.Texts {
		texts = append(texts, fmt.Sprintf("%s@%s,%s", x.Text, x.X, x.Y))
	}
	wantTexts := []string{
		// Grid values, 4 above the line they name, from 0 at the bottom.
		"0@38,202.0", "1@38,155.0", "2@38,108.0", "3@38,61.0", "4@38,14.0",
		// Labels under the middle of their bar.
		"a@211.0,214.0", "b@545.0,214.0",
		// Legend names beside their key.
		"s1@58,235", "s2@227,235",
	}
	if !slices.Equal(texts, wantTexts) {
		t.Errorf("texts %q, want %q", texts, wantTexts)
	}
	var grid []string
	for _, l := range d.Lines {
		grid = append(grid, l.Y1+"→"+l.X2)
	}
	if want := []string{"198.0→712", "151.0→712", "104.0→712", "57.0→712", "10.0→712"}; !slices.Equal(grid, want) {
		t.Errorf("grid lines %q, want %q", grid, want)
	}
}

// Five series take two legend rows, which the plot makes room for.
func TestBarsLegendRows(t *testing.T) {
	var series []Series
	for i := range 5 {
		series = append(series, Series{Name: fmt.Sprint("s", i), Values: []float64{1}})
	}
	d := parseGeom(t, Bars{Width: 400, Height: 200, Labels: []string{"a"}, Series: series}.SVG())
	var keys []string
	for _, r := range d.Rects {
		if r.Title == "" {
			keys = append(keys, r.X+","+r.Y)
		}
	}
	// (400−44)/4 = 89 apart; rows at 200−36+4 and 200−18+4.
	want := []string{"44,168", "133,168", "222,168", "311,168", "44,186"}
	if !slices.Equal(keys, want) {
		t.Errorf("legend keys at %q, want %q", keys, want)
	}
	// The plot ends 24 + 36 above the bottom: its base line is at 140.
	if d.Lines[0].Y1 != "140.0" {
		t.Errorf("base grid line at %s, want 140.0", d.Lines[0].Y1)
	}
}

// niceCeil keeps a value already round: the scale tops at the tallest
// bar, not the next step.
func TestNiceCeilRoundValues(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{{4, 4}, {4.5, 5}, {10, 10}, {20, 20}, {40, 40}, {50, 50}, {100, 100}, {0.5, 4}} {
		if got := niceCeil(tc.in); got != tc.want {
			t.Errorf("niceCeil(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// number writes whole values without decimals and others with one.
func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{0, "0"}, {12, "12"}, {2.5, "2.5"}, {0.25, "0.2"}} {
		if got := number(tc.in); got != tc.want {
			t.Errorf("number(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A spark's default box is 84×22, and a size given is kept.
func TestSparkSize(t *testing.T) {
	for _, tc := range []struct {
		s    Spark
		want string
	}{
		{Spark{Values: []float64{1}}, "0 0 84 22"},
		{Spark{Values: []float64{1}, Width: 1, Height: 1}, "0 0 1 1"},
		{Spark{Values: []float64{1}, Width: -5, Height: -5}, "0 0 84 22"},
	} {
		if got := parseGeom(t, tc.s.SVG()).ViewBox; got != tc.want {
			t.Errorf("%+v: viewBox %q, want %q", tc.s, got, tc.want)
		}
	}
}

// Values past the last label are left out, not drawn past the plot.
func TestExtraValuesIgnored(t *testing.T) {
	d := parseGeom(t, Bars{Labels: []string{"a"}, Series: []Series{{Name: "s", Values: []float64{2, 50}}}}.SVG())
	bars := 0
	for _, r := range d.Rects {
		if r.Title != "" {
			bars++
		}
	}
	// The scale tops at 4 for the one value shown (2), not at 50.
	if bars != 1 || d.Texts[4].Text != "4" {
		t.Errorf("%d bars, top of the scale %q; want 1 bar and a scale to 4", bars, d.Texts[4].Text)
	}
}
