package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestClientNetwork(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name, remoteAddr, forwardedFor string
		want                           string
	}{
		{"IPv4 peer", "198.51.100.7:51234", "", "198.51.100.7/32"},
		{"IPv6 peer is its /64", "[2001:db8:1:2:3:4:5:6]:443", "", "2001:db8:1:2::/64"},
		{"IPv4-mapped IPv6 peer is the IPv4 address", "[::ffff:198.51.100.7]:1", "", "198.51.100.7/32"},
		{"zone dropped", "[fe80::1%eth0]:1", "", "fe80::/64"},
		{"untrusted peer's header ignored", "198.51.100.7:1", "203.0.113.1", "198.51.100.7/32"},
		{"trusted proxy: the header's client", "10.0.0.5:1", "203.0.113.1", "203.0.113.1/32"},
		{"trusted IPv6 proxy: IPv6 client by /64", "[fd00::5]:1", "2001:db8:9:9::1", "2001:db8:9:9::/64"},
		{"trusted proxy: rightmost untrusted wins over a spoofed left", "10.0.0.5:1", "1.1.1.1, 203.0.113.1, 10.2.2.2", "203.0.113.1/32"},
		{"trusted proxy: several header lines read in order", "10.0.0.5:1", "1.1.1.1\n203.0.113.1", "203.0.113.1/32"},
		{"trusted proxy without a header is the client", "10.0.0.5:1", "", "10.0.0.5/32"},
		{"trusted proxy with garbage is the client", "10.0.0.5:1", "not-an-address", "10.0.0.5/32"},
		{"Unix socket peer has no network", "@", "", "invalid Prefix"},
	}
	clients, err := newClientAddrs(proxies)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/events/ticker", nil)
			r.RemoteAddr = tc.remoteAddr
			for line := range strings.SplitSeq(tc.forwardedFor, "\n") {
				if line != "" {
					r.Header.Add("X-Forwarded-For", line)
				}
			}
			if got := clientNetwork(clients.of(r)).String(); got != tc.want {
				t.Errorf("client network %s, want %s", got, tc.want)
			}
		})
	}
}

// FuzzClientNetwork feeds any peer address and X-Forwarded-For: the
// answer is no network or a whole IPv4 address or IPv6 /64, and the
// header counts only when the peer is a trusted proxy.
func FuzzClientNetwork(f *testing.F) {
	for _, seed := range [][2]string{
		{"198.51.100.7:1", ""},
		{"10.0.0.5:1", "1.1.1.1, 203.0.113.1, 10.2.2.2"},
		{"[fd00::5]:1", "2001:db8:9:9::1"},
		{"10.0.0.5:1", "[2001:db8::1]:443, unknown"},
		{"[fe80::1%eth0]:1", "fe80::2%eth1"},
		{"@", "203.0.113.1"},
		{"10.0.0.5:1", "::ffff:203.0.113.1"},
	} {
		f.Add(seed[0], seed[1])
	}
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	clients, err := newClientAddrs(proxies)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, remoteAddr, forwardedFor string) {
		r := httptest.NewRequest(http.MethodGet, "/events/ticker", nil)
		r.RemoteAddr = remoteAddr
		r.Header.Set("X-Forwarded-For", forwardedFor)
		got := clientNetwork(clients.of(r))
		if got.IsValid() {
			if want := map[bool]int{true: 32, false: 64}[got.Addr().Is4()]; got.Bits() != want || got != got.Masked() {
				t.Fatalf("client network %s is not a whole IPv4 address or IPv6 /64", got)
			}
		}
		r.Header.Del("X-Forwarded-For")
		peer := clientNetwork(clients.of(r))
		trusted := peer.IsValid() && (proxies[0].Overlaps(peer) || proxies[1].Overlaps(peer))
		if !trusted && got != peer {
			t.Fatalf("peer %q is not a trusted proxy, yet X-Forwarded-For %q made the client %s instead of %s", remoteAddr, forwardedFor, got, peer)
		}
	})
}
