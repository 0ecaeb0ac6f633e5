package chart

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
)

type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	Title   string   `xml:"title"`
	Rects   []struct {
		Y      string `xml:"y,attr"`
		Height string `xml:"height,attr"`
		Fill   string `xml:"fill,attr"`
		Title  string `xml:"title"`
	} `xml:"rect"`
	Texts []string `xml:"text"`
}

func parse(t *testing.T, svg string) svgDoc {
	t.Helper()
	var d svgDoc
	if err := xml.Unmarshal([]byte(svg), &d); err != nil {
		t.Fatalf("the chart is not well-formed XML: %v\n%s", err, svg)
	}
	return d
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestStackedBars(t *testing.T) {
	b := Bars{
		Title:  "Articles par jour <et> par source",
		Labels: []string{"14/03", "15/03", "16/03"},
		Series: []Series{
			{Name: "Hespress", Values: []float64{10, 0, 30}},
			{Name: "Le Matin & Co", Values: []float64{10, 5}},
		},
	}
	d := parse(t, b.SVG())
	if d.Title != b.Title {
		t.Errorf("title %q, want %q", d.Title, b.Title)
	}
	// Bars: 14/03 two parts, 15/03 one, 16/03 one; then two legend keys.
	var bars []float64
	for _, r := range d.Rects {
		if r.Title != "" {
			bars = append(bars, num(t, r.Height))
		}
	}
	if len(bars) != 4 {
		t.Fatalf("%d bar parts, want 4 (zero and missing values draw nothing): %+v", len(bars), d.Rects)
	}
	// Heights are proportional to the values: 10, 10, 5, 30.
	for i, want := range []float64{10, 10, 5, 30} {
		if got := bars[i] / bars[3] * 30; got < want-0.1 || got > want+0.1 {
			t.Errorf("bar part %d is %.2f high relative to 30 for the tallest, want %v", i, got, want)
		}
	}
	joined := strings.Join(d.Texts, "|")
	for _, want := range []string{"14/03", "16/03", "Hespress", "Le Matin & Co", "40"} {
		if !strings.Contains(joined, want) {
			t.Errorf("texts %q lack %q", joined, want)
		}
	}
}

func TestManyLabelsAreThinnedOut(t *testing.T) {
	var labels []string
	var values []float64
	for i := range 30 {
		labels = append(labels, strconv.Itoa(i))
		values = append(values, float64(i))
	}
	d := parse(t, Bars{Title: "t", Labels: labels, Series: []Series{{Name: "s", Values: values}}}.SVG())
	shown := 0
	for _, txt := range d.Texts {
		if _, err := strconv.Atoi(txt); err == nil {
			shown++
		}
	}
	// 30 labels, every third shown, plus the five grid values.
	if shown != 10+5 {
		t.Errorf("%d numeric texts, want 10 labels and 5 grid values", shown)
	}
}

func TestEmptyChart(t *testing.T) {
	d := parse(t, Bars{Title: "rien"}.SVG())
	if len(d.Rects) != 0 {
		t.Errorf("an empty chart draws %d rects", len(d.Rects))
	}
}

func TestNiceCeil(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{{0, 4}, {3, 4}, {7, 10}, {11, 20}, {38, 40}, {41, 50}, {120, 200}, {900, 1000}} {
		if got := niceCeil(tc.in); got != tc.want {
			t.Errorf("niceCeil(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// A series' own colour is used for its bars and its legend; the others
// keep the palette's.
func TestSeriesColor(t *testing.T) {
	d := parse(t, Bars{Labels: []string{"a", "b"}, Series: []Series{
		{Name: "failed", Values: []float64{1, 2}, Color: "#123456"},
		{Name: "other", Values: []float64{3, 4}},
	}}.SVG())
	fills := map[string]int{}
	for _, r := range d.Rects {
		fills[r.Fill]++
	}
	if fills["#123456"] != 3 || fills[palette[1]] != 3 {
		t.Errorf("fills %v: want the failed series' colour on its 2 bars and legend, the palette's second on the other's", fills)
	}
}
