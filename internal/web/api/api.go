// Package api serves the JSON API under /api/v1. Every route is declared once
// in the table below with the roles allowed to call it; the OpenAPI document
// and the authorization test are checked against the same table.
package api

import (
	"net/http"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/config"
	"xinyong/internal/engine"
	"xinyong/internal/errs"
	"xinyong/internal/pii"
	"xinyong/internal/report"
	"xinyong/internal/score/scorer"
	"xinyong/internal/search"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

// Deps is what the handlers need.
type Deps struct {
	Store  *store.Store
	Config config.Config
	PII    *pii.Protector
	Now    func() time.Time
	// Search is the in-memory name index (nil: search runs in the store).
	Search *search.Index
	// Reports signs credit reports (nil: report issuing is unavailable).
	Reports *report.Signer
	// Engine is the in-memory check index (nil: the check is unavailable).
	Engine *engine.Engine
	// Scores keeps credit scores current (nil: scoring routes answer from the store only).
	Scores *scorer.Scorer
}

type handlers struct{ Deps }

// Route is one entry of the route table.
type Route struct {
	Method  string
	Path    string      // net/http pattern path, e.g. /api/v1/subjects/{code}
	Roles   []auth.Role // nil: anyone, including the public
	Summary string
	handle  func(http.ResponseWriter, *http.Request) error
}

var (
	anyone     []auth.Role
	signedIn   = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer, auth.RoleSystem, auth.RoleSubject}
	operator   = []auth.Role{auth.RoleOperator}
	deptWriter = []auth.Role{auth.RoleOperator, auth.RoleClerk}
	deptStaff  = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer, auth.RoleSystem}
	feedReader = []auth.Role{auth.RoleOperator, auth.RoleSystem}
)

// Routes returns the route table.
func Routes(d Deps) []Route {
	h := &handlers{d}
	var rs []Route
	rs = append(rs, h.coreRoutes()...)
	rs = append(rs, h.recordRoutes()...) // record_handlers.go (collection, publicity)
	rs = append(rs, h.listRoutes()...)   // list_handlers.go (list types, entries, measures, boards)
	rs = append(rs, h.checkRoutes()...)  // check_handlers.go (the check, feedback)
	rs = append(rs, h.pushRoutes()...)   // push_handlers.go (subscriptions, deliveries)
	rs = append(rs, h.remedyRoutes()...) // remedy_handlers.go (objections, repairs, commitments, reports)
	rs = append(rs, h.webRoutes()...)    // report_handlers.go (credit report PDF, QR, verification)
	rs = append(rs, h.scoreRoutes()...)  // score_handlers.go (evaluation, supervision, tracking)
	return rs
}

func (h *handlers) coreRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/openapi.json", anyone, "OpenAPI 3 描述文档", h.openapi},
		{"GET", "/api/v1/me", signedIn, "当前调用者", h.me},
		{"GET", "/api/v1/subjects", anyone, "搜索信用主体", h.searchSubjects},
		{"POST", "/api/v1/subjects", deptWriter, "登记信用主体", h.createSubject},
		{"GET", "/api/v1/subjects/{code}", anyone, "查看信用主体", h.getSubject},
		{"PATCH", "/api/v1/subjects/{code}", deptWriter, "修改信用主体", h.updateSubject},
		{"GET", "/api/v1/subjects/{code}/identity", signedIn, "查看自然人完整证件号码（需授权，记入审计）", h.subjectIdentity},
		{"POST", "/api/v1/subjects/{code}/relations", deptWriter, "登记关联人（法定代表人等）", h.addRelation},
		{"GET", "/api/v1/departments", anyone, "部门列表", h.listDepartments},
		{"POST", "/api/v1/departments", operator, "新增或修改部门", h.upsertDepartment},
		{"GET", "/api/v1/users", operator, "用户列表", h.listUsers},
		{"POST", "/api/v1/users", operator, "新增用户", h.createUser},
		{"GET", "/api/v1/tokens", operator, "API 令牌列表", h.listTokens},
		{"POST", "/api/v1/tokens", operator, "签发 API 令牌（仅显示一次）", h.createToken},
		{"DELETE", "/api/v1/tokens/{id}", operator, "吊销 API 令牌", h.revokeToken},
		{"GET", "/api/v1/audit", operator, "审计日志", h.listAudit},
		{"GET", "/api/v1/audit/verify", operator, "校验审计哈希链", h.verifyAudit},
		{"GET", "/api/v1/changes", feedReader, "变更订阅流（按提交顺序）", h.changes},
	}
}

// New returns the API handler with every route registered and guarded.
func New(d Deps) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range Routes(d) {
		mux.Handle(rt.Method+" "+rt.Path, guard(rt))
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, r, errs.NotFound("route.not_found", "接口不存在："+r.Method+" "+r.URL.Path))
	})
	return mux
}

func guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := httpx.PrincipalOf(r.Context())
		if rt.Roles != nil && !p.Is(rt.Roles...) {
			if p.Role == auth.RolePublic {
				httpx.Error(w, r, errs.Unauthenticated("auth.required", "请提供有效的 API 令牌或先登录"))
			} else {
				httpx.Error(w, r, errs.Forbidden("auth.forbidden", "当前角色（"+p.Role.Label()+"）无权执行此操作"))
			}
			return
		}
		if err := rt.handle(w, r); err != nil {
			httpx.Error(w, r, err)
		}
	})
}

// Page is the envelope of list responses.
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  *int64 `json:"next"`
}

func page[T any](items []T, limit int, cursor func(T) int64) Page[T] {
	p := Page[T]{Items: items}
	if p.Items == nil {
		p.Items = []T{}
	}
	if len(items) == limit && limit > 0 {
		c := cursor(items[len(items)-1])
		p.Next = &c
	}
	return p
}

func (h *handlers) me(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalOf(r.Context())
	httpx.JSON(w, 200, map[string]any{"role": p.Role, "role_label": p.Role.Label(), "name": p.Name, "dept": p.Dept, "actor": p.Actor(), "can_unmask": p.CanUnmask})
	return nil
}
