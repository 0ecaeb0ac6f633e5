package crawl

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// Policy bounds how often a source is fetched. The zero value is not
// usable; DefaultPolicy gives the documented defaults.
type Policy struct {
	MinInterval time.Duration // never poll a source more often than this
	MaxInterval time.Duration // never leave a healthy source longer than this
	// MaxBackoff caps the exponential back-off after consecutive errors.
	MaxBackoff time.Duration
	// BotProtectionBackoff is how long a source answered by the publisher's
	// bot protection is left alone: retrying sooner only gets the portal's
	// address blocked for longer.
	BotProtectionBackoff time.Duration
	// Jitter spreads fetches so that sources added together do not stay in
	// lockstep: the interval is multiplied by a factor in [1-Jitter, 1+Jitter].
	Jitter float64
}

// DefaultPolicy is the schedule Revue uses unless configured otherwise.
func DefaultPolicy() Policy {
	return Policy{
		MinInterval:          5 * time.Minute,
		MaxInterval:          24 * time.Hour,
		MaxBackoff:           24 * time.Hour,
		BotProtectionBackoff: 24 * time.Hour,
		Jitter:               0.1,
	}
}

// itemsPerDay estimates a feed's publishing rate from the dates of the items
// it carries now. Items older than a week say little about today's rate, so
// they are left out; fewer than two dated items give no estimate (0, false).
func itemsPerDay(published []time.Time, now time.Time) (float64, bool) {
	recent := make([]time.Time, 0, len(published))
	for _, t := range published {
		if !t.IsZero() && !t.After(now) && now.Sub(t) <= 7*24*time.Hour {
			recent = append(recent, t)
		}
	}
	if len(recent) < 2 {
		return 0, false
	}
	sort.Slice(recent, func(i, j int) bool { return recent[i].Before(recent[j]) })
	// The span runs to now, not to the newest item: a feed whose last item
	// is two days old is publishing slowly, whatever its items' spacing.
	span := now.Sub(recent[0])
	if span < time.Hour {
		span = time.Hour
	}
	return float64(len(recent)) / span.Hours() * 24, true
}

// blendRate smooths the estimate so that one quiet or busy hour does not
// swing the interval from one bound to the other.
func blendRate(previous, observed float64) float64 {
	if previous <= 0 {
		return observed
	}
	return 0.7*previous + 0.3*observed
}

// intervalFor turns a publishing rate into a polling interval: about one
// fetch per expected new item, within the policy's bounds, and never below
// what the publisher asked for (RSS <ttl>, Cache-Control max-age, Expires).
func (p Policy) intervalFor(rate float64, publisherFloor time.Duration) time.Duration {
	interval := p.MaxInterval
	if rate > 0 {
		interval = time.Duration(float64(24*time.Hour) / rate)
	}
	interval = max(interval, p.MinInterval, publisherFloor)
	return min(interval, p.MaxInterval)
}

// jittered applies the policy's jitter with rng.
func (p Policy) jittered(d time.Duration, rng *rand.Rand) time.Duration {
	if p.Jitter <= 0 || rng == nil {
		return d
	}
	f := 1 + p.Jitter*(2*rng.Float64()-1)
	return time.Duration(float64(d) * f)
}

// backoff is the wait after the n-th consecutive failure (n >= 1): the
// usual interval doubled per failure, capped.
func (p Policy) backoff(interval time.Duration, failures int) time.Duration {
	if interval <= 0 {
		interval = p.MinInterval
	}
	exp := math.Pow(2, float64(min(failures, 20)))
	d := time.Duration(float64(interval) * exp)
	if d <= 0 || d > p.MaxBackoff {
		d = p.MaxBackoff
	}
	return d
}
