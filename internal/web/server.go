// Package web is Revue's portal: HTML pages, the live ticker (SSE), the
// image proxy and the JSON API, all reading from a revue.Store.
package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/singleflight"
	"golang.org/x/text/language"

	"revue"
	"revue/internal/imagecache"
	"revue/internal/password"
	"revue/internal/web/i18n"
	"revue/internal/web/regionmap"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// ImageFetcher fetches a remote image; the lead adapts the polite,
// SSRF-guarded fetch client to it.
type ImageFetcher interface {
	FetchImage(ctx context.Context, url string) (contentType string, body []byte, err error)
}

// Config is what the portal needs from the rest of the program.
type Config struct {
	Store   revue.Store
	BaseURL string // public base URL, e.g. http://127.0.0.1:8080 (absolute links in API/feeds)
	// BaseURLGuessed says BaseURL was derived from the listening address
	// rather than configured: readers may reach the portal by another
	// name (localhost, the machine's name), so a form's origin is checked
	// against the host the request was sent to as well.
	BaseURLGuessed bool
	Images         ImageFetcher
	Logger         *slog.Logger
	// Now is the clock used for relative times ("il y a 5 min"); default time.Now.
	Now func() time.Time
	// Location is the zone dates are shown in; default UTC (the article's
	// own offset is not kept by the store).
	Location *time.Location
	// LivePoll is how often the live hub asks the store for new articles (default 2s).
	LivePoll time.Duration
	// Wake, when set, triggers an immediate poll (PostgreSQL NOTIFY).
	Wake <-chan int64
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client; any other peer is the client itself.
	TrustedProxies []netip.Prefix
	// StreamsPerClient bounds the live ticker streams one client network
	// (an IPv4 address, an IPv6 /64) holds at once (default 4).
	StreamsPerClient int
	// ImageCacheDir is the image proxy's disk cache, a folder of its own
	// (created if missing; required). Pictures kept there survive restarts.
	ImageCacheDir string
	// ImageCacheBytes and ImageCacheFiles bound that folder (defaults
	// 512 MiB and 50 000 files); the least recently used go first.
	ImageCacheBytes int64
	ImageCacheFiles int
	// Metrics, when set, is where the portal registers its Prometheus
	// series (open and refused live streams).
	Metrics prometheus.Registerer
	// Republish is how much of an article the portal shows when its source
	// sets nothing: revue.RepublishFull (the default) or
	// revue.RepublishExcerpt.
	Republish string
	// ReportThreshold is how many distinct readers' reports block an image
	// (default 3).
	ReportThreshold int
	// Sections are the section slugs the portal knows (the section
	// table's, in its order): each has a page, even empty, and the home
	// page lists them. Another slug has a page only while articles are
	// filed under it (a source set to a section the table lacks).
	Sections []string
	// ReportsPerHour bounds the reports one reader (an IPv4 address or an
	// IPv6 /64) may send in an hour (default 30).
	ReportsPerHour int
}

// Server serves the portal. Build it with New.
type Server struct {
	store   revue.Store
	baseURL string
	images  ImageFetcher
	log     *slog.Logger
	now     func() time.Time
	loc     *time.Location
	poll    time.Duration
	wake    <-chan int64
	clients clientAddrs
	streams *streamLimit
	metrics *metrics
	// tr is French, the administration's language; public pages speak
	// the request's (ui(r)).
	tr        *i18n.Translator
	langs     map[string]*uiLang // by code: fr, ar, es, en
	langOrder []*uiLang          // French first
	matcher   language.Matcher   // Accept-Language against langOrder
	static    fs.FS
	assetVer  map[string]string // static file name → content hash, for cache busting
	cache     *imagecache.Cache
	fetches   singleflight.Group // image fetches in flight, by image ID
	hub       *hub

	heartbeat time.Duration
	republish string
	sections  []string

	threshold      int
	reportsPerHour int
	origin         string // the base URL's scheme://host, what same-origin requests name
	secureCookies  bool   // the base URL is https
	originFromHost bool   // the base URL was guessed: the request's host is the portal's too
	reporterKey    secretKey
	// dummyHash is verified when a login names no administrator, so that
	// a wrong name costs as long as a wrong password.
	dummyHash  string
	adminPages map[string]*template.Template
	// regionMap is the regional overview's map, projected once.
	regionMap *regionmap.Map
	// regionWeek is the overview's counts, read at most once a minute.
	regionWeek minuteCache
}

const (
	defaultLivePoll   = 2 * time.Second
	defaultImageCache = 512 << 20
	// defaultImageFiles leaves room for 512 MiB of typical news pictures
	// (about 100 KB each) while keeping a flood of tiny ones from filling
	// the file system's inodes.
	defaultImageFiles = 50_000
	sseHeartbeat      = 15 * time.Second
	tickerSize        = 50
	pageSize          = 20

	defaultReportThreshold = 3
	defaultReportsPerHour  = 30
)

// defaultStreamsPerClient leaves a browser two of its six connections to
// one host for pages even when it opens a stream per tab.
const defaultStreamsPerClient = 4

