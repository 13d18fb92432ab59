// Package web assembles the HTTP server: the API, the portal and console,
// health probes and metrics, behind one middleware chain.
package web

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/web/api"
	"xinyong/internal/web/hotpath"
	"xinyong/internal/web/httpx"
	"xinyong/internal/web/metrics"
)

// SessionCookie is the name of the console session cookie.
const SessionCookie = "xinyong_session"

// HotPaths are the routes served by hotpath (plain GET requests without
// net/http's per-request connection machinery): the single check, which
// approval systems call for every applicant.
var HotPaths = []string{"/api/v1/check"}

// Listen puts hotpath in front of srv on ln for HotPaths: serve with
// srv.Serve(l); after srv.Shutdown, l.Wait lets the fast path's requests
// finish.
func Listen(ln net.Listener, srv *http.Server) *hotpath.Listener {
	return hotpath.Wrap(ln, srv, HotPaths)
}

// Options configure the server.
type Options struct {
	API     api.Deps
	Metrics *metrics.Registry
	UI      http.Handler // portal and console; nil serves only the API
	Ready   func(context.Context) error
}

// New returns the root handler.
func New(o Options) http.Handler {
	if o.Metrics == nil {
		o.Metrics = metrics.New()
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api.New(o.API))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpx.JSON(w, 200, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		err := o.API.Store.Ping(ctx)
		if err == nil && o.Ready != nil {
			err = o.Ready(ctx)
		}
		if err != nil {
			httpx.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
			return
		}
		httpx.JSON(w, 200, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /metrics", o.Metrics.Handler())
	if o.UI != nil {
		mux.Handle("/", o.UI)
	}
	// Middleware, outermost first: recover, request id + metrics + log,
	// security headers, body limit, authentication.
	var h http.Handler = mux
	h = authenticate(o.API.Store, h)
	h = limitBody(o.API.Config.MaxBodyBytes, o.API.Config.MaxUploadBytes, h)
	h = securityHeaders(h)
	h = observe(o.Metrics, h)
	h = recoverPanics(h)
	return h
}

func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				slog.Error("panic", "request_id", httpx.RequestID(r.Context()), "path", httpx.SafePath(r.URL.Path), "panic", v)
				httpx.Error(w, r, errs.Internal(nil))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = 200
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

var (
	reqPrefix = auth.RandomString(4) // distinguishes nodes and restarts
	reqSeq    atomic.Uint64
)

func nextRequestID() string {
	var buf [32]byte
	b := append(buf[:0], reqPrefix...)
	b = append(b, '-')
	return string(strconv.AppendUint(b, reqSeq.Add(1), 36))
}

// reqBox is everything observe needs per request, in one allocation: the
// request's context state (id, principal), the status-recording writer and
// the X-Request-Id header value.
type reqBox struct {
	ctx httpx.Request
	sw  statusWriter
	id  [1]string
}

func observe(m *metrics.Registry, next http.Handler) http.Handler {
	reqs := m.Counter("xinyong_http_requests_total", "HTTP requests by route group and status.", "group", "status")
	dur := m.Histogram("xinyong_http_request_duration_seconds", "HTTP request latency.", metrics.DefBuckets, "group")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = nextRequestID()
		}
		box := &reqBox{id: [1]string{id}}
		// Capacity 1: an Add by a handler copies instead of writing into
		// the box.
		w.Header()["X-Request-Id"] = box.id[:1:1]
		box.ctx.Init(r.Context(), id) // authenticate fills in the principal
		r = r.WithContext(&box.ctx)
		box.sw.ResponseWriter = w
		sw := &box.sw
		start := time.Now()
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = 200
		}
		g := group(r.URL.Path)
		reqs.Add(1, g, statusText(sw.status))
		dur.Observe(time.Since(start).Seconds(), g)
		if slog.Default().Enabled(r.Context(), slog.LevelDebug) {
			slog.Debug("request", "request_id", id, "method", r.Method, "path", httpx.SafePath(r.URL.Path), "status", sw.status, "dur_ms", time.Since(start).Milliseconds())
		}
	})
}

