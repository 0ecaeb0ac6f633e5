// Package shareddata locates, for tests, the project's shared data that
// lives beside the repository as ../shared: the third-party test corpus
// (testdata/) and the list of candidate sources. A copy of the repository
// made elsewhere (mutation testing works on one) finds it through
// REVUE_SHARED instead. Tests that need it skip, saying where they looked,
// when it is absent; on CI they fail instead (testenv.Missing), since CI
// always has ../shared beside its clone.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"

	"revue/internal/testenv"
)

// Path returns ../shared/elem… beside the repository root (the folder
// holding go.mod), or $REVUE_SHARED/elem… when that is set, or skips tb
// (fails it on CI) when it does not exist.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	if dir := os.Getenv("REVUE_SHARED"); dir != "" {
		return existing(tb, filepath.Join(append([]string{dir}, elem...)...), "REVUE_SHARED")
	}
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
	return existing(tb, filepath.Join(append([]string{dir, "..", "shared"}, elem...)...),
		"it lives beside the repository as ../shared, or where REVUE_SHARED says")
}

// existing returns path, or skips tb (fails it on CI) when it does not
// exist; where says where the shared data is expected.
func existing(tb testing.TB, path, where string) string {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		testenv.Missing(tb, "shared data not found at %s (%s): %v", path, where, err)
	}
	return path
}

// Testdata returns ../shared/testdata/elem…, or skips tb (fails it on CI).
func Testdata(tb testing.TB, elem ...string) string {
	tb.Helper()
	return Path(tb, append([]string{"testdata"}, elem...)...)
}
