package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds the xinyong binary once per test run.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "xinyong-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "xinyong")
		build := exec.Command("go", "build", "-o", binPath, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// TestServeEndToEnd builds the binary, runs `serve --demo` on a fresh data
// directory as a newcomer would, uses it, and stops it with SIGTERM.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	data := t.TempDir()
	const boot = "e2e-bootstrap-token-0123456789"
	cmd := exec.Command(bin, "serve", "--demo", "--data", data, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "XINYONG_BOOTSTRAP_TOKEN="+boot, "XINYONG_LOG_FORMAT=json")
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addr := make(chan string, 1)
	var printed strings.Builder
	go func() {
		re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/ `)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			printed.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start:\n%s\n%s", printed.String(), stderr.String())
	}
	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get("/readyz", ""); code != 200 {
		t.Fatalf("readyz %d", code)
	}
	if code, body := get("/api/v1/subjects?q=%E7%A6%8F%E5%B7%9E&limit=5", ""); code != 200 || !strings.Contains(body, `"items":[{`) {
		t.Fatalf("demo data not searchable: %d %s", code, body)
	}
	if code, body := get("/api/v1/me", boot); code != 200 || !strings.Contains(body, "operator") {
		t.Fatalf("bootstrap token: %d %s", code, body)
	}
	if code, body := get("/metrics", ""); code != 200 || !strings.Contains(body, "xinyong_http_requests_total") {
		t.Fatalf("metrics: %d", code)
	}
	if code, body := get("/console", ""); code != 200 || !strings.Contains(body, "登录") {
		t.Fatalf("console must ask to sign in: %d", code)
	}
	if !strings.Contains(printed.String(), "xinyong-demo-2026") || strings.Contains(printed.String(), boot) {
		t.Fatalf("startup output must show the demo sign-in and mask the token:\n%s", printed.String())
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	if fi, err := os.Stat(filepath.Join(data, "xinyong.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v", err)
	}
}
