package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"revue/internal/fetch"
	"revue/internal/web"
)

// origin is a loopback image host that records what reached it.
type origin struct {
	*httptest.Server
	connections atomic.Int64
	mu          sync.Mutex
	paths       []string
}

// countingListener counts the connections the origin accepts, so a test can
// tell "refused before connecting" from "connected, then refused".
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

var picture = []byte("\x89PNG\r\n\x1a\n a picture")

func newOrigin(t *testing.T) *origin {
	t.Helper()
	o := &origin{}
	o.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.paths = append(o.paths, r.URL.Path)
		o.mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			io.WriteString(w, "User-agent: *\nDisallow: /private/\n")
		case "/private/photo.png", "/public/photo.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(picture)
		default:
			http.NotFound(w, r)
		}
	}))
	o.Listener = countingListener{o.Listener, &o.connections}
	o.Start()
	t.Cleanup(o.Close)
	return o
}

func (o *origin) requested() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.paths)
}

// productionImages builds the image proxy's fetcher the way `revue serve`
// does, from serve's settings read from env.
func productionImages(t *testing.T, env map[string]string) web.ImageFetcher {
	t.Helper()
	ta := &testApp{t: t, env: env}
	cfg, _, err := ta.app(io.Discard, io.Discard).serveSettings(nil)
	if err != nil {
		t.Fatalf("serve's settings: %v", err)
	}
	// No store: sharing robots.txt Crawl-delays between workers is not
	// what this checks.
	fetcher, err := newFetcher(&cfg, nil)
	if err != nil {
		t.Fatalf("building serve's fetcher: %v", err)
	}
	t.Cleanup(fetcher.Close)
	return portalImages(fetcher)
}

func TestPortalImagesHonourRobots(t *testing.T) {
	o := newOrigin(t)
	// Loopback must be allowed to reach the test origin at all; the guard
	// has its own test below.
	images := productionImages(t, map[string]string{"REVUE_ALLOW_PRIVATE_NETWORKS": "1"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	contentType, body, err := images.FetchImage(ctx, o.URL+"/public/photo.png")
	if err != nil || contentType != "image/png" || string(body) != string(picture) {
		t.Fatalf("an image robots.txt allows: FetchImage = %q, %d bytes, %v; want image/png and the picture", contentType, len(body), err)
	}
	_, body, err = images.FetchImage(ctx, o.URL+"/private/photo.png")
	if !errors.Is(err, fetch.ErrRobotsDisallowed) {
		t.Errorf("an image robots.txt disallows: FetchImage = %d bytes, %v; want an error wrapping %v", len(body), err, fetch.ErrRobotsDisallowed)
	}
	got := o.requested()
	if slices.Contains(got, "/private/photo.png") {
		t.Errorf("the origin was asked for the disallowed image; it saw %q", got)
	}
	if !slices.Contains(got, "/robots.txt") {
		t.Errorf("robots.txt was never read; the origin saw %q", got)
	}
}

func TestPortalImagesRefusePrivateAddresses(t *testing.T) {
	o := newOrigin(t)
	images := productionImages(t, map[string]string{}) // serve's defaults: the guard is on
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, url := range []string{o.URL + "/public/photo.png", o.URL + "/robots.txt"} {
		_, body, err := images.FetchImage(ctx, url)
		if !errors.Is(err, fetch.ErrPrivateAddress) {
			t.Errorf("FetchImage(%s) = %d bytes, %v; want an error wrapping %v", url, len(body), err, fetch.ErrPrivateAddress)
		}
	}
	if n := o.connections.Load(); n != 0 {
		t.Errorf("the loopback origin accepted %d connections (requests %q); the guard must refuse before connecting", n, o.requested())
	}
}
