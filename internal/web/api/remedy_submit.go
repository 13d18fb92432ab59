package api

import (
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"xinyong/internal/auth"
	"xinyong/internal/calendar"
	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/publicity"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

// caseInput is the body of an objection, a repair application or a report.
type caseInput struct {
	Target      string              `json:"target"`    // record | entry (objection, repair)
	TargetID    int64               `json:"target_id"` // record or entry id
	Subject     string              `json:"subject"`   // report: the reported subject's code
	Reason      string              `json:"reason"`    // objection reason code; report: category
	Body        string              `json:"body"`
	Name        string              `json:"applicant_name"`
	Contact     string              `json:"applicant_contact"`
	Email       string              `json:"applicant_email"`
	Anonymous   bool                `json:"anonymous"`
	Attachments []remedy.Attachment `json:"attachments"`
}

// validate checks the fields common to every case kind.
func (in *caseInput) validate(p auth.Principal, needIdentity bool) error {
	var fe []errs.FieldError
	add := func(f, r string) { fe = append(fe, errs.FieldError{Field: f, Reason: r}) }
	in.Body, in.Name, in.Contact, in.Email = strings.TrimSpace(in.Body), strings.TrimSpace(in.Name), strings.TrimSpace(in.Contact), strings.TrimSpace(in.Email)
	if n := utf8.RuneCountInString(in.Body); n < 5 || n > 5000 {
		add("body", "请用5至5000个字说明事实和理由")
	}
	if needIdentity && p.Role != auth.RoleSubject {
		if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
			add("applicant_name", "请填写申请人（单位）名称")
		}
		if in.Contact == "" || utf8.RuneCountInString(in.Contact) > 100 {
			add("applicant_contact", "请填写联系电话或地址")
		}
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			add("applicant_email", "电子邮箱格式不正确")
		}
	}
	if len(fe) > 0 {
		return errs.Invalid("remedy.invalid", "提交的内容有误", fe...)
	}
	return remedy.CheckAttachments(in.Attachments)
}

// target is the resolved datum of an objection or repair.
type target struct {
	subjectID  int64
	code, dept string
	typ        string
	severity   string
	doc        string
	rt         remedy.Target
	entry      list.Entry
}

func (m *remedyAPI) resolveTarget(r *http.Request, in caseInput) (target, error) {
	ctx := r.Context()
	now := m.Store.Now()
	day := list.Day(now)
	switch in.Target {
	case "record":
		rec, err := m.Store.Record(ctx, in.TargetID)
		if err != nil {
			return target{}, err
		}
		if !rec.IsCurrent || rec.State != "published" {
			return target{}, errs.Conflict("remedy.target_state", "该信用记录不是现行有效的已发布版本（"+rec.StateLabel+"）")
		}
		t := target{subjectID: rec.SubjectID, code: rec.Subject, dept: rec.Dept, typ: rec.Type, severity: string(rec.Severity), doc: rec.DocNo}
		repairable := true
		if rules, err := m.Store.PublicityRules(ctx); err == nil && rec.Severity != "" {
			if d, err := calendar.ParseDate(rec.DecisionDate); err == nil {
				if rule, err := publicity.Select(rules, rec.Type, publicity.Severity(rec.Severity), d); err == nil {
					repairable = rule.Repairable
				}
			}
		}
		t.rt = remedy.Target{Kind: "record", Type: rec.Type, Negative: rec.Nature == catalog.NatureBad,
			InForce: rec.PublicityEnd == "" || day <= rec.PublicityEnd, Severity: t.severity, Start: rec.DecisionDate, MinEnd: rec.PublicityMinEnd, RuleRepairable: repairable}
		return t, nil
	case "entry":
		e, err := m.Store.Entry(ctx, in.TargetID)
		if err != nil {
			return target{}, err
		}
		if e.State == list.Exited || !(e.State != list.Active || e.End == "" || day < e.End) {
			return target{}, errs.Conflict("remedy.target_state", "该名单条目已移出")
		}
		t := target{subjectID: e.SubjectID, code: e.SubjectCode, dept: e.Dept, typ: e.ListType, severity: "serious", doc: e.BasisDoc, entry: e}
		t.rt = remedy.Target{Kind: "entry", Type: e.ListType, Negative: e.Kind == list.Black, InForce: e.State == list.Active, Start: e.Start}
		return t, nil
	}
	return target{}, errs.Field("target", "异议或修复的对象只能是 record（信用记录）或 entry（名单条目）")
}

