package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/term"

	"revue"
	"revue/internal/crawl"
	"revue/internal/extract"
	"revue/internal/fetch"
	"revue/internal/store"
	"revue/internal/tag"
)

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

func openStore(ctx context.Context, cfg *config) (revue.Store, error) {
	s, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", redactDSN(cfg.DB), err)
	}
	return s, nil
}

// newFetcher builds the process's one polite client. delays, the store in
// production, shares robots.txt Crawl-delays with every other worker; nil
// keeps them to this process.
func newFetcher(cfg *config, delays fetch.CrawlDelays) (*fetch.Client, error) {
	fc := fetch.DefaultConfig(userAgent(cfg.baseURL()))
	fc.CrawlDelays = delays
	fc.AllowPrivateNetworks = cfg.AllowPrivateNetworks
	fc.HostConcurrency = cfg.HostConcurrency
	fc.HostDelay = cfg.HostDelay
	fc.GlobalConcurrency = max(cfg.Workers, 1)
	return fetch.New(fc)
}

// workerName identifies this process in leases and logs: host, pid and a
// random part, so two processes never share a name even across restarts.
func workerName() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

func newCrawler(cfg *config, st revue.Store, f crawl.Fetcher, log *slog.Logger, reg prometheus.Registerer, done func(crawl.Result)) (*crawl.Crawler, error) {
	policy := crawl.DefaultPolicy()
	policy.MinInterval = cfg.MinInterval
	policy.MaxInterval = cfg.MaxInterval
	var metrics *crawl.Metrics
	if reg != nil {
		var err error
		if metrics, err = crawl.NewMetrics(reg); err != nil {
			return nil, fmt.Errorf("registering crawl metrics: %w", err)
		}
	}
	regions, err := tag.New(tag.Options{GazetteerFile: cfg.RegionsGazetteer})
	if err != nil {
		return nil, err
	}
	sections, err := tag.NewSections(tag.SectionsOptions{File: cfg.SectionsMap})
	if err != nil {
		return nil, err
	}
	var pages crawl.PageReader
	if cfg.ShortText > 0 {
		pages = pageReader(extract.New())
	}
	return crawl.New(crawl.Config{
		Store:       st,
		Fetcher:     f,
		Worker:      workerName(),
		Concurrency: cfg.Workers,
		Lease:       cfg.LeaseDuration,
		Policy:      policy,
		Logger:      log,
		Metrics:     metrics,
		SourceDone:  done,
		Pages:       pages,
		ShortText:   cfg.ShortText,
		Languages:   cfg.Languages,
		Regions:     regions,
		Sections:    sections,
	})
}

// pageReader lets the crawler read article pages with the extractor. The
// lead image comes first, from the text or else from the page's metadata.
func pageReader(ex *extract.Extractor) crawl.PageReader {
	return func(ctx context.Context, body []byte, contentType, pageURL string, rules revue.ExtractRules) (crawl.ReadPage, error) {
		p, err := ex.Extract(ctx, body, contentType, pageURL, extract.Rules{Body: rules.Body, Drop: rules.Drop})
		if err != nil {
			return crawl.ReadPage{}, err
		}
		read := crawl.ReadPage{HTML: p.HTML, Text: p.Text, Words: p.Words, Byline: p.Byline, Lang: p.Lang,
			NoArchive: p.NoArchive, NoSnippet: p.NoSnippet, PublishedAt: p.PublishedAt}
		if p.LeadImage != "" && !slices.ContainsFunc(p.Images, func(img extract.Image) bool { return img.URL == p.LeadImage }) {
			read.Images = append(read.Images, revue.Image{URL: p.LeadImage})
		}
		for _, img := range p.Images {
			read.Images = append(read.Images, revue.Image{URL: img.URL, Alt: img.Alt, Width: img.Width, Height: img.Height})
		}
		return read, nil
	}
}

// redactDSN hides a password in a PostgreSQL URL before it is printed.
func redactDSN(dsn string) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "the PostgreSQL database"
	}
	return u.Redacted()
}
