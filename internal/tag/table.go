package tag

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// tableLine is one line of a tab-separated data file (the gazetteer, the
// section table), with its number for error messages.
type tableLine struct {
	n      int
	fields []string
}

// readTable reads a tab-separated data file: blank lines and lines
// starting with "#" are skipped, every other line must be UTF-8. what and
// source name the file in errors ("gazetteer", "ma.tsv").
func readTable(r io.Reader, what, source string) ([]tableLine, error) {
	var lines []tableLine
	sc := bufio.NewScanner(r)
	// A country's line of place names may pass the scanner's default
	// 64 KiB limit.
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("%s %s line %d: not UTF-8", what, source, n)
		}
		lines = append(lines, tableLine{n, strings.Split(text, "\t")})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", what, source, err)
	}
	return lines, nil
}
