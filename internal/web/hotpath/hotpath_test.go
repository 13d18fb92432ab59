package hotpath

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// server runs an http.Server behind Wrap with a handler that answers who
// served it ("fast" or "net/http") and what it saw.
func server(t *testing.T, idle, head time.Duration) (string, *http.Server, *Listener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		by := "fast"
		if r.Context().Value(http.ServerContextKey) != nil {
			by = "net/http"
		}
		switch r.URL.Query().Get("do") {
		case "panic":
			panic("boom")
		case "abort":
			panic(http.ErrAbortHandler)
		case "status":
			w.Header().Set("X-Zeta", "1")
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			return
		case "nocontent":
			w.WriteHeader(http.StatusNoContent)
			if _, err := w.Write([]byte("x")); err != http.ErrBodyNotAllowed {
				panic("body allowed on 204")
			}
			return
		case "sniff":
			io.WriteString(w, "<html><body>x</body></html>")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%s %s %s q=%s auth=%s host=%s remote=%t len=%d", by, r.Method, r.URL.Path, r.URL.RawQuery,
			r.Header.Get("Authorization"), r.Host, r.RemoteAddr != "", r.ContentLength)
		if r.Method == "POST" {
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, " body=%s", b)
		}
	})
	srv := &http.Server{Handler: h, IdleTimeout: idle, ReadHeaderTimeout: head}
	l := Wrap(ln, srv, []string{"/api/v1/check"})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String(), srv, l
}

type client struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &client{t: t, c: c, br: bufio.NewReader(c)}
}

func (c *client) send(raw string) {
	c.t.Helper()
	if _, err := io.WriteString(c.c, raw); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) read() (*http.Response, string) {
	c.t.Helper()
	res, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return res, string(b)
}

func get(target string, extra ...string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\n" + strings.Join(extra, "") + "\r\n"
}

func TestFastPathAndHandOff(t *testing.T) {
	addr, _, _ := server(t, 0, 0)
	c := dial(t, addr)
	// Two fast requests, then one net/http serves (another path), after
	// which the connection stays with net/http.
	c.send(get("/api/v1/check?subject=91&scenario=%E6%94%BF"))
	res, body := c.read()
	want := "fast GET /api/v1/check q=subject=91&scenario=%E6%94%BF auth=Bearer tok host=x remote=true len=0"
	if res.StatusCode != 200 || body != want {
		t.Fatalf("first: %d %q", res.StatusCode, body)
	}
	if res.ContentLength != int64(len(want)) || res.Header.Get("Date") == "" || res.Header.Get("Content-Type") != "text/plain; charset=utf-8" || res.Close {
		t.Errorf("head: %+v", res.Header)
	}
	c.send(get("/api/v1/check?a=1"))
	if _, body := c.read(); !strings.HasPrefix(body, "fast ") {
		t.Errorf("second: %q", body)
	}
	c.send("POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
	if _, body := c.read(); !strings.HasPrefix(body, "net/http POST") || !strings.HasSuffix(body, "body=abc") {
		t.Errorf("post: %q", body)
	}
	c.send(get("/api/v1/check?b=2"))
	if _, body := c.read(); !strings.HasPrefix(body, "net/http GET /api/v1/check q=b=2") {
		t.Errorf("after hand-off: %q", body)
	}
}

// Everything the fast path does not serve reaches net/http with the bytes
// read so far, and net/http answers as it would have on its own.
func TestHandedOff(t *testing.T) {
	addr, _, _ := server(t, 0, 0)
	for _, c := range []struct {
		name, raw string
		status    int
	}{
		{"other path", get("/api/v1/checks"), 200},
		{"path prefix", get("/api/v1/check/x"), 200},
		{"escaped path", get("/api/v1/%63heck"), 200},
		{"HEAD", "HEAD /api/v1/check HTTP/1.1\r\nHost: x\r\n\r\n", 200},
		{"HTTP/1.0", "GET /api/v1/check HTTP/1.0\r\nHost: x\r\n\r\n", 200},
		{"absolute form", "GET http://x/api/v1/check HTTP/1.1\r\nHost: x\r\n\r\n", 200},
		{"body", get("/api/v1/check", "Content-Length: 2\r\n") + "ab", 200},
		{"chunked", get("/api/v1/check", "Transfer-Encoding: chunked\r\n") + "2\r\nab\r\n0\r\n\r\n", 200},
		{"no host", "GET /api/v1/check HTTP/1.1\r\n\r\n", 400},
		{"two hosts", "GET /api/v1/check HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400},
		{"bad host", "GET /api/v1/check HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
		{"folded header", get("/api/v1/check", "X-A: 1\r\n  2\r\n"), 200},
		{"bad header name", get("/api/v1/check", "X A: 1\r\n"), 400},
		{"expect", get("/api/v1/check", "Expect: 100-continue\r\n"), 200},
		{"upgrade", get("/api/v1/check", "Connection: Upgrade\r\nUpgrade: websocket\r\n"), 200},
		{"big head", get("/api/v1/check", "X-Big: "+strings.Repeat("a", 5000)+"\r\n"), 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := dial(t, addr)
			cl.send(c.raw)
			res, err := http.ReadResponse(cl.br, &http.Request{Method: strings.Fields(c.raw)[0]})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, c.status, b)
			}
			if c.status == 200 && c.name != "HEAD" && !strings.HasPrefix(string(b), "net/http ") {
				t.Errorf("served by the fast path: %q", b)
			}
		})
	}
}

