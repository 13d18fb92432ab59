package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/calendar"
	"xinyong/internal/errs"
	"xinyong/internal/notify"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

// remedyAPI serves objections, repairs, reports from the public and
// commitments (C10–C13).
type remedyAPI struct {
	*handlers
	dl     remedy.Deadlines
	policy remedy.Policy
	mail   *notify.Mailer
}

var (
	caseStaff   = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer}
	caseViewers = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer, auth.RoleSubject}
	commitMaker = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleSubject}
)

// RemedyDeadlines returns the configured working-day deadlines (env
// XINYONG_REMEDY_DEADLINES, e.g. "objection_intake=2,objection_verify=5").
func RemedyDeadlines() remedy.Deadlines {
	dl, err := remedy.ParseDeadlines(os.Getenv("XINYONG_REMEDY_DEADLINES"))
	if err != nil {
		slog.Warn("XINYONG_REMEDY_DEADLINES ignored", "err", err)
		return remedy.DefaultDeadlines()
	}
	return dl
}

func (h *handlers) remedyRoutes() []Route {
	m := &remedyAPI{handlers: h, dl: RemedyDeadlines(), policy: remedy.DefaultPolicy(), mail: notify.FromEnv()}
	return []Route{
		{"POST", "/api/v1/objections", anyone, "提出异议（标注异议中并暂停相关惩戒措施）", m.submitObjection},
		{"POST", "/api/v1/repairs", anyone, "申请信用修复", m.submitRepair},
		{"GET", "/api/v1/repairs/eligibility", anyone, "信用修复条件预检（何时可以申请、需要哪些材料）", m.repairEligibility},
		{"GET", "/api/v1/repairs/commitment-template", anyone, "下载信用修复承诺书模板", m.commitmentTemplate},
		{"POST", "/api/v1/public-reports", anyone, "投诉举报失信行为（可匿名）", m.submitReport},
		{"GET", "/api/v1/remedies", caseStaff, "异议、修复、举报办理列表", m.listCases},
		{"GET", "/api/v1/remedies/{id}", caseViewers, "办理详情及进度", m.getCase},
		{"POST", "/api/v1/remedies/{id}/actions", caseViewers, "办理（受理、转办、核实、决定、延期、撤回等）", m.actCase},
		{"GET", "/api/v1/remedies/{id}/attachments/{att}", caseStaff, "下载附件", m.attachment},
		{"POST", "/api/v1/remedies/sweep", operator, "督办超期事项并处理到期未履行的承诺", m.sweep},
		{"POST", "/api/v1/public/progress", anyone, "凭查询码查询办理进度", m.progress},
		{"POST", "/api/v1/public/progress/actions", anyone, "凭查询码撤回申请或补正材料", m.progressAction},
		{"POST", "/api/v1/commitments", commitMaker, "作出或登记信用承诺", m.createCommitment},
		{"GET", "/api/v1/commitments", caseStaff, "信用承诺列表", m.listCommitments},
		{"POST", "/api/v1/commitments/{id}/actions", deptWriter, "确认履行或认定未履行", m.actCommitment},
		{"GET", "/api/v1/public/commitments", anyone, "公开的信用承诺（按主体）", m.publicCommitments},
	}
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field(name, "编号须为正整数")
	}
	return id, nil
}

// caseRole says in which capacity p acts on c.
func caseRole(p auth.Principal, c store.Case) remedy.Role {
	switch {
	case p.Role == auth.RoleOperator:
		return remedy.RoleOperator
	case p.Is(auth.RoleClerk, auth.RoleReviewer) && p.Dept != "" && p.Dept == c.Dept:
		return remedy.RoleHandler
	case p.Role == auth.RoleSubject && c.Kind != remedy.Report && (c.ApplicantSub == p.SubjectID || c.SubjectID == p.SubjectID):
		return remedy.RoleApplicant
	}
	return remedy.RoleOther
}

// visibleCase loads a case for p: staff of the handling department and the
// operator see everything, a subject its own objections and repairs without
// anyone else's identity; reports never reach the reported subject.
func (m *remedyAPI) visibleCase(r *http.Request) (store.Case, remedy.Role, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return store.Case{}, "", err
	}
	c, err := m.Store.Case(r.Context(), id)
	if err != nil {
		return c, "", err
	}
	p := httpx.PrincipalOf(r.Context())
	role := caseRole(p, c)
	switch role {
	case remedy.RoleOperator, remedy.RoleHandler:
	case remedy.RoleApplicant:
		if c.ApplicantSub != p.SubjectID {
			c.Redact()
		}
	default:
		if p.Role == auth.RoleSubject {
			return c, role, errs.NotFound("remedy.not_found", fmt.Sprintf("未找到办理编号 %d", id))
		}
		return c, role, errs.Forbidden("remedy.other_dept", "只能查看本部门承办的事项")
	}
	return c, role, nil
}

func (m *remedyAPI) listCases(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalOf(r.Context())
	q := r.URL.Query()
	limit, err := httpx.Limit(r, 50, 500)
	if err != nil {
		return err
	}
	before, err := httpx.Cursor(r, "before")
	if err != nil {
		return err
	}
	f := store.CaseFilter{Kind: remedy.Kind(q.Get("kind")), State: q.Get("state"), Open: q.Get("open") == "1", Overdue: q.Get("overdue") == "1", Before: before, Limit: limit}
	if f.Kind != "" && remedy.States(f.Kind) == nil {
		return errs.Field("kind", "类型只能是 objection、repair 或 report")
	}
	if p.Role != auth.RoleOperator {
		f.Dept = p.Dept
	} else if d := q.Get("dept"); d != "" {
		f.Dept = d
	}
	cs, err := m.Store.Cases(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, page(cs, limit, func(c store.Case) int64 { return c.ID }))
	return nil
}

