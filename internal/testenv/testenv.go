// Package testenv holds the one rule for tests that need something the
// machine may lack (a PostgreSQL server, Chromium, the shared corpus beside
// the repository): on a developer's machine they skip, saying what is
// missing and how to get it; on CI the same absence fails them, so that a
// CI run can never go green by skipping what it was meant to check.
package testenv

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

// OnCI reports whether the tests run on CI: the CI variable is set to
// anything but a false value ("0", "false"), as CI services and .ci/run set
// it.
func OnCI() bool {
	v := os.Getenv("CI")
	if v == "" {
		return false
	}
	if b, err := strconv.ParseBool(v); err == nil {
		return b
	}
	return true
}

// Missing stops tb because something it needs is absent: it skips with the
// message, or fails with it when OnCI. The message should say what is
// missing and how to provide it.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if OnCI() {
		tb.Fatalf("%s\nCI is set: this test must run on CI, so what it needs being absent is a failure, not a skip", msg)
	}
	tb.Skip(msg)
}
