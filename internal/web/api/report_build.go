package api

import (
	"encoding/json"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"xinyong/internal/catalog"
	"xinyong/internal/record"
	"xinyong/internal/report"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

// ReportIssuer is printed on every report.
const ReportIssuer = "市社会信用体系建设联席会议办公室（信用办）"

var seedCatalog = sync.OnceValue(catalog.Seed)

var statusLabels = map[string]string{"active": "存续", "cancelled": "注销", "revoked": "吊销"}

// StatusLabel is the Chinese label of a subject's registration status.
func StatusLabel(s string) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return s
}

// ReportInput is what a report is assembled from (all read at one time).
type ReportInput struct {
	Subject   subject.Subject
	Relations []store.PublicRelation
	Records   []store.PublicRecord
	Extra     []report.Section // e.g. list entries, when wired
	Number    string
	Now       time.Time
	BaseURL   string
}

// BuildReport assembles the report content (pure): basic information,
// related persons (masked) and the public records in their publicity
// window, grouped by nature. It also fills the verification code and URL.
func BuildReport(in ReportInput) report.Report {
	s := in.Subject
	h := report.Header{Name: s.Name, Code: s.Code, Type: s.TypeLabel, Region: s.RegionName, LegalRep: record.MaskName(s.LegalRep), Status: StatusLabel(s.Status)}
	person := s.Type == subject.TypeNatural
	if person {
		h.CodeLabel, h.Code, h.LegalRep = "证件号码", s.IDMasked, ""
	}
	r := report.Report{
		Number: in.Number, GeneratedAt: in.Now, AsOf: in.Now, Subject: h, Issuer: ReportIssuer,
		Notes: []string{
			"本报告由公共信用信息平台根据截至信息截止时间归集的公开信用信息自动生成，自然人信息已作脱敏处理。",
			"失信信息仅在公示期内列入本报告；已撤销或公示期满的信息不再列入。",
			"信息主体对报告内容有异议的，可通过信用门户“异议与修复”提出异议申请。",
			"报告真伪请在信用门户“报告核验”页面输入报告编号和验证码，或上传本报告文件进行核验。",
		},
	}
	if !person {
		rel := report.Section{Title: "关联人员信息", Columns: []string{"角色", "姓名", "证件号码", "起始日期"}}
		for _, p := range in.Relations {
			rel.Rows = append(rel.Rows, []string{subject.RelationRole(p.Role).Label(), record.MaskName(p.PersonName), p.IDMasked, p.Start})
		}
		r.Sections = append(r.Sections, rel)
	}
	cols := []string{"信息类别", "决定文书号", "主要内容", "认定部门", "决定日期", "公示截止"}
	groups := []struct {
		nature catalog.Nature
		title  string
	}{{catalog.NatureBad, "失信信息"}, {catalog.NatureGood, "守信信息"}, {catalog.NatureNeutral, "其他公开信用信息"}}
	cat := seedCatalog()
	for _, g := range groups {
		sec := report.Section{Title: g.title, Columns: cols}
		for _, rec := range in.Records {
			if catalog.Nature(rec.Nature) != g.nature {
				continue
			}
			typeName, summary := rec.Type, ""
			if t, ok := cat.Lookup(rec.Type); ok {
				typeName = t.Name
				summary = recordSummary(t, rec.Content, person)
			}
			end := rec.PublicityEnd
			if end == "" || end == catalog.OpenEndedDate {
				end = "长期"
			}
			sec.Rows = append(sec.Rows, []string{typeName, rec.DocNo, summary, rec.DeptName, rec.DecisionDate, end})
		}
		r.Sections = append(r.Sections, sec)
	}
	r.Sections = append(r.Sections, in.Extra...)
	r.VerifyCode = report.VerifyCode(r.Number, report.ContentDigest(r))
	r.VerifyURL = strings.TrimRight(in.BaseURL, "/") + "/verify?no=" + r.Number + "&code=" + r.VerifyCode
	return r
}

// summaryRoles are the record fields that say what the decision was about.
var summaryRoles = map[catalog.Role]bool{catalog.RoleContent: true, catalog.RoleNone: true, catalog.RoleSeverityHint: true, catalog.RoleAmount: true}

// recordSummary joins the public content fields of a record, at most 200
// characters.
func recordSummary(t *catalog.Type, raw json.RawMessage, person bool) string {
	var content map[string]string
	if json.Unmarshal(raw, &content) != nil {
		return ""
	}
	roles := map[string]catalog.Role{}
	for _, f := range t.Fields {
		roles[f.Code] = f.Role
	}
	var parts []string
	for _, f := range record.PublicFields(t, content, person, func(s string) string { return subject.MaskID(s, 4, 4) }) {
		if summaryRoles[roles[f.Code]] {
			parts = append(parts, f.Name+"："+f.Value)
		}
	}
	s := strings.Join(parts, "；")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:199]) + "…"
	}
	return s
}
