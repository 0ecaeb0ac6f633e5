// Package fetch is the only way Revue talks to the network: polite, safe,
// bounded HTTP GETs for feeds, article pages, images and robots.txt.
//
// # What Revue sends
//
// Every request, robots.txt included, carries the configured User-Agent
// (for example "Revue/1.0 (+https://portal.example)") so publishers can see
// who is asking and reach the operator. Requests are GETs with an Accept
// header fitting the kind of resource, "Accept-Encoding: gzip, deflate", and,
// when the caller has them from the previous fetch, If-None-Match and
// If-Modified-Since: an unchanged feed costs the publisher a 304 and no body.
// No cookies are kept and no proxy from the environment is used.
//
// # Politeness
//
//   - At most HostConcurrency requests (default 2) at once to one host, and
//     at least HostDelay (default 1s) between the starts of two requests to
//     it; a robots.txt Crawl-delay raises that pause, up to 60s.
//   - At most GlobalConcurrency requests (default 16) at once in all.
//   - Article pages and images are fetched only when robots.txt allows them
//     for the "Revue" user-agent token (else the "*" group). robots.txt is
//     cached per scheme and host for RobotsTTL (default 1h). A 4xx answer
//     means no rules; a 5xx, a 429 or no answer means the site cannot be
//     asked, so its pages are not fetched for now (that verdict is cached for
//     one minute). Feeds are published for machines to read and are not
//     checked against robots.txt.
//   - Retry-After (seconds or a date) is returned on 429 and 503 for the
//     scheduler to honour; bot-protection refusals (Cloudflare, DataDome,
//     Akamai, Sucuri, Imperva and others) are reported as such, because
//     retrying harder will not help.
//
// # Limits
//
// Bodies are capped after decompression: 16 MiB for a feed, 8 MiB for a
// page, 10 MiB for an image, 500 KiB for robots.txt; at most one byte past
// the cap is read, so a gzip bomb fails fast in bounded memory. Connecting
// may take 10s, the response headers 20s, the whole request 60s, and a
// transfer slower than 1 KiB/s over any 10s window is cut off. At most 5
// redirects are followed; when every one was permanent (301/308) the final
// URL is reported so the caller can store it instead.
//
// # SSRF guard
//
// Unless REVUE_ALLOW_PRIVATE_NETWORKS=1, the dialer resolves each host once,
// checks every address with code.dny.dev/ssrf and connects only to an
// address that passed, so a redirect or a DNS answer that changes between
// check and use cannot reach inside the network. Refused: loopback, private
// (RFC 1918, fc00::/7), link-local (and so cloud metadata endpoints such as
// 169.254.169.254 and fd00:ec2::254), CGNAT 100.64.0.0/10 (and so
// 100.100.100.200), multicast, broadcast, unspecified, documentation and
// other IANA special-purpose ranges, IPv4-mapped IPv6 forms of those, NAT64
// and 6to4/Teredo. Only http and https URLs are fetched, on any port.
package fetch
