package main

import (
	"context"
	"errors"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Interrupted benches clean up as the demo does: SIGINT or SIGTERM cancels the
// bench's context, every command it started is killed with its whole process
// group (terraform with the providers it started, go test with its test
// binary), and the deferred removal of the temporary directories runs before
// the bench exits with 128 plus the signal's number.

// stopOnSignal returns a context cancelled by the first SIGINT or SIGTERM,
// and a function that reports which signal it was, if any.
func stopOnSignal() (context.Context, func() os.Signal) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	var (
		mu     sync.Mutex
		caught os.Signal
	)
	go func() {
		s := <-signals
		mu.Lock()
		caught = s
		mu.Unlock()
		log.Printf("%s: stopping every process the bench started and removing its temporary files", s)
		cancel()
	}()
	return ctx, func() os.Signal {
		mu.Lock()
		defer mu.Unlock()
		return caught
	}
}

// exitStatus is the status a process killed by sig reports: 128 + its number.
func exitStatus(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

// command is exec.CommandContext in a process group of its own: cancelling
// ctx kills the group, so the children it started die with it, and a
// terminal's Ctrl-C reaches the bench alone, which then stops them.
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
	// Pipes held open by a killed group's stragglers must not block Wait.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// workDir creates the bench's temporary directory and points TMPDIR and
// GOTMPDIR inside it, for the bench and every command it starts, so that the
// files of a command killed mid-run (a go build's work directory, say) go
// with it. cleanup removes it all.
func workDir() (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "openai-bench-")
	if err != nil {
		return "", nil, err
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	for _, name := range []string{"TMPDIR", "GOTMPDIR"} {
		if err := os.Setenv(name, tmp); err != nil {
			_ = os.RemoveAll(dir)
			return "", nil, err
		}
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}
