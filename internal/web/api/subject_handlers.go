package api

import (
	"net/http"
	"strings"

	"xinyong/internal/audit"
	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/subject"
	"xinyong/internal/web/httpx"
)

// mask returns the configured masking function.
func (h *handlers) mask() func(string) string {
	head, tail := h.Config.MaskHeadTail()
	return func(s string) string { return subject.MaskID(s, head, tail) }
}

// SubjectSummary is the list form of a subject.
type SubjectSummary struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	TypeLabel  string `json:"type_label"`
	Region     string `json:"region,omitempty"`
	RegionName string `json:"region_name,omitempty"`
	LegalRep   string `json:"legal_rep,omitempty"`
	IDNumber   string `json:"id_number,omitempty"`
	Status     string `json:"status"`
	id         int64
}

func (h *handlers) searchSubjects(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return errs.Field("q", "请输入名称、统一社会信用代码或其他代码")
	}
	if len([]rune(q)) > 100 {
		return errs.Field("q", "查询词不能超过 100 个字符")
	}
	limit, err := httpx.Limit(r, 20, 100)
	if err != nil {
		return err
	}
	after, err := httpx.Cursor(r, "cursor")
	if err != nil {
		return err
	}
	subs, err := h.FindSubjects(r.Context(), q, after, limit)
	if err != nil {
		return err
	}
	items := make([]SubjectSummary, len(subs))
	for i, s := range subs {
		items[i] = SubjectSummary{Code: s.Code, Name: s.Name, Type: string(s.Type), TypeLabel: s.TypeLabel, Region: s.Region, RegionName: s.RegionName, LegalRep: s.LegalRep, IDNumber: s.IDMasked, Status: s.Status, id: s.ID}
	}
	httpx.JSON(w, 200, page(items, limit, func(s SubjectSummary) int64 { return s.id }))
	return nil
}

func (h *handlers) createSubject(w http.ResponseWriter, r *http.Request) error {
	var in subject.Input
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	sub, err := subject.Prepare(in, h.PII, h.mask(), h.Now(), false)
	if err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	sub, err = h.Store.CreateSubject(r.Context(), sub, p.Actor())
	if err != nil {
		return err
	}
	full, err := h.Store.SubjectByCode(r.Context(), sub.Code)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/subjects/"+full.Code)
	httpx.JSON(w, http.StatusCreated, full)
	return nil
}

// lookup resolves {code}: a subject code, a legacy code, or (for entitled
// callers only) a personal identity number, whose lookup is audited.
func (h *handlers) lookup(r *http.Request) (subject.Subject, error) {
	code := strings.ToUpper(strings.TrimSpace(r.PathValue("code")))
	if subject.IsPersonCode(code) {
		return h.Store.SubjectByCode(r.Context(), code)
	}
	v := subject.Identify(code, h.Now())
	if v.Kind.Personal() {
		p := httpx.PrincipalOf(r.Context())
		if !v.OK {
			return subject.Subject{}, errs.Field("code", v.Reason)
		}
		if !entitled(p) {
			return subject.Subject{}, errs.Forbidden("subject.id_lookup", "按证件号码查询需要相应权限")
		}
		sub, err := h.Store.SubjectByIDHash(r.Context(), h.PII.Hash(string(v.Kind), v.Normalized))
		if err != nil {
			return sub, err
		}
		err = h.Store.AuditRecord(r.Context(), audit.Event{Actor: p.Actor(), Action: "subject.lookup_by_id", Object: "subject:" + sub.Code, SubjectID: sub.ID, Detail: "按证件号码查询"})
		return sub, err
	}
	if v.Kind == subject.IDKindUSCC && !v.OK && !v.CheckCharOnly {
		return subject.Subject{}, errs.Field("code", v.Reason)
	}
	return h.Store.SubjectByCode(r.Context(), code)
}

// entitled reports whether the caller may see personal identity numbers.
func entitled(p auth.Principal) bool {
	return p.Role == auth.RoleOperator || p.CanUnmask
}

func (h *handlers) getSubject(w http.ResponseWriter, r *http.Request) error {
	sub, err := h.lookup(r)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, sub)
	return nil
}

