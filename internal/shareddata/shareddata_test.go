package shareddata

import (
	"os"
	"path/filepath"
	"revue/internal/testenv"
	"strings"
	"testing"
)

func lookUp(elem ...string) (path string, o *testenv.Outcome) {
	o = testenv.Stopped(func(tb testing.TB) { path = Path(tb, elem...) })
	return path, o
}

// fakeCheckout lays out a repository with ../shared beside it, holding
// shared/testdata/present.txt, and makes a folder inside the repository
// the working directory, as go test does for a package.
func fakeCheckout(t *testing.T) (shared string) {
	t.Helper()
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	shared = filepath.Join(root, "shared")
	for _, dir := range []string{filepath.Join(repo, "internal", "pkg"), filepath.Join(shared, "testdata")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(repo, "go.mod"), filepath.Join(shared, "testdata", "present.txt")} {
		if err := os.WriteFile(f, []byte("module x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(filepath.Join(repo, "internal", "pkg"))
	return shared
}

func TestPath(t *testing.T) {
	tests := []struct {
		name      string
		ci        string
		elsewhere bool // the repository is a copy that finds ../shared through REVUE_SHARED
		elem      []string
		wantFail  bool
		wantSkip  bool
	}{
		{"present", "", false, []string{"testdata", "present.txt"}, false, false},
		{"present on CI", "true", false, []string{"testdata", "present.txt"}, false, false},
		{"missing: skip", "", false, []string{"testdata", "absent.txt"}, false, true},
		{"missing on CI: fail", "true", false, []string{"testdata", "absent.txt"}, true, false},
		{"REVUE_SHARED: present", "", true, []string{"testdata", "present.txt"}, false, false},
		{"REVUE_SHARED: missing on CI", "true", true, []string{"testdata", "absent.txt"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shared := fakeCheckout(t)
			t.Setenv("REVUE_SHARED", "")
			if tt.elsewhere {
				// A copy of the repository with no ../shared beside it.
				moved := filepath.Join(t.TempDir(), "elsewhere")
				if err := os.Rename(shared, moved); err != nil {
					t.Fatal(err)
				}
				shared = moved
				t.Setenv("REVUE_SHARED", moved)
			}
			t.Setenv("CI", tt.ci)
			path, o := lookUp(tt.elem...)
			want := filepath.Join(append([]string{shared}, tt.elem...)...)
			switch {
			case tt.wantFail:
				if o.FailWords == "" || o.SkipWords != "" {
					t.Errorf("with CI=%q a missing %s skipped (%q) instead of failing", tt.ci, want, o.SkipWords)
				}
			case tt.wantSkip:
				if o.SkipWords == "" || o.FailWords != "" {
					t.Errorf("with CI=%q a missing %s failed (%q) instead of skipping", tt.ci, want, o.FailWords)
				}
			default:
				if o.SkipWords != "" || o.FailWords != "" {
					t.Fatalf("Path stopped the test (skip %q, fail %q) though %s exists", o.SkipWords, o.FailWords, want)
				}
				if got, err := filepath.EvalSymlinks(path); err != nil || got != mustEval(t, want) {
					t.Errorf("Path = %q, want %q", path, want)
				}
				return
			}
			if said := o.SkipWords + o.FailWords; !strings.Contains(said, want) {
				t.Errorf("the message %q does not say where it looked, %s", said, want)
			}
		})
	}
}

func mustEval(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
