package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// standInTerraform answers `version`, and otherwise starts a child that stands
// for a provider, reports both pids through the FIFO, and waits.
const standInTerraform = `#!/bin/sh
case "$1" in version) echo "Terraform v0.0.0-stand-in"; exit 0 ;; esac
sleep 3600 &
echo "$$ $!" >"$BENCH_TEST_FIFO"
wait
`

// TestInterruptedBenchLeavesNothing interrupts the bench while terraform
// plans, as Ctrl-C or a CI timeout would: the bench exits with 128 plus the
// signal, and leaves no process and no directory behind.
func TestInterruptedBenchLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bench and the provider")
	}
	dir := t.TempDir()
	bench := filepath.Join(dir, "bench")
	if out, err := exec.Command("go", "build", "-o", bench, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the bench: %v\n%s", err, out)
	}
	terraform := filepath.Join(dir, "terraform")
	if err := os.WriteFile(terraform, []byte(standInTerraform), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			fifo := filepath.Join(t.TempDir(), "pids")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bench, "-organization-only", "-runs", "1", "-out", filepath.Join(dir, "report.md"))
			cmd.Dir = "../.." // The bench builds the provider from the repository's root.
			cmd.Env = append(os.Environ(), "TERRAFORM="+terraform, "TMPDIR="+tmp, "BENCH_TEST_FIFO="+fifo)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			pids := make(chan []byte, 1)
			go func() {
				b, _ := os.ReadFile(fifo) // Blocks until the stand-in writes.
				pids <- b
			}()

			var line []byte
			select {
			case line = <-pids:
			case err := <-exited:
				t.Fatalf("the bench ended before planning: %v\n%s", err, out.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := <-exited
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 128+int(sig) {
				t.Fatalf("the bench ended with %v, want exit status %d\n%s", err, 128+int(sig), out.String())
			}
			for _, field := range strings.Fields(string(line)) {
				pid, err := strconv.Atoi(field)
				if err != nil {
					t.Fatalf("bad pid %q from the stand-in", field)
				}
				if alive(pid) {
					t.Errorf("process %d, started under the bench, outlived it", pid)
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			}
			left, err := os.ReadDir(tmp)
			if err != nil {
				t.Fatal(err)
			}
			if len(left) > 0 {
				var names []string
				for _, e := range left {
					names = append(names, e.Name())
				}
				t.Errorf("the bench left %v in its TMPDIR", names)
			}
		})
	}
}

// alive reports whether pid runs; a zombie, dead but not yet reaped by
// whoever inherited it, does not.
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
