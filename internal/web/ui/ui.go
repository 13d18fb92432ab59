// Package ui serves the public portal (/) and the console (/console) as
// server-rendered pages in Simplified Chinese. One file per page or action.
package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/record"
	"xinyong/internal/web/api"
	"xinyong/internal/web/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps is what the pages need.
type Deps struct {
	API api.Deps
}

type server struct {
	Deps
	pages    map[string]*template.Template
	assetVer string
	throttle *throttle
}

// New returns the portal and console handler; templates are parsed at
// start-up and a broken one fails fast.
func New(d Deps) http.Handler {
	s := &server{Deps: d, throttle: newThrottle(5, 15*time.Minute)}
	s.parse()
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	s.routes(mux)
	return mux
}

func (s *server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.wrap(s.home))
	mux.HandleFunc("GET /search", s.wrap(s.search))
	mux.HandleFunc("GET /subjects/{code}", s.wrap(s.subjectPage))
	mux.HandleFunc("GET /console/login", s.wrap(s.loginForm))
	mux.HandleFunc("POST /console/login", s.wrap(s.loginSubmit))
	mux.HandleFunc("POST /console/logout", s.wrap(s.logout))
	mux.HandleFunc("GET /console", s.wrap(s.console))
	mux.HandleFunc("GET /verify", s.wrap(s.verifyForm))
	mux.HandleFunc("POST /verify", s.wrap(s.verifyUpload))
	mux.HandleFunc("GET /rights", s.wrap(s.rights))
	s.applyRoutes(mux)                                            // apply_portal.go: objection, repair and report forms, progress by query code
	mux.HandleFunc("GET /publicity", s.wrap(s.publicity))         // publicity.go: 双公示
	mux.HandleFunc("GET /lists", s.wrap(s.lists))                 // lists.go: 红黑榜
	mux.HandleFunc("GET /lists/boards/{id}", s.wrap(s.listBoard)) // lists.go
	mux.HandleFunc("GET /measures", s.wrap(s.measures))           // measures.go: 措施清单
	mux.HandleFunc("GET /console/departments", s.wrap(s.departmentList))
	mux.HandleFunc("POST /console/departments", s.wrap(s.departmentCreate))
	mux.HandleFunc("GET /console/departments/{code}/edit", s.wrap(s.departmentEdit))
	mux.HandleFunc("POST /console/departments/{code}", s.wrap(s.departmentUpdate))
	mux.HandleFunc("GET /console/users", s.wrap(s.userList))
	mux.HandleFunc("POST /console/users", s.wrap(s.userCreate))
	mux.HandleFunc("GET /console/tokens", s.wrap(s.tokenList))
	mux.HandleFunc("POST /console/tokens", s.wrap(s.tokenCreate))
	mux.HandleFunc("POST /console/tokens/{id}/revoke", s.wrap(s.tokenRevoke))
	mux.HandleFunc("GET /console/audit", s.wrap(s.auditLog))
	s.consoleRemedyRoutes(mux) // console_remedy.go: objection, repair and report handling
	s.consoleWorkRoutes(mux)   // console_routes.go: records, review, list entries, check tool, operator rule pages
	mux.HandleFunc("POST /console/audit/verify", s.wrap(s.auditVerify))
	mux.HandleFunc("GET /credit-index", s.wrap(s.creditIndex))                       // portal_index.go
	mux.HandleFunc("GET /console/tracking", s.wrap(s.trackingDashboard))             // console_tracking.go
	mux.HandleFunc("POST /console/tracking/reports", s.wrap(s.trackingGenerate))     // console_tracking.go
	mux.HandleFunc("GET /console/tracking/reports/{id}", s.wrap(s.trackingDownload)) // console_tracking.go
	mux.HandleFunc("GET /console/recommendations.xlsx", s.wrap(s.recommendDownload)) // console_tracking.go
	mux.HandleFunc("/", s.wrap(notFound))
}

var funcs = template.FuncMap{
	// maskname keeps a person's surname only: the portal never shows a
	// natural person's full name.
	"maskname": record.MaskName,
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(shanghai).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(shanghai).Format("2006-01-02 15:04")
	},
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

func (s *server) parse() {
	css, _ := staticFS.ReadFile("static/app.css")
	sum := sha256.Sum256(css)
	s.assetVer = hex.EncodeToString(sum[:4])
	s.pages = map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		s.pages[base] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
	}
}

// view is the data every page gets.
type view struct {
	Title     string
	Console   bool
	User      auth.Principal
	SignedIn  bool
	CSRF      string
	AssetVer  string
	Flash     string
	Error     string
	Fields    map[string]string
	Form      map[string]string
	Data      any
	RequestID string
}

func (s *server) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	p := httpx.PrincipalOf(r.Context())
	v.User, v.SignedIn, v.AssetVer, v.RequestID = p, p.Role != auth.RolePublic, s.assetVer, httpx.RequestID(r.Context())
	if v.CSRF == "" {
		v.CSRF = p.CSRF
	}
	t, ok := s.pages[page]
	if !ok {
		panic("no template " + page)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		slog.Error("render", "page", page, "err", err, "request_id", v.RequestID)
		http.Error(w, "页面渲染失败", 500)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// wrap turns a handler returning error into one rendering a Chinese error page.
func (s *server) wrap(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		e := errs.As(err)
		status := e.Kind.Status()
		if status >= 500 {
			slog.Error("page failed", "path", httpx.SafePath(r.URL.Path), "err", err, "request_id", httpx.RequestID(r.Context()))
		}
		if e.Kind == errs.KindUnauthenticated && r.Method == http.MethodGet {
			http.Redirect(w, r, "/console/login?next="+r.URL.RequestURI(), http.StatusSeeOther)
			return
		}
		title := map[int]string{400: "请求有误", 403: "无权访问", 404: "页面不存在", 409: "操作冲突", 413: "文件过大", 429: "操作过于频繁"}[status]
		if title == "" {
			title = "系统错误"
		}
		s.render(w, r, status, "error", view{Title: title, Error: e.Message, Console: strings.HasPrefix(r.URL.Path, "/console")})
	}
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		h.ServeHTTP(w, r)
	})
}

// requireRole returns the principal or an error for pages behind sign-in.
func requireRole(r *http.Request, roles ...auth.Role) (auth.Principal, error) {
	p := httpx.PrincipalOf(r.Context())
	if p.Role == auth.RolePublic {
		return p, errs.Unauthenticated("auth.required", "请先登录")
	}
	if len(roles) > 0 && !p.Is(roles...) {
		return p, errs.Forbidden("auth.forbidden", "当前账号（"+p.Role.Label()+"）无权访问此页面")
	}
	return p, nil
}
