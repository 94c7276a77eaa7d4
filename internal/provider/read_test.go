package provider

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// A server that accepts the request and never answers: with timeouts { read =
// "20s" }, the read ends when its limit runs out, with an error that says it
// timed out, after how long and how far it got, never "cancelled". The limit
// is armed on the test's terms: it runs out once the black hole holds a
// request, without waiting 20 real seconds.
func TestAccReadTimesOut(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(150)
	f.srv.SeedProjects(1, func(int) int { return 3 })
	// The admin keys (two pages) and the projects are answered; the
	// project's keys never are.
	blackHole := openaitest.NewGate()
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultLatency, Path: "/organization/projects/proj_", Times: 100, Gate: blackHole})
	var armed atomic.Int64
	f.afterFunc = func(d time.Duration, fire func()) func() {
		armed.Store(int64(d))
		stopped := make(chan struct{})
		go func() {
			select {
			case <-blackHole.Arrived():
				fire()
			case <-stopped:
			}
		}()
		return func() {
			select {
			case <-stopped:
			default:
				close(stopped)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`
data "openai_api_keys" "all" {
  timeouts {
    read = "20s"
  }
}`),
			ExpectError: detail("OpenAI Admin API Read Timed Out", `openai_api_keys did not finish within timeouts.read = "20s"`,
				"sent 4 requests, 3 of them answered", `timeouts { read = "40s" }`),
		}},
	})
	if got := time.Duration(armed.Load()); got != 20*time.Second {
		t.Fatalf("the read's limit was armed for %s, want 20s", got)
	}
}

// Without a timeouts block, the read's limit is the documented default, and
// the block's null value is in state.
func TestAccReadTimeoutDefault(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(2)
	var armed atomic.Int64
	f.afterFunc = func(d time.Duration, _ func()) func() {
		armed.Store(int64(d))
		return func() {}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(dataSource),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("timeouts"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("ids"), knownvalue.ListSizeExact(2)),
			},
		}},
	})
	if got := time.Duration(armed.Load()); got != defaultReadTimeout {
		t.Fatalf("the read's limit was armed for %s, want the default %s", got, defaultReadTimeout)
	}
}

// failingTransport answers every request with err, counting them.
type failingTransport struct {
	err   error
	calls atomic.Int64
}

func (tr *failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	tr.calls.Add(1)
	return nil, tr.err
}

// timeoutError is what net/http gives when an attempt outlives its timeout.
type timeoutError struct{}

func (timeoutError) Error() string {
	return "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
}
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// What retrying cannot fix fails at once, and each failure says what it is:
// a host that does not resolve, on the first attempt, naming the host; a
// request whose attempts outlive request_timeout, as a timeout; a refused
// connection, after a short bound of retries.
func TestAccTransportFailuresAreNamed(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error
		attempts int64
		says     []string
	}{
		{"unresolvable host", &net.DNSError{Err: "no such host", Name: "api.openai.invalid", IsNotFound: true}, 1,
			[]string{"OpenAI Admin API Host Not Found", "does not resolve", "not retried"}},
		{"request timeout", timeoutError{}, 1 + client.DefaultMaxRetries,
			[]string{"OpenAI Admin API Request Timed Out", "request_timeout = 1m0s", "11 attempt(s)", "Raise request_timeout"}},
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)},
			1 + client.MaxConnectionRefusedRetries, []string{"OpenAI Admin API Connection Refused", "on each of 3 attempts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAccFixture(t, openaitest.Options{})
			transport := &failingTransport{err: tc.err}
			f.httpClient = &http.Client{Transport: transport}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: f.factories(),
				Steps:                    []resource.TestStep{{Config: f.config(dataSource), ExpectError: detail(tc.says...)}},
			})
			// Terraform reads the data source in plan; a failed plan ends the step.
			if got := transport.calls.Load(); got != tc.attempts {
				t.Fatalf("%d attempts, want %d", got, tc.attempts)
			}
		})
	}
}

// A connection refused for real: nothing listens on the port.
func TestConnectionRefusedFailsFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	clock := openaitest.NewFakeClock(time.Unix(1_800_000_000, 0))
	c, err := client.New(client.Config{AdminKey: openaitest.DefaultAdminKey, BaseURL: "http://" + addr + "/v1", Clock: clock, Jitter: func() float64 { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	var refused *client.ConnectionRefusedError
	if !errors.As(err, &refused) || refused.Attempts != 1+client.MaxConnectionRefusedRetries {
		t.Fatalf("error %v, want a refusal after %d attempts", err, 1+client.MaxConnectionRefusedRetries)
	}
	if slept := clock.Slept(); slept != client.InitialBackoff+2*client.InitialBackoff {
		t.Fatalf("waited %s between attempts, want %s", slept, 3*client.InitialBackoff)
	}
}

// A base URL without /v1 gets the API's 404, and the hint to add /v1.
func TestAccBaseURLWithoutV1(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	root := strings.TrimSuffix(f.srv.URL(), "/v1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: `provider "openai" {
  admin_key = "` + openaitest.DefaultAdminKey + `"
  base_url  = "` + root + `"
}
` + dataSource,
			ExpectError: detail("OpenAI Admin API Request Failed", "does not end in /v1", "add /v1 to base_url", "HTTP status: 404"),
		}},
	})
}
