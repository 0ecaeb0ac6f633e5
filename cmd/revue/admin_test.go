package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"revue"
	"revue/internal/password"
	"revue/internal/store"
)

func TestAdminSetPassword(t *testing.T) {
	ta := newTestApp(t)
	runWith := func(stdin string, secret func(string) (string, error), args ...string) (int, string, string) {
		t.Helper()
		var out, errOut syncBuffer
		a := ta.app(&out, &errOut)
		a.stdin = strings.NewReader(stdin)
		a.readSecret = secret
		code := a.run(context.Background(), args)
		return code, out.String(), errOut.String()
	}
	hashOf := func(name string) (string, error) {
		t.Helper()
		st, err := store.Open(context.Background(), ta.env["REVUE_DATABASE"])
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		return st.AdminPasswordHash(context.Background(), name)
	}

	// From standard input, as a script would.
	if code, out, errOut := runWith("une phrase de passe longue\n", nil, "admin", "set-password"); code != 0 || !strings.Contains(out, "admin") {
		t.Fatalf("set-password from stdin: exit %d, %q %q", code, out, errOut)
	}
	h, err := hashOf("admin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "une phrase") {
		t.Errorf("stored %q, want an argon2id hash", h)
	}
	if err := password.Verify(h, "une phrase de passe longue"); err != nil {
		t.Errorf("the stored hash does not verify the password: %v", err)
	}

	// Typed twice on a terminal, for another administrator.
	typed := []string{"mot de passe de Leïla", "mot de passe de Leïla"}
	terminal := func(string) (string, error) { pw := typed[0]; typed = typed[1:]; return pw, nil }
	if code, _, errOut := runWith("", terminal, "admin", "set-password", "leila"); code != 0 {
		t.Fatalf("set-password on a terminal: exit %d, %s", code, errOut)
	}
	if h, err := hashOf("leila"); err != nil || password.Verify(h, "mot de passe de Leïla") != nil {
		t.Errorf("leila's password was not stored: %q, %v", h, err)
	}

	refusals := []struct {
		name   string
		stdin  string
		secret func(string) (string, error)
		args   []string
	}{
		{"too short", "court\n", nil, []string{"admin", "set-password"}},
		{"nothing", "", nil, []string{"admin", "set-password"}},
		{"typed differently", "", func() func(string) (string, error) {
			typed := []string{"une phrase de passe longue", "une phrase de passe longuE"}
			return func(string) (string, error) { pw := typed[0]; typed = typed[1:]; return pw, nil }
		}(), []string{"admin", "set-password"}},
		{"the terminal fails", "", func(string) (string, error) { return "", errors.New("no tty") }, []string{"admin", "set-password"}},
		{"no subcommand", "", nil, []string{"admin"}},
		{"two names", "une phrase de passe longue\n", nil, []string{"admin", "set-password", "a", "b"}},
	}
	for _, tc := range refusals {
		if code, _, errOut := runWith(tc.stdin, tc.secret, tc.args...); code == 0 || strings.TrimSpace(errOut) == "" {
			t.Errorf("%s: exit %d, stderr %q; want a refusal in words", tc.name, code, errOut)
		}
	}
	if h, _ := hashOf("admin"); password.Verify(h, "une phrase de passe longue") != nil {
		t.Error("a refused change replaced the password")
	}
	if _, err := hashOf("b"); !errors.Is(err, revue.ErrNotFound) {
		t.Errorf("a refused command created an administrator: %v", err)
	}
}
