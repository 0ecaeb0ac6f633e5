package revue

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cursor marks a position in a newest-first listing: the last item of the
// previous page. The zero Cursor means "from the top".
type Cursor struct {
	PublishedAt time.Time
	ID          int64
}

// IsZero reports whether c is the start of a listing.
func (c Cursor) IsZero() bool { return c.ID == 0 }

// String encodes c as an opaque URL-safe token; the zero Cursor encodes as "".
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	raw := strconv.FormatInt(c.PublishedAt.UnixNano(), 10) + "." + strconv.FormatInt(c.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseCursor decodes a token made by Cursor.String; "" gives the zero Cursor.
func ParseCursor(token string) (Cursor, error) {
	if token == "" {
		return Cursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return Cursor{}, fmt.Errorf("cursor %q is not one this server made: %w", token, err)
	}
	nanos, id, ok := strings.Cut(string(raw), ".")
	if !ok {
		return Cursor{}, fmt.Errorf("cursor %q is not one this server made", token)
	}
	n, err1 := strconv.ParseInt(nanos, 10, 64)
	i, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || i <= 0 {
		return Cursor{}, fmt.Errorf("cursor %q is not one this server made", token)
	}
	return Cursor{PublishedAt: time.Unix(0, n).UTC(), ID: i}, nil
}
