package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"xinyong/internal/auth"
	"xinyong/internal/demo"
	"xinyong/internal/engine"
	"xinyong/internal/pii"
	"xinyong/internal/subject"
	"xinyong/internal/web"
	"xinyong/internal/xtest"
)

// checkBenchServer is the real router over 5,000 demo subjects with a
// check engine and its journal; it returns the codes and a system token.
func checkBenchServer(b *testing.B) (http.Handler, []string, string) {
	ctx := context.Background()
	s := xtest.SQLiteStore(b, xtest.Options{})
	p, _ := pii.New(make([]byte, 32))
	g := demo.NewGenerator(1, s.Now())
	res, err := demo.LoadSubjects(ctx, s, g, p, func(v string) string { return subject.MaskID(v, 4, 4) }, 5000, nil)
	if err != nil {
		b.Fatal(err)
	}
	srv := xtest.NewServer(b, s)
	eng, err := engine.Start(ctx, s, engine.Options{JournalDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(eng.Close)
	d := srv.Deps
	d.Engine = eng
	return web.New(web.Options{API: d}), res.Codes, srv.Tokens[auth.RoleSystem]
}

// BenchmarkCheckHandler measures one check through the real router and
// middleware (token auth, evaluation, JSON, digest, durable group-committed
// log in the check journal) without the network, on SQLite.
func BenchmarkCheckHandler(b *testing.B) {
	h, codes, token := checkBenchServer(b)
	sc := url.QueryEscape("政府采购")
	b.ReportAllocs()
	b.SetParallelism(32) // many concurrent checks share a journal write, as under load
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			code := codes[i%len(codes)]
			i++
			req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/check?subject=%s&scenario=%s", code, sc), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
}

// BenchmarkCheckHTTP measures one check through a real net/http server on
// loopback (keep-alive connections, as wrk drives it): the request parsing,
// header cloning and writing that BenchmarkCheckHandler's recorder skips.
// The clients are raw connections that allocate nothing per request, so
// B/op and allocs/op are the server's. Sub-benchmarks: "hotpath" is the
// server as serve runs it (web.Listen), "net/http" without the fast path.
func BenchmarkCheckHTTP(b *testing.B) {
	h, codes, token := checkBenchServer(b)
	for _, hot := range []bool{true, false} {
		name := "net/http"
		if hot {
			name = "hotpath"
		}
		b.Run(name, func(b *testing.B) { benchCheckHTTP(b, h, codes, token, hot) })
	}
}

func benchCheckHTTP(b *testing.B, h http.Handler, codes []string, token string, hot bool) {
	ts := httptest.NewUnstartedServer(h)
	if hot {
		ts.Listener = web.Listen(ts.Listener, ts.Config)
	}
	ts.Start()
	defer ts.Close()
	sc := url.QueryEscape("政府采购")
	reqs := make([][]byte, len(codes))
	for i, code := range codes {
		reqs[i] = []byte(fmt.Sprintf("GET /api/v1/check?subject=%s&scenario=%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", code, sc, ts.Listener.Addr(), token))
	}
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		buf := make([]byte, 64<<10)
		i := 0
		for pb.Next() {
			if _, err := c.Write(reqs[i%len(reqs)]); err != nil {
				b.Error(err)
				return
			}
			i++
			if err := readResponse(c, buf); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// readResponse reads one HTTP/1.1 response with a Content-Length into buf
// and fails unless its status is 200.
func readResponse(c net.Conn, buf []byte) error {
	n := 0
	for {
		m, err := c.Read(buf[n:])
		if err != nil {
			return err
		}
		n += m
		head := bytes.Index(buf[:n], []byte("\r\n\r\n"))
		if head < 0 {
			continue
		}
		if !bytes.HasPrefix(buf, []byte("HTTP/1.1 200 ")) {
			return fmt.Errorf("response %q", buf[:head])
		}
		i := bytes.Index(buf[:head], []byte("\r\nContent-Length: "))
		if i < 0 {
			return fmt.Errorf("no Content-Length in %q", buf[:head])
		}
		j := i + len("\r\nContent-Length: ")
		cl := 0
		for ; buf[j] >= '0' && buf[j] <= '9'; j++ {
			cl = cl*10 + int(buf[j]-'0')
		}
		want := head + 4 + cl
		for n < want {
			m, err := c.Read(buf[n:])
			if err != nil {
				return err
			}
			n += m
		}
		if n != want {
			return fmt.Errorf("%d bytes after the response", n-want)
		}
		return nil
	}
}
