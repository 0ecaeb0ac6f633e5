// Package imagecache keeps the image proxy's pictures on disk, bounded in
// bytes and in files, evicting the least recently used.
//
// Files are content-addressed: each is named by the SHA-256 of its bytes,
// so one picture shown under several URLs is kept once, and a file whose
// bytes no longer match its name (a crash mid-write, a full disk, a bad
// sector, someone's editor) is detected on every read, removed and
// reported as missing, never returned. Files are written to a temporary
// name and renamed, and survive restarts: Open finds them again, oldest
// use first by their modification times.
//
// One Cache per folder: two processes sharing a folder each keep only
// their own bound.
package imagecache

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/renameio/v2"
	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// ErrNotCached is wrapped by every Get that returns no picture: absent,
// evicted, unreadable or corrupt. The caller fetches it again.
var ErrNotCached = errors.New("not in the image cache")

// ErrCorrupt is wrapped (with ErrNotCached) when a file's bytes no longer
// hash to its name; the file is gone by the time Get returns.
var ErrCorrupt = errors.New("the cached file was corrupt and has been removed")

// Config bounds a cache.
type Config struct {
	Dir      string // created if missing
	MaxBytes int64  // the sum of the files' sizes stays at or below it
	MaxFiles int    // and their number
}

// touchEvery is how stale a file's modification time may get before a
// read refreshes it: the order survives a restart to within this, without
// a metadata write on every hit of a popular picture.
const touchEvery = time.Hour

// staleTemp is how old a temporary file must be before Open removes it:
// younger ones may be another process's write in progress.
const staleTemp = time.Hour

// Cache is safe for concurrent use.
type Cache struct {
	dir      string
	maxBytes int64

	mu    sync.Mutex
	bytes int64
	// files maps a SHA-256 to its file's size and last use; its own bound
	// is MaxFiles, and its eviction callback removes the file.
	files *simplelru.LRU[string, entry]
}

type entry struct {
	size int64
	used time.Time
}

// Open finds the files kept in cfg.Dir by an earlier run, removes what
// exceeds the bounds (least recently used first) and leftover temporary
// files, and returns the cache.
func Open(cfg Config) (*Cache, error) {
	if cfg.Dir == "" {
		return nil, errors.New("image cache: no folder given")
	}
	if cfg.MaxBytes <= 0 || cfg.MaxFiles <= 0 {
		return nil, fmt.Errorf("image cache %s: the bounds must be positive (got %d bytes, %d files)", cfg.Dir, cfg.MaxBytes, cfg.MaxFiles)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("image cache: creating the folder: %w", err)
	}
	c := &Cache{dir: cfg.Dir, maxBytes: cfg.MaxBytes}
	files, err := simplelru.NewLRU(cfg.MaxFiles, c.evicted)
	if err != nil {
		return nil, fmt.Errorf("image cache %s: %w", cfg.Dir, err)
	}
	c.files = files

	found, err := c.scan()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(found, func(a, b kept) int { return cmp.Compare(a.used.UnixNano(), b.used.UnixNano()) })
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range found { // oldest first, so the newest end up most recent
		c.bytes += f.size
		c.files.Add(f.sum, entry{size: f.size, used: f.used})
	}
	c.shrink()
	return c, nil
}

type kept struct {
	sum  string
	size int64
	used time.Time
}

// scan lists the cache files in the folder's shards and removes stale
// temporary files. Other files are left alone: they are not the cache's.
func (c *Cache) scan() ([]kept, error) {
	var found []kept
	shards, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, fmt.Errorf("image cache: reading %s: %w", c.dir, err)
	}
	for _, shard := range shards {
		if !shard.IsDir() || !isHex(shard.Name(), 2) {
			continue
		}
		dir := filepath.Join(c.dir, shard.Name())
		names, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("image cache: reading %s: %w", dir, err)
		}
		for _, d := range names {
			if !d.Type().IsRegular() {
				continue
			}
			info, err := d.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed since the listing
			}
			if err != nil {
				return nil, fmt.Errorf("image cache: %w", err)
			}
			name := d.Name()
			switch {
			case isHex(name, sha256.Size*2) && strings.HasPrefix(name, shard.Name()):
				found = append(found, kept{sum: name, size: info.Size(), used: info.ModTime()})
			case strings.HasPrefix(name, ".") && time.Since(info.ModTime()) > staleTemp:
				// A write that a crash interrupted before its rename.
				_ = os.Remove(filepath.Join(dir, name))
			}
		}
	}
	return found, nil
}

