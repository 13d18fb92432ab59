package ui

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/web/httpx"
)

const (
	sessionCookie = "xinyong_session"
	preCSRFCookie = "xinyong_csrf"
)

func (s *server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if httpx.PrincipalOf(r.Context()).Role != auth.RolePublic {
		http.Redirect(w, r, "/console", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, 200, "login", view{Title: "登录", Console: true, CSRF: s.preCSRF(w, r), Form: map[string]string{"next": safeNext(r.URL.Query().Get("next"))}})
	return nil
}

// preCSRF sets a double-submit token for forms shown before sign-in.
func (s *server) preCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCSRFCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	tok := auth.RandomString(18)
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	return tok
}

func checkPreCSRF(r *http.Request) error {
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		return errs.Forbidden("auth.csrf", "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试")
	}
	return nil
}

// checkCSRF verifies a signed-in form's token.
func checkCSRF(r *http.Request) error {
	p := httpx.PrincipalOf(r.Context())
	if p.CSRF == "" || subtle.ConstantTimeCompare([]byte(p.CSRF), []byte(r.PostFormValue("csrf"))) != 1 {
		return errs.Forbidden("auth.csrf", "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试")
	}
	return nil
}

func (s *server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := checkPreCSRF(r); err != nil {
		return err
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	next := safeNext(r.PostFormValue("next"))
	key := clientIP(r) + "|" + username
	v := view{Title: "登录", Console: true, CSRF: s.preCSRF(w, r), Form: map[string]string{"username": username, "next": next}}
	if wait := s.throttle.blocked(key, time.Now()); wait > 0 {
		v.Error = "登录失败次数过多，请 " + wait.Round(time.Minute).String() + " 后再试"
		s.render(w, r, http.StatusTooManyRequests, "login", v)
		return nil
	}
	u, err := s.API.Store.Authenticate(r.Context(), username, r.PostFormValue("password"))
	if err != nil {
		if !errs.Is(err, errs.KindUnauthenticated) {
			return err
		}
		s.throttle.fail(key, time.Now())
		v.Error = "用户名或密码错误"
		s.render(w, r, http.StatusUnauthorized, "login", v)
		return nil
	}
	s.throttle.reset(key)
	id, _, err := s.API.Store.CreateSession(r.Context(), u, s.API.Config.SessionTTL)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: int(s.API.Config.SessionTTL.Seconds())})
	if next == "" {
		next = "/console"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := checkCSRF(r); err != nil {
		return err
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.API.Store.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (s *server) console(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r); err != nil {
		return err
	}
	s.render(w, r, 200, "console", view{Title: "工作台", Console: true})
	return nil
}

// safeNext keeps only local paths, so a login link cannot redirect away.
func safeNext(n string) string {
	if strings.HasPrefix(n, "/") && !strings.HasPrefix(n, "//") && !strings.HasPrefix(n, "/\\") {
		return n
	}
	return ""
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// throttle blocks a key after max failures within window.
type throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

func newThrottle(max int, window time.Duration) *throttle {
	return &throttle{max: max, window: window, fails: map[string][]time.Time{}}
}

func (t *throttle) prune(key string, now time.Time) []time.Time {
	var keep []time.Time
	for _, f := range t.fails[key] {
		if now.Sub(f) < t.window {
			keep = append(keep, f)
		}
	}
	if len(keep) == 0 {
		delete(t.fails, key)
	} else {
		t.fails[key] = keep
	}
	return keep
}

func (t *throttle) blocked(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.prune(key, now)
	if len(fs) < t.max {
		return 0
	}
	return t.window - now.Sub(fs[0])
}

func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(key, now)
	t.fails[key] = append(t.fails[key], now)
}

func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}
