package imagecache

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// picture is distinct content of n bytes.
func picture(name string, n int) []byte {
	b := bytes.Repeat([]byte{0}, n)
	copy(b, name)
	return b
}

func open(t *testing.T, dir string, maxBytes int64, maxFiles int) *Cache {
	t.Helper()
	c, err := Open(Config{Dir: dir, MaxBytes: maxBytes, MaxFiles: maxFiles})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return c
}

func mustPut(t *testing.T, c *Cache, body []byte) string {
	t.Helper()
	sum, err := c.Put(body)
	if err != nil {
		t.Fatalf("Put(%d bytes): %v", len(body), err)
	}
	if sum != Sum(body) {
		t.Fatalf("Put returned %s, want the SHA-256 %s", sum, Sum(body))
	}
	return sum
}

// onDisk is what the folder really holds: every file, with its size.
func onDisk(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	files := map[string]int64{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = info.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func diskBytes(files map[string]int64) (total int64) {
	for _, n := range files {
		total += n
	}
	return total
}

func TestPutGetAndRestart(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1<<20, 100)
	a, b := picture("a", 3000), picture("b", 5000)
	sumA, sumB := mustPut(t, c, a), mustPut(t, c, b)
	mustPut(t, c, a) // a second Put of the same picture keeps one file

	want := map[string]int64{
		filepath.Join(sumA[:2], sumA): 3000,
		filepath.Join(sumB[:2], sumB): 5000,
	}
	if got := onDisk(t, dir); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the folder holds %v, want exactly %v (no temporary file left)", got, want)
	}
	if files, n := c.Usage(); files != 2 || n != 8000 {
		t.Errorf("Usage() = %d files, %d bytes; want 2, 8000", files, n)
	}

	for name, cache := range map[string]*Cache{"the same process": c, "after a restart": open(t, dir, 1<<20, 100)} {
		t.Run(name, func(t *testing.T) {
			for sum, body := range map[string][]byte{sumA: a, sumB: b} {
				got, err := cache.Get(sum)
				if err != nil || !bytes.Equal(got, body) {
					t.Errorf("Get(%s) = %d bytes, %v; want the %d bytes put", sum[:8], len(got), err, len(body))
				}
			}
			if files, n := cache.Usage(); files != 2 || n != 8000 {
				t.Errorf("Usage() = %d files, %d bytes; want 2, 8000", files, n)
			}
		})
	}
}

func TestGetMisses(t *testing.T) {
	c := open(t, t.TempDir(), 1<<20, 100)
	mustPut(t, c, picture("kept", 100))
	for _, sum := range []string{
		Sum(picture("never put", 100)),
		"",
		"../../etc/passwd",
		strings.ToUpper(Sum(picture("kept", 100))),
	} {
		if body, err := c.Get(sum); !errors.Is(err, ErrNotCached) || body != nil {
			t.Errorf("Get(%q) = %d bytes, %v; want ErrNotCached", sum, len(body), err)
		}
	}
}

// A file whose bytes do not hash to its name is never returned, and goes.
func TestCorruptFilesAreRemovedNotServed(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(body []byte) []byte
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
		{"empty", func([]byte) []byte { return nil }},
		{"one byte flipped", func(b []byte) []byte { b = bytes.Clone(b); b[len(b)-1] ^= 1; return b }},
		{"another picture", func([]byte) []byte { return picture("other", 2000) }},
		{"grown", func(b []byte) []byte { return append(bytes.Clone(b), 0) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, restart := range []bool{false, true} {
				dir := t.TempDir()
				c := open(t, dir, 1<<20, 100)
				body := picture("real", 2000)
				sum := mustPut(t, c, body)
				path := filepath.Join(dir, sum[:2], sum)
				if err := os.WriteFile(path, tc.corrupt(body), 0o644); err != nil {
					t.Fatal(err)
				}
				if restart {
					c = open(t, dir, 1<<20, 100)
				}
				got, err := c.Get(sum)
				if !errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrNotCached) || got != nil {
					t.Fatalf("restart %v: Get = %d bytes, %v; want ErrCorrupt and ErrNotCached", restart, len(got), err)
				}
				if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("restart %v: the corrupt file is still there (%v)", restart, err)
				}
				if files, n := c.Usage(); files != 0 || n != 0 {
					t.Errorf("restart %v: Usage() = %d files, %d bytes after removing the only one", restart, files, n)
				}
				mustPut(t, c, body)
				if got, err := c.Get(sum); err != nil || !bytes.Equal(got, body) {
					t.Errorf("restart %v: after putting it again, Get = %d bytes, %v", restart, len(got), err)
				}
			}
		})
	}
}

