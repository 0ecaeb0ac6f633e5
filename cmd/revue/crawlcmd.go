package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"revue"
	"revue/internal/crawl"
)

func (a *app) crawl(ctx context.Context, args []string) error {
	fs := a.flags("crawl")
	var cfg config
	errs := cfg.bind(fs, a.env, "db", "crawl")
	once := fs.Bool("once", false, "one pass over the due sources, then exit")
	all := fs.Bool("all", false, "with --once: fetch every enabled source whatever its schedule (back-off and Retry-After still honoured)")
	if _, err := parseChecked(fs, args, &cfg, errs); err != nil {
		return err
	}
	if *all && !*once {
		return fmt.Errorf("%w: --all goes with --once", errUsage)
	}
	log := a.logger(cfg.LogLevel)
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fetcher, err := newFetcher(&cfg, st)
	if err != nil {
		return err
	}
	if !*once {
		c, err := newCrawler(&cfg, st, fetcher, log, nil, nil)
		if err != nil {
			return err
		}
		log.Info("crawl worker started", "workers", cfg.Workers)
		return c.Run(ctx)
	}

	progress := a.progress(ctx, st, *all)
	c, err := newCrawler(&cfg, st, fetcher, log, nil, progress.done)
	if err != nil {
		return err
	}
	sum, err := c.OnceWithPages(ctx, *all)
	progress.finish()
	if err != nil {
		return fmt.Errorf("crawl stopped: %w", err)
	}
	fmt.Fprintf(a.stdout, "%d sources fetched, %d failed, %d new articles, %d full texts read from article pages\n",
		sum.Sources, sum.Failed, sum.Articles, sum.Pages)
	return nil
}

// crawlProgress shows a bar on a terminal and nothing elsewhere.
type crawlProgress struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

func (a *app) progress(ctx context.Context, st revue.Store, all bool) *crawlProgress {
	p := &crawlProgress{}
	if !a.interactive {
		return p
	}
	// The count is an estimate: other workers may take some sources.
	total := -1
	if sources, err := st.ListSources(ctx); err == nil {
		now := time.Now()
		total = 0
		for _, s := range sources {
			if s.Enabled && (!s.NextFetchAt.After(now) || (all && s.ConsecutiveFailures == 0)) {
				total++
			}
		}
	}
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(a.stderr),
		progressbar.OptionSetDescription("crawling"),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
	)
	return p
}

func (p *crawlProgress) done(r crawl.Result) {
	if p.bar == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Err != nil {
		p.bar.Describe(fmt.Sprintf("crawling (last failure: %s)", r.Source.Name))
	}
	_ = p.bar.Add(1)
}

func (p *crawlProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
