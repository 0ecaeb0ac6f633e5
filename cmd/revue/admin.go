package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"revue/internal/password"
)

// defaultAdmin is the administrator's name when none is given.
const defaultAdmin = "admin"

func (a *app) admin(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "set-password" {
		return fmt.Errorf("%w: admin needs a subcommand: set-password [NAME]", errUsage)
	}
	fs := a.flags("admin set-password")
	var cfg config
	errs := cfg.bind(fs, a.env, "db")
	pos, err := parseChecked(fs, args[1:], &cfg, errs)
	if err != nil {
		return err
	}
	name := defaultAdmin
	switch len(pos) {
	case 0:
	case 1:
		name = strings.TrimSpace(pos[0])
	default:
		return fmt.Errorf("%w: admin set-password takes at most one name", errUsage)
	}
	if name == "" || len(name) > 64 || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' }) {
		return fmt.Errorf("%w: the administrator's name %q should be 1 to 64 printable characters", errUsage, name)
	}
	pw, err := a.newPassword(name)
	if err != nil {
		return err
	}
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetAdminPassword(ctx, name, hash, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "the password of %s is set: sign in at /admin/login (any session they had is ended)\n", name)
	return nil
}

// newPassword reads the new password: typed twice on a terminal, else the
// first line of standard input (for scripts: `… | revue admin set-password`).
func (a *app) newPassword(name string) (string, error) {
	if a.readSecret != nil {
		pw, err := a.readSecret(fmt.Sprintf("New password for %s (at least %d characters): ", name, password.MinLength))
		if err != nil {
			return "", err
		}
		if err := password.Check(pw); err != nil {
			return "", err
		}
		again, err := a.readSecret("The same password again: ")
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", errors.New("the two passwords differ; nothing was changed")
		}
		return pw, nil
	}
	if a.stdin == nil {
		return "", errors.New("no password given: type it on a terminal, or pass it on standard input")
	}
	line, err := bufio.NewReader(io.LimitReader(a.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input")
	}
	return pw, password.Check(pw)
}

// terminalSecret reads a line from the terminal in without echoing it.
func terminalSecret(in *os.File, prompt io.Writer) func(string) (string, error) {
	return func(p string) (string, error) {
		fmt.Fprint(prompt, p)
		b, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		return string(b), nil
	}
}
