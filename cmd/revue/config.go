package main

import (
	"flag"
	"fmt"
	"math"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// config is every setting of DESIGN.md's table. Each has a flag and a
// REVUE_* variable; a flag given on the command line wins over the
// variable, which wins over the default.
type config struct {
	DB                   string
	Listen               string
	BaseURL              string
	AllowPrivateNetworks bool
	ReportThreshold      int
	TrustedProxies       []netip.Prefix
	Workers              int
	LeaseDuration        time.Duration
	HostConcurrency      int
	HostDelay            time.Duration
	MinInterval          time.Duration
	MaxInterval          time.Duration
	ShortText            int
	Languages            []string
	RegionsGazetteer     string
	SectionsMap          string
	Republish            string
	LogLevel             string
	// ImageCache is the image proxy's folder ("": see imageCacheDir) and
	// ImageCacheSize its bound in bytes.
	ImageCache     string
	ImageCacheSize int64
}

// envLookup is os.LookupEnv in production; tests pass their own.
type envLookup func(string) (string, bool)

// bind registers the settings a command uses on fs, with defaults taken
// from the environment. which lists the groups wanted: "db", "web", "crawl".
func (c *config) bind(fs *flag.FlagSet, env envLookup, which ...string) *configErrors {
	errs := &configErrors{}
	str := func(p *string, name, envName, def, usage string) {
		if v, ok := env(envName); ok && v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" (env "+envName+")")
	}
	num := func(p *int, name, envName string, def int, usage string) {
		if v, ok := env(envName); ok && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs.add(fmt.Errorf("%s=%q is not a whole number", envName, v))
			} else {
				def = n
			}
		}
		fs.IntVar(p, name, def, usage+" (env "+envName+")")
	}
	dur := func(p *time.Duration, name, envName string, def time.Duration, usage string) {
		if v, ok := env(envName); ok && v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs.add(fmt.Errorf("%s=%q is not a duration such as 5m or 1s", envName, v))
			} else {
				def = d
			}
		}
		fs.DurationVar(p, name, def, usage+" (env "+envName+")")
	}
	boolean := func(p *bool, name, envName string, usage string) {
		def := false
		if v, ok := env(envName); ok && v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs.add(fmt.Errorf("%s=%q should be 1 or 0", envName, v))
			}
			def = b
		}
		fs.BoolVar(p, name, def, usage+" (env "+envName+")")
	}
	for _, group := range which {
		switch group {
		case "db":
			str(&c.DB, "db", "REVUE_DATABASE", "revue.db", "database: a SQLite file, or a postgres:// URL")
			str(&c.LogLevel, "log-level", "REVUE_LOG_LEVEL", "info", "log level: debug, info, warn or error")
		case "web":
			str(&c.Listen, "listen", "REVUE_LISTEN", "127.0.0.1:8080", "address the portal listens on")
			str(&c.BaseURL, "base-url", "REVUE_BASE_URL", "", "public base URL of the portal (default http://{listen})")
			num(&c.ReportThreshold, "report-threshold", "REVUE_REPORT_THRESHOLD", 3, "distinct reports that block an image")
			errs.after(func() error {
				if c.ReportThreshold < 1 {
					return fmt.Errorf("the report threshold is %d: at least 1 distinct reader must report an image to block it", c.ReportThreshold)
				}
				return nil
			})
			str(&c.Republish, "republish", "REVUE_REPUBLISH", "full", "how much of an article the portal shows unless its source says: full or excerpt")
			errs.after(func() error {
				if c.Republish != "full" && c.Republish != "excerpt" {
					return fmt.Errorf("--republish is %q: full or excerpt", c.Republish)
				}
				return nil
			})
			proxies := ""
			str(&proxies, "trusted-proxies", "REVUE_TRUSTED_PROXIES", "", "comma-separated CIDRs of proxies whose X-Forwarded-For is believed")
			errs.after(func() error {
				var err error
				c.TrustedProxies, err = parsePrefixes(proxies)
				return err
			})
			str(&c.ImageCache, "image-cache", "REVUE_IMAGE_CACHE", "", "folder of the image proxy's disk cache (default: beside a SQLite database, else the user's cache folder)")
			size := ""
			str(&size, "image-cache-size", "REVUE_IMAGE_CACHE_SIZE", "512MiB", "bound of the image cache folder, e.g. 512MiB or 2GB")
			errs.after(func() error {
				var err error
				c.ImageCacheSize, err = parseSize(size)
				return err
			})
		case "crawl":
			boolean(&c.AllowPrivateNetworks, "allow-private-networks", "REVUE_ALLOW_PRIVATE_NETWORKS", "let the crawler fetch loopback and private addresses (off: SSRF guard on)")
			num(&c.Workers, "workers", "REVUE_WORKERS", 16, "concurrent fetches of this crawl process")
			dur(&c.LeaseDuration, "lease-duration", "REVUE_LEASE_DURATION", 5*time.Minute, "how long a worker holds a claimed source")
			num(&c.HostConcurrency, "host-concurrency", "REVUE_HOST_CONCURRENCY", 2, "requests at once to one host")
			dur(&c.HostDelay, "host-delay", "REVUE_HOST_DELAY", time.Second, "pause between requests to one host")
			dur(&c.MinInterval, "min-interval", "REVUE_MIN_INTERVAL", 5*time.Minute, "shortest polling interval of a source")
			dur(&c.MaxInterval, "max-interval", "REVUE_MAX_INTERVAL", 24*time.Hour, "longest polling interval of a healthy source")
			num(&c.ShortText, "short-text", "REVUE_SHORT_TEXT", 120, "an item whose feed text has fewer words gets its article page fetched for the full text (0: never)")
			str(&c.RegionsGazetteer, "regions-gazetteer", "REVUE_REGIONS_GAZETTEER", "", "gazetteer articles are placed in regions with (default: the embedded one of Morocco's twelve regions)")
			str(&c.SectionsMap, "sections-map", "REVUE_SECTIONS_MAP", "", "section table that replaces the shipped one: feed categories and keyword rules per section (format: internal/tag/sections/README.md)")
			languages := ""
			str(&languages, "languages", "REVUE_LANGUAGES", "fr,ar,es,en", "comma-separated languages the articles are detected among (a source's own language always counts); empty: any")
			errs.after(func() error {
				var err error
				c.Languages, err = parseLanguages(languages)
				return err
			})
		}
	}
	return errs
}

