package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"revue"
	"revue/internal/defaults"
	"revue/internal/discover"
	"revue/internal/extract"
	"revue/internal/opml"
	"revue/internal/web"
)

func (a *app) sources(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: sources needs a subcommand: add, list, set, remove, import or export", errUsage)
	}
	switch args[0] {
	case "add":
		return a.sourcesAdd(ctx, args[1:])
	case "list":
		return a.sourcesList(ctx, args[1:])
	case "remove":
		return a.sourcesRemove(ctx, args[1:])
	case "import":
		return a.sourcesImport(ctx, args[1:])
	case "export":
		return a.sourcesExport(ctx, args[1:])
	case "set":
		return a.sourcesSet(ctx, args[1:])
	}
	return fmt.Errorf("%w: unknown sources subcommand %q (add, list, set, remove, import, export)", errUsage, args[0])
}

func (a *app) sourcesAdd(ctx context.Context, args []string) error {
	fs := a.flags("sources add")
	var cfg config
	errs := cfg.bind(fs, a.env, "db", "crawl")
	name := fs.String("name", "", "display name (default: the feed's title)")
	lang := fs.String("lang", "", "language of the source: fr, ar, es, en… (default: the feed's, or detected per article)")
	section := fs.String("section", "", "section slug, e.g. politique")
	region := fs.String("region", "", "region slug, e.g. casablanca-settat")
	noCheck := fs.Bool("no-check", false, "add the URL as the feed without fetching it")
	pos, err := parseChecked(fs, args, &cfg, errs)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: sources add takes one URL", errUsage)
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	src := revue.Source{
		Name: *name, FeedURL: strings.TrimSpace(pos[0]), Lang: *lang,
		Section: *section, Region: *region, Enabled: true,
	}
	how := "added without checking (--no-check)"
	if *noCheck {
		u, err := url.Parse(src.FeedURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: %q is not an http(s) URL", errUsage, src.FeedURL)
		}
	} else {
		fetcher, err := newFetcher(&cfg, st)
		if err != nil {
			return err
		}
		found, err := discover.Find(ctx, fetcher, src.FeedURL, time.Now())
		if err != nil {
			return fmt.Errorf("%w (use --no-check to add it anyway)", err)
		}
		src.FeedURL, src.SiteURL = found.FeedURL, found.SiteURL
		if src.Name == "" {
			src.Name = found.Title
		}
		if src.Lang == "" {
			src.Lang = primaryLang(found.Lang)
		}
		how = fmt.Sprintf("%s; %d items, language %s", found.How, found.Items, dash(found.Lang))
	}
	if src.Name == "" {
		src.Name = hostOf(src.FeedURL)
	}
	saved, err := st.AddSource(ctx, src, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "added source %d: %s <%s> (%s); it will be fetched on the next crawl\n", saved.ID, saved.Name, saved.FeedURL, how)
	return nil
}

func (a *app) sourcesList(ctx context.Context, args []string) error {
	fs := a.flags("sources list")
	var cfg config
	errs := cfg.bind(fs, a.env, "db")
	asJSON := fs.Bool("json", false, "print JSON (the /api/v1/sources format)")
	if _, err := parseChecked(fs, args, &cfg, errs); err != nil {
		return err
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	sources, err := st.ListSources(ctx)
	if err != nil {
		return fmt.Errorf("listing sources: %w", err)
	}
	if *asJSON {
		items := make([]web.Source, 0, len(sources))
		for _, s := range sources {
			items = append(items, web.SourceJSON(s))
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"items": items})
	}
	if len(sources) == 0 {
		fmt.Fprintln(a.stdout, "No sources yet. Add one with `revue sources add URL`, or load Revue's list with `revue sources import --defaults`.")
		return nil
	}
	now := time.Now()
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tLANG\tHEALTH\tLAST SUCCESS\tNEXT FETCH\tITEMS/DAY\tARTICLES\tLAST ERROR")
	for _, s := range sources {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%.1f\t%d\t%s\n",
			s.ID, clip(s.Name, 32), dash(s.Lang), health(s), ago(s.LastSuccessAt, now), until(s.NextFetchAt, now, s.Enabled),
			s.ItemsPerDay, s.Articles, clip(s.LastError, 80))
	}
	return tw.Flush()
}

