package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"code.dny.dev/ssrf"
)

// Resolver is the DNS seam: net.DefaultResolver in production, a stub in tests.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// DialFunc is the connection seam: a net.Dialer in production, a stub in tests.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// guardedDialer resolves a host once, refuses every address the SSRF guard
// rejects, and dials the checked IP itself, so no second lookup can return a
// different (rebinding) answer. The HTTP transport dials through it for every
// connection, which covers redirects and keep-alive reconnects alike.
type guardedDialer struct {
	resolver     Resolver
	dial         DialFunc
	guard        *ssrf.Guardian // nil when private networks are allowed
	connectLimit func(ctx context.Context) (context.Context, context.CancelFunc)
}

// newGuardian builds the policy: the library's IANA special-purpose deny
// lists (loopback, RFC 1918, link-local and so the 169.254.169.254 metadata
// address, CGNAT and so Alibaba's 100.100.100.200, multicast, broadcast,
// documentation, benchmarking, reserved), every IPv6 address outside global
// unicast (::1, fc00::/7 and so fd00:ec2::254, fe80::/10, NAT64 64:ff9b::/96),
// and 6to4/Teredo inside it. Any port is allowed: feeds do live on :8080, and
// the threat here is reaching inside networks, not odd ports outside.
func newGuardian() *ssrf.Guardian {
	return ssrf.New(ssrf.WithAnyPort())
}

// checkAddr applies the guard to one address, already unmapped: an
// IPv4-mapped IPv6 address is judged as the IPv4 address it carries, so
// ::ffff:10.0.0.1 is refused as 10.0.0.1 is, and ::ffff:93.184.216.34 allowed.
func (d *guardedDialer) checkAddr(ip netip.Addr) error {
	if d.guard == nil {
		return nil
	}
	return d.guard.SafeAddr(ip)
}

func (d *guardedDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dialing %q: %w", addr, err)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("dialing %q: bad port: %w", addr, err)
	}
	ctx, cancel := d.connectLimit(ctx)
	defer cancel()

	var candidates []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		candidates = []netip.Addr{ip.Unmap()}
	} else {
		answers, err := d.resolver.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("looking up %s: %w", host, err)
		}
		for _, a := range answers {
			if ip, ok := netip.AddrFromSlice(a.IP); ok {
				candidates = append(candidates, ip.Unmap().WithZone(a.Zone))
			}
		}
		if len(candidates) == 0 {
			return nil, fmt.Errorf("looking up %s: no addresses", host)
		}
	}

	var allowed []netip.Addr
	var refused error
	for _, ip := range candidates {
		if err := d.checkAddr(ip); err != nil {
			if refused == nil {
				refused = &privateAddressError{host: host, addr: ip.String()}
			}
			continue
		}
		allowed = append(allowed, ip)
	}
	if len(allowed) == 0 {
		return nil, refused
	}

	var errs []error
	for _, ip := range allowed {
		target := netip.AddrPortFrom(ip, uint16(port)).String()
		conn, err := d.dial(ctx, network, target)
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// checkURL refuses what must never reach the dialer: schemes other than
// http(s), URLs without a host, and userinfo that disguises the real host
// (https://bank.example@evil.example/ is a request to evil.example).
func checkURL(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return fmt.Errorf("%w: scheme %q is not http or https", ErrBadURL, u.Scheme)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%w: no host name", ErrBadURL)
	}
	if u.User != nil {
		// user:secret@host is how some private feeds authenticate; a user part
		// that is a host name, with at most a port after it, is a disguise.
		password, _ := u.User.Password()
		if strings.Contains(u.User.Username(), ".") && strings.Trim(password, "0123456789") == "" {
			return fmt.Errorf("%w: %q before @ looks like a host name but the request would go to %s", ErrBadURL, u.User.String(), u.Hostname())
		}
	}
	return nil
}