// A file removed behind the cache's back is a miss, not an error that sticks.
func TestFileRemovedBehindTheCache(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1<<20, 100)
	sum := mustPut(t, c, picture("a", 100))
	if err := os.Remove(filepath.Join(dir, sum[:2], sum)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(sum); !errors.Is(err, ErrNotCached) || errors.Is(err, ErrCorrupt) {
		t.Errorf("Get of a removed file: %v; want ErrNotCached only", err)
	}
	if files, _ := c.Usage(); files != 0 {
		t.Errorf("the removed file is still counted")
	}
}

func TestEvictionKeepsTheFolderWithinItsBounds(t *testing.T) {
	tests := []struct {
		name     string
		maxBytes int64
		maxFiles int
		sizes    []int
		get      []int // pictures read (made recent) after all are put, before the last put
		want     []int // pictures left, by index
	}{
		{name: "bytes: the least recently put go first", maxBytes: 1000, maxFiles: 100,
			sizes: []int{200, 200, 200, 200, 200, 200}, want: []int{1, 2, 3, 4, 5}},
		{name: "bytes: a read makes a picture recent", maxBytes: 1000, maxFiles: 100,
			sizes: []int{200, 200, 200, 200, 200, 200}, get: []int{0}, want: []int{0, 2, 3, 4, 5}},
		{name: "bytes: a large picture pushes out several", maxBytes: 1000, maxFiles: 100,
			sizes: []int{200, 200, 200, 200, 250}, want: []int{1, 2, 3, 4}},
		{name: "bytes: larger than a quarter of the bound is not kept", maxBytes: 1000, maxFiles: 100,
			sizes: []int{200, 200, 251}, want: []int{0, 1}},
		{name: "files: the least recently used go first", maxBytes: 1 << 20, maxFiles: 3,
			sizes: []int{10, 10, 10, 10, 10}, get: []int{1}, want: []int{1, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			c := open(t, dir, tc.maxBytes, tc.maxFiles)
			var sums []string
			for i, n := range tc.sizes {
				if i == len(tc.sizes)-1 {
					for _, g := range tc.get {
						if _, err := c.Get(sums[g]); err != nil {
							t.Fatalf("Get(picture %d): %v", g, err)
						}
					}
				}
				sums = append(sums, mustPut(t, c, picture(fmt.Sprint("picture ", i), n)))
				disk := onDisk(t, dir)
				if diskBytes(disk) > tc.maxBytes || len(disk) > tc.maxFiles {
					t.Fatalf("after putting picture %d the folder holds %d files, %d bytes; bounds %d files, %d bytes",
						i, len(disk), diskBytes(disk), tc.maxFiles, tc.maxBytes)
				}
			}
			var left []int
			for i, sum := range sums {
				if _, err := os.Stat(filepath.Join(dir, sum[:2], sum)); err == nil {
					left = append(left, i)
				}
			}
			if fmt.Sprint(left) != fmt.Sprint(tc.want) {
				t.Errorf("pictures left on disk %v, want %v", left, tc.want)
			}
			disk := onDisk(t, dir)
			if files, n := c.Usage(); files != len(disk) || n != diskBytes(disk) {
				t.Errorf("Usage() = %d files, %d bytes; the folder holds %d, %d", files, n, len(disk), diskBytes(disk))
			}
		})
	}
}

