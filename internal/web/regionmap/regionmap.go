// Package regionmap turns a boundary file of regions (GeoJSON, longitude
// and latitude) into SVG path data on a fixed canvas, once, so that pages
// draw the map without projecting anything per request. Morocco's twelve
// regions are shipped (ma-regions.geojson; see PROVENANCE.md).
package regionmap

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

//go:embed ma-regions.geojson
var moroccoGeoJSON []byte

// Region is one region drawn on the canvas.
type Region struct {
	Slug string
	// Path is the SVG path data of every ring of the region, outer and
	// holes alike (draw it with fill-rule="evenodd").
	Path string
	// MinX, MinY, MaxX, MaxY bound the region on the canvas.
	MinX, MinY, MaxX, MaxY float64
}

// Map is a set of regions projected onto a Width × Height canvas, x to the
// east and y to the south, as SVG wants.
type Map struct {
	Width, Height float64
	Regions       []Region // in the boundary file's order
}

// Morocco projects the shipped boundary file of Morocco's twelve regions
// (2015 division) onto a canvas width units wide.
func Morocco(width float64) (*Map, error) {
	m, err := Project(moroccoGeoJSON, width)
	if err != nil {
		return nil, fmt.Errorf("the shipped boundary file of Morocco's regions: %w", err)
	}
	return m, nil
}

// featureCollection is the part of GeoJSON (RFC 7946) a boundary file
// uses: features named by their "slug" property, each a Polygon or a
// MultiPolygon.
type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Properties struct {
			Slug string `json:"slug"`
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

type point struct{ x, y float64 }

// margin is left around the drawing so strokes are not cut at the edges.
const margin = 4

// Project reads a GeoJSON FeatureCollection and fits it, in the Web
// Mercator projection (the one readers know from online maps), into a
// canvas width units wide; the height follows from the shape.
func Project(geojson []byte, width float64) (*Map, error) {
	if width <= 2*margin {
		return nil, fmt.Errorf("a map %v units wide leaves no room to draw", width)
	}
	var fc featureCollection
	if err := json.Unmarshal(geojson, &fc); err != nil {
		return nil, fmt.Errorf("reading GeoJSON: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("GeoJSON of type %q, want a FeatureCollection", fc.Type)
	}
	if len(fc.Features) == 0 {
		return nil, errors.New("the GeoJSON has no feature")
	}
	type shape struct {
		slug  string
		rings [][]point // projected, not yet scaled
	}
	shapes := make([]shape, 0, len(fc.Features))
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	seen := map[string]bool{}
	for i, f := range fc.Features {
		slug := f.Properties.Slug
		if slug == "" {
			return nil, fmt.Errorf("feature %d has no \"slug\" property", i)
		}
		if seen[slug] {
			return nil, fmt.Errorf("two features are region %q", slug)
		}
		seen[slug] = true
		var polygons [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("region %s: polygon coordinates: %w", slug, err)
			}
			polygons = append(polygons, p)
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polygons); err != nil {
				return nil, fmt.Errorf("region %s: multipolygon coordinates: %w", slug, err)
			}
		default:
			return nil, fmt.Errorf("region %s is a %q; a region is a Polygon or a MultiPolygon", slug, f.Geometry.Type)
		}
		s := shape{slug: slug}
		for _, polygon := range polygons {
			for _, ring := range polygon {
				if len(ring) < 4 {
					return nil, fmt.Errorf("region %s has a ring of %d positions; a closed ring has at least 4", slug, len(ring))
				}
				projected := make([]point, 0, len(ring))
				for _, pos := range ring {
					lon, lat := pos[0], pos[1]
					if lon < -180 || lon > 180 || lat < -85 || lat > 85 {
						return nil, fmt.Errorf("region %s has the position %v, %v, which is not a longitude and latitude (or too near a pole for this projection)", slug, lon, lat)
					}
					p := mercator(lon, lat)
					minX, maxX = math.Min(minX, p.x), math.Max(maxX, p.x)
					minY, maxY = math.Min(minY, p.y), math.Max(maxY, p.y)
					projected = append(projected, p)
				}
				s.rings = append(s.rings, projected)
			}
		}
		if len(s.rings) == 0 {
			return nil, fmt.Errorf("region %s has no ring", slug)
		}
		shapes = append(shapes, s)
	}

	if maxX == minX || maxY == minY {
		return nil, errors.New("the regions have no extent")
	}
	scale := (width - 2*margin) / (maxX - minX)
	m := &Map{Width: width, Height: math.Ceil((maxY-minY)*scale + 2*margin)}
	for _, s := range shapes {
		r := Region{Slug: s.slug, MinX: math.Inf(1), MinY: math.Inf(1), MaxX: math.Inf(-1), MaxY: math.Inf(-1)}
		var d strings.Builder
		for _, ring := range s.rings {
			// The closing position repeats the first: Z draws that side.
			for i, p := range ring[:len(ring)-1] {
				x := margin + (p.x-minX)*scale
				y := margin + (maxY-p.y)*scale // north up: SVG's y grows downwards
				r.MinX, r.MaxX = math.Min(r.MinX, x), math.Max(r.MaxX, x)
				r.MinY, r.MaxY = math.Min(r.MinY, y), math.Max(r.MaxY, y)
				if i == 0 {
					d.WriteByte('M')
				} else {
					d.WriteByte('L')
				}
				d.WriteString(strconv.FormatFloat(x, 'f', 1, 64))
				d.WriteByte(',')
				d.WriteString(strconv.FormatFloat(y, 'f', 1, 64))
			}
			d.WriteByte('Z')
		}
		r.Path = d.String()
		m.Regions = append(m.Regions, r)
	}
	return m, nil
}

// mercator is the spherical (Web) Mercator projection in radians.
func mercator(lon, lat float64) point {
	const rad = math.Pi / 180
	return point{x: lon * rad, y: math.Log(math.Tan(math.Pi/4 + lat*rad/2))}
}
