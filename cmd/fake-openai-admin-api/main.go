// Command fake-openai-admin-api serves the in-process fake of the OpenAI Admin
// API (internal/openaitest) on a loopback port, so the provider can be demoed
// with a real terraform binary and no OpenAI account.
//
// Usage:
//
//	fake-openai-admin-api [-addr 127.0.0.1:0] [-keys N] [-rate-limit R] [-addr-file PATH] [-admin-key KEY] [-admin-keys-only]
//
// Its admin key listing holds every project's keys too, as the API describes
// it; -admin-keys-only serves admin keys alone there.
//
// It logs the base URL to stderr, optionally writes it to -addr-file, and
// serves until SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stderr, nil)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "fake-openai-admin-api: %v\n", err)
		os.Exit(1)
	}
}

// errUsage marks errors the flag package has already reported.
var errUsage = errors.New("usage error")

// run serves until ctx is done. ready, if not nil, is called with the base
// URL once the server is listening.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(baseURL string)) error {
	fs := flag.NewFlagSet("fake-openai-admin-api", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` to listen on; loopback hosts only, port 0 picks a free one")
	keys := fs.Int("keys", 0, "serve `N` generated admin keys instead of the sample organisation (0: the sample)")
	rate := fs.Int("rate-limit", 0, "admit at most `R` requests in any sliding minute, then answer 429 (0: unlimited)")
	addrFile := fs.String("addr-file", "", "write the base URL to this `file` once listening")
	adminKey := fs.String("admin-key", openaitest.DefaultAdminKey, "the only bearer `token` accepted")
	adminKeysOnly := fs.Bool("admin-keys-only", false, "list admin keys alone under /organization/admin_api_keys, not every project's keys too as the API describes it")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	case *keys < 0:
		return fmt.Errorf("-keys must not be negative, got %d", *keys)
	case *rate < 0:
		return fmt.Errorf("-rate-limit must not be negative, got %d", *rate)
	case *adminKey == "":
		return errors.New("-admin-key must not be empty")
	}
	if err := checkLoopback(*addr); err != nil {
		return err
	}

	fake := openaitest.NewHandler(openaitest.Options{AdminKey: *adminKey, RateLimitPerMinute: *rate,
		AdminListingHoldsProjectKeys: !*adminKeysOnly})
	what := "the sample organisation"
	if *keys > 0 {
		fake.SeedAdminKeys(*keys)
		what = fmt.Sprintf("%d generated admin keys", *keys)
	} else {
		fake.LoadSampleOrganization()
	}
	defer fake.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	baseURL := "http://" + ln.Addr().String() + "/v1"
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if *addrFile != "" {
		if err := writeFileAtomic(*addrFile, []byte(baseURL)); err != nil {
			_ = srv.Close()
			return fmt.Errorf("write -addr-file: %w", err)
		}
		// A file left behind would point the next reader at a dead port.
		defer func() { _ = os.Remove(*addrFile) }()
	}
	// The admin key is a secret by convention even here: log only the URL.
	_, _ = fmt.Fprintf(stderr, "fake OpenAI Admin API serving %s at %s\n", what, baseURL)
	if ready != nil {
		ready(baseURL)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Release requests held by faults first, or Shutdown would wait for them.
	fake.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// checkLoopback refuses addresses reachable from other machines: the fake
// accepts a published admin key and must not be mistaken for a real service.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid -addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing -addr %q: only loopback hosts (127.0.0.1, ::1, localhost) are allowed", addr)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames it
// into place, so a reader polling for path never sees it half written.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}
