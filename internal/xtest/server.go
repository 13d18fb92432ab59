package xtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/config"
	"xinyong/internal/pii"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web"
	"xinyong/internal/web/api"
)

// Server is a running API over a test store, with a credential per role.
type Server struct {
	*httptest.Server
	Store *store.Store
	Deps  api.Deps
	// Tokens holds a bearer token for operator, clerk, reviewer and system
	// (department "samr"), and OtherClerk one for department "court".
	Tokens     map[auth.Role]string
	OtherClerk string
	// SubjectCookie and SubjectCSRF sign in as the subject SubjectCode.
	SubjectCookie, SubjectCSRF, SubjectCode string
}

// Options for NewServer.
type ServerOptions struct {
	// Handler wraps the API deps into a handler; nil uses web.New without UI.
	Handler func(d api.Deps) http.Handler
}

// NewServer starts the real router over s with departments samr and court,
// a token per role and a signed-in subject account.
func NewServer(t testing.TB, s *store.Store, o ...ServerOptions) *Server {
	t.Helper()
	ctx := context.Background()
	p, err := pii.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	deps := api.Deps{Store: s, Config: cfg, PII: p, Now: time.Now}
	for _, d := range []store.Department{{Code: "samr", Name: "市市场监督管理局"}, {Code: "court", Name: "市中级人民法院"}, {Code: "xyb", Name: "信用办"}} {
		if err := s.UpsertDepartment(ctx, d, "test"); err != nil {
			t.Fatal(err)
		}
	}
	srv := &Server{Store: s, Deps: deps, Tokens: map[auth.Role]string{}}
	for _, r := range []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer, auth.RoleSystem} {
		dept := "samr"
		if r == auth.RoleOperator {
			dept = ""
		}
		_, secret, err := s.CreateToken(ctx, store.Token{Name: "test " + string(r), Role: r, Dept: dept}, "", "test")
		if err != nil {
			t.Fatal(err)
		}
		srv.Tokens[r] = secret
	}
	_, srv.OtherClerk, err = s.CreateToken(ctx, store.Token{Name: "court clerk", Role: auth.RoleClerk, Dept: "court"}, "", "test")
	if err != nil {
		t.Fatal(err)
	}
	// A subject account (a person) with a browser session.
	person, err := subject.Prepare(subject.Input{Type: "natural", IDNumber: "11010519491231002X", Name: "测试本人"}, p, func(v string) string { return subject.MaskID(v, 4, 4) }, time.Now(), false)
	if err != nil {
		t.Fatal(err)
	}
	person, err = s.CreateSubject(ctx, person, "test")
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword("subject-password-1")
	u, err := s.CreateUser(ctx, store.User{Username: "self", DisplayName: "测试本人", Role: auth.RoleSubject, SubjectID: person.ID}, hash, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv.SubjectCookie, srv.SubjectCSRF, err = s.CreateSession(ctx, u, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv.SubjectCode = person.Code
	var h http.Handler
	if len(o) > 0 && o[0].Handler != nil {
		h = o[0].Handler(deps)
	} else {
		h = web.New(web.Options{API: deps})
	}
	// Served as serve does: the check's fast path in front of net/http.
	srv.Server = httptest.NewUnstartedServer(h)
	srv.Server.Listener = web.Listen(srv.Server.Listener, srv.Server.Config)
	srv.Server.Start()
	t.Cleanup(srv.Close)
	return srv
}

// Response is a decoded test response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Problem returns the problem code and field names of an error body.
func (r Response) Problem(t testing.TB) (code string, fields []string) {
	t.Helper()
	var p struct {
		Code   string `json:"code"`
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	r.JSON(t, &p)
	for _, e := range p.Errors {
		fields = append(fields, e.Field)
	}
	return p.Code, fields
}

// Do sends a request as role (auth.RolePublic for none; auth.RoleSubject
// uses the session cookie and CSRF header). body may be a string or a value
// to encode as JSON.
func (s *Server) Do(t testing.TB, role auth.Role, method, path string, body any) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = strings.NewReader(string(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(j))
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch role {
	case auth.RolePublic:
	case auth.RoleSubject:
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: s.SubjectCookie})
		req.Header.Set("X-CSRF-Token", s.SubjectCSRF)
	default:
		req.Header.Set("Authorization", "Bearer "+s.Tokens[role])
	}
	return s.Send(t, req)
}

// Send performs a prepared request.
func (s *Server) Send(t testing.TB, req *http.Request) Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
