package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/measure"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web/httpx"
)

func (h *handlers) listRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/list-types", anyone, "红黑名单类型", h.listTypes},
		{"PUT", "/api/v1/list-types/{code}", operator, "新增或修改名单类型", h.saveListType},
		{"GET", "/api/v1/public/measures", anyone, "联合奖惩措施清单（公开）", h.publicMeasures},
		{"PUT", "/api/v1/measures/{code}", operator, "新增或修改联合奖惩措施", h.saveMeasure},
		{"POST", "/api/v1/list-entries", deptWriter, "认定部门提出拟列入名单", h.proposeEntry},
		{"GET", "/api/v1/list-entries", deptStaff, "名单条目列表", h.listEntries},
		{"GET", "/api/v1/list-entries/{id}", deptStaff, "名单条目详情及历史", h.getEntry},
		{"POST", "/api/v1/list-entries/{id}/notify", deptWriter, "告知（理由、依据、措施、权利、异议期限）", h.transition(list.ActNotify)},
		{"POST", "/api/v1/list-entries/{id}/activate", deptWriter, "列入名单（生效）", h.transition(list.ActActivate)},
		{"POST", "/api/v1/list-entries/{id}/exit", deptWriter, "移出名单", h.transition(list.ActExit)},
		{"POST", "/api/v1/list-entries/{id}/pause", operator, "暂停执行（异议核实期间）", h.pauseEntry(true)},
		{"POST", "/api/v1/list-entries/{id}/resume", operator, "恢复执行", h.pauseEntry(false)},
		{"POST", "/api/v1/boards", operator, "发布红黑榜", h.publishBoard},
		{"GET", "/api/v1/public/boards", anyone, "红黑榜列表（公开）", h.listBoards},
		{"GET", "/api/v1/public/boards/{id}", anyone, "红黑榜详情（公开）", h.getBoard},
	}
}

func (h *handlers) listTypes(w http.ResponseWriter, r *http.Request) error {
	types, _, version, err := h.Store.Rules(r.Context())
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"version": version, "items": types, "domains": list.Domains()})
	return nil
}

func (h *handlers) saveListType(w http.ResponseWriter, r *http.Request) error {
	var t list.Type
	if err := httpx.Decode(r, &t); err != nil {
		return err
	}
	if code := r.PathValue("code"); t.Code == "" {
		t.Code = code
	} else if t.Code != code {
		return errs.Field("code", "请求体中的编码与路径不一致")
	}
	if t.DomainName == "" {
		t.DomainName, _ = list.DomainName(t.Domain)
	}
	if err := h.Store.SaveListType(r.Context(), t, httpx.PrincipalOf(r.Context()).Actor()); err != nil {
		return err
	}
	httpx.JSON(w, 200, t)
	return nil
}

// MeasureView is a measure with its Chinese labels, as published.
type MeasureView struct {
	measure.Measure
	KindLabel     string `json:"kind_label"`
	CategoryLabel string `json:"category_label"`
	ModeLabel     string `json:"mode_label"`
}

func (h *handlers) publicMeasures(w http.ResponseWriter, r *http.Request) error {
	_, ms, version, err := h.Store.Rules(r.Context())
	if err != nil {
		return err
	}
	sc := ""
	if v := r.URL.Query().Get("scenario"); v != "" {
		s, ok := measure.ScenarioByName(v)
		if !ok {
			return errs.Field("scenario", "未知的应用场景："+v)
		}
		sc = s.Code
	}
	items := []MeasureView{}
	for _, m := range ms {
		if sc == "" || m.AppliesIn(sc) {
			items = append(items, MeasureView{m, m.Kind.Label(), m.Category.Label(), m.Mode.Label()})
		}
	}
	httpx.JSON(w, 200, map[string]any{"version": version, "items": items, "scenarios": measure.Scenarios()})
	return nil
}

func (h *handlers) saveMeasure(w http.ResponseWriter, r *http.Request) error {
	var m measure.Measure
	if err := httpx.Decode(r, &m); err != nil {
		return err
	}
	if code := r.PathValue("code"); m.Code == "" {
		m.Code = code
	} else if m.Code != code {
		return errs.Field("code", "请求体中的编码与路径不一致")
	}
	if err := h.Store.SaveMeasure(r.Context(), m, httpx.PrincipalOf(r.Context()).Actor()); err != nil {
		return err
	}
	httpx.JSON(w, 200, m)
	return nil
}

// actorFor says in which capacity p acts on entries of type t.
func actorFor(p auth.Principal, t list.Type) list.Actor {
	switch {
	case p.Role == auth.RoleOperator:
		return list.ActorOperator
	case p.Role == auth.RoleClerk && p.Dept == t.IdentifyingDept:
		return list.ActorIdentifier
	}
	return list.ActorOther
}

func (h *handlers) redYears() int {
	if h.Engine != nil {
		return h.Engine.RedCheckYears()
	}
	return list.DefaultRedCheckYears
}

func (h *handlers) proposeEntry(w http.ResponseWriter, r *http.Request) error {
	var p list.Proposal
	if err := httpx.Decode(r, &p); err != nil {
		return err
	}
	e, err := h.propose(r, p) // console_bridge.go
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/list-entries/"+strconv.FormatInt(e.ID, 10))
	httpx.JSON(w, http.StatusCreated, e)
	return nil
}