// New checks cfg and parses the embedded templates once.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: Config.Store is required")
	}
	if cfg.Images == nil {
		return nil, errors.New("web: Config.Images is required (the image proxy fetches through it)")
	}
	s := &Server{
		store:     cfg.Store,
		baseURL:   strings.TrimRight(cfg.BaseURL, "/"),
		images:    cfg.Images,
		log:       cfg.Logger,
		now:       cfg.Now,
		loc:       cfg.Location,
		poll:      cfg.LivePoll,
		wake:      cfg.Wake,
		heartbeat: sseHeartbeat,
		republish: cfg.Republish,
		sections:  slices.Clone(cfg.Sections),

		originFromHost: cfg.BaseURLGuessed,
		threshold:      cmp.Or(max(cfg.ReportThreshold, 0), defaultReportThreshold),
		reportsPerHour: cmp.Or(max(cfg.ReportsPerHour, 0), defaultReportsPerHour),
	}
	s.reporterKey = secretKey{store: cfg.Store, name: reporterSecret}
	if err := s.setOrigin(); err != nil {
		return nil, err
	}
	dummy, err := password.Hash("not an administrator's password", password.Default)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.dummyHash = dummy
	switch s.republish {
	case "":
		s.republish = revue.RepublishFull
	case revue.RepublishFull, revue.RepublishExcerpt:
	default:
		return nil, fmt.Errorf("web: the portal's republishing mode is %q; it is %q or %q", cfg.Republish, revue.RepublishFull, revue.RepublishExcerpt)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.poll <= 0 {
		s.poll = defaultLivePoll
	}
	if cfg.ImageCacheDir == "" {
		return nil, errors.New("web: Config.ImageCacheDir is required (the image proxy keeps its pictures there)")
	}
	cache, err := imagecache.Open(imagecache.Config{
		Dir:      cfg.ImageCacheDir,
		MaxBytes: cmp.Or(max(cfg.ImageCacheBytes, 0), defaultImageCache),
		MaxFiles: cmp.Or(max(cfg.ImageCacheFiles, 0), defaultImageFiles),
	})
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.cache = cache
	s.hub = newHub()
	s.reporterKey.now = s.now
	perClient := cfg.StreamsPerClient
	if perClient <= 0 {
		perClient = defaultStreamsPerClient
	}
	s.streams = newStreamLimit(perClient)
	clients, err := newClientAddrs(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	s.clients = clients
	if s.metrics, err = newMetrics(cfg.Metrics, cfg.Store); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}

	if err := s.loadLanguages(); err != nil {
		return nil, fmt.Errorf("web: loading the interface catalogs: %w", err)
	}

	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: embedded static files: %w", err)
	}
	s.static = static
	s.assetVer = map[string]string{}
	err = fs.WalkDir(static, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.assetVer[path] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: hashing static files: %w", err)
	}

	if s.regionMap, err = regionmap.Morocco(regionMapWidth); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}

	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	if err := s.parseAdminTemplates(); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler routes every portal URL; security headers are set on all answers.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /articles/{id}", s.handleArticle)
	mux.HandleFunc("GET /sources/{id}", s.handleSource)
	mux.HandleFunc("GET /sections/{slug}", s.handleSection)
	mux.HandleFunc("GET /regions/{slug}", s.handleRegion)
	mux.HandleFunc("GET /regions", s.handleRegions)
	mux.HandleFunc("GET /stories/{id}", s.handleStory)
	s.feedRoutes(mux)
	mux.HandleFunc("GET /search", s.handleSearch)
	mux.HandleFunc("GET /images/{id}", s.handleImage)
	mux.HandleFunc("GET /images/{id}/report", s.handleReportForm)
	mux.HandleFunc("POST /images/{id}/report", s.handleReport)
	s.adminRoutes(mux)
	mux.HandleFunc("GET /events/ticker", s.handleEvents)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /language", s.handleLanguage)
	mux.HandleFunc("GET /article-languages", s.handleArticleLanguages)
	mux.HandleFunc("GET /static/{path...}", s.handleStatic)

	mux.HandleFunc("GET /api/v1/articles", s.apiArticles)
	mux.HandleFunc("GET /api/v1/articles/{id}", s.apiArticle)
	mux.HandleFunc("GET /api/v1/stories/{id}", s.apiStory)
	mux.HandleFunc("GET /api/v1/ticker", s.apiTicker)
	mux.HandleFunc("GET /api/v1/sources", s.apiSources)
	mux.HandleFunc("/api/", s.apiNotFound)

	mux.HandleFunc("/", s.handleNotFound)
	return securityHeaders(s.withInterfaceLanguage(mux))
}

// pageCSP allows no inline script or style and no third-party resource:
// images come only through the proxy.
const pageCSP = "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if _, err := s.store.LatestArticleID(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "health check: the store does not answer", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "store unavailable")
		return
	}
	fmt.Fprintln(w, "ok")
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	if _, ok := s.assetVer[name]; !ok {
		s.handleNotFound(w, r)
		return
	}
	// Links carry ?v=<content hash>, so a changed file gets a new URL.
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeFileFS(w, r, s.static, name)
}

// assetURL is the cache-busting URL of an embedded static file.
func (s *Server) assetURL(name string) string {
	return "/static/" + name + "?v=" + s.assetVer[name]
}
