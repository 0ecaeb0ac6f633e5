package testenv

import (
	"strings"
	"testing"
)

func TestMissing(t *testing.T) {
	const msg = "REVUE_TEST_THING is not set: run scripts/test"
	tests := []struct {
		ci       string
		wantFail bool
	}{
		{"", false},
		{"false", false},
		{"0", false},
		{"true", true},
		{"1", true},
		{"yes", true}, // not a boolean, but set: some CI services write their name
	}
	for _, tt := range tests {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			o := Stopped(func(tb testing.TB) { Missing(tb, "REVUE_TEST_%s is not set: run %s", "THING", "scripts/test") })
			switch {
			case tt.wantFail && (o.FailWords == "" || o.SkipWords != ""):
				t.Errorf("with CI=%q Missing skipped (%q) instead of failing", tt.ci, o.SkipWords)
			case !tt.wantFail && (o.SkipWords == "" || o.FailWords != ""):
				t.Errorf("with CI=%q Missing failed (%q) instead of skipping", tt.ci, o.FailWords)
			}
			if said := o.SkipWords + o.FailWords; !strings.Contains(said, msg) {
				t.Errorf("Missing said %q, want the caller's message %q in it", said, msg)
			}
		})
	}
}
