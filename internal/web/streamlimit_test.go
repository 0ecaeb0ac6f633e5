package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// streamAttempt is one request for /events/ticker from a chosen loopback
// address, kept open while it streams.
type streamAttempt struct {
	status     int
	retryAfter string
	body       string
	close      func()
}

func openStreamFrom(t *testing.T, e *testEnv, from, forwardedFor string) streamAttempt {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext, DisableKeepAlives: true}}
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.portal.URL+"/events/ticker", nil)
	if err != nil {
		t.Fatal(err)
	}
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	// A refusal must come at once; a stream's headers come at once too.
	timer := time.AfterFunc(5*time.Second, cancel)
	resp, err := client.Do(req)
	timer.Stop()
	if err != nil {
		cancel()
		t.Fatalf("GET /events/ticker from %s (X-Forwarded-For %q): %v", from, forwardedFor, err)
	}
	a := streamAttempt{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		a.body = string(b)
	}
	a.close = func() {
		cancel()
		resp.Body.Close()
	}
	t.Cleanup(a.close)
	return a
}

func TestStreamsPerClient(t *testing.T) {
	type step struct {
		from, forwardedFor string
		// closeStep, when set, closes the stream opened at that step
		// (counted from 1) instead of opening one.
		closeStep int
		want      int
		// eventually lets the server take a moment to notice a closed
		// stream before it serves this one.
		eventually bool
	}
	open := func(from, forwardedFor string, want int) step {
		return step{from: from, forwardedFor: forwardedFor, want: want}
	}
	const ok, refused = http.StatusOK, http.StatusTooManyRequests
	tests := []struct {
		name    string
		proxies []netip.Prefix
		steps   []step
	}{
		{
			name: "a fifth stream from one address is refused, another address is served",
			steps: []step{
				open("127.0.0.2", "", ok), open("127.0.0.2", "", ok), open("127.0.0.2", "", ok), open("127.0.0.2", "", ok),
				open("127.0.0.2", "", refused),
				open("127.0.0.3", "", ok),
			},
		},
		{
			name: "a closed stream frees its slot",
			steps: []step{
				open("127.0.0.2", "", ok), open("127.0.0.2", "", ok), open("127.0.0.2", "", ok), open("127.0.0.2", "", ok),
				open("127.0.0.2", "", refused),
				{closeStep: 2},
				{from: "127.0.0.2", want: ok, eventually: true},
				open("127.0.0.2", "", refused),
			},
		},
		{
			name:    "behind a trusted proxy, IPv6 clients are counted by /64",
			proxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
			steps: []step{
				open("127.0.0.1", "2001:db8:a:b::1", ok),
				open("127.0.0.1", "2001:db8:a:b::2", ok),
				open("127.0.0.1", "2001:db8:a:b:ffff:ffff:ffff:ffff", ok),
				open("127.0.0.1", "2001:db8:a:b::1", ok),
				open("127.0.0.1", "2001:db8:a:b:1234::5", refused),
				open("127.0.0.1", "2001:db8:a:c::1", ok),
				// The proxy's own address is not the client's.
				open("127.0.0.1", "", ok),
			},
		},
		{
			name:    "behind a chain of trusted proxies, the client is the first untrusted address from the right",
			proxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")},
			steps: []step{
				open("127.0.0.1", "203.0.113.9, 198.51.100.7, 10.1.2.3", ok),
				open("127.0.0.2", "198.51.100.7, 10.9.9.9", ok),
				open("127.0.0.1", "1.2.3.4, 198.51.100.7", ok),
				open("127.0.0.1", "198.51.100.7", ok),
				open("127.0.0.1", "198.51.100.7", refused),
				open("127.0.0.1", "198.51.100.8", ok),
			},
		},
		{
			name:    "X-Forwarded-For from a peer that is not a trusted proxy is ignored",
			proxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
			steps: []step{
				open("127.0.0.4", "192.0.2.1", ok), open("127.0.0.4", "192.0.2.2", ok),
				open("127.0.0.4", "192.0.2.3", ok), open("127.0.0.4", "192.0.2.4", ok),
				open("127.0.0.4", "192.0.2.5", refused),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewPedanticRegistry()
			e := newEnv(t, func(c *Config) {
				c.TrustedProxies = tc.proxies
				c.Metrics = reg
			})
			attempts := make([]streamAttempt, len(tc.steps))
			refusals, open := 0, 0
			count := func(a streamAttempt) {
				switch a.status {
				case refused:
					refusals++
				case ok:
					open++
				}
			}
			for i, s := range tc.steps {
				if s.closeStep > 0 {
					attempts[s.closeStep-1].close()
					open--
					continue
				}
				a := openStreamFrom(t, e, s.from, s.forwardedFor)
				count(a)
				deadline := time.Now().Add(10 * time.Second)
				for s.eventually && a.status != s.want && time.Now().Before(deadline) {
					a.close()
					time.Sleep(10 * time.Millisecond)
					a = openStreamFrom(t, e, s.from, s.forwardedFor)
					count(a)
				}
				attempts[i] = a
				if a.status != s.want {
					t.Fatalf("step %d, from %s (X-Forwarded-For %q): status %d, want %d", i+1, s.from, s.forwardedFor, a.status, s.want)
				}
				if a.status == refused {
					if a.retryAfter != "30" {
						t.Errorf("step %d: Retry-After %q, want 30", i+1, a.retryAfter)
					}
					if !strings.Contains(a.body, "Too many live ticker streams") {
						t.Errorf("step %d: body %q does not say why", i+1, a.body)
					}
				}
			}
			if got := metricValue(t, reg, "revue_live_streams_refused_total"); got != float64(refusals) {
				t.Errorf("revue_live_streams_refused_total = %v, want the %d refusals seen", got, refusals)
			}
			waitFor(t, fmt.Sprintf("revue_live_streams to be the %d streams open", open), func() bool {
				return metricValue(t, reg, "revue_live_streams") == float64(open)
			})
		})
	}
}

// metricValue is the value of a gauge or counter without labels.
func metricValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name || len(f.GetMetric()) != 1 {
			continue
		}
		m := f.GetMetric()[0]
		if c := m.GetCounter(); c != nil {
			return c.GetValue()
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("no metric %s", name)
	return 0
}
