// Package hotpath serves the check's plain GET requests without net/http's
// per-request connection machinery, and everything else with net/http.
//
// A Listener accepts connections itself. On each connection it reads the
// request head; a simple request — GET, HTTP/1.1, an exact path from
// Paths, no body, no percent-escape in the path, a head that fits in the
// connection's 4 KB buffer — is handed to the same http.Handler that
// net/http would call, with a small ResponseWriter that writes the answer
// in one write. The first request of any other kind hands the connection,
// with every byte read so far, to the net/http server, which serves it
// from then on: the fast path only ever sees messages whose length both
// parsers agree on (no body), so there is nothing to smuggle between them.
// docs/architecture.md ("HTTP") has the reasons and the measurements.
package hotpath

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Listener wraps a listener for an http.Server: it accepts the
// connections itself, serves fast-path requests on them, and returns from
// Accept only the connections handed to net/http. Close (which
// http.Server.Shutdown and Close call) stops accepting, closes idle
// fast-path connections and lets the others finish the request they are
// serving; Wait waits for them.
type Listener struct {
	ln    net.Listener
	srv   *http.Server
	paths []string

	start   sync.Once
	handoff chan net.Conn
	errc    chan error // the underlying Accept's final error
	done    chan struct{}
	closing atomic.Bool
	once    sync.Once

	mu     sync.Mutex
	conns  map[*conn]struct{}
	served atomic.Int64
}

// Served is the number of requests answered on the fast path.
func (l *Listener) Served() int64 { return l.served.Load() }

// Wrap returns ln with the fast path for paths in front of srv, whose
// Handler, ReadHeaderTimeout and IdleTimeout it uses.
func Wrap(ln net.Listener, srv *http.Server, paths []string) *Listener {
	return &Listener{ln: ln, srv: srv, paths: paths, handoff: make(chan net.Conn), errc: make(chan error, 1),
		done: make(chan struct{}), conns: map[*conn]struct{}{}}
}

