// Command revue is the whole aggregator: portal, crawler and tools.
//
// Run "revue help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

const usage = `Revue — a multilingual news aggregator.

Usage: revue <command> [flags]

Commands:
  serve                 the portal and, unless --no-crawl, the crawler
  crawl                 crawl only (a worker); --once for one pass, --all to fetch every source
  sources add URL       follow a feed (or a site: its feed is discovered)
  sources list          the sources and their health (--json)
  sources set ID        change a source: name, language, section, region, page rules, republishing
  sources remove ID     stop following a source and delete its articles
  sources import FILE   follow the feeds of an OPML file (--defaults: Revue's shipped list)
  sources export        the sources as OPML 2.0 on standard output
  search QUERY          search the articles: words, "phrases", -exclusions (--json, --lang L)
  extract FILE|URL      what the article extractor finds in one page (--json)
  demo                  a populated portal from bundled feeds, with no network
  admin set-password    set an administrator's password for /admin (read from the terminal or stdin)
  migrate               bring the database schema up to date
  version               print the version

Run "revue <command> -h" for a command's flags.
`

// app carries the process's outside world so commands can be run in tests.
type app struct {
	stdout io.Writer
	stderr io.Writer
	env    envLookup
	// interactive is true when stderr is a terminal (progress bars).
	interactive bool
	// stdin is where `admin set-password` reads a password from when it
	// is not a terminal (nil: none); readSecret, when set, reads one from
	// the terminal without echo.
	stdin      io.Reader
	readSecret func(prompt string) (string, error)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{stdout: os.Stdout, stderr: os.Stderr, env: osEnv, interactive: isTerminal(os.Stderr), stdin: os.Stdin}
	if isTerminal(os.Stdin) {
		a.readSecret = terminalSecret(os.Stdin, os.Stderr)
	}
	os.Exit(a.run(ctx, os.Args[1:]))
}

// errUsage marks errors that come from how the command was called.
var errUsage = errors.New("usage")

func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = a.serve(ctx, rest)
	case "crawl":
		err = a.crawl(ctx, rest)
	case "sources":
		err = a.sources(ctx, rest)
	case "extract":
		err = a.extract(ctx, rest)
	case "search":
		err = a.searchCmd(ctx, rest)
	case "demo":
		err = a.demo(ctx, rest)
	case "migrate":
		err = a.migrate(ctx, rest)
	case "admin":
		err = a.admin(ctx, rest)
	case "version", "--version", "-version":
		fmt.Fprintln(a.stdout, "revue", version())
	case "help", "-h", "--help":
		fmt.Fprint(a.stdout, usage)
	default:
		fmt.Fprintf(a.stderr, "revue: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(a.stderr, "revue %s: %v\n", cmd, err)
		return 2
	default:
		fmt.Fprintf(a.stderr, "revue %s: %v\n", cmd, err)
		return 1
	}
}

// flags makes a flag set for one command that reports to a's stderr.
func (a *app) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("revue "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	return fs
}

// parse parses args allowing flags after positional arguments
// ("sources add URL --name X"), and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func (a *app) logger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: l}))
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		v := info.Main.Version
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				if v == "" || v == "(devel)" {
					v = "devel"
				}
				v += "+" + s.Value[:12]
			}
		}
		if v != "" {
			return v
		}
	}
	return "devel"
}

func userAgent(baseURL string) string {
	v := version()
	if i := strings.IndexByte(v, '+'); i > 0 {
		v = v[:i]
	}
	return fmt.Sprintf("Revue/%s (news aggregator; +%s)", v, baseURL)
}

// parseChecked parses a command's arguments and then checks the settings
// bound from flags and environment, so both kinds of mistake are reported
// as usage errors. It returns the positional arguments.
func parseChecked(fs *flag.FlagSet, args []string, cfg *config, errs *configErrors) ([]string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	if err := errs.check(cfg); err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return pos, nil
}
