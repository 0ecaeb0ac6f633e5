// Package shareddata locates, for tests, the project's shared data that
// lives beside the repository as ../shared: the third-party test corpus
// (testdata/) and the list of candidate sources. Tests that need it skip,
// saying where they looked, when it is absent; on CI they fail instead
// (testenv.Missing), since CI always has ../shared beside its clone.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"

	"revue/internal/testenv"
)

// Path returns ../shared/elem… beside the repository root (the folder
// holding go.mod), or skips tb (fails it on CI) when it does not exist.
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
			testenv.Missing(tb, "no go.mod above the test's folder %s; cannot locate ../shared", dir)
		}
		dir = parent
	}
	p := filepath.Join(append([]string{dir, "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		testenv.Missing(tb, "shared data not found at %s (it lives beside the repository as ../shared): %v", p, err)
	}
	return p
}

// Testdata returns ../shared/testdata/elem…, or skips tb (fails it on CI).
func Testdata(tb testing.TB, elem ...string) string {
	tb.Helper()
	return Path(tb, append([]string{"testdata"}, elem...)...)
}