// Accept returns the next connection handed to net/http.
func (l *Listener) Accept() (net.Conn, error) {
	l.start.Do(func() { go l.acceptLoop() })
	select {
	case c := <-l.handoff:
		return c, nil
	case err := <-l.errc:
		l.errc <- err // for the next caller
		return nil, err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *Listener) acceptLoop() {
	var delay time.Duration
	for {
		c, err := l.ln.Accept()
		if err != nil {
			if l.closing.Load() {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			l.errc <- err
			return
		}
		delay = 0
		cc := &conn{l: l, c: c}
		l.mu.Lock()
		if l.closing.Load() {
			l.mu.Unlock()
			c.Close()
			return
		}
		l.conns[cc] = struct{}{}
		l.mu.Unlock()
		go cc.serve()
	}
}

// Close stops accepting and closes the idle fast-path connections; a
// connection serving a request closes after its response.
func (l *Listener) Close() error {
	var err error
	l.once.Do(func() {
		l.closing.Store(true)
		close(l.done)
		err = l.ln.Close()
		l.mu.Lock()
		for c := range l.conns {
			if c.state.Load() == stateIdle {
				c.c.Close()
			}
		}
		l.mu.Unlock()
	})
	return err
}

// Wait waits until every fast-path connection has ended (after Close), or
// ctx is done; connections still open then are closed.
func (l *Listener) Wait(ctx context.Context) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		l.mu.Lock()
		n := len(l.conns) // idle ones were closed by Close, busy ones close after their response
		l.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			l.mu.Lock()
			for c := range l.conns {
				c.c.Close()
			}
			l.mu.Unlock()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Addr is the underlying listener's address.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

func (l *Listener) forget(c *conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// give hands c to net/http; false once the listener is closed.
func (l *Listener) give(c net.Conn) bool {
	select {
	case l.handoff <- c:
		return true
	case <-l.done:
		return false
	}
}

const bufSize = 4096

const (
	stateIdle int32 = iota
	stateActive
)

type conn struct {
	l     *Listener
	c     net.Conn
	state atomic.Int32
}

func (c *conn) serve() {
	handedOff := false
	defer func() {
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			buf := make([]byte, 64<<10)
			buf = buf[:runtime.Stack(buf, false)]
			slog.Error("http: panic serving", "remote", c.c.RemoteAddr().String(), "panic", v, "stack", string(buf))
		}
		if !handedOff {
			c.c.Close()
		}
		c.l.forget(c)
	}()
	srv := c.l.srv
	idle := srv.IdleTimeout
	if idle <= 0 {
		idle = srv.ReadTimeout
	}
	headTimeout := srv.ReadHeaderTimeout
	if headTimeout <= 0 {
		headTimeout = srv.ReadTimeout
	}
	br := bufio.NewReaderSize(c.c, bufSize)
	w := &response{conn: c, out: make([]byte, 0, bufSize)}
	var refreshed time.Time // when the idle deadline was last set
	remote := c.c.RemoteAddr().String()
	for {
		// The idle deadline is refreshed at most once per quarter of it:
		// a connection idle for between 3/4 and all of IdleTimeout closes.
		if idle > 0 {
			if now := time.Now(); now.Sub(refreshed) > idle/4 {
				c.c.SetReadDeadline(now.Add(idle))
				refreshed = now
			}
		}
		if _, err := br.Peek(1); err != nil {
			return
		}
		c.state.Store(stateActive)
		head, ok := c.readHead(br, headTimeout, &refreshed)
		if !ok {
			handedOff = c.handOff(br)
			return
		}
		req, closeAfter, ok := c.l.parse(head)
		if !ok {
			handedOff = c.handOff(br)
			return
		}
		br.Discard(len(head))
		req.RemoteAddr = remote
		w.reset(closeAfter)
		h := srv.Handler
		if h == nil {
			h = http.DefaultServeMux // as net/http
		}
		h.ServeHTTP(w, req)
		c.l.served.Add(1)
		if err := w.finish(); err != nil {
			return
		}
		c.state.Store(stateIdle)
		if closeAfter || c.l.closing.Load() {
			return
		}
	}
}

// readHead returns the request head (through the blank line) once it is in
// the buffer; false if it does not fit, or is not complete within the
// header timeout (net/http then reads it and answers).
func (c *conn) readHead(br *bufio.Reader, timeout time.Duration, refreshed *time.Time) ([]byte, bool) {
	deadlineSet := false
	for {
		b, _ := br.Peek(br.Buffered())
		if i := headEnd(b); i >= 0 {
			if deadlineSet {
				c.c.SetReadDeadline(time.Time{})
				*refreshed = time.Time{}
			}
			return b[:i], true
		}
		if br.Buffered() == bufSize {
			return nil, false
		}
		if !deadlineSet && timeout > 0 {
			c.c.SetReadDeadline(time.Now().Add(timeout))
			deadlineSet = true
		}
		if _, err := br.Peek(br.Buffered() + 1); err != nil {
			return nil, false
		}
	}
}

// headEnd returns the length of the head in b including "\r\n\r\n", or -1.
func headEnd(b []byte) int {
	for i := 3; i < len(b); i++ {
		if b[i] == '\n' && b[i-1] == '\r' && b[i-2] == '\n' && b[i-3] == '\r' {
			return i + 1
		}
	}
	return -1
}

// handOff passes the connection, with what is buffered, to net/http.
func (c *conn) handOff(br *bufio.Reader) bool {
	if c.l.closing.Load() {
		return false
	}
	buffered, _ := br.Peek(br.Buffered())
	pc := &prefixConn{Conn: c.c, prefix: append([]byte(nil), buffered...)}
	c.c.SetReadDeadline(time.Time{})
	return c.l.give(pc)
}

// parse reads a request head for the fast path; ok is false for anything
// it does not serve.
func (l *Listener) parse(head []byte) (r *http.Request, closeAfter, ok bool) {
	line, rest, found := cutLine(head)
	if !found || len(line) < len("GET / HTTP/1.1") || string(line[:4]) != "GET " || string(line[len(line)-9:]) != " HTTP/1.1" {
		return nil, false, false
	}
	target := line[4 : len(line)-9]
	path, query := target, []byte(nil)
	for i, c := range target {
		if c == '?' {
			path, query = target[:i], target[i+1:]
			break
		}
	}
	known := ""
	for _, p := range l.paths {
		if string(path) == p {
			known = p
			break
		}
	}
	if known == "" {
		return nil, false, false
	}
	for _, c := range query {
		if c <= ' ' || c == 0x7f || c == '#' || c >= 0x80 {
			return nil, false, false
		}
	}
	h := make(http.Header, 8)
	var vals [8]string // one value per header without an allocation each
	nv := 0
	host, hosts := "", 0
	for len(rest) > 2 { // the last line of the head is the empty one
		var hl []byte
		hl, rest, _ = cutLine(rest)
		colon := -1
		for i, c := range hl {
			if c == ':' {
				colon = i
				break
			}
			if !isTokenChar(c) {
				return nil, false, false // includes obs-fold (a leading space)
			}
		}
		if colon <= 0 {
			return nil, false, false
		}
		v := trimOWS(hl[colon+1:])
		for _, c := range v {
			if c < ' ' && c != '\t' || c == 0x7f {
				return nil, false, false // as httpguts.ValidHeaderFieldValue
			}
		}
		key := canonicalKey(hl[:colon])
		switch key {
		case "Host":
			host, hosts = string(v), hosts+1
			continue
		case "Content-Length":
			if string(v) != "0" {
				return nil, false, false
			}
		case "Transfer-Encoding", "Upgrade", "Expect", "Te", "Trailer", "Http2-Settings":
			return nil, false, false
		case "Connection":
			switch string(v) {
			case "close", "Close":
				closeAfter = true
			case "keep-alive", "Keep-Alive":
			default:
				return nil, false, false
			}
		}
		if old := h[key]; len(old) > 0 || nv == len(vals) {
			h[key] = append(old, string(v))
		} else {
			vals[nv] = string(v)
			h[key] = vals[nv : nv+1 : nv+1]
			nv++
		}
	}
	if hosts != 1 || !httpguts.ValidHostHeader(host) || len(h["Content-Length"]) > 1 {
		return nil, false, false
	}
	uri := string(target)
	r = &http.Request{
		Method:     "GET",
		URL:        &url.URL{Path: known, RawQuery: uri[len(uri)-len(query):]},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Body:       http.NoBody,
		Host:       host,
		RequestURI: uri,
		Close:      closeAfter,
	}
	return r, closeAfter, true
}

func cutLine(b []byte) (line, rest []byte, ok bool) {
	for i := 1; i < len(b); i++ {
		if b[i] == '\n' && b[i-1] == '\r' {
			return b[:i-1], b[i+1:], true
		}
	}
	return b, nil, false
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// commonKeys are canonical header names kept as constants, so that the
// usual headers cost no allocation.
var commonKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Host", "Authorization", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language",
		"Connection", "Content-Length", "Content-Type", "X-Request-Id", "X-Forwarded-For", "X-Real-Ip", "Cookie", "Referer", "Origin"} {
		m[k] = k
	}
	return m
}()

func canonicalKey(b []byte) string {
	if k, ok := commonKeys[string(b)]; ok {
		return k
	}
	return http.CanonicalHeaderKey(string(b))
}

// response is the fast path's ResponseWriter: the body is buffered and
// written with the head in one write.
type response struct {
	conn        *conn
	header      http.Header
	status      int
	wroteHeader bool
	closeAfter  bool
	out         []byte // head, then body
	body        []byte
}

func (w *response) reset(closeAfter bool) {
	w.header, w.status, w.wroteHeader, w.closeAfter = make(http.Header, 8), 0, false, closeAfter
	if cap(w.body) > 64<<10 {
		w.body = nil
	}
	w.body = w.body[:0]
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	if code < 100 || code > 999 {
		panic("invalid WriteHeader code " + strconv.Itoa(code))
	}
	if code < 200 { // informational responses are not sent on the fast path
		return
	}
	w.status, w.wroteHeader = code, true
}

func (w *response) Write(b []byte) (int, error) {
	if err := w.bodyOK(); err != nil {
		return 0, err
	}
	w.body = append(w.body, b...)
	return len(b), nil
}

func (w *response) WriteString(s string) (int, error) {
	if err := w.bodyOK(); err != nil {
		return 0, err
	}
	w.body = append(w.body, s...)
	return len(s), nil
}

// bodyOK sends the implicit 200 and tells whether the status has a body.
func (w *response) bodyOK() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(w.status) {
		return http.ErrBodyNotAllowed
	}
	return nil
}