// Sum is the name under which Put keeps body: its SHA-256, lower-case hex.
func Sum(body []byte) string {
	s := sha256.Sum256(body)
	return hex.EncodeToString(s[:])
}

func (c *Cache) path(sum string) string { return filepath.Join(c.dir, sum[:2], sum) }

// Get returns the picture whose SHA-256 is sum, checked against sum.
func (c *Cache) Get(sum string) ([]byte, error) {
	if !isHex(sum, sha256.Size*2) {
		return nil, fmt.Errorf("%q is no SHA-256: %w", sum, ErrNotCached)
	}
	now := time.Now()
	c.mu.Lock()
	e, ok := c.files.Get(sum)
	touch := ok && now.Sub(e.used) > touchEvery
	if touch {
		e.used = now
		c.files.Add(sum, e)
	}
	c.mu.Unlock()
	if !ok {
		return nil, ErrNotCached
	}
	path := c.path(sum)
	body, err := os.ReadFile(path)
	if err != nil {
		c.forget(sum)
		return nil, fmt.Errorf("image cache: reading %s: %w: %w", path, err, ErrNotCached)
	}
	if got := Sum(body); got != sum {
		c.forget(sum)
		return nil, fmt.Errorf("image cache: %s holds %d bytes whose SHA-256 is %s: %w: %w", path, len(body), got, ErrCorrupt, ErrNotCached)
	}
	if touch {
		// Best effort: a stale time only makes the file look older after
		// a restart.
		_ = os.Chtimes(path, now, now)
	}
	return body, nil
}

// Put keeps body and returns its SHA-256 (also when writing failed, so the
// caller may still use it). A picture larger than a quarter of MaxBytes is
// not kept: one picture must not empty the cache.
func (c *Cache) Put(body []byte) (sum string, err error) {
	sum = Sum(body)
	size := int64(len(body))
	if size > c.maxBytes/4 {
		return sum, nil
	}
	c.mu.Lock()
	_, ok := c.files.Get(sum)
	c.mu.Unlock()
	if ok {
		return sum, nil
	}
	path := c.path(sum)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sum, fmt.Errorf("image cache: %w", err)
	}
	// The temporary file is in the same folder, so the rename is atomic and
	// Open finds leftovers of a crash there.
	if err := renameio.WriteFile(path, body, 0o644, renameio.WithTempDir(dir)); err != nil {
		return sum, fmt.Errorf("image cache: writing %s: %w", path, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.files.Contains(sum) { // another Put of the same picture may have won
		c.bytes += size
	}
	c.files.Add(sum, entry{size: size, used: time.Now()})
	c.shrink()
	return sum, nil
}

// Usage is what the cache holds now.
func (c *Cache) Usage() (files int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.files.Len(), c.bytes
}

// shrink evicts the least recently used files until the bytes fit; the
// file count is bounded by the LRU itself. c.mu is held.
func (c *Cache) shrink() {
	for c.bytes > c.maxBytes {
		if _, _, ok := c.files.RemoveOldest(); !ok {
			return
		}
	}
}

// forget drops sum from the cache, removing its file.
func (c *Cache) forget(sum string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files.Remove(sum)
}

// evicted is the LRU's callback, called with c.mu held, for every file
// that leaves the cache.
func (c *Cache) evicted(sum string, e entry) {
	c.bytes -= e.size
	// A file already gone is what was wanted.
	_ = os.Remove(c.path(sum))
}

// isHex reports whether s is n lower-case hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}
