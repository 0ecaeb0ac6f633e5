package demo

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Pictures stands in for the publishers' image servers in the demo, which
// runs without network: each image address gets a picture drawn from the
// address alone (a gradient with a few discs and bands), the same every
// time it is asked for and different from one address to the next. So the
// demo's pages show pictures, its image proxy caches and serves them, and
// a visitor can report one and watch it give way after the threshold, all
// on this machine and without reaching any publisher.
type Pictures struct{}

// Picture sizes: 16:9, as most news photos, small enough to draw at once.
const (
	pictureWidth  = 480
	pictureHeight = 270
)

// FetchImage draws the stand-in for url; it has the image proxy's fetcher
// signature.
func (Pictures) FetchImage(ctx context.Context, url string) (string, []byte, error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, Picture(url)); err != nil {
		return "", nil, fmt.Errorf("drawing the demo picture of %s: %w", url, err)
	}
	return "image/png", buf.Bytes(), nil
}

// Picture draws the stand-in picture of url.
func Picture(url string) *image.RGBA {
	h := fnv.New64a()
	h.Write([]byte(url))
	seed := h.Sum64()
	next := func(n uint64) uint64 { // a few bits of the seed at a time
		v := seed % n
		seed = seed/n ^ seed<<7 ^ 0x9e3779b97f4a7c15
		return v
	}
	palette := []color.RGBA{
		{0x1f, 0x4e, 0x79, 0xff}, {0xc0, 0x39, 0x2b, 0xff}, {0x16, 0xa0, 0x85, 0xff},
		{0xd3, 0x8b, 0x1f, 0xff}, {0x6c, 0x3c, 0x97, 0xff}, {0x2c, 0x3e, 0x50, 0xff},
		{0x27, 0xae, 0x60, 0xff}, {0xb0, 0x3a, 0x6b, 0xff}, {0x7f, 0x8c, 0x8d, 0xff},
	}
	from := palette[next(uint64(len(palette)))]
	to := palette[next(uint64(len(palette)))]
	angle := float64(next(360)) * math.Pi / 180
	img := image.NewRGBA(image.Rect(0, 0, pictureWidth, pictureHeight))
	dx, dy := math.Cos(angle), math.Sin(angle)
	span := math.Abs(dx)*pictureWidth + math.Abs(dy)*pictureHeight
	for y := range pictureHeight {
		for x := range pictureWidth {
			t := ((float64(x)-pictureWidth/2)*dx + (float64(y)-pictureHeight/2)*dy) / span
			img.SetRGBA(x, y, mix(from, to, t+0.5))
		}
	}
	bands := int(next(3))
	for range bands {
		y0, width := int(next(pictureHeight)), 6+int(next(24))
		for y := y0; y < min(y0+width, pictureHeight); y++ {
			for x := range pictureWidth {
				img.SetRGBA(x, y, mix(img.RGBAAt(x, y), color.RGBA{0xff, 0xff, 0xff, 0xff}, 0.18))
			}
		}
	}
	for range 2 + int(next(4)) {
		cx, cy := float64(next(pictureWidth)), float64(next(pictureHeight))
		r := 20 + float64(next(70))
		tint := palette[next(uint64(len(palette)))]
		for y := max(0, int(cy-r)); y < min(pictureHeight, int(cy+r)+1); y++ {
			for x := max(0, int(cx-r)); x < min(pictureWidth, int(cx+r)+1); x++ {
				if d := math.Hypot(float64(x)-cx, float64(y)-cy); d <= r {
					img.SetRGBA(x, y, mix(img.RGBAAt(x, y), tint, 0.55))
				}
			}
		}
	}
	return img
}

// mix blends a toward b by t, clamped to [0, 1].
func mix(a, b color.RGBA, t float64) color.RGBA {
	t = min(max(t, 0), 1)
	c := func(p, q uint8) uint8 { return uint8(math.Round(float64(p)*(1-t) + float64(q)*t)) }
	return color.RGBA{c(a.R, b.R), c(a.G, b.G), c(a.B, b.B), 0xff}
}