// group reduces a path to a low-cardinality label: "/api/v1/<resource>"
// or "/<first segment>" (a substring of p where it can be: no allocation
// on the hot paths).
func group(p string) string {
	rest := strings.TrimPrefix(p, "/")
	first, rest, _ := strings.Cut(rest, "/")
	if first == "api" {
		if ver, rest, ok := strings.Cut(rest, "/"); ok {
			res, _, _ := strings.Cut(rest, "/")
			if ver == "v1" {
				return p[:len("/api/v1/")+len(res)]
			}
			return "/api/v1/" + res
		}
	}
	if strings.HasPrefix(p, "/") {
		return p[:1+len(first)]
	}
	return "/" + first
}

var statusTexts [600]string

func init() {
	for i := 100; i < len(statusTexts); i++ {
		statusTexts[i] = strconv.Itoa(i)
	}
}

// statusText is strconv.Itoa without an allocation for HTTP statuses.
func statusText(code int) string {
	if code >= 100 && code < len(statusTexts) {
		return statusTexts[code]
	}
	return strconv.Itoa(code)
}

// The security headers' values, built once: Set would allocate a new
// one-element slice on every response. Capacity 1, so that an Add by a
// handler copies instead of writing into the shared array.
var (
	hdrNosniff  = []string{"nosniff"}[:1:1]
	hdrDeny     = []string{"DENY"}[:1:1]
	hdrReferrer = []string{"same-origin"}[:1:1]
	hdrCSP      = []string{"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'"}[:1:1]
	hdrCSPJSON  = []string{"default-src 'none'; frame-ancestors 'none'"}[:1:1]
)

// securityHeaders sets the security headers of every response. The check
// routes (GET /api/v1/check, POST /api/v1/checks, the hot path of the
// approval systems) answer nothing but JSON and problem+json, so they get
// the two that matter for a JSON document instead of four: nosniff (no
// browser ever reads the answer as HTML or script) and a policy that
// forbids loading anything and any framing (frame-ancestors, which every
// current browser applies instead of X-Frame-Options when both are
// present). Referrer-Policy governs the requests a rendered document makes;
// a JSON answer makes none. Every header costs on each answer: net/http
// clones, sorts and writes the map.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = hdrNosniff
		if p := r.URL.Path; p == "/api/v1/check" || p == "/api/v1/checks" {
			h["Content-Security-Policy"] = hdrCSPJSON
		} else {
			h["X-Frame-Options"] = hdrDeny
			h["Referrer-Policy"] = hdrReferrer
			h["Content-Security-Policy"] = hdrCSP
		}
		next.ServeHTTP(w, r)
	})
}

func limitBody(jsonMax, uploadMax int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A request without a body (most GETs: net/http gives them
		// http.NoBody) needs no limit.
		if r.Body != nil && r.Body != http.NoBody {
			max := jsonMax
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
				max = uploadMax
			}
			if r.ContentLength > max {
				httpx.Error(w, r, &errs.Error{Kind: errs.KindTooLarge, Key: "request.too_large", Message: "请求体超过上限 " + strconv.FormatInt(max, 10) + " 字节"})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves a Bearer token or a session cookie. A bad token is
// refused at once; cookie sessions must send the CSRF token on unsafe API
// methods (forms check it themselves).
func authenticate(st *store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.Public
		if h := r.Header.Get("Authorization"); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				httpx.Error(w, r, errs.Unauthenticated("auth.scheme", "Authorization 头应为 Bearer 令牌"))
				return
			}
			var err error
			p, err = st.TokenPrincipal(r.Context(), strings.TrimSpace(tok))
			if err != nil {
				httpx.Error(w, r, err)
				return
			}
		} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			if sp, err := st.Session(r.Context(), c.Value); err == nil {
				p = sp
				if strings.HasPrefix(r.URL.Path, "/api/") && unsafeMethod(r.Method) &&
					subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(sp.CSRF)) != 1 {
					httpx.Error(w, r, errs.Forbidden("auth.csrf", "缺少或错误的 CSRF 令牌"))
					return
				}
			}
		}
		if httpx.SetPrincipal(r.Context(), p) {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(httpx.WithPrincipal(r.Context(), p)))
	})
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}
