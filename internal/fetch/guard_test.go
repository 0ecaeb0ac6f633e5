package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// recordingDial records every address it is asked to dial and never
// connects: guard verdicts are tested without a packet leaving the process.
type recordingDial struct {
	mu    sync.Mutex
	addrs []string
}

var errStubDial = errors.New("stub dialer: not connecting")

func (d *recordingDial) dial(_ context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.addrs = append(d.addrs, addr)
	return nil, errStubDial
}

func TestGuardVerdicts(t *testing.T) {
	tests := []struct {
		ip      string
		refused bool
	}{
		{"10.0.0.1", true},
		{"172.16.0.1", true},
		{"192.168.1.1", true},
		{"127.0.0.1", true},
		{"169.254.169.254", true}, // cloud metadata
		{"100.64.0.1", true},      // CGNAT
		{"100.100.100.200", true}, // Alibaba metadata
		{"0.0.0.0", true},
		{"224.0.0.1", true},
		{"255.255.255.255", true},
		{"192.0.2.1", true}, // documentation
		{"::1", true},
		{"::", true},
		{"fd00::1", true},
		{"fe80::1", true},
		{"::ffff:10.0.0.1", true},
		{"::ffff:127.0.0.1", true},
		{"fd00:ec2::254", true},   // AWS metadata over IPv6
		{"64:ff9b::7f00:1", true}, // NAT64 of 127.0.0.1
		{"2002:7f00:1::1", true},  // 6to4 of 127.0.0.1
		{"2001:db8::1", true},     // documentation
		{"93.184.216.34", false},
		{"2606:4700::1111", false},
		{"::ffff:93.184.216.34", false}, // judged as the IPv4 it carries
	}
	for _, tt := range tests {
		for _, via := range []string{"dns", "literal"} {
			t.Run(via+" "+tt.ip, func(t *testing.T) {
				rec := &recordingDial{}
				c := newTestClient(t, func(cfg *Config) {
					cfg.AllowPrivateNetworks = false
					cfg.Resolver = stubResolver{"target.example": {tt.ip}}
					cfg.Dial = rec.dial
				})
				host := "target.example"
				if via == "literal" {
					host = tt.ip
					if strings.Contains(host, ":") {
						host = "[" + host + "]"
					}
				}
				_, err := c.Fetch(ctxT(t), Request{URL: "http://" + host + ":8080/feed", Kind: KindFeed})
				if tt.refused {
					if !errors.Is(err, ErrPrivateAddress) {
						t.Fatalf("err = %v, want ErrPrivateAddress", err)
					}
					if len(rec.addrs) != 0 {
						t.Errorf("dialer was asked for %v after the guard refused", rec.addrs)
					}
					if !strings.Contains(err.Error(), "REVUE_ALLOW_PRIVATE_NETWORKS=1") {
						t.Errorf("message %q does not say how to allow it", err)
					}
					return
				}
				if !errors.Is(err, errStubDial) {
					t.Fatalf("err = %v, want the stub dialer's refusal (the guard should have let it through)", err)
				}
				want := net.JoinHostPort(strings.TrimPrefix(tt.ip, "::ffff:"), "8080")
				if len(rec.addrs) == 0 || rec.addrs[0] != want {
					t.Errorf("dialed %v, want the checked address %s", rec.addrs, want)
				}
			})
		}
	}
}

func TestGuardMessageNamesHostAndAddress(t *testing.T) {
	c := newTestClient(t, func(cfg *Config) {
		cfg.AllowPrivateNetworks = false
		cfg.Resolver = stubResolver{"intranet.example": {"10.1.2.3"}}
		cfg.Dial = (&recordingDial{}).dial
	})
	_, err := c.Fetch(ctxT(t), Request{URL: "https://intranet.example/feed", Kind: KindFeed})
	for _, want := range []string{"https://intranet.example/feed", "intranet.example resolves to 10.1.2.3", "REVUE_ALLOW_PRIVATE_NETWORKS=1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("message %v lacks %q", err, want)
		}
	}
}

func TestGuardDialsOnlyCheckedAddresses(t *testing.T) {
	// A rebinding-style answer mixing a private and a public address.
	rec := &recordingDial{}
	c := newTestClient(t, func(cfg *Config) {
		cfg.AllowPrivateNetworks = false
		cfg.Resolver = stubResolver{"mixed.example": {"10.0.0.1", "93.184.216.34", "127.0.0.1"}}
		cfg.Dial = rec.dial
	})
	c.Fetch(ctxT(t), Request{URL: "http://mixed.example/", Kind: KindFeed})
	if fmt.Sprint(rec.addrs) != "[93.184.216.34:80]" {
		t.Errorf("dialed %v, want only 93.184.216.34:80", rec.addrs)
	}
}

