package crawl

import (
	"net/http"
	"time"

	"revue"
	"revue/internal/feed"
)

// dateUndated returns a publication date for every item of f, and which of
// them were estimated.
//
// An item's own date is kept. An undated item of a source read before is
// new since the last fetch: it takes the time it was first seen, within one
// polling interval of the truth, and is news like any other.
//
// On a source's first crawl an undated item is backlog of unknown age. It
// is dated from the best evidence there is, and flagged, so that it is
// listed but never enters the live ticker:
//   - the older of its nearest dated neighbours in the feed: feeds list
//     items in date order, so it was published between them, and the older
//     one keeps it from rising above items that are really newer;
//   - without neighbours, the channel's own date, then the HTTP
//     Last-Modified: the feed cannot be newer than either.
//
// An estimate is never later than the channel's date, the Last-Modified or
// the fetch. Items sharing an estimate keep the feed's order, a microsecond
// apart.
func dateUndated(f *feed.Feed, src revue.Source, lastModified string, fetched time.Time) ([]time.Time, []bool) {
	dates := make([]time.Time, len(f.Items))
	estimated := make([]bool, len(f.Items))
	known := !src.LastSuccessAt.IsZero()

	// Upper bounds: nothing in the feed is newer than these.
	bound := fetched
	if !f.Updated.IsZero() && f.Updated.Before(bound) {
		bound = f.Updated
	}
	if lm, err := http.ParseTime(lastModified); err == nil && lm.Before(bound) {
		bound = lm
	}

	for i, it := range f.Items {
		if !it.PublishedAt.IsZero() {
			dates[i] = it.PublishedAt
			continue
		}
		if known {
			dates[i] = fetched
			continue
		}
		estimate := bound
		if n, ok := olderNeighbour(f.Items, i); ok && n.Before(estimate) {
			estimate = n
		}
		dates[i] = estimate.Add(-time.Duration(i) * time.Microsecond)
		estimated[i] = true
	}
	return dates, estimated
}

// olderNeighbour is the older of the dates of the nearest dated items before
// and after item i.
func olderNeighbour(items []feed.Item, i int) (time.Time, bool) {
	var found time.Time
	for j := i - 1; j >= 0; j-- {
		if d := items[j].PublishedAt; !d.IsZero() {
			found = d
			break
		}
	}
	for j := i + 1; j < len(items); j++ {
		if d := items[j].PublishedAt; !d.IsZero() {
			if found.IsZero() || d.Before(found) {
				found = d
			}
			break
		}
	}
	return found, !found.IsZero()
}
