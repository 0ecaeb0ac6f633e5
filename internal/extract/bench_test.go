package extract

import (
	"context"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkExtract runs Extract, the crawler's path, over the Scrapinghub
// pages of ../shared; one op is one page. It reports the median and 95th
// percentile time per page, the figures BENCHMARKS.md quotes, in wall
// time and in the process's CPU time (user and system, garbage collection
// included), which another program's load on the machine hardly changes.
//
//	go test -run '^$' -bench BenchmarkExtract -benchtime 5x ./internal/extract
func BenchmarkExtract(b *testing.B) {
	pages := loadAEB(b)
	ctx := context.Background()
	var times, cpu []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pages[i%len(pages)]
		start, startCPU := time.Now(), processCPU(b)
		if _, err := Extract(ctx, p.html, "text/html; charset=utf-8", p.url, Rules{}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		cpu = append(cpu, processCPU(b)-startCPU)
	}
	slices.Sort(times)
	slices.Sort(cpu)
	b.ReportMetric(float64(percentile(times, 0.5).Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(percentile(times, 0.95).Microseconds())/1000, "ms-p95")
	b.ReportMetric(float64(percentile(cpu, 0.5).Microseconds())/1000, "cpu-ms-median")
	b.ReportMetric(float64(percentile(cpu, 0.95).Microseconds())/1000, "cpu-ms-p95")
}

// processCPU is the CPU time the process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