func bodyAllowed(status int) bool {
	return status != http.StatusNoContent && status != http.StatusNotModified && status >= 200
}

// finish writes the response as net/http would: status line, the
// handler's headers (sorted), Date, Content-Length, Content-Type (sniffed
// when the handler set none), Connection: close when the connection ends.
func (w *response) finish() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	h := w.header
	if bodyAllowed(w.status) {
		if _, ok := h["Content-Type"]; !ok && len(w.body) > 0 && h.Get("Transfer-Encoding") == "" {
			h.Set("Content-Type", http.DetectContentType(w.body))
		}
		if _, ok := h["Content-Length"]; !ok {
			h["Content-Length"] = []string{strconv.Itoa(len(w.body))}
		}
	} else {
		delete(h, "Content-Length")
		delete(h, "Transfer-Encoding")
	}
	if _, ok := h["Date"]; !ok {
		h["Date"] = dateHeader()
	}
	if w.closeAfter || w.conn.l.closing.Load() {
		h["Connection"] = connClose
		w.closeAfter = true
	}
	b := append(w.out[:0], "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(w.status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(w.status)...)
	b = append(b, "\r\n"...)
	b = appendHeaders(b, h)
	b = append(b, "\r\n"...)
	b = append(b, w.body...)
	_, err := w.conn.c.Write(b)
	if cap(b) <= 64<<10 {
		w.out = b[:0]
	} else {
		w.out = make([]byte, 0, bufSize)
	}
	return err
}

