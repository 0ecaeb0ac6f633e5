package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"revue/internal/store"
)

// imageCacheDir is where the image proxy keeps its pictures: the folder
// configured, else beside a SQLite database (revue.db-images, as SQLite's
// own revue.db-wal), else the user's cache folder, else the temporary
// folder (a service whose home is hidden, such as systemd's ProtectHome,
// still starts; set --image-cache to keep the pictures across reboots).
func imageCacheDir(cfg *config) string {
	if cfg.ImageCache != "" {
		return cfg.ImageCache
	}
	if !store.IsPostgres(cfg.DB) {
		if file := sqliteFile(cfg.DB); file != "" {
			return file + "-images"
		}
	}
	if dir, err := os.UserCacheDir(); err == nil {
		images := filepath.Join(dir, "revue", "images")
		if os.MkdirAll(images, 0o755) == nil {
			return images
		}
	}
	// One folder per user: another user's would not be writable.
	return filepath.Join(os.TempDir(), fmt.Sprintf("revue-images-%d", os.Getuid()))
}

// sqliteFile is the file of a SQLite database name or file: URI; "" for an
// in-memory database.
func sqliteFile(db string) string {
	file, _, _ := strings.Cut(strings.TrimPrefix(db, "file:"), "?")
	if file == "" || strings.HasPrefix(file, ":memory:") {
		return ""
	}
	return file
}
