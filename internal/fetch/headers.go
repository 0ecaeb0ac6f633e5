package fetch

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxHeaderDuration bounds durations read from headers: a server asking for
// ten years (or for more seconds than a time.Duration holds) is capped, not
// obeyed and not allowed to overflow.
const maxHeaderDuration = 30 * 24 * time.Hour

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP-date
// (RFC 9110 §10.2.3). Anything unreadable or in the past gives 0.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, ok := parseSeconds(value); ok {
		return secs
	}
	when, err := http.ParseTime(value)
	if err != nil {
		return 0
	}
	return clampDuration(when.Sub(now))
}

// cacheFor reads how long the response may be reused without asking again:
// Cache-Control max-age (less Age) wins over Expires (less Date), per RFC 9111
// §4.2.1. no-store and no-cache mean 0.
func cacheFor(h http.Header, now time.Time) time.Duration {
	var maxAge int64 = -1
	for _, line := range h.Values("Cache-Control") {
		for _, directive := range strings.Split(line, ",") {
			name, arg, _ := strings.Cut(strings.TrimSpace(directive), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-store", "no-cache":
				return 0
			case "max-age":
				if secs, ok := parseSeconds(strings.Trim(strings.TrimSpace(arg), `"`)); ok && maxAge < 0 {
					maxAge = int64(secs / time.Second)
				}
			}
		}
	}
	if maxAge >= 0 {
		age, _ := parseSeconds(strings.TrimSpace(h.Get("Age")))
		return clampDuration(time.Duration(maxAge)*time.Second - age)
	}
	expires := h.Get("Expires")
	if expires == "" {
		return 0
	}
	when, err := http.ParseTime(expires)
	if err != nil {
		return 0 // "0" and "-1" mean already expired
	}
	base := now
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		base = date
	}
	return clampDuration(when.Sub(base))
}

// parseSeconds reads a non-negative decimal count of seconds, capped at
// maxHeaderDuration however many digits it has.
func parseSeconds(value string) (time.Duration, bool) {
	secs, err := strconv.ParseUint(value, 10, 64)
	if errors.Is(err, strconv.ErrRange) || (err == nil && secs > uint64(maxHeaderDuration/time.Second)) {
		return maxHeaderDuration, true
	}
	if err != nil {
		return 0, false
	}
	return time.Duration(secs) * time.Second, true
}

func clampDuration(d time.Duration) time.Duration {
	return min(max(d, 0), maxHeaderDuration)
}

// botMarkers are body fragments that only anti-bot interstitials produce.
// They are matched in the first botSniffBytes of a 403/429/503 body.
var botMarkers = [][]byte{
	[]byte("<title>Just a moment...</title>"),  // Cloudflare managed challenge
	[]byte("Attention Required! | Cloudflare"), // Cloudflare block page
	[]byte("cf-browser-verification"),
	[]byte("/cdn-cgi/challenge-platform/"),
	[]byte("captcha-delivery.com"),       // DataDome
	[]byte("Sucuri WebSite Firewall"),    // Sucuri
	[]byte("Incapsula incident ID"),      // Imperva/Incapsula
	[]byte("_Incapsula_Resource"),        // Imperva/Incapsula
	[]byte("px-captcha"),                 // HUMAN/PerimeterX
	[]byte("DDoS-Guard"),                 // DDoS-Guard
	[]byte("Vercel Security Checkpoint"), // Vercel
	[]byte("Request unsuccessful. Incapsula"),
}

const botSniffBytes = 64 << 10

// isBotProtection tells an anti-bot refusal from an ordinary 403/429/503 by
// the headers and body fragments each vendor leaves; only those statuses
// count, so a 404 from behind Cloudflare is still a plain 404.
func isBotProtection(status int, h http.Header, body []byte) bool {
	switch status {
	case http.StatusForbidden, http.StatusTooManyRequests, http.StatusServiceUnavailable:
	default:
		return false
	}
	if h.Get("Cf-Mitigated") != "" || h.Get("X-Vercel-Mitigated") != "" ||
		h.Get("X-Datadome") != "" || h.Get("X-Dd-B") != "" ||
		h.Get("X-Sucuri-Id") != "" || h.Get("X-Sucuri-Block") != "" ||
		h.Get("X-Iinfo") != "" || h.Get("X-Amzn-Waf-Action") != "" {
		return true
	}
	server := strings.ToLower(h.Get("Server"))
	switch {
	case status == http.StatusForbidden && server == "cloudflare",
		strings.Contains(server, "datadome"),
		strings.Contains(server, "sucuri"),
		strings.Contains(server, "ddos-guard"),
		status == http.StatusForbidden && strings.Contains(server, "akamaighost"):
		return true
	}
	if strings.Contains(strings.ToLower(h.Get("X-Cdn")), "incapsula") || strings.Contains(strings.ToLower(h.Get("X-Cdn")), "imperva") {
		return true
	}
	for _, c := range h.Values("Set-Cookie") {
		name, _, _ := strings.Cut(c, "=")
		name = strings.TrimSpace(name)
		if strings.HasPrefix(name, "incap_ses_") || strings.HasPrefix(name, "visid_incap_") ||
			name == "datadome" || name == "_pxhd" {
			return true
		}
	}
	if len(body) > botSniffBytes {
		body = body[:botSniffBytes]
	}
	for _, m := range botMarkers {
		if bytes.Contains(body, m) {
			return true
		}
	}
	// Akamai's edge refusal: a bare "Access Denied" page with a reference number.
	return bytes.Contains(body, []byte("Access Denied")) && bytes.Contains(body, []byte("Reference #"))
}