func (m *remedyAPI) getCase(w http.ResponseWriter, r *http.Request) error {
	c, role, err := m.visibleCase(r)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"case": c, "actions": remedy.Actions(c.Kind, c.State, role)})
	return nil
}

// actionInput is the body of an action.
type actionInput struct {
	Action      remedy.Action       `json:"action"`
	Note        string              `json:"note"`
	Dept        string              `json:"dept"`
	Missing     []string            `json:"missing"`
	RecordID    int64               `json:"record_id"`
	Attachments []remedy.Attachment `json:"attachments"`
}

func (m *remedyAPI) actCase(w http.ResponseWriter, r *http.Request) error {
	var in actionInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	c, role, err := m.visibleCase(r)
	if err != nil {
		return err
	}
	out, err := m.act(r, c, role, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]any{"case": out, "actions": remedy.Actions(out.Kind, out.State, role)})
	return nil
}

func (m *remedyAPI) act(r *http.Request, c store.Case, role remedy.Role, in actionInput) (store.Case, error) {
	if err := remedy.CheckAttachments(in.Attachments); err != nil {
		return c, err
	}
	cal, err := m.Store.Calendar(r.Context())
	if err != nil {
		return c, err
	}
	out, err := m.Store.ActOnCase(r.Context(), c.ID, store.CaseAction{Action: in.Action, Who: role, Note: in.Note, Dept: strings.TrimSpace(in.Dept),
		Missing: in.Missing, RecordID: in.RecordID, Attachments: in.Attachments, Deadlines: m.dl, Cal: cal}, httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return c, err
	}
	m.tell(out, "")
	return out, nil
}

// tell e-mails the applicant the new state (when SMTP is configured and an
// address was given).
func (m *remedyAPI) tell(c store.Case, code string) {
	if !m.mail.Enabled() || c.Email == "" {
		return
	}
	body := fmt.Sprintf("您的%s（办理编号 %d）当前状态：%s。\n", c.KindLabel, c.ID, c.StateLabel)
	if code != "" {
		body += "查询码：" + code + "（请妥善保管，凭此码在信用门户“异议与修复 · 进度查询”查看办理进度）\n"
	}
	if len(c.Missing) > 0 {
		labels := make([]string, len(c.Missing))
		for i, k := range c.Missing {
			labels[i] = remedy.MaterialLabel(k)
		}
		body += "请补正以下材料：" + strings.Join(labels, "、") + "\n"
	}
	if c.OutcomeNote != "" {
		body += "办理意见：" + c.OutcomeNote + "\n"
	}
	if c.Due != "" {
		body += "办理期限：" + c.Due + "\n"
	}
	m.mail.Go(c.Email, fmt.Sprintf("【信用平台】%s办理进度：%s", c.KindLabel, c.StateLabel), body)
}

func (m *remedyAPI) attachment(w http.ResponseWriter, r *http.Request) error {
	c, _, err := m.visibleCase(r)
	if err != nil {
		return err
	}
	att, err := pathID(r, "att")
	if err != nil {
		return err
	}
	a, data, err := m.Store.Attachment(r.Context(), c.ID, att)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"attachment-%d\"; filename*=UTF-8''%s", a.ID, urlEscape(a.Name)))
	w.Write(data)
	return nil
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// progressView is what a query-code holder sees: no identities, no actors.
type progressView struct {
	store.Case
	Actions []remedy.Action `json:"actions"`
}

func (m *remedyAPI) byCode(r *http.Request, code string) (store.Case, error) {
	if len(strings.TrimSpace(code)) < 16 {
		return store.Case{}, errs.Field("code", "请输入完整的查询码")
	}
	c, err := m.Store.CaseByQueryHash(r.Context(), remedy.HashQueryCode(code))
	if err != nil {
		return c, err
	}
	c.Redact()
	return c, nil
}

func (m *remedyAPI) progress(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code string `json:"code"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	c, err := m.byCode(r, in.Code)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, progressView{c, remedy.Actions(c.Kind, c.State, remedy.RoleApplicant)})
	return nil
}

func (m *remedyAPI) progressAction(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code string `json:"code"`
		actionInput
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	c, err := m.byCode(r, in.Code)
	if err != nil {
		return err
	}
	role := remedy.RoleApplicant
	if c.Kind == remedy.Report {
		role = remedy.RoleOther
	}
	out, err := m.act(r, c, role, in.actionInput)
	if err != nil {
		return err
	}
	out.Redact()
	httpx.JSON(w, 200, progressView{out, remedy.Actions(out.Kind, out.State, remedy.RoleApplicant)})
	return nil
}

func (m *remedyAPI) sweep(w http.ResponseWriter, r *http.Request) error {
	esc, broken, err := RemedySweep(r.Context(), m.Deps)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, map[string]int{"escalated": esc, "broken": broken})
	return nil
}

func today(now time.Time) calendar.Date { return calendar.DateOf(now) }