// After a restart, the least recently used are the files with the oldest
// modification times, and a smaller bound removes them first.
func TestRestartEvictsByLastUse(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1<<20, 100)
	now := time.Now()
	ages := []time.Duration{5 * time.Hour, 1 * time.Hour, 9 * time.Hour, 3 * time.Hour}
	var sums []string
	for i, age := range ages {
		sum := mustPut(t, c, picture(fmt.Sprint("picture ", i), 100))
		if err := os.Chtimes(filepath.Join(dir, sum[:2], sum), now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
	}
	// A read refreshes the time of a file last used long ago, so it
	// counts as recent after the next restart.
	c = open(t, dir, 1<<20, 100)
	if _, err := c.Get(sums[2]); err != nil {
		t.Fatal(err)
	}
	c = open(t, dir, 250, 100) // room for two
	var left []int
	for i, sum := range sums {
		if _, err := os.Stat(filepath.Join(dir, sum[:2], sum)); err == nil {
			left = append(left, i)
		}
	}
	if fmt.Sprint(left) != "[1 2]" {
		t.Errorf("after restarting with room for two, pictures %v are left; want [1 2] (the two used last)", left)
	}
	if files, n := c.Usage(); files != 2 || n != 200 {
		t.Errorf("Usage() = %d files, %d bytes; want 2, 200", files, n)
	}
}

// Open removes what a crash left mid-write, and nothing it does not own.
func TestOpenCleansLeftovers(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1<<20, 100)
	sum := mustPut(t, c, picture("a", 100))
	shard := filepath.Join(dir, sum[:2])
	old := time.Now().Add(-2 * time.Hour)
	files := map[string]bool{ // name → kept by Open
		filepath.Join(shard, "."+sum+"8674665223082153551"): false, // renameio's temporary name, stale
		filepath.Join(shard, "."+sum+"5577006791947779410"): true,  // a write in progress elsewhere
		filepath.Join(dir, "README"):                        true,
		filepath.Join(shard, "notes.txt"):                   true,
	}
	for name, keep := range files {
		if err := os.WriteFile(name, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if !keep || strings.HasSuffix(name, ".txt") || strings.HasSuffix(name, "README") {
			if err := os.Chtimes(name, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	c = open(t, dir, 1<<20, 100)
	for name, keep := range files {
		_, err := os.Stat(name)
		if kept := err == nil; kept != keep {
			t.Errorf("%s kept %v, want %v", name, kept, keep)
		}
	}
	if files, n := c.Usage(); files != 1 || n != 100 {
		t.Errorf("Usage() = %d files, %d bytes; want only the picture (1, 100)", files, n)
	}
}

func TestOpenRefusesBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{MaxBytes: 1, MaxFiles: 1},
		{Dir: t.TempDir(), MaxBytes: 0, MaxFiles: 1},
		{Dir: t.TempDir(), MaxBytes: 1, MaxFiles: 0},
	} {
		if _, err := Open(cfg); err == nil {
			t.Errorf("Open(%+v) succeeded", cfg)
		}
	}
}

// Readers and writers at once keep the bounds and never see a wrong byte.
func TestConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	const maxBytes = 20_000
	c := open(t, dir, maxBytes, 30)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 60 {
				body := picture(fmt.Sprint("picture ", (g*7+i)%50), 500+(i%5)*300)
				sum, err := c.Put(body)
				if err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				got, err := c.Get(sum)
				if err == nil && !bytes.Equal(got, body) {
					t.Errorf("Get returned other bytes than were put")
				}
				if err != nil && !errors.Is(err, ErrNotCached) {
					t.Errorf("Get: %v", err)
				}
			}
		})
	}
	wg.Wait()
	disk := onDisk(t, dir)
	if diskBytes(disk) > maxBytes || len(disk) > 30 {
		t.Errorf("the folder holds %d files, %d bytes; bounds 30, %d", len(disk), diskBytes(disk), maxBytes)
	}
	if files, n := c.Usage(); files != len(disk) || n != diskBytes(disk) {
		t.Errorf("Usage() = %d files, %d bytes; the folder holds %d, %d", files, n, len(disk), diskBytes(disk))
	}
}

// Several requests for one new picture may all write it: it counts once.
func TestConcurrentPutsOfOnePicture(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1<<20, 100)
	for round := range 20 {
		body := picture(fmt.Sprint("picture ", round), 1000)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				<-start
				if _, err := c.Put(body); err != nil {
					t.Errorf("Put: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
	}
	disk := onDisk(t, dir)
	if files, n := c.Usage(); files != 20 || n != 20_000 || len(disk) != 20 || diskBytes(disk) != 20_000 {
		t.Errorf("Usage() = %d files, %d bytes; the folder holds %d, %d; want 20 pictures of 1000 bytes", files, n, len(disk), diskBytes(disk))
	}
}
