// Package shareddata locates, for tests, the project's shared data that
// lives beside the repository as ../shared: the third-party test corpus
// (testdata/) and the list of candidate sources. Tests that need it skip,
// saying where they looked, when it is absent.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns ../shared/elem… beside the repository root (the folder
// holding go.mod), or skips tb when it does not exist.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("no go.mod above the test's folder; cannot locate ../shared")
		}
		dir = parent
	}
	p := filepath.Join(append([]string{dir, "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared data not found at %s (it lives beside the repository as ../shared): %v", p, err)
	}
	return p
}

// Testdata returns ../shared/testdata/elem…, or skips tb.
func Testdata(tb testing.TB, elem ...string) string {
	tb.Helper()
	return Path(tb, append([]string{"testdata"}, elem...)...)
}