func TestPipelinedAndSplit(t *testing.T) {
	addr, _, _ := server(t, 0, 0)
	c := dial(t, addr)
	c.send(get("/api/v1/check?n=1") + get("/api/v1/check?n=2") + get("/api/v1/check?n=3"))
	for i := 1; i <= 3; i++ {
		if _, body := c.read(); !strings.Contains(body, fmt.Sprintf("fast GET /api/v1/check q=n=%d ", i)) {
			t.Fatalf("pipelined %d: %q", i, body)
		}
	}
	// A head that arrives in pieces.
	raw := get("/api/v1/check?n=4")
	for _, part := range []string{raw[:5], raw[5:30], raw[30 : len(raw)-1], raw[len(raw)-1:]} {
		c.send(part)
		time.Sleep(20 * time.Millisecond)
	}
	if _, body := c.read(); !strings.HasPrefix(body, "fast GET /api/v1/check q=n=4") {
		t.Fatalf("split: %q", body)
	}
}

func TestResponses(t *testing.T) {
	addr, _, _ := server(t, 0, 0)
	c := dial(t, addr)
	c.send(get("/api/v1/check?do=status"))
	res, body := c.read()
	if res.StatusCode != 400 || res.Header.Get("X-Zeta") != "1" || res.Header.Get("Content-Type") != "application/problem+json" || body != "" || res.ContentLength != 0 {
		t.Errorf("status: %d %+v %q", res.StatusCode, res.Header, body)
	}
	c.send(get("/api/v1/check?do=nocontent"))
	if res, body := c.read(); res.StatusCode != 204 || body != "" || res.Header.Get("Content-Length") != "" {
		t.Errorf("204: %+v %q", res.Header, body)
	}
	c.send(get("/api/v1/check?do=sniff"))
	if res, _ := c.read(); res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("sniffed: %q", res.Header.Get("Content-Type"))
	}
	// Connection: close is honoured and answered.
	c.send(get("/api/v1/check", "Connection: close\r\n"))
	if res, _ := c.read(); !res.Close {
		t.Error("no Connection: close")
	}
	if _, err := c.br.ReadByte(); err != io.EOF {
		t.Errorf("connection not closed: %v", err)
	}
}

// A handler that panics costs its connection, not the server.
func TestPanic(t *testing.T) {
	addr, _, _ := server(t, 0, 0)
	for _, do := range []string{"panic", "abort"} {
		c := dial(t, addr)
		c.send(get("/api/v1/check?do=" + do))
		if _, err := http.ReadResponse(c.br, nil); err == nil {
			t.Errorf("%s: got a response", do)
		}
	}
	c := dial(t, addr)
	c.send(get("/api/v1/check"))
	if _, body := c.read(); !strings.HasPrefix(body, "fast ") {
		t.Errorf("after panics: %q", body)
	}
}

func TestTimeouts(t *testing.T) {
	addr, _, _ := server(t, 300*time.Millisecond, 200*time.Millisecond)
	// Idle: closed within the idle timeout.
	c := dial(t, addr)
	c.send(get("/api/v1/check"))
	c.read()
	t0 := time.Now()
	if _, err := c.br.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection: %v", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("idle connection closed after %s", d)
	}
	// A head that never completes: net/http takes it over and gives up
	// after its own header timeout.
	c = dial(t, addr)
	c.send("GET /api/v1/check HTTP/1.1\r\nHost: x\r\n")
	t0 = time.Now()
	io.ReadAll(c.br)
	if d := time.Since(t0); d > 3*time.Second {
		t.Errorf("incomplete head held the connection for %s", d)
	}
}

// Shutdown closes idle fast-path connections, lets a request being served
// finish, and Wait returns once they are gone.
func TestShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery == "slow" {
			started <- struct{}{}
			<-release
		}
		io.WriteString(w, "ok")
	})}
	l := Wrap(ln, srv, []string{"/api/v1/check"})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	addr := ln.Addr().String()
	idle := dial(t, addr)
	idle.send(get("/api/v1/check"))
	idle.read()
	busy := dial(t, addr)
	busy.send(get("/api/v1/check?slow"))
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
	if _, err := idle.br.ReadByte(); err != io.EOF {
		t.Errorf("idle connection: %v", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- l.Wait(ctx) }()
	select {
	case err := <-waited:
		t.Fatalf("Wait returned while a request was served: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	res, body := busy.read()
	if body != "ok" || !res.Close {
		t.Errorf("request served during shutdown: %q close=%t", body, res.Close)
	}
	if err := <-waited; err != nil {
		t.Errorf("Wait: %v", err)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("still accepting")
	}
}

func TestParseHead(t *testing.T) {
	l := Wrap(nil, nil, []string{"/api/v1/check"})
	r, closeAfter, ok := l.parse([]byte("GET /api/v1/check?x=1 HTTP/1.1\r\nhost: h:80\r\nx-request-id:  abc \r\nX-Multi: 1\r\nx-multi: 2\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"))
	if !ok || !closeAfter || r.Host != "h:80" || r.Header.Get("X-Request-Id") != "abc" || len(r.Header["X-Multi"]) != 2 || r.Header.Get("Host") != "" ||
		r.URL.Path != "/api/v1/check" || r.URL.RawQuery != "x=1" || r.RequestURI != "/api/v1/check?x=1" || !r.Close {
		t.Errorf("parse: %v %t %+v", ok, closeAfter, r)
	}
	for _, bad := range []string{
		"GET /api/v1/check?x=1 y HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /api/v1/check?x=\x7f HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /api/v1/check HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
		"GET /api/v1/check HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n",
		"GET /api/v1/check HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n",
		"GET /api/v1/check HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\n\r\n",
		"GET /api/v1/check HTTP/1.1\r\nHost: h\r\nTE: trailers\r\n\r\n",
		"get /api/v1/check HTTP/1.1\r\nHost: h\r\n\r\n",
	} {
		if _, _, ok := l.parse([]byte(bad)); ok {
			t.Errorf("fast path took %q", bad)
		}
	}
}