func (h *handlers) subjectIdentity(w http.ResponseWriter, r *http.Request) error {
	sub, err := h.Store.SubjectByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	self := p.Role == auth.RoleSubject && p.SubjectID == sub.ID
	if !entitled(p) && !self {
		return errs.Forbidden("subject.identity", "无权查看完整证件号码")
	}
	if sub.Type != subject.TypeNatural {
		return errs.NotFound("subject.identity", "该主体不是自然人，无证件号码")
	}
	sealed, err := h.Store.SubjectSealedID(r.Context(), sub.ID)
	if err != nil {
		return err
	}
	clear, err := h.PII.Open(sealed)
	if err != nil {
		return errs.Internal(err)
	}
	reason := strings.TrimSpace(r.URL.Query().Get("reason"))
	if reason == "" && !self {
		return errs.Field("reason", "查看完整证件号码须说明事由")
	}
	if err := h.Store.AuditRecord(r.Context(), audit.Event{Actor: p.Actor(), Action: "subject.read_identity", Object: "subject:" + sub.Code, SubjectID: sub.ID, Detail: reason}); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.JSON(w, 200, map[string]string{"code": sub.Code, "id_kind": string(sub.IDKind), "id_number": clear})
	return nil
}

// SubjectPatch is what PATCH accepts.
type SubjectPatch struct {
	Name         string             `json:"name"`
	LegalRep     string             `json:"legal_rep"`
	Address      string             `json:"address"`
	RegisteredOn string             `json:"registered_on"`
	Status       string             `json:"status"`
	LegacyIDs    []subject.LegacyID `json:"legacy_ids"`
	Version      int                `json:"version"`
}

func (h *handlers) updateSubject(w http.ResponseWriter, r *http.Request) error {
	var in SubjectPatch
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if in.Status != "" && in.Status != "active" && in.Status != "cancelled" && in.Status != "revoked" {
		return errs.Field("status", "状态只能是 active（存续）、cancelled（注销）或 revoked（吊销）")
	}
	var legacy []subject.LegacyID
	for i, l := range in.LegacyIDs {
		v := subject.ValidateDocument(l.Kind, l.Value, h.Now())
		if !v.OK || v.Kind.Personal() {
			reason := v.Reason
			if reason == "" {
				reason = "不能作为组织的旧代码"
			}
			return errs.Field("legacy_ids["+itoaInt(i)+"].value", reason)
		}
		legacy = append(legacy, subject.LegacyID{Kind: l.Kind, Value: v.Normalized})
	}
	name := strings.TrimSpace(in.Name)
	if len([]rune(name)) > 200 {
		return errs.Field("name", "名称不能超过 200 个字符")
	}
	sub, err := h.Store.UpdateSubject(r.Context(), strings.ToUpper(r.PathValue("code")), subject.Subject{
		Name: name, LegalRep: strings.TrimSpace(in.LegalRep), Address: strings.TrimSpace(in.Address),
		RegisteredOn: in.RegisteredOn, Status: in.Status, LegacyIDs: legacy,
	}, in.Version, httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, sub)
	return nil
}

// RelationInput is what POST .../relations accepts.
type RelationInput struct {
	PersonCode string `json:"person_code"`
	Role       string `json:"role"`
	Start      string `json:"start"`
	End        string `json:"end"`
}

func (h *handlers) addRelation(w http.ResponseWriter, r *http.Request) error {
	var in RelationInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	role, ok := subject.ParseRelationRole(in.Role)
	if !ok {
		return errs.Field("role", "关联角色应为 legal_rep（法定代表人）、principal（主要负责人）、controller（实际控制人）或 responsible（直接责任人）")
	}
	for f, v := range map[string]string{"start": in.Start, "end": in.End} {
		if v != "" && !isDate(v) {
			return errs.Field(f, "日期格式应为 YYYY-MM-DD")
		}
	}
	rel, err := h.Store.AddRelation(r.Context(), subject.Relation{OrgCode: strings.ToUpper(r.PathValue("code")), PersonCode: strings.ToUpper(strings.TrimSpace(in.PersonCode)), Role: role, Start: in.Start, End: in.End}, httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, rel)
	return nil
}
