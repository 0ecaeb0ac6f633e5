package fetch

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testUA = "Revue/test (+https://portal.example)"

// newTestClient builds a client for loopback servers: the guard is off (the
// servers live on 127.0.0.1), there is no host delay, and every timeout is
// short so failures show in well under a second.
func newTestClient(t *testing.T, adjust func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		UserAgent:            testUA,
		AllowPrivateNetworks: true,
		HostDelay:            0,
		ConnectTimeout:       2 * time.Second,
		HeaderTimeout:        2 * time.Second,
		TotalTimeout:         10 * time.Second,
		MinRateWindow:        2 * time.Second,
	}
	if adjust != nil {
		adjust(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// countingServer serves h on 127.0.0.1 and counts the requests it receives.
func countingServer(t testing.TB, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// stubResolver answers from a fixed table and never sends a DNS query.
type stubResolver map[string][]string

func (s stubResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	addrs, ok := s[strings.ToLower(host)]
	if !ok {
		return nil, &net.DNSError{Err: "no such host (stub)", Name: host, IsNotFound: true}
	}
	var out []net.IPAddr
	for _, a := range addrs {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out, nil
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
