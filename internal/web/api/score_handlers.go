package api

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/score"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

var (
	inspectors = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer, auth.RoleSystem}
	// bankReaders may read the 信易贷 recommendation list: the operator and
	// system tokens of department "pboc" (authorised banks are issued such
	// tokens by the operator; checked in the handler).
	bankReaders = []auth.Role{auth.RoleOperator, auth.RoleSystem}
)

// BankDept is the department whose system tokens stand for authorised
// financial institutions (信易贷).
const BankDept = "pboc"

func (h *handlers) scoreRoutes() []Route {
	rs := []Route{
		{"GET", "/api/v1/score/model", anyone, "当前信用评价模型（指标、权重、上限、等级区间、监管类别）", h.getScoreModel},
		{"PUT", "/api/v1/score/model", operator, "发布新版信用评价模型（校验不通过则拒绝，原模型不变）", h.putScoreModel},
		{"GET", "/api/v1/score/models", operator, "评价模型版本列表", h.listScoreModels},
		{"GET", "/api/v1/score/grades", operator, "各信用等级、监管类别主体数", h.gradeCounts},
		{"POST", "/api/v1/score/recompute", operator, "启动全量重算（后台运行）", h.startRecompute},
		{"GET", "/api/v1/score/recompute", operator, "最近一次全量重算的进度", h.recomputeProgress},
		{"GET", "/api/v1/subjects/{code}/score", signedIn, "主体信用评价：得分、等级、监管类别及各项贡献", h.subjectScore},
		{"GET", "/api/v1/supervision", inspectors, "分级分类监管：按监管类别列出主体", h.supervision},
	}
	rs = append(rs, h.trackingRoutes()...)  // score_tracking_handlers.go
	rs = append(rs, h.recommendRoutes()...) // score_recommend_handlers.go
	return rs
}

func (h *handlers) getScoreModel(w http.ResponseWriter, r *http.Request) error {
	m, err := h.activeModel(r)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, m)
	return nil
}

func (h *handlers) activeModel(r *http.Request) (*score.Model, error) {
	if h.Scores != nil {
		return h.Scores.Model(), nil
	}
	return h.Store.ActiveScoreModel(r.Context())
}

func (h *handlers) putScoreModel(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return errs.Invalid("request.body", "请求体读取失败或过大")
	}
	m, err := score.Parse(body)
	if err != nil {
		return err
	}
	saved, err := h.Store.SaveScoreModel(r.Context(), m, httpx.PrincipalOf(r.Context()).Actor(), false)
	if err != nil {
		return err
	}
	httpx.JSON(w, 201, saved)
	return nil
}

func (h *handlers) listScoreModels(w http.ResponseWriter, r *http.Request) error {
	ms, err := h.Store.ScoreModels(r.Context())
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"items": ms})
	return nil
}

func (h *handlers) gradeCounts(w http.ResponseWriter, r *http.Request) error {
	gs, err := h.Store.GradeCounts(r.Context())
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"items": gs})
	return nil
}

func (h *handlers) scorerReady() error {
	if h.Scores == nil {
		return errs.Internal(fmt.Errorf("scorer not configured"))
	}
	return nil
}

func (h *handlers) startRecompute(w http.ResponseWriter, r *http.Request) error {
	if err := h.scorerReady(); err != nil {
		return err
	}
	job, err := h.Scores.StartFullAsync(r.Context(), httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/score/recompute")
	httpx.JSON(w, 202, job)
	return nil
}

func (h *handlers) recomputeProgress(w http.ResponseWriter, r *http.Request) error {
	j, err := h.Store.Recompute(r.Context(), 0)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, j)
	return nil
}

func (h *handlers) subjectScore(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalOf(r.Context())
	sub, err := h.Store.SubjectByCode(r.Context(), strings.ToUpper(strings.TrimSpace(r.PathValue("code"))))
	if err != nil {
		return err
	}
	if p.Role == auth.RoleSubject && p.SubjectID != sub.ID {
		return errs.Forbidden("score.forbidden", "只能查看本人的信用评价")
	}
	if v := r.URL.Query().Get("as_of"); v != "" {
		if err := h.scorerReady(); err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return errs.Field("as_of", "时间格式应为 RFC 3339，如 2025-06-01T12:00:00+08:00")
		}
		s, _, err := h.Scores.ComputeAsOf(r.Context(), sub.ID, t)
		if err != nil {
			return err
		}
		httpx.JSON(w, 200, map[string]any{"subject": sub.Code, "name": sub.Name, "score": s})
		return nil
	}
	st, err := h.Store.StoredScoreOf(r.Context(), sub.ID)
	if err != nil {
		return err
	}
	m, err := h.activeModel(r)
	if err != nil {
		return err
	}
	var class *score.Class
	if c := m.ClassOf(st.Grade); c != nil {
		class = c
	}
	httpx.JSON(w, 200, map[string]any{"subject": sub.Code, "name": sub.Name, "score": st, "supervision": class})
	return nil
}

// trackDept returns the department a caller may look at: the operator any
// (or all, ""), others only their own.
func trackDept(p auth.Principal, asked string) (string, error) {
	asked = strings.TrimSpace(asked)
	if p.Role == auth.RoleOperator {
		return asked, nil
	}
	if asked != "" && asked != p.Dept {
		return "", errs.Forbidden("dept.forbidden", "只能查看本部门的数据")
	}
	return p.Dept, nil
}

func (h *handlers) supervision(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	dept, err := trackDept(httpx.PrincipalOf(r.Context()), q.Get("dept"))
	if err != nil {
		return err
	}
	class := strings.ToUpper(strings.TrimSpace(q.Get("class")))
	if class != "" && class != "A" && class != "B" && class != "C" {
		return errs.Field("class", "监管类别应为 A、B 或 C")
	}
	grade := strings.ToUpper(strings.TrimSpace(q.Get("grade")))
	if grade != "" && score.GradeRank(grade) < 0 {
		return errs.Field("grade", "信用等级应为 AAA、AA、A、BBB、BB、B、CCC、CC、C 之一")
	}
	limit, err := httpx.Limit(r, 50, 500)
	if err != nil {
		return err
	}
	after, err := httpx.Cursor(r, "cursor")
	if err != nil {
		return err
	}
	items, err := h.Store.Supervision(r.Context(), store.SupervisionFilter{Dept: dept, Class: class, Grade: grade, After: after, Limit: limit})
	if err != nil {
		return err
	}
	m, err := h.activeModel(r)
	if err != nil {
		return err
	}
	pg := Page[supervised]{Items: make([]supervised, len(items))}
	for i, it := range items {
		pg.Items[i] = supervised{Subject: it.Subject, Name: it.Name, Total: it.Total, Grade: it.Grade, Class: it.Class}
		if c := m.ClassOf(it.Grade); c != nil {
			pg.Items[i].Mode, pg.Items[i].PerYear = c.Mode, c.PerYear
		}
	}
	if len(items) == limit {
		n := items[len(items)-1].SubjectID
		pg.Next = &n
	}
	httpx.JSON(w, 200, map[string]any{"dept": dept, "class": class, "classes": m.Classes, "items": pg.Items, "next": pg.Next})
	return nil
}

type supervised struct {
	Subject string  `json:"subject"`
	Name    string  `json:"name"`
	Total   float64 `json:"total"`
	Grade   string  `json:"grade"`
	Class   string  `json:"class"`
	Mode    string  `json:"mode"`
	PerYear float64 `json:"inspections_per_year"`
}

// atoiDefault parses a small positive integer query value.
func atoiDefault(v string, def, lo, hi int, field, msg string) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errs.Field(field, msg)
	}
	return n, nil
}
