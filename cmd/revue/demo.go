package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"revue"
	"revue/internal/crawl"
	"revue/internal/demo"
	"revue/internal/fetch"
	"revue/internal/password"
)

// demoAdmin is the administrator a demo on its own database gets.
const demoAdmin = "demo"

// demo serves the bundled feed snapshots on loopback, crawls them into a
// fresh database and serves the portal: a populated Revue with no network.
func (a *app) demo(ctx context.Context, args []string) error {
	fs := a.flags("demo")
	var cfg config
	errs := cfg.bind(fs, a.env, "db", "web", "crawl")
	step := fs.Duration("step", time.Minute, "how long each capture of an outlet is served before its next one")
	if _, err := parseChecked(fs, args, &cfg, errs); err != nil {
		return err
	}
	if *step <= 0 {
		return fmt.Errorf("%w: --step must be positive", errUsage)
	}
	dbGiven := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "db" {
			dbGiven = true
		}
	})
	if v, ok := a.env("REVUE_DATABASE"); ok && v != "" {
		dbGiven = true
	}
	if !dbGiven {
		// The bundled feeds are served on a new port each run, so a
		// database kept from an earlier demo would collect duplicates.
		dir, err := os.MkdirTemp("", "revue-demo-")
		if err != nil {
			return fmt.Errorf("making a folder for the demo database: %w", err)
		}
		defer os.RemoveAll(dir)
		cfg.DB = filepath.Join(dir, "demo.db")
	}
	// The demo's feeds live on this machine's loopback interface, which the
	// SSRF guard refuses by default; nothing else is crawled in the demo.
	cfg.AllowPrivateNetworks = true
	cfg.HostDelay = 0
	cfg.HostConcurrency = max(cfg.HostConcurrency, 8)
	// Outlets move to their next capture every step: look often enough
	// that the ticker shows the new headlines within a step.
	cfg.MinInterval = min(cfg.MinInterval, max(*step/4, time.Second))
	cfg.MaxInterval = min(cfg.MaxInterval, *step)
	log := a.logger(cfg.LogLevel)

	feedLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("starting the demo feed server: %w", err)
	}
	start := time.Now()
	feedServer := &http.Server{Handler: demo.Handler(demo.Schedule{Start: start, Step: *step}), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := feedServer.Serve(feedLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo feed server stopped", "err", err)
		}
	}()
	defer feedServer.Close()
	feedBase := "http://" + feedLn.Addr().String()

	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, f := range demo.Feeds() {
		_, err := st.AddSource(ctx, revue.Source{
			Name: f.Name, FeedURL: feedBase + f.Path, Lang: f.Lang,
			Section: f.Section, Region: f.Region, Enabled: true,
		}, start)
		if err != nil && !errors.Is(err, revue.ErrDuplicate) {
			return fmt.Errorf("adding the demo source %s: %w", f.Name, err)
		}
	}
	var adminLine string
	if !dbGiven {
		// The database lives as long as this demo: its administrator too,
		// with a password drawn now, so the admin area can be tried.
		pw := rand.Text()
		hash, err := password.Hash(pw, password.Default)
		if err != nil {
			return err
		}
		if err := st.SetAdminPassword(ctx, demoAdmin, hash, start); err != nil {
			return fmt.Errorf("creating the demo's administrator: %w", err)
		}
		adminLine = fmt.Sprintf("demo: admin area at %%s/admin/ — name %s, password %s (this demo only)\n", demoAdmin, pw)
	}
	fetcher, err := newFetcher(&cfg, st)
	if err != nil {
		return err
	}
	own := ownServerOnly(feedBase)
	c, err := newCrawler(&cfg, st, own(fetcher), log, nil, nil)
	if err != nil {
		return err
	}
	sum, err := c.OnceWithPages(ctx, true)
	if err != nil {
		return fmt.Errorf("crawling the demo feeds: %w", err)
	}
	fmt.Fprintf(a.stdout, "demo: %d bundled feeds crawled from %s, %d articles stored (%d feeds failed), %d full texts read from article pages\n",
		sum.Sources, feedBase, sum.Articles, sum.Failed, sum.Pages)

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Listen, err)
	}
	return a.runPortal(ctx, &cfg, st, ln, true, log, func(url string) {
		if adminLine != "" {
			fmt.Fprintf(a.stdout, adminLine, url)
		}
		fmt.Fprintf(a.stdout, "demo: open %s (Ctrl-C to stop)\n", url)
	}, portalVia{crawl: own, images: demo.Pictures{}})
}

// ownServerOnly limits the demo's crawler to the demo's own loopback
// server: the bundled feeds link to their outlets' real sites, whose pages
// the demo must not fetch (it runs without network, and a visitor did not
// ask it to reach out). Such a page is refused at once, with words.
func ownServerOnly(base string) func(*fetch.Client) crawl.Fetcher {
	return func(c *fetch.Client) crawl.Fetcher { return demoFetcher{Client: c, base: base + "/"} }
}

type demoFetcher struct {
	*fetch.Client // its BusyHosts and HostBurst pace the crawler's claims
	base          string
}

func (d demoFetcher) Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	if !strings.HasPrefix(r.URL, d.base) {
		return nil, fmt.Errorf("fetching %s: %w: the demo fetches nothing beyond its own server", r.URL, fetch.ErrBadURL)
	}
	return d.Client.Fetch(ctx, r)
}