func (m *remedyAPI) newCase(r *http.Request, k remedy.Kind, in caseInput, t target) (store.NewCase, string, error) {
	p := httpx.PrincipalOf(r.Context())
	if p.Role == auth.RoleSubject && t.subjectID != 0 && t.subjectID != p.SubjectID && k != remedy.Report {
		return store.NewCase{}, "", errs.Forbidden("remedy.not_own", "只能对本人（本单位）的信息提出异议或申请修复")
	}
	cal, err := m.Store.Calendar(r.Context())
	if err != nil {
		return store.NewCase{}, "", err
	}
	code := remedy.NewQueryCode()
	n := store.NewCase{Kind: k, SubjectID: t.subjectID, SubjectCode: t.code, TargetKind: in.Target, TargetID: in.TargetID, TargetType: t.typ,
		Dept: t.dept, Reason: in.Reason, Body: in.Body, Severity: t.severity, ApplicantName: in.Name, Contact: in.Contact, Email: in.Email,
		Anonymous: in.Anonymous, QueryHash: remedy.HashQueryCode(code), Attachments: in.Attachments,
		Due: cal.AddWorkdays(today(m.Store.Now()), m.dl.StageDays(k, remedy.Submitted)).String()}
	if p.Role == auth.RoleSubject {
		n.ApplicantSub = p.SubjectID
	}
	return n, code, nil
}

func (m *remedyAPI) created(w http.ResponseWriter, c store.Case, code string) {
	m.tell(c, code)
	httpx.JSON(w, 201, map[string]any{"case": c, "query_code": code,
		"message": "已受理登记。请妥善保管查询码，凭此码可随时查询办理进度；平台只保存查询码的摘要，遗失后无法找回。"})
}

func (m *remedyAPI) submitObjection(w http.ResponseWriter, r *http.Request) error {
	var in caseInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	c, code, err := m.objection(r, in)
	if err != nil {
		return err
	}
	m.created(w, c, code)
	return nil
}

func (m *remedyAPI) objection(r *http.Request, in caseInput) (store.Case, string, error) {
	fail := func(err error) (store.Case, string, error) { return store.Case{}, "", err }
	if _, ok := remedy.ObjectionReasons[in.Reason]; !ok {
		return fail(errs.Field("reason", "异议理由只能是："+strings.Join(remedy.ReasonCodes, "、")+"（错误、遗漏、重复公示、不应公示、超期公示、与认定机关信息不一致）"))
	}
	p := httpx.PrincipalOf(r.Context())
	if err := in.validate(p, true); err != nil {
		return fail(err)
	}
	in.Anonymous = false
	t, err := m.resolveTarget(r, in)
	if err != nil {
		return fail(err)
	}
	n, code, err := m.newCase(r, remedy.Objection, in, t)
	if err != nil {
		return fail(err)
	}
	// Punitive measures resting on the datum are paused at once.
	if in.Target == "entry" {
		n.Pause, err = m.Store.ActiveEntriesOn(r.Context(), t.subjectID, "", t.entry.ID)
	} else {
		n.Pause, err = m.Store.ActiveEntriesOn(r.Context(), t.subjectID, t.doc, 0)
	}
	if err != nil {
		return fail(err)
	}
	c, err := m.Store.CreateCase(r.Context(), n, p.Actor())
	return c, code, err
}

// eligibility checks a repair target on today.
func (m *remedyAPI) eligibility(r *http.Request, t target) (string, error) {
	prior, err := m.Store.ApprovedRepairDays(r.Context(), t.subjectID, t.typ)
	if err != nil {
		return "", err
	}
	return remedy.CheckRepair(m.policy, t.rt, prior, today(m.Store.Now()))
}