var (
	connClose      = []string{"close"}
	headerNewlines = strings.NewReplacer("\r", " ", "\n", " ")
)

// appendHeaders writes the headers sorted by name, as net/http does;
// values with a CR or LF are dropped, as net/http replaces them.
func appendHeaders(b []byte, h http.Header) []byte {
	var keysBuf [16]string
	keys := keysBuf[:0]
	for k := range h {
		keys = append(keys, k)
	}
	sortStrings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			b = append(b, k...)
			b = append(b, ": "...)
			if strings.ContainsAny(v, "\r\n") {
				v = headerNewlines.Replace(v)
			}
			b = append(b, v...)
			b = append(b, "\r\n"...)
		}
	}
	return b
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// dateHeader is the Date header's value, formatted once per second.
func dateHeader() []string {
	now := time.Now().Unix()
	if d := cachedDate.Load(); d != nil && d.sec == now {
		return d.v
	}
	d := &dateValue{sec: now, v: []string{time.Unix(now, 0).UTC().Format(http.TimeFormat)}[:1:1]}
	cachedDate.Store(d)
	return d.v
}

type dateValue struct {
	sec int64
	v   []string
}

var cachedDate atomic.Pointer[dateValue]

// prefixConn is a connection handed to net/http: Read returns the bytes
// the fast path had buffered first.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(b []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(b, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(b)
}

// CloseWrite lets net/http half-close the connection as it does a TCP one.
func (c *prefixConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

var _ io.StringWriter = (*response)(nil)
