// Package urlcanon makes feed URLs absolute and reduces article URLs to the
// canonical form used as the de-duplication key: two links that a browser
// would open as the same page, give or take tracking parameters, compare equal.
package urlcanon

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// ErrNotAbsolute is wrapped when a URL has no scheme or host to stand on.
var ErrNotAbsolute = errors.New("not an absolute http(s) URL")

// trackingParams are query parameters that only identify the campaign or
// click that led to a page; the page is the same without them.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "msclkid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "yclid": true, "_ga": true,
	"_gl": true, "ref_src": true, "ref_url": true, "xtor": true, "xtref": true,
	"at_medium": true, "at_campaign": true, "at_platform": true, "at_send_date": true,
	"at_creation": true, "at_variant": true, "at_format": true, "at_link": true,
	"at_link_id": true, "at_link_type": true, "at_link_origin": true, "at_ptr_name": true,
	"at_bbc_team": true, "at_custom1": true, "at_custom2": true, "at_custom3": true, "at_custom4": true,
	"ocid": true, "cmpid": true, "traffic_source": true, "_hsenc": true, "_hsmi": true,
	"mkt_tok": true, "oly_enc_id": true, "oly_anon_id": true, "vero_id": true, "vero_conv": true,
	"wt.mc_id": true, "wt_mc_id": true, "__twitter_impression": true, "s_cid": true,
	"ncid": true, "sr_share": true, "twclid": true, "ttclid": true, "wickedid": true,
	"spm": true, "rss_source": true,
}

// trackingPrefixes catch whole families (utm_source, utm_medium, … and the
// Piwik/Matomo ones).
var trackingPrefixes = []string{"utm_", "pk_", "mtm_", "hmb_"}

// Resolve makes ref absolute against base (the feed URL, an xml:base, an
// entry's own base). White space around ref is ignored, as browsers do.
func Resolve(base, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("reading link %q: %w", ref, err)
	}
	if r.IsAbs() {
		return r.String(), nil
	}
	base = strings.TrimSpace(base)
	if base == "" {
		return "", fmt.Errorf("resolving %q without a base URL: %w", ref, ErrNotAbsolute)
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("reading base URL %q: %w", base, err)
	}
	if !b.IsAbs() {
		return "", fmt.Errorf("resolving %q against %q: %w", ref, base, ErrNotAbsolute)
	}
	return b.ResolveReference(r).String(), nil
}

// Canonical returns the de-duplication key of an absolute URL: lower-case
// scheme and host (IDN hosts as lower-case punycode), no default port, no
// fragment, no tracking parameters, upper-case percent-escapes with
// unreserved characters decoded, and "/" for an empty path. Parameter order
// is kept: some sites give it meaning.
func Canonical(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("reading URL %q: %w", raw, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme != "http" && scheme != "https") || u.Opaque != "" || u.Host == "" {
		return "", fmt.Errorf("canonicalising %q: %w", raw, ErrNotAbsolute)
	}
	host, err := canonicalHost(u.Hostname())
	if err != nil {
		return "", fmt.Errorf("canonicalising the host of %q: %w", raw, err)
	}
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	if u.User != nil {
		b.WriteString(u.User.String())
		b.WriteByte('@')
	}
	if strings.Contains(host, ":") {
		b.WriteString("[" + host + "]")
	} else {
		b.WriteString(host)
	}
	if port != "" {
		b.WriteString(":" + port)
	}
	path := normalizeEscapes(u.EscapedPath(), pathSafe)
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	if q := cleanQuery(u.RawQuery); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}

func canonicalHost(h string) (string, error) {
	h = strings.TrimRight(strings.ToLower(h), ".")
	if h == "" {
		return "", errors.New("empty host")
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.String(), nil
	}
	ascii, err := idna.Punycode.ToASCII(h)
	if err != nil {
		return "", err
	}
	ascii = strings.ToLower(ascii)
	for i := 0; i < len(ascii); i++ {
		if !hostSafe(ascii[i]) {
			return "", fmt.Errorf("host %q has a forbidden character", h)
		}
	}
	return ascii, nil
}

func hostSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
}

// cleanQuery drops tracking and empty parameters, keeping the order and the
// spelling of the others.
func cleanQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.FieldsFunc(raw, func(r rune) bool { return r == '&' })
	kept := parts[:0]
	for _, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if isTracking(strings.ToLower(name)) {
			continue
		}
		kept = append(kept, normalizeEscapes(p, querySafe))
	}
	return strings.Join(kept, "&")
}

func isTracking(name string) bool {
	if trackingParams[name] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func pathSafe(c byte) bool {
	return unreserved(c) || strings.IndexByte("!$&'()*+,;=:@/", c) >= 0
}

func querySafe(c byte) bool {
	return unreserved(c) || strings.IndexByte("!$'()*+,;=:@/?", c) >= 0 || c == '&' || c == '='
}

// normalizeEscapes writes %xx escapes in upper case, decodes those of
// unreserved characters, and escapes any byte that may not appear raw, so
// that %d9%92 and %D9%92 (or a raw non-ASCII byte) give the same key.
func normalizeEscapes(s string, safe func(byte) bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if unreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[v>>4])
				b.WriteByte(hex[v&15])
			}
			i += 2
			continue
		}
		if c != '%' && safe(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
