package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"revue"
	"revue/internal/crawl"
	"revue/internal/fetch"
	"revue/internal/store/postgres"
	"revue/internal/tag"
	"revue/internal/web"
)

func (a *app) serve(ctx context.Context, args []string) error {
	cfg, noCrawl, err := a.serveSettings(args)
	if err != nil {
		return err
	}
	log := a.logger(cfg.LogLevel)
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if sources, err := st.ListSources(ctx); err == nil && len(sources) == 0 {
		log.Warn("this database follows no source yet: add one with `revue sources add URL`, or load Revue's list of Moroccan, Maghreb and international outlets with `revue sources import --defaults`")
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Listen, err)
	}
	return a.runPortal(ctx, &cfg, st, ln, !noCrawl, log, nil, portalVia{})
}

// serveSettings reads serve's flags and environment: the settings and
// whether crawling is off.
func (a *app) serveSettings(args []string) (cfg config, noCrawl bool, err error) {
	fs := a.flags("serve")
	errs := cfg.bind(fs, a.env, "db", "web", "crawl")
	fs.BoolVar(&noCrawl, "no-crawl", false, "serve the portal only; leave crawling to `revue crawl` workers")
	_, err = parseChecked(fs, args, &cfg, errs)
	return cfg, noCrawl, err
}

// portalVia replaces the portal's ways out to the network; the zero value
// keeps them.
type portalVia struct {
	crawl  func(*fetch.Client) crawl.Fetcher // wraps the crawler's fetcher
	images web.ImageFetcher                  // the image proxy's source
}

// portalImages is the image proxy's way out: the process's polite,
// SSRF-guarded client, asked for an image so that robots.txt is honoured.
func portalImages(c *fetch.Client) web.ImageFetcher { return imageFetcher{c} }

// imageFetcher adapts fetch.Client to web.ImageFetcher.
type imageFetcher struct{ c *fetch.Client }

func (f imageFetcher) FetchImage(ctx context.Context, url string) (string, []byte, error) {
	resp, err := f.c.Fetch(ctx, fetch.Request{URL: url, Kind: fetch.KindImage})
	if err != nil {
		return "", nil, err
	}
	return resp.ContentType, resp.Body, nil
}

// runPortal serves the web portal on ln until ctx ends, with the crawler
// alongside when crawling is on. ready, when set, is called once the
// portal accepts requests.
// via, when set, replaces the ways out (the demo's).
func (a *app) runPortal(ctx context.Context, cfg *config, st revue.Store, ln net.Listener, crawling bool, log *slog.Logger,
	ready func(url string), via portalVia) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	fetcher, err := newFetcher(cfg, st)
	if err != nil {
		return err
	}
	var wake <-chan int64
	if pg, ok := st.(*postgres.Store); ok {
		// Other processes' articles reach this replica's live ticker at
		// once instead of at the next poll.
		if ch, err := pg.ListenArticles(ctx); err == nil {
			wake = ch
		} else {
			log.Warn("live notifications unavailable; the ticker will poll", "err", err)
		}
	}
	imageCache := imageCacheDir(cfg)
	images := portalImages(fetcher)
	if via.images != nil {
		images = via.images
	}
	sections, err := tag.NewSections(tag.SectionsOptions{File: cfg.SectionsMap})
	if err != nil {
		return err
	}
	srv, err := web.New(web.Config{
		Store:           st,
		Sections:        sections.Slugs(),
		BaseURL:         cfg.baseURL(),
		BaseURLGuessed:  cfg.BaseURL == "",
		Images:          images,
		ImageCacheDir:   imageCache,
		ImageCacheBytes: cfg.ImageCacheSize,
		Logger:          log,
		Now:             time.Now,
		Wake:            wake,
		TrustedProxies:  cfg.TrustedProxies,
		Metrics:         reg,
		Republish:       cfg.Republish,
		ReportThreshold: cfg.ReportThreshold,
	})
	if err != nil {
		return fmt.Errorf("preparing the portal: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.Handle("/", srv.Handler())
	httpServer := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// Request contexts end with the portal, so live streams close
		// and Shutdown does not wait for them.
		BaseContext: func(net.Listener) context.Context { return ctx },
		ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	var wg sync.WaitGroup
	errc := make(chan error, 3)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			errc <- fmt.Errorf("live ticker: %w", err)
		}
	}()
	if crawling {
		var cf crawl.Fetcher = fetcher
		if via.crawl != nil {
			cf = via.crawl(fetcher)
		}
		c, err := newCrawler(cfg, st, cf, log, reg, nil)
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Run(ctx); err != nil {
				errc <- fmt.Errorf("crawler: %w", err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := httpServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("serving on %s: %w", ln.Addr(), err)
		}
	}()
	url := "http://" + ln.Addr().String()
	log.Info("portal ready", "url", url, "public", cfg.baseURL(), "crawling", crawling, "image_cache", imageCache)
	if ready != nil {
		ready(url)
	}

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	cancel()
	// Let requests in flight finish; SSE streams end with the context.
	shutCtx, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer done()
	if err := httpServer.Shutdown(shutCtx); err != nil {
		log.Warn("shutdown did not finish cleanly", "err", err)
	}
	wg.Wait()
	return runErr
}

func (a *app) migrate(ctx context.Context, args []string) error {
	fs := a.flags("migrate")
	var cfg config
	errs := cfg.bind(fs, a.env, "db")
	if _, err := parseChecked(fs, args, &cfg, errs); err != nil {
		return err
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(a.stdout, "the schema of %s is up to date\n", redactDSN(cfg.DB))
	return nil
}
