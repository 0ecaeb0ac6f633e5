//go:build unix

package multiprocess

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// revueBinary is the path of the revue binary built once by TestMain for
// every test of the run; it is written before any test starts and only read
// afterwards.
var revueBinary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	flag.Parse()
	dir, err := os.MkdirTemp("", "revue-multiprocess-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "multiprocess: making a folder for the revue binary:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "multiprocess:", err)
		return 1
	}
	revueBinary = filepath.Join(dir, "revue")
	args := []string{"build", "-o", revueBinary}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, "revue/cmd/revue")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", args...)
	build.Dir = root
	start := time.Now()
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "multiprocess: go %s failed: %v\n%s", strings.Join(args, " "), err, out)
		return 1
	}
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "multiprocess: built revue (race=%v) in %s\n", raceEnabled, time.Since(start).Round(time.Millisecond))
	}
	return m.Run()
}

// repoRoot walks up from the working directory to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("finding the repository root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// syncBuffer collects a child's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// child is one running revue process.
type child struct {
	name   string
	args   []string
	cmd    *exec.Cmd
	stdout syncBuffer
	stderr syncBuffer
	done   chan struct{}
	// waitErr is written once before done is closed.
	waitErr error
}

// childEnv is the environment of every child: this process's, without
// REVUE_* variables a developer may have set, plus env.
func childEnv(env map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "REVUE_") {
			out = append(out, kv)
		}
	}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// startRevue starts `revue args...`. The process is killed when ctx ends
// and, at the latest, when the test ends; its output is shown if the test
// failed, and a data race it reports fails the test.
func startRevue(t *testing.T, ctx context.Context, name string, env map[string]string, args ...string) *child {
	t.Helper()
	c := &child{name: name, args: args, done: make(chan struct{})}
	c.cmd = exec.CommandContext(ctx, revueBinary, args...)
	c.cmd.Env = childEnv(env)
	c.cmd.Stdout = &c.stdout
	c.cmd.Stderr = &c.stderr
	c.cmd.WaitDelay = 5 * time.Second
	c.cmd.SysProcAttr = childProcAttr()
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting %s (revue %s): %v", name, strings.Join(args, " "), err)
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		if c.running() {
			_ = c.cmd.Process.Kill()
		}
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			t.Errorf("%s (pid %d) did not exit 10 s after SIGKILL", name, c.cmd.Process.Pid)
		}
		errOut := c.stderr.String()
		if i := strings.Index(errOut, "WARNING: DATA RACE"); i >= 0 {
			t.Errorf("%s reported a data race:\n%s", name, clip(errOut[i:], 6000))
		}
		if t.Failed() {
			t.Logf("%s (revue %s) stderr, last part:\n%s", name, strings.Join(args, " "), tail(errOut, 40))
		}
	})
	return c
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) running() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// wait waits for the process to end and returns its exit code (-1 when a
// signal ended it).
func (c *child) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(timeout):
		_ = c.cmd.Process.Kill()
		<-c.done
		t.Fatalf("%s (revue %s) was still running after %s; killed it.\nstderr:\n%s",
			c.name, strings.Join(c.args, " "), timeout, tail(c.stderr.String(), 40))
	}
	return c.cmd.ProcessState.ExitCode()
}

// terminate sends SIGTERM and expects a clean exit (code 0) within timeout.
func (c *child) terminate(t *testing.T, timeout time.Duration) {
	t.Helper()
	if !c.running() {
		t.Errorf("%s had already exited (%v) before it was asked to stop; stderr:\n%s", c.name, c.waitErr, tail(c.stderr.String(), 40))
		return
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("sending SIGTERM to %s: %v", c.name, err)
		return
	}
	if code := c.wait(t, timeout); code != 0 {
		t.Errorf("%s exited with code %d after SIGTERM, want 0 (a graceful stop); stderr:\n%s", c.name, code, tail(c.stderr.String(), 40))
	}
}

// runRevue runs `revue args...` to completion and returns its exit code and
// output.
func runRevue(t *testing.T, ctx context.Context, timeout time.Duration, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := startRevue(t, ctx, "revue "+strings.Join(args, " "), env, args...)
	code = c.wait(t, timeout+5*time.Second)
	if ctx.Err() != nil {
		t.Fatalf("revue %s did not finish within %s; stderr:\n%s", strings.Join(args, " "), timeout, tail(c.stderr.String(), 40))
	}
	return code, c.stdout.String(), c.stderr.String()
}

// mustRunRevue is runRevue for commands that must succeed.
func mustRunRevue(t *testing.T, ctx context.Context, timeout time.Duration, env map[string]string, args ...string) string {
	t.Helper()
	code, out, errOut := runRevue(t, ctx, timeout, env, args...)
	if code != 0 {
		t.Fatalf("revue %s: exit code %d, want 0\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, tail(errOut, 40))
	}
	return out
}

// tail keeps the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[… %d earlier lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// eventually polls cond every interval until it returns true or timeout
// passes, and reports whether it did.
func eventually(ctx context.Context, timeout, interval time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(interval)
	}
}
