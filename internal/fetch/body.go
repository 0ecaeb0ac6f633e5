package fetch

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// capReader passes at most limit bytes through and fails with err as soon as
// the source proves to hold more, having read exactly one byte past the limit.
type capReader struct {
	r     io.Reader
	left  int64
	err   error
	probe [1]byte
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		n, err := c.r.Read(c.probe[:])
		if n > 0 {
			return 0, c.err
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// countingReader counts the bytes that arrive from the network so the rate
// watchdog can see a stalled or dripping transfer.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// watchRate cancels the request with ErrTooSlow when fewer than minPerSecond
// bytes a second arrived during any whole window. A blocked Read cannot check
// this itself, hence the separate timer. The returned stop must be called.
func watchRate(counter *countingReader, minPerSecond int64, window time.Duration, cancel context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	need := int64(float64(minPerSecond) * window.Seconds())
	go func() {
		ticker := time.NewTicker(window)
		defer ticker.Stop()
		var last int64
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				now := counter.n.Load()
				if got := now - last; got < need {
					cancel(fmt.Errorf("%w: %d bytes in %s, below the minimum of %d bytes/s", ErrTooSlow, got, window, minPerSecond))
					return
				}
				last = now
			}
		}
	}()
	return func() { close(done) }
}

// decodedBody undoes Content-Encoding. Only what Revue asks for (gzip,
// deflate) is accepted; anything else would be bytes nobody downstream can read.
func decodedBody(r io.Reader, contentEncoding string) (io.Reader, error) {
	codings := strings.Split(contentEncoding, ",")
	// Codings are listed in the order they were applied, so undo them backwards.
	for i := len(codings) - 1; i >= 0; i-- {
		switch coding := strings.ToLower(strings.TrimSpace(codings[i])); coding {
		case "", "identity":
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(r)
			if errors.Is(err, io.EOF) {
				return bytes.NewReader(nil), nil // empty body despite the header
			}
			if err != nil {
				return nil, fmt.Errorf("reading gzip body: %w", err)
			}
			r = zr
		case "deflate":
			r = deflateReader(r)
		default:
			return nil, fmt.Errorf("server used content encoding %q, which Revue did not ask for", coding)
		}
	}
	return r, nil
}

// deflateReader accepts both forms found in the wild: "deflate" as RFC 9110
// defines it (zlib-wrapped) and the raw RFC 1951 stream some servers send.
func deflateReader(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
		if zr, err := zlib.NewReader(br); err == nil {
			return zr
		}
	}
	return flate.NewReader(br)
}

// readCapped reads all of r, failing with tooLarge beyond limit bytes. It
// reads at most limit+1 bytes and grows its buffer by doubling up to that, so
// a lying or missing Content-Length cannot make it hold more; sizeHint (the
// Content-Length when known) sizes the buffer once.
func readCapped(r io.Reader, limit, sizeHint int64, tooLarge error) ([]byte, error) {
	initial := min(int64(32<<10), limit+1)
	if sizeHint > 0 {
		initial = min(sizeHint, limit) + 1
	}
	buf := make([]byte, 0, initial)
	for {
		if len(buf) == cap(buf) {
			grown := min(2*int64(cap(buf)), limit+1)
			buf = slices.Grow(buf, int(grown)-len(buf))
		}
		end := min(int64(cap(buf)), limit+1)
		n, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, tooLarge
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
