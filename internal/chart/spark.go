package chart

import (
	"fmt"
	"html"
	"strings"
)

// Spark is a sparkline: one small line through a few values, no axes, for
// a trend read at a glance beside a figure that says the numbers.
type Spark struct {
	Title  string // read by screen readers: the values in words
	Values []float64
	Width  int // default 84
	Height int // default 22
}

// sparkPad keeps the line's stroke and end dot inside the box.
const sparkPad = 3

// SVG renders s. The baseline is 0, not the smallest value, so a flat
// line of small counts does not look like a flat line of large ones; the
// last value is marked with a dot.
func (s Spark) SVG() string {
	w, h := s.Width, s.Height
	if w <= 0 {
		w = 84
	}
	if h <= 0 {
		h = 22
	}
	top := 0.0
	for _, v := range s.Values {
		top = max(top, v)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="spark" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		w, h, w, h, html.EscapeString(s.Title))
	fmt.Fprintf(&sb, `<title>%s</title>`, html.EscapeString(s.Title))
	n := len(s.Values)
	if n == 0 {
		sb.WriteString(`</svg>`)
		return sb.String()
	}
	plotW, plotH := float64(w-2*sparkPad), float64(h-2*sparkPad)
	x := func(i int) float64 {
		if n == 1 {
			return float64(w) / 2
		}
		return sparkPad + plotW*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 {
		if top == 0 {
			return sparkPad + plotH
		}
		return sparkPad + plotH - plotH*max(v, 0)/top
	}
	points := make([]string, n)
	for i, v := range s.Values {
		points[i] = fmt.Sprintf("%.1f,%.1f", x(i), y(v))
	}
	fmt.Fprintf(&sb, `<polyline points="%s" fill="none" stroke="#14213d" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>`,
		strings.Join(points, " "))
	fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="2" fill="#a3171f"/>`, x(n-1), y(s.Values[n-1]))
	sb.WriteString(`</svg>`)
	return sb.String()
}
