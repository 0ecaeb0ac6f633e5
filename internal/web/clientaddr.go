package web

import (
	"net"
	"net/http"
	"net/netip"

	"github.com/realclientip/realclientip-go"
)

// clientAddrs says which address a request comes from: the TCP peer, or,
// when the peer is one of our trusted proxies, the address that proxy
// chain reports in X-Forwarded-For. Headers from any other peer are
// ignored, so a client cannot claim another client's address.
type clientAddrs struct {
	proxies   []netip.Prefix
	forwarded realclientip.Strategy // nil without trusted proxies
}

func newClientAddrs(proxies []netip.Prefix) (clientAddrs, error) {
	c := clientAddrs{proxies: proxies}
	if len(proxies) == 0 {
		return c, nil
	}
	ranges := make([]net.IPNet, 0, len(proxies))
	for _, p := range proxies {
		p = p.Masked()
		ranges = append(ranges, net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())})
	}
	// The rightmost address not of a trusted proxy is the one the first
	// of our proxies saw; everything left of it is the client's to write.
	s, err := realclientip.NewRightmostTrustedRangeStrategy("X-Forwarded-For", ranges)
	if err != nil {
		return c, err
	}
	c.forwarded = s
	return c, nil
}

// of is the request's client address; it is invalid only when the peer
// has none (a Unix socket).
func (c clientAddrs) of(r *http.Request) netip.Addr {
	peer := parseAddr(realclientip.RemoteAddrStrategy{}.ClientIP(nil, r.RemoteAddr))
	if c.forwarded == nil || !c.trusted(peer) {
		return peer
	}
	if client := parseAddr(c.forwarded.ClientIP(r.Header, r.RemoteAddr)); client.IsValid() {
		return client
	}
	// Only proxies in the header, or none: the proxy itself is the client.
	return peer
}

func (c clientAddrs) trusted(a netip.Addr) bool {
	for _, p := range c.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr reads an address as realclientip writes it, with the zone
// dropped and IPv4-mapped IPv6 as plain IPv4, so one client is one key.
func parseAddr(s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.WithZone("").Unmap()
}

// clientNetwork is what per-client limits count against: the IPv4
// address, or the IPv6 /64, since one household or device is usually
// given a whole /64 and may use any address in it.
func clientNetwork(a netip.Addr) netip.Prefix {
	if !a.IsValid() {
		return netip.Prefix{}
	}
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return netip.Prefix{}
	}
	return p
}
