package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// start runs the command until the test ends and returns its base URL, a
// stop function that returns run's error, and its stderr (complete once
// stopped).
func start(t *testing.T, args ...string) (string, func() error, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, &stderr, func(u string) { urls <- u }) }()
	var stopped bool
	var runErr error
	stop := func() error {
		if !stopped {
			cancel()
			runErr, stopped = <-done, true
		}
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	select {
	case u := <-urls:
		return u, stop, &stderr
	case err := <-done:
		stopped, runErr = true, err
		t.Fatalf("run ended before listening: %v; stderr %s", err, stderr.String())
	}
	return "", nil, nil
}

func getJSON(t *testing.T, url, key string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return res.StatusCode, v
}

func TestServesSampleOrganisation(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "url")
	baseURL, stop, stderr := start(t, "-addr-file", addrFile)
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") || !strings.HasSuffix(baseURL, "/v1") {
		t.Fatalf("base URL %q", baseURL)
	}
	written, err := os.ReadFile(addrFile)
	if err != nil || string(written) != baseURL {
		t.Fatalf("-addr-file holds %q (%v), want %q", written, err, baseURL)
	}
	status, body := getJSON(t, baseURL+"/organization/admin_api_keys", openaitest.DefaultAdminKey)
	// As the API describes it, the admin key listing holds the project keys too.
	if data, _ := body["data"].([]any); status != http.StatusOK || len(data) != 9+10 {
		t.Fatalf("status %d, %d keys; want the 9 sample admin keys and the 10 project keys", status, len(data))
	}
	status, body = getJSON(t, baseURL+"/organization/projects?include_archived=true", openaitest.DefaultAdminKey)
	if data, _ := body["data"].([]any); status != http.StatusOK || len(data) != 3 {
		t.Fatalf("status %d, %d projects; want the 3 sample projects", status, len(data))
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	log := stderr.String()
	if !strings.Contains(log, baseURL) || strings.Contains(log, openaitest.DefaultAdminKey) || strings.Count(log, "\n") != 1 {
		t.Fatalf("stderr %q: want one line with the URL and without the key", log)
	}
	if _, err := os.Stat(addrFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("-addr-file left behind after shutdown: %v", err)
	}
	if _, err := http.Get(baseURL + "/organization/projects"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestAdminKeysOnly(t *testing.T) {
	baseURL, stop, _ := start(t, "-admin-keys-only")
	status, body := getJSON(t, baseURL+"/organization/admin_api_keys", openaitest.DefaultAdminKey)
	if data, _ := body["data"].([]any); status != http.StatusOK || len(data) != 9 {
		t.Fatalf("status %d, %d keys; want the 9 sample admin keys alone", status, len(data))
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestGeneratedKeysRateLimitAndCustomKey(t *testing.T) {
	baseURL, stop, _ := start(t, "-keys", "250", "-rate-limit", "2", "-admin-key", "sk-admin-demo")
	status, body := getJSON(t, baseURL+"/organization/admin_api_keys?limit=100", "sk-admin-demo")
	if data, _ := body["data"].([]any); status != http.StatusOK || len(data) != 100 || body["has_more"] != true {
		t.Fatalf("status %d, %d keys, has_more %v", status, len(data), body["has_more"])
	}
	if status, _ := getJSON(t, baseURL+"/organization/admin_api_keys", openaitest.DefaultAdminKey); status != http.StatusUnauthorized {
		t.Fatalf("default key accepted: %d", status)
	}
	if status, _ := getJSON(t, baseURL+"/organization/admin_api_keys", "sk-admin-demo"); status != http.StatusOK {
		t.Fatalf("second request: %d", status)
	}
	if status, _ := getJSON(t, baseURL+"/organization/admin_api_keys", "sk-admin-demo"); status != http.StatusTooManyRequests {
		t.Fatalf("third request within a minute: %d, want 429", status)
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "0.0.0.0:0"},
		{"-addr", ":0"},
		{"-addr", "192.0.2.1:8080"},
		{"-addr", "example.com:0"},
		{"-addr", "127.0.0.1"},
		{"-keys", "-1"},
		{"-rate-limit", "-5"},
		{"-admin-key", ""},
		{"extra"},
		{"-no-such-flag"},
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), args, &stderr, func(string) { t.Errorf("%q: started listening", args) })
		if err == nil {
			t.Errorf("%q: accepted", args)
		}
	}
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &stderr, nil); !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "-addr-file") {
		t.Errorf("-h: %v, %q", err, stderr.String())
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:0": true, "127.0.0.2:9000": true, "[::1]:0": true, "localhost:8080": true,
		"0.0.0.0:0": false, "[::]:0": false, ":8080": false, "10.0.0.1:0": false, "localhost": false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want ok %v", addr, err, ok)
		}
	}
}
