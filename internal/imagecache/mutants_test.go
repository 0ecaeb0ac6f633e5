package imagecache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Tests written to kill the mutants scripts/mutation found alive.

// Bounds of zero or less are refused by Open itself, in words that name
// them.
func TestOpenNamesTheBadBounds(t *testing.T) {
	for _, cfg := range []Config{
		{Dir: t.TempDir(), MaxBytes: 0, MaxFiles: 1},
		{Dir: t.TempDir(), MaxBytes: 1, MaxFiles: 0},
		{Dir: t.TempDir(), MaxBytes: 1, MaxFiles: -1},
	} {
		_, err := Open(cfg)
		if err == nil || !strings.Contains(err.Error(), "the bounds must be positive") {
			t.Errorf("Open(%+v): err = %v, want one about the bounds", cfg, err)
		}
	}
}

// Names of the right length that are not lower-case hex are not the
// cache's: Open leaves them alone and does not count them, and Get does
// not look them up.
func TestNonHexNamesAreNotTheCaches(t *testing.T) {
	dir := t.TempDir()
	strangers := []string{
		filepath.Join("ab", "ab"+strings.Repeat("z", 62)),
		filepath.Join("ab", "ab"+strings.Repeat("A", 62)),
		filepath.Join("zz", "zz"+strings.Repeat("0", 62)),
	}
	for _, name := range strangers {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("not a picture"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := open(t, dir, 1000, 10)
	if files, n := c.Usage(); files != 0 || n != 0 {
		t.Errorf("Usage() = %d files, %d bytes; want none", files, n)
	}
	for _, name := range strangers {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v, want it left alone", name, err)
		}
	}
	for _, sum := range []string{strings.Repeat("z", 64), strings.Repeat("A", 64), strings.Repeat("0", 63)} {
		if _, err := c.Get(sum); err == nil || !strings.Contains(err.Error(), "is no SHA-256") {
			t.Errorf("Get(%q): err = %v, want one saying it is no SHA-256", sum, err)
		}
	}
}