// configErrors collects problems found while binding, reported once the
// flags are parsed so that a bad variable and a bad flag are told together.
type configErrors struct {
	errs  []error
	posts []func() error
}

func (e *configErrors) add(err error)        { e.errs = append(e.errs, err) }
func (e *configErrors) after(f func() error) { e.posts = append(e.posts, f) }
func (e *configErrors) check(c *config) error {
	for _, f := range e.posts {
		if err := f(); err != nil {
			e.add(err)
		}
	}
	if c.Workers < 0 || c.HostConcurrency < 0 || c.ShortText < 0 {
		e.add(fmt.Errorf("workers, host concurrency and short text cannot be negative"))
	}

	if c.MinInterval > 0 && c.MaxInterval > 0 && c.MinInterval > c.MaxInterval {
		e.add(fmt.Errorf("the minimum interval %s is longer than the maximum %s", c.MinInterval, c.MaxInterval))
	}
	if len(e.errs) == 0 {
		return nil
	}
	msgs := make([]string, len(e.errs))
	for i, err := range e.errs {
		msgs[i] = err.Error()
	}
	return fmt.Errorf("configuration: %s", strings.Join(msgs, "; "))
}

func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			addr, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR", f)
			}
			out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not a CIDR such as 10.0.0.0/8", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// parseSize reads a size such as 512MiB, 2GB or 1048576 (bytes).
func parseSize(s string) (int64, error) {
	n, err := humanize.ParseBytes(s)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return 0, fmt.Errorf("image cache size %q is not a size such as 512MiB or 2GB", s)
	}
	return int64(n), nil
}

// baseURL is the configured public URL, or one derived from the listen
// address.
func (c *config) baseURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	return "http://" + c.Listen
}

func osEnv(name string) (string, bool) { return os.LookupEnv(name) }

// parseLanguages reads a comma-separated list of two- or three-letter
// language codes ("fr,ar, es").
func parseLanguages(list string) ([]string, error) {
	var langs []string
	for _, l := range strings.Split(list, ",") {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" {
			continue
		}
		if len(l) < 2 || len(l) > 3 || strings.ContainsFunc(l, func(r rune) bool { return r < 'a' || r > 'z' }) {
			return nil, fmt.Errorf("--languages: %q is not a language code such as fr, ar, es or en", l)
		}
		if !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	return langs, nil
}
