// Package chart draws small bar charts as SVG markup, for server-rendered
// pages: no script, no external resource, and nothing that a page's
// Content-Security-Policy (no inline style) would block.
package chart

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Series is one stacked part of every bar.
type Series struct {
	Name   string
	Values []float64 // one per label; missing values count as 0
	// Color, when set, is the series' colour ("#rrggbb"), for series whose
	// colour means something (failures in red); else the palette's next.
	Color string
}

// color is the fill of the series at index i.
func (s Series) color(i int) string {
	if s.Color != "" {
		return s.Color
	}
	return palette[i%len(palette)]
}

// Bars is a chart of stacked bars, one per label.
type Bars struct {
	Title  string   // read by screen readers
	Labels []string // under the bars, thinned out when many
	Series []Series
	Width  int // default 720
	Height int // default 240, legend included
}

// palette is distinguishable in colour and in grey.
var palette = []string{"#14213d", "#a3171f", "#2f6d3a", "#c77d15", "#5b4a8a", "#2a7f9e", "#8c564b", "#6b6b6b", "#b3a36b", "#d4679e"}

const (
	marginLeft   = 44
	marginRight  = 8
	marginTop    = 10
	marginBottom = 24
	legendRow    = 18
)

// SVG renders b. Every text is escaped; numbers are formatted in Go.
func (b Bars) SVG() string {
	w, h := b.Width, b.Height
	if w <= 0 {
		w = 720
	}
	if h <= 0 {
		h = 240
	}
	legendRows := (len(b.Series) + 3) / 4
	plotW := float64(w - marginLeft - marginRight)
	plotH := float64(h - marginTop - marginBottom - legendRows*legendRow)
	n := len(b.Labels)

	total := make([]float64, n)
	for _, s := range b.Series {
		for i := 0; i < n && i < len(s.Values); i++ {
			total[i] += max(s.Values[i], 0)
		}
	}
	top := 0.0
	for _, t := range total {
		top = max(top, t)
	}
	top = niceCeil(top)

	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		w, h, w, h, html.EscapeString(b.Title))
	fmt.Fprintf(&sb, `<title>%s</title>`, html.EscapeString(b.Title))

	// Horizontal grid lines with their values.
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		y := float64(marginTop) + plotH - plotH*float64(i)/4
		fmt.Fprintf(&sb, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d9d4c7" stroke-width="1"/>`, marginLeft, w-marginRight, y, y)
		fmt.Fprintf(&sb, `<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#5f5f5f">%s</text>`, marginLeft-6, y+4, number(v))
	}

	if n > 0 {
		col := plotW / float64(n)
		bar := math.Max(col*0.7, 1)
		every := max(1, int(math.Ceil(float64(n)/10)))
		for i, label := range b.Labels {
			x := float64(marginLeft) + col*float64(i) + (col-bar)/2
			y := float64(marginTop) + plotH
			for si, s := range b.Series {
				if i >= len(s.Values) || s.Values[i] <= 0 || top == 0 {
					continue
				}
				hgt := plotH * s.Values[i] / top
				y -= hgt
				fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
					x, y, bar, hgt, s.color(si), html.EscapeString(fmt.Sprintf("%s, %s : %s", label, s.Name, number(s.Values[i]))))
			}
			if i%every == 0 {
				fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="#5f5f5f">%s</text>`,
					x+bar/2, float64(marginTop)+plotH+16, html.EscapeString(label))
			}
		}
	}

	// Legend, four series a row.
	for si, s := range b.Series {
		x := marginLeft + (si%4)*((w-marginLeft)/4)
		y := h - legendRows*legendRow + (si/4)*legendRow + 4
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/>`, x, y, s.color(si))
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="11" fill="#1a1a1a">%s</text>`, x+14, y+9, html.EscapeString(s.Name))
	}
	sb.WriteString(`</svg>`)
	return sb.String()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten, so the grid
// lines fall on round numbers; at least 4, so four lines stay distinct.
func niceCeil(v float64) float64 {
	if v <= 4 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 4, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func number(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}
