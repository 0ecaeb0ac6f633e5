package extract

import (
	"context"
	"slices"
	"testing"
	"time"
)

// BenchmarkExtract runs Extract, the crawler's path, over the Scrapinghub
// pages of ../shared; one op is one page. It reports the median and 95th
// percentile time per page, the figures BENCHMARKS.md quotes.
//
//	go test -run '^$' -bench BenchmarkExtract -benchtime 5x ./internal/extract
func BenchmarkExtract(b *testing.B) {
	pages := loadAEB(b)
	ctx := context.Background()
	var times []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pages[i%len(pages)]
		start := time.Now()
		if _, err := Extract(ctx, p.html, "text/html; charset=utf-8", p.url, Rules{}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(percentile(times, 0.5).Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(percentile(times, 0.95).Microseconds())/1000, "ms-p95")
}
