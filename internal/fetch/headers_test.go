package fetch

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"120", 2 * time.Minute},
		{" 30 ", 30 * time.Second},
		{"-5", 0},
		{"1.5", 0},
		{"soon", 0},
		{"Tue, 16 Mar 2021 11:00:00 GMT", time.Hour},
		{"Tuesday, 16-Mar-21 10:00:30 GMT", 30 * time.Second}, // RFC 850
		{"Tue Mar 16 10:01:00 2021", time.Minute},             // asctime
		{"Tue, 16 Mar 2021 09:00:00 GMT", 0},                  // past
		{"99999999999999999999", maxHeaderDuration},           // overflows uint64
		{"9999999999999", maxHeaderDuration},                  // overflows Duration
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.value, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.value, got, tt.want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"120", "Tue, 16 Mar 2021 11:00:00 GMT", "-1", "18446744073709551616", ""} {
		f.Add(seed)
	}
	now := time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, value string) {
		if got := parseRetryAfter(value, now); got < 0 || got > maxHeaderDuration {
			t.Errorf("parseRetryAfter(%q) = %s, outside [0, %s]", value, got, maxHeaderDuration)
		}
		h := http.Header{"Cache-Control": {value}, "Expires": {value}}
		if got := cacheFor(h, now); got < 0 || got > maxHeaderDuration {
			t.Errorf("cacheFor(%q) = %s, outside [0, %s]", value, got, maxHeaderDuration)
		}
	})
}

func TestCacheFor(t *testing.T) {
	now := time.Date(2021, 3, 16, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"none", http.Header{}, 0},
		{"max-age", http.Header{"Cache-Control": {"public, max-age=600"}}, 10 * time.Minute},
		{"max-age less Age", http.Header{"Cache-Control": {"max-age=600"}, "Age": {"100"}}, 500 * time.Second},
		{"Age beyond max-age", http.Header{"Cache-Control": {"max-age=60"}, "Age": {"100"}}, 0},
		{"quoted max-age", http.Header{"Cache-Control": {`max-age="60"`}}, time.Minute},
		{"max-age wins over Expires", http.Header{"Cache-Control": {"max-age=60"}, "Expires": {"Tue, 16 Mar 2021 12:00:00 GMT"}}, time.Minute},
		{"no-cache", http.Header{"Cache-Control": {"max-age=60, no-cache"}}, 0},
		{"no-store", http.Header{"Cache-Control": {"no-store"}}, 0},
		{"Expires against Date", http.Header{"Date": {"Tue, 16 Mar 2021 09:00:00 GMT"}, "Expires": {"Tue, 16 Mar 2021 09:30:00 GMT"}}, 30 * time.Minute},
		{"Expires against now", http.Header{"Expires": {"Tue, 16 Mar 2021 10:05:00 GMT"}}, 5 * time.Minute},
		{"Expires 0", http.Header{"Expires": {"0"}}, 0},
		{"Expires in the past", http.Header{"Expires": {"Tue, 16 Mar 2021 09:00:00 GMT"}}, 0},
		{"absurd max-age capped", http.Header{"Cache-Control": {"max-age=99999999999999"}}, maxHeaderDuration},
	}
	for _, tt := range tests {
		if got := cacheFor(tt.header, now); got != tt.want {
			t.Errorf("%s: cacheFor = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestIsBotProtection(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   bool
	}{
		{"cf-mitigated", 403, h("Cf-Mitigated", "challenge"), "", true},
		{"cloudflare 403", 403, h("Server", "cloudflare"), "", true},
		{"cloudflare 503 without challenge is an outage", 503, h("Server", "cloudflare"), "origin down", false},
		{"cloudflare challenge page", 503, h(), "<title>Just a moment...</title>", true},
		{"cloudflare block page", 403, h(), "<title>Attention Required! | Cloudflare</title>", true},
		{"DataDome header", 403, h("X-DataDome", "protected"), "", true},
		{"DataDome cookie", 403, h("Set-Cookie", "datadome=abc; Path=/"), "", true},
		{"DataDome captcha page", 403, h(), `<script src="https://ct.captcha-delivery.com/c.js">`, true},
		{"Akamai", 403, h("Server", "AkamaiGHost"), "<H1>Access Denied</H1> Reference #18.1", true},
		{"Akamai body only", 403, h(), "<H1>Access Denied</H1>You don't have permission. Reference #18.6a", true},
		{"Sucuri", 403, h("X-Sucuri-ID", "11005"), "", true},
		{"Incapsula header", 403, h("X-Iinfo", "9-123-0 NNNN"), "", true},
		{"Incapsula cookie", 429, h("Set-Cookie", "incap_ses_123_456=xyz; path=/"), "", true},
		{"plain 403", 403, h("Server", "nginx"), "<h1>403 Forbidden</h1>", false},
		{"plain 429", 429, h("Retry-After", "60"), "slow down", false},
		{"404 from cloudflare", 404, h("Server", "cloudflare", "Cf-Mitigated", "challenge"), "", false},
		{"Access Denied alone", 403, h(), "Access Denied", false},
	}
	for _, tt := range tests {
		if got := isBotProtection(tt.status, tt.header, []byte(tt.body)); got != tt.want {
			t.Errorf("%s: isBotProtection = %v, want %v", tt.name, got, tt.want)
		}
	}
}