func (m *remedyAPI) submitRepair(w http.ResponseWriter, r *http.Request) error {
	var in caseInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	c, code, err := m.repair(r, in)
	if err != nil {
		return err
	}
	m.created(w, c, code)
	return nil
}

func (m *remedyAPI) repair(r *http.Request, in caseInput) (store.Case, string, error) {
	fail := func(err error) (store.Case, string, error) { return store.Case{}, "", err }
	p := httpx.PrincipalOf(r.Context())
	if err := in.validate(p, true); err != nil {
		return fail(err)
	}
	in.Anonymous, in.Reason = false, ""
	t, err := m.resolveTarget(r, in)
	if err != nil {
		return fail(err)
	}
	if _, err := m.eligibility(r, t); err != nil {
		return fail(err)
	}
	n, code, err := m.newCase(r, remedy.Repair, in, t)
	if err != nil {
		return fail(err)
	}
	have := make([]string, len(in.Attachments))
	for i, a := range in.Attachments {
		have[i] = a.Kind
	}
	n.Missing = remedy.Missing(remedy.RequiredMaterials(t.severity), have)
	c, err := m.Store.CreateCase(r.Context(), n, p.Actor())
	return c, code, err
}

func (m *remedyAPI) repairEligibility(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	id, err := strconv.ParseInt(q.Get("id"), 10, 64)
	if err != nil || id <= 0 {
		return errs.Field("id", "请给出信用记录或名单条目的编号")
	}
	t, err := m.resolveTarget(r, caseInput{Target: q.Get("target"), TargetID: id})
	if err != nil {
		return err
	}
	earliest, err := m.eligibility(r, t)
	out := map[string]any{"eligible": err == nil, "earliest": earliest, "required_materials": remedy.RequiredMaterials(t.severity)}
	if err != nil {
		e := errs.As(err)
		if e.Kind != errs.KindConflict {
			return err
		}
		out["reason"], out["code"] = e.Message, e.Key
	}
	httpx.JSON(w, 200, out)
	return nil
}

func (m *remedyAPI) submitReport(w http.ResponseWriter, r *http.Request) error {
	var in caseInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	c, code, err := m.report(r, in)
	if err != nil {
		return err
	}
	m.tell(c, code)
	c.Redact()
	httpx.JSON(w, 201, map[string]any{"id": c.ID, "state": c.State, "state_label": c.StateLabel, "query_code": code,
		"message": "举报已登记。举报人信息严格保密，仅承办部门和信用办可见。请妥善保管查询码以查询办理结果。"})
	return nil
}

func (m *remedyAPI) report(r *http.Request, in caseInput) (store.Case, string, error) {
	fail := func(err error) (store.Case, string, error) { return store.Case{}, "", err }
	p := httpx.PrincipalOf(r.Context())
	if err := in.validate(p, !in.Anonymous); err != nil {
		return fail(err)
	}
	if in.Target != "" || in.TargetID != 0 {
		return fail(errs.Field("target", "举报针对信用主体，请填写 subject"))
	}
	if utf8.RuneCountInString(in.Reason) > 50 {
		return fail(errs.Field("reason", "举报类别不能超过50个字"))
	}
	sub, err := m.Store.SubjectByCode(r.Context(), strings.TrimSpace(in.Subject))
	if err != nil {
		return fail(err)
	}
	if in.Anonymous {
		in.Name, in.Contact = "", ""
	}
	n, code, err := m.newCase(r, remedy.Report, in, target{subjectID: sub.ID, code: sub.Code})
	if err != nil {
		return fail(err)
	}
	n.TargetKind, n.TargetID = "", 0
	c, err := m.Store.CreateCase(r.Context(), n, p.Actor())
	return c, code, err
}

func (m *remedyAPI) commitmentTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename=\"commitment.txt\"; filename*=UTF-8''%E4%BF%A1%E7%94%A8%E4%BF%AE%E5%A4%8D%E6%89%BF%E8%AF%BA%E4%B9%A6.txt")
	w.Write([]byte(remedy.CommitmentTemplate))
	return nil
}