func health(s revue.Source) string {
	switch {
	case !s.Enabled:
		return "disabled"
	case s.LastFetchAt.IsZero():
		return "new"
	case s.ConsecutiveFailures > 0:
		return fmt.Sprintf("failing ×%d (%s)", s.ConsecutiveFailures, statusWord(s.LastStatus))
	case s.LastError != "":
		return "read in part (" + statusWord(s.LastStatus) + ")"
	default:
		return "ok (" + statusWord(s.LastStatus) + ")"
	}
}

func statusWord(code int) string {
	if code == 0 {
		return "no response"
	}
	return strconv.Itoa(code)
}

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// sourcesSet changes the settings of one source: only the flags given.
func (a *app) sourcesSet(ctx context.Context, args []string) error {
	fs := a.flags("sources set")
	var cfg config
	errs := cfg.bind(fs, a.env, "db")
	name := fs.String("name", "", "display name")
	lang := fs.String("lang", "", "language of the source: fr, ar, es, en…")
	section := fs.String("section", "", "section slug, e.g. politique")
	region := fs.String("region", "", "region slug, e.g. casablanca-settat")
	enable := fs.Bool("enable", false, "crawl the source again")
	disable := fs.Bool("disable", false, "stop crawling the source (its articles stay)")
	body := fs.String("body", "", "CSS selector of the article text on the source's pages, for pages the extractor gets wrong")
	var drop stringList
	fs.Var(&drop, "drop", "CSS selector of elements to remove from the article text (repeatable)")
	noRules := fs.Bool("no-rules", false, "forget the source's --body and --drop rules")
	republish := fs.String("republish", "", "how much of its articles the portal shows: full, excerpt, or default (the portal's --republish)")
	pos, err := parseChecked(fs, args, &cfg, errs)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: sources set takes one source ID and the settings to change", errUsage)
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%w: %q is not a source ID (see `revue sources list`)", errUsage, pos[0])
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if *enable && *disable {
		return fmt.Errorf("%w: --enable and --disable contradict each other", errUsage)
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	src, err := st.GetSource(ctx, id)
	if err != nil {
		return fmt.Errorf("source %d: %w", id, err)
	}
	set := func(flagName string, field *string, value string) {
		if given[flagName] {
			*field = strings.TrimSpace(value)
		}
	}
	set("name", &src.Name, *name)
	set("lang", &src.Lang, *lang)
	set("section", &src.Section, *section)
	set("region", &src.Region, *region)
	switch {
	case *enable:
		src.Enabled = true
	case *disable:
		src.Enabled = false
	}
	if *noRules {
		src.Rules = revue.ExtractRules{}
	}
	set("body", &src.Rules.Body, *body)
	if given["drop"] {
		src.Rules.Drop = drop
	}
	if err := (extract.Rules{Body: src.Rules.Body, Drop: src.Rules.Drop}).Check(); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if given["republish"] {
		switch *republish {
		case revue.RepublishFull, revue.RepublishExcerpt:
			src.Republish = *republish
		case "default":
			src.Republish = ""
		default:
			return fmt.Errorf("%w: --republish %q: full, excerpt or default", errUsage, *republish)
		}
	}
	if err := st.UpdateSource(ctx, src); err != nil {
		return fmt.Errorf("updating source %d: %w", id, err)
	}
	rules := "none"
	if !src.Rules.IsZero() {
		rules = fmt.Sprintf("body %q, drop %q", src.Rules.Body, src.Rules.Drop)
	}
	fmt.Fprintf(a.stdout, "source %d (%s): lang %s, section %s, region %s, enabled %v, page rules %s, republishing %s\n",
		src.ID, src.Name, dash(src.Lang), dash(src.Section), dash(src.Region), src.Enabled, rules, cmp.Or(src.Republish, "the portal's default"))
	return nil
}

func (a *app) sourcesRemove(ctx context.Context, args []string) error {
	fs := a.flags("sources remove")
	var cfg config
	errs := cfg.bind(fs, a.env, "db")
	pos, err := parseChecked(fs, args, &cfg, errs)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: sources remove takes one source ID", errUsage)
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%w: %q is not a source ID (see `revue sources list`)", errUsage, pos[0])
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	src, err := st.GetSource(ctx, id)
	if err != nil {
		return fmt.Errorf("source %d: %w", id, err)
	}
	if err := st.RemoveSource(ctx, id); err != nil {
		return fmt.Errorf("removing source %d: %w", id, err)
	}
	fmt.Fprintf(a.stdout, "removed source %d (%s) and its %d articles\n", id, src.Name, src.Articles)
	return nil
}

func (a *app) sourcesImport(ctx context.Context, args []string) error {
	fs := a.flags("sources import")
	var cfg config
	errs := cfg.bind(fs, a.env, "db")
	useDefaults := fs.Bool("defaults", false, "import Revue's shipped list of Moroccan, Maghreb and international outlets")
	pos, err := parseChecked(fs, args, &cfg, errs)
	if err != nil {
		return err
	}
	var outlines []opml.Outline
	switch {
	case *useDefaults && len(pos) == 0:
		if outlines, err = defaults.Sources(); err != nil {
			return fmt.Errorf("reading the shipped source list: %w", err)
		}
	case !*useDefaults && len(pos) == 1:
		f, err := os.Open(pos[0])
		if err != nil {
			return fmt.Errorf("opening %s: %w", pos[0], err)
		}
		outlines, err = opml.Parse(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("reading %s: %w", pos[0], err)
		}
	default:
		return fmt.Errorf("%w: sources import takes one OPML file, or --defaults", errUsage)
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	added, existing := 0, 0
	now := time.Now()
	for _, o := range outlines {
		name := o.Title
		if name == "" {
			name = hostOf(o.FeedURL)
		}
		_, err := st.AddSource(ctx, revue.Source{
			Name: name, FeedURL: o.FeedURL, SiteURL: o.SiteURL, Lang: primaryLang(o.Lang),
			Section: o.Section, Region: o.Region, Enabled: true,
		}, now)
		switch {
		case err == nil:
			added++
		case errors.Is(err, revue.ErrDuplicate):
			existing++
		default:
			return fmt.Errorf("importing %s: %w (%d sources imported before it)", o.FeedURL, err, added)
		}
	}
	fmt.Fprintf(a.stdout, "imported %d sources (%d already followed); they will be fetched on the next crawl\n", added, existing)
	return nil
}

func (a *app) sourcesExport(ctx context.Context, args []string) error {
	fs := a.flags("sources export")
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
	sources, err := st.ListSources(ctx)
	if err != nil {
		return fmt.Errorf("listing sources: %w", err)
	}
	outlines := make([]opml.Outline, 0, len(sources))
	for _, s := range sources {
		outlines = append(outlines, opml.Outline{
			Title: s.Name, FeedURL: s.FeedURL, SiteURL: s.SiteURL,
			Lang: s.Lang, Section: s.Section, Region: s.Region,
		})
	}
	return opml.Write(a.stdout, "Revue sources", outlines, time.Now())
}

// primaryLang keeps the language part of a tag ("fr-FR" → "fr").
func primaryLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i > 0 {
		tag = tag[:i]
	}
	return tag
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return raw
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return roundDur(now.Sub(t)) + " ago"
}

func until(t, now time.Time, enabled bool) string {
	switch {
	case !enabled:
		return "-"
	case !t.After(now):
		return "due"
	}
	return "in " + roundDur(t.Sub(now))
}

func roundDur(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(time.Minute).String()
	default:
		return d.Round(time.Hour).String()
	}
}
