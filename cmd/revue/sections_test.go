package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A section table given with --sections-map or REVUE_SECTIONS_MAP replaces
// the shipped one; a bad one stops crawl and serve with its file and line.
func TestSectionsMapFlag(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(bad, []byte("section\tsport\t4\ncategory\tfoot\tFootball\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  string
		args []string
	}{
		{"crawl flag", "", []string{"crawl", "--once", "--sections-map", bad}},
		{"crawl env", bad, []string{"crawl", "--once"}},
		{"serve flag", "", []string{"serve", "--no-crawl", "--listen", "127.0.0.1:0", "--sections-map", bad}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ta := newTestApp(t)
			if tc.env != "" {
				ta.env["REVUE_SECTIONS_MAP"] = tc.env
			}
			// serve would run on with the table wrongly accepted: bounded.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			code := ta.app(&out, &errOut).run(ctx, tc.args)
			stderr := errOut.String()
			if code == 0 || !strings.Contains(stderr, bad+" line 2") || !strings.Contains(stderr, `section "foot" is not declared`) {
				t.Errorf("revue %v: exit %d, stderr %q; want a failure naming %s line 2", tc.args, code, stderr, bad)
			}
		})
	}
}