func (h *handlers) isMinor(r *http.Request, sub subject.Subject, day string) (bool, error) {
	sealed, err := h.Store.SubjectSealedID(r.Context(), sub.ID)
	if err != nil || sealed == "" || h.PII == nil {
		return false, err
	}
	clear, err := h.PII.Open(sealed)
	if err != nil {
		return false, errs.Internal(err)
	}
	v := subject.ValidateDocument(sub.IDKind, clear, h.Now())
	return list.MinorAt(v.BirthDate, day), nil
}

func entryID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field("id", "名单条目编号无效")
	}
	return id, nil
}

// ownEntry loads an entry and its type and checks the caller may see it:
// the operator every entry, department staff their department's.
func (h *handlers) ownEntry(r *http.Request) (list.Entry, list.Type, error) {
	id, err := entryID(r)
	if err != nil {
		return list.Entry{}, list.Type{}, err
	}
	e, err := h.Store.Entry(r.Context(), id)
	if err != nil {
		return e, list.Type{}, err
	}
	t, err := h.Store.ListType(r.Context(), e.ListType)
	if err != nil {
		return e, t, err
	}
	if p := httpx.PrincipalOf(r.Context()); !p.OwnsDept(e.Dept) {
		return e, t, errs.Forbidden("list_entry.forbidden", "无权查看或办理其他部门认定的名单条目")
	}
	return e, t, nil
}

func (h *handlers) listEntries(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := httpx.Limit(r, 50, 500)
	if err != nil {
		return err
	}
	after, err := httpx.Cursor(r, "cursor")
	if err != nil {
		return err
	}
	f := store.EntryFilter{ListType: q.Get("list_type"), Today: list.Day(h.Now())}
	if v := q.Get("state"); v != "" {
		switch st := list.State(v); st {
		case list.Proposed, list.Notified, list.Active, list.Exited:
			f.State = st
		default:
			return errs.Field("state", "状态只能是 proposed、notified、active 或 exited")
		}
	}
	if v := q.Get("subject"); v != "" {
		sub, err := h.Store.SubjectByCode(r.Context(), v)
		if errs.Is(err, errs.KindNotFound) {
			return errs.Field("subject", "未找到该主体："+v)
		} else if err != nil {
			return err
		}
		f.SubjectID = sub.ID
	}
	if p := httpx.PrincipalOf(r.Context()); p.Role != auth.RoleOperator {
		f.Dept = p.Dept
	}
	es, err := h.Store.Entries(r.Context(), f, after, limit)
	if err != nil {
		return err
	}
	types, _, _, err := h.Store.Rules(r.Context())
	if err != nil {
		return err
	}
	byCode := map[string]list.Type{}
	for _, t := range types {
		byCode[t.Code] = t
	}
	now := h.Now()
	for i := range es {
		es[i] = es[i].Effective(now, byCode[es[i].ListType])
		es[i].ListName = byCode[es[i].ListType].Name
	}
	httpx.JSON(w, 200, page(es, limit, func(e list.Entry) int64 { return e.ID }))
	return nil
}

func (h *handlers) getEntry(w http.ResponseWriter, r *http.Request) error {
	e, t, err := h.ownEntry(r)
	if err != nil {
		return err
	}
	hist, err := h.Store.EntryHistory(r.Context(), e.ID)
	if err != nil {
		return err
	}
	e = e.Effective(h.Now(), t)
	e.ListName = t.Name
	httpx.JSON(w, 200, map[string]any{"entry": e, "history": hist})
	return nil
}

// TransitionBody is what notify, activate and exit accept (all optional
// except the reason of an exit).
type TransitionBody struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// decodeOptional decodes a JSON body when one is sent.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	err := httpx.Decode(r, v)
	if e := errs.As(err); err != nil && e.Key == "request.empty" {
		return nil
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

func (h *handlers) transition(a list.Action) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in TransitionBody
		if err := decodeOptional(r, &in); err != nil {
			return err
		}
		out, err := h.transit(r, a, in) // console_bridge.go
		if err != nil {
			return err
		}
		httpx.JSON(w, 200, out)
		return nil
	}
}

// measureTexts lists the measures a type triggers, for the notice.
func (h *handlers) measureTexts(t list.Type) []string {
	if h.Engine == nil {
		return nil
	}
	var out []string
	for _, m := range h.Engine.Rules().Measures {
		if m.TriggeredBy(t.Code) {
			out = append(out, m.Code)
		}
	}
	return out
}

func (h *handlers) pauseEntry(pause bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in TransitionBody
		if err := httpx.Decode(r, &in); err != nil {
			return err
		}
		id, err := entryID(r)
		if err != nil {
			return err
		}
		reason := strings.TrimSpace(in.Reason)
		if reason == "" || len([]rune(reason)) > 500 {
			return errs.Field("reason", "须说明暂停或恢复执行的原因（不超过500字）")
		}
		actor := httpx.PrincipalOf(r.Context()).Actor()
		if pause {
			err = h.Store.PauseEntry(r.Context(), id, reason, actor)
		} else {
			err = h.Store.ResumeEntry(r.Context(), id, reason, actor)
		}
		if err != nil {
			return err
		}
		e, err := h.Store.Entry(r.Context(), id)
		if err != nil {
			return err
		}
		httpx.JSON(w, 200, e)
		return nil
	}
}
