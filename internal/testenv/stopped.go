package testenv

import (
	"fmt"
	"runtime"
	"testing"
)

// Outcome is how a function given a testing.TB by Stopped ended it: the
// words of a skip, or of a failure. It is for testing helpers that skip or
// fail (Missing, and those built on it).
type Outcome struct {
	testing.TB
	SkipWords, FailWords string
}

func (o *Outcome) Helper()                           {}
func (o *Outcome) Skip(args ...any)                  { o.skip(fmt.Sprint(args...)) }
func (o *Outcome) Skipf(format string, args ...any)  { o.skip(fmt.Sprintf(format, args...)) }
func (o *Outcome) SkipNow()                          { o.skip("SkipNow") }
func (o *Outcome) Fatal(args ...any)                 { o.fail(fmt.Sprint(args...)) }
func (o *Outcome) Fatalf(format string, args ...any) { o.fail(fmt.Sprintf(format, args...)) }
func (o *Outcome) FailNow()                          { o.fail("FailNow") }
func (o *Outcome) Error(args ...any)                 { o.FailWords += fmt.Sprint(args...) }
func (o *Outcome) Errorf(format string, args ...any) { o.FailWords += fmt.Sprintf(format, args...) }

// Skip and Fatal end the calling goroutine, as the real ones do.
func (o *Outcome) skip(msg string) {
	o.SkipWords = msg
	runtime.Goexit()
}

func (o *Outcome) fail(msg string) {
	o.FailWords = msg
	runtime.Goexit()
}

// Stopped runs f on its own goroutine with a TB that records whether f
// skipped or failed it, and returns that record.
func Stopped(f func(tb testing.TB)) *Outcome {
	o := &Outcome{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(o)
	}()
	<-done
	return o
}