func TestGuardAllowsPrivateWhenConfigured(t *testing.T) {
	rec := &recordingDial{}
	c := newTestClient(t, func(cfg *Config) {
		cfg.AllowPrivateNetworks = true
		cfg.Resolver = stubResolver{"intranet.example": {"10.1.2.3"}}
		cfg.Dial = rec.dial
	})
	_, err := c.Fetch(ctxT(t), Request{URL: "http://intranet.example/", Kind: KindFeed})
	if !errors.Is(err, errStubDial) || fmt.Sprint(rec.addrs) != "[10.1.2.3:80]" {
		t.Errorf("err = %v, dialed %v; want a dial to 10.1.2.3:80", err, rec.addrs)
	}
}

// TestGuardOnRealLoopbackServer is the end-to-end check: with the guard on
// and the real dialer, a feed server on 127.0.0.1 receives nothing at all.
func TestGuardOnRealLoopbackServer(t *testing.T) {
	srv, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<rss/>"))
	})
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	urls := []string{
		srv.URL + "/feed",
		fmt.Sprintf("http://localhost:%d/feed", port),
		fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/feed", port),
		fmt.Sprintf("http://0.0.0.0:%d/feed", port),
	}
	c := newTestClient(t, func(cfg *Config) {
		cfg.AllowPrivateNetworks = false
		cfg.Resolver = stubResolver{"localhost": {"127.0.0.1", "::1"}}
	})
	for _, u := range urls {
		for _, kind := range []Kind{KindFeed, KindPage} {
			_, err := c.Fetch(ctxT(t), Request{URL: u, Kind: kind})
			if !errors.Is(err, ErrPrivateAddress) {
				t.Errorf("%s (%s): err = %v, want ErrPrivateAddress", u, kind, err)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server received %d requests, want 0", n)
	}
}

// TestGuardOnRedirect starts at a "public" host (a stub resolver and dialer
// route public.example to a loopback server) that redirects to 127.0.0.1:
// the second hop must be refused and the target never reached.
func TestGuardOnRedirect(t *testing.T) {
	target, targetHits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("secret"))
	})
	entry, entryHits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/admin", http.StatusFound)
	})
	entryAddr := entry.Listener.Addr().String()
	var mu sync.Mutex
	var dialed []string
	c := newTestClient(t, func(cfg *Config) {
		cfg.AllowPrivateNetworks = false
		cfg.Resolver = stubResolver{"public.example": {"93.184.216.34"}}
		cfg.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dialed = append(dialed, addr)
			mu.Unlock()
			if addr != "93.184.216.34:80" {
				return nil, fmt.Errorf("test dialer: unexpected address %s", addr)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, entryAddr) // loopback only
		}
	})
	_, err := c.Fetch(ctxT(t), Request{URL: "http://public.example/feed", Kind: KindFeed})
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("err = %v, want ErrPrivateAddress on the redirect", err)
	}
	if entryHits.Load() != 1 || targetHits.Load() != 0 {
		t.Errorf("entry hits %d (want 1), target hits %d (want 0)", entryHits.Load(), targetHits.Load())
	}
	if fmt.Sprint(dialed) != "[93.184.216.34:80]" {
		t.Errorf("dialed %v, want only the public address", dialed)
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://example.com/feed", true},
		{"HTTP://example.com/feed", true},
		{"https://user:token@example.com/feed", true},
		{"ftp://example.com/feed", false},
		{"file:///etc/passwd", false},
		{"gopher://example.com:70/", false},
		{"javascript:alert(1)", false},
		{"http:///nohost", false},
		{"https://bank.example@evil.example/", false},
		{"https://127.0.0.1:80@evil.example/", false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkURL(u); (err == nil) != tt.ok {
			t.Errorf("checkURL(%s) = %v, want ok=%v", tt.url, err, tt.ok)
		}
	}
}

func TestBadURLNeverDialed(t *testing.T) {
	rec := &recordingDial{}
	c := newTestClient(t, func(cfg *Config) {
		cfg.AllowPrivateNetworks = false
		cfg.Dial = rec.dial
	})
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/", "https://bank.example@evil.example/", "::not a url"} {
		if _, err := c.Fetch(ctxT(t), Request{URL: u, Kind: KindPage}); !errors.Is(err, ErrBadURL) {
			t.Errorf("%s: err = %v, want ErrBadURL", u, err)
		}
	}
	if len(rec.addrs) != 0 {
		t.Errorf("dialed %v", rec.addrs)
	}
}
