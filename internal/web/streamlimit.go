package web

import (
	"net/netip"
	"sync"
)

// streamLimit bounds the live streams open at once from one client
// network. A browser gives one host six HTTP/1.1 connections; pages
// that keep streams beyond that leave the reader's next page waiting.
// The page's script shares one stream between tabs, so the bound is
// reached only by clients that do not: it keeps them from tying up the
// server, not readers from reading.
type streamLimit struct {
	max  int
	mu   sync.Mutex
	open map[netip.Prefix]int
}

func newStreamLimit(max int) *streamLimit {
	return &streamLimit{max: max, open: map[netip.Prefix]int{}}
}

// acquire takes one of client's slots; ok is false when all are taken.
// release gives the slot back; calling it more than once is harmless.
func (l *streamLimit) acquire(client netip.Prefix) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[client] >= l.max {
		return func() {}, false
	}
	l.open[client]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.open[client]--; l.open[client] <= 0 {
				delete(l.open, client)
			}
		})
	}, true
}
