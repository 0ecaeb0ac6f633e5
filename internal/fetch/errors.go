package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinel errors. Fetch wraps them with the URL and the limit or reason, so
// callers test with errors.Is and show Error() to people as is.
var (
	ErrPrivateAddress   = errors.New("refused to connect to a private or reserved network address")
	ErrTooLarge         = errors.New("response is larger than allowed")
	ErrTooSlow          = errors.New("server is sending too slowly")
	ErrTooManyRedirects = errors.New("too many redirects")
	ErrRobotsDisallowed = errors.New("not allowed by robots.txt")
	ErrTimeout          = errors.New("timed out")
	ErrConnectionReset  = errors.New("the server reset the connection")
	ErrBadURL           = errors.New("URL cannot be fetched")
)

// StatusError is returned for any final status other than 2xx and 304.
type StatusError struct {
	URL    string
	Status int
	// RetryAfter is parsed from Retry-After on 429 and 503 (0 when absent).
	RetryAfter time.Duration
	// BotProtection is true when a 403, 429 or 503 carries the marks of an
	// anti-bot service: retrying sooner or harder will not help, the publisher
	// has to let Revue in.
	BotProtection bool
}

func (e *StatusError) Error() string {
	if e.BotProtection {
		return fmt.Sprintf("%s: blocked by the publisher's bot protection (HTTP %d)", e.URL, e.Status)
	}
	msg := fmt.Sprintf("%s: server answered %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return strings.TrimRight(msg, " ")
}

// privateAddressError names what was refused so that the person reading the
// crawl log can tell a misconfigured source from an attack, and how to lift
// the guard for a deliberate intranet source.
type privateAddressError struct {
	host string
	addr string
}

func (e *privateAddressError) Error() string {
	if e.host == e.addr {
		return fmt.Sprintf("%s is a private or reserved address; refused by the SSRF guard (set REVUE_ALLOW_PRIVATE_NETWORKS=1 to allow it)", e.addr)
	}
	return fmt.Sprintf("%s resolves to %s, a private or reserved address; refused by the SSRF guard (set REVUE_ALLOW_PRIVATE_NETWORKS=1 to allow it)", e.host, e.addr)
}

func (e *privateAddressError) Is(target error) bool { return target == ErrPrivateAddress }
