package testenv

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// outcome records how a testing.TB was stopped. Skip and Fatal end the
// calling goroutine, as the real ones do.
type outcome struct {
	testing.TB
	skipped, failed string
}

func (o *outcome) Helper()                           {}
func (o *outcome) Skip(args ...any)                  { o.skip(fmt.Sprint(args...)) }
func (o *outcome) Skipf(format string, args ...any)  { o.skip(fmt.Sprintf(format, args...)) }
func (o *outcome) SkipNow()                          { o.skip("SkipNow") }
func (o *outcome) Fatal(args ...any)                 { o.fail(fmt.Sprint(args...)) }
func (o *outcome) Fatalf(format string, args ...any) { o.fail(fmt.Sprintf(format, args...)) }
func (o *outcome) FailNow()                          { o.fail("FailNow") }
func (o *outcome) Error(args ...any)                 { o.failed += fmt.Sprint(args...) }
func (o *outcome) Errorf(format string, args ...any) { o.failed += fmt.Sprintf(format, args...) }

func (o *outcome) skip(msg string) {
	o.skipped = msg
	runtime.Goexit()
}

func (o *outcome) fail(msg string) {
	o.failed = msg
	runtime.Goexit()
}

// stop runs f on a TB that records whether it skipped or failed.
func stop(f func(tb testing.TB)) *outcome {
	o := &outcome{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(o)
	}()
	<-done
	return o
}

func TestMissing(t *testing.T) {
	const msg = "REVUE_TEST_THING is not set: run scripts/test"
	tests := []struct {
		ci       string
		wantFail bool
	}{
		{"", false},
		{"false", false},
		{"0", false},
		{"true", true},
		{"1", true},
		{"yes", true}, // not a boolean, but set: some CI services write their name
	}
	for _, tt := range tests {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			o := stop(func(tb testing.TB) { Missing(tb, "REVUE_TEST_%s is not set: run %s", "THING", "scripts/test") })
			switch {
			case tt.wantFail && (o.failed == "" || o.skipped != ""):
				t.Errorf("with CI=%q Missing skipped (%q) instead of failing", tt.ci, o.skipped)
			case !tt.wantFail && (o.skipped == "" || o.failed != ""):
				t.Errorf("with CI=%q Missing failed (%q) instead of skipping", tt.ci, o.failed)
			}
			if said := o.skipped + o.failed; !strings.Contains(said, msg) {
				t.Errorf("Missing said %q, want the caller's message %q in it", said, msg)
			}
		})
	}
}
