package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/auth"
	"xinyong/internal/calendar"
	"xinyong/internal/errs"
	"xinyong/internal/report"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web/httpx"
)

func (h *handlers) webRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/subjects/{code}/report.pdf", anyone, "下载信用报告（PDF，自然人须本人授权）", h.subjectReport},
		{"GET", "/api/v1/subjects/{code}/qr.png", anyone, "信用二维码（PNG）", h.subjectQRPNG},
		{"GET", "/api/v1/subjects/{code}/qr.svg", anyone, "信用二维码（SVG）", h.subjectQRSVG},
		{"GET", "/api/v1/reports/{number}/verify", anyone, "按报告编号和验证码核验信用报告", h.verifyReportCode},
		{"POST", "/api/v1/reports/verify", anyone, "上传 PDF 核验信用报告", h.verifyReportFile},
	}
}

// listSection shows the public red and black list entries in force.
func listSection(es []store.PublicEntry) report.Section {
	sec := report.Section{Title: "红黑名单", Empty: "未被列入公开的红名单或黑名单", Columns: []string{"名单", "类别", "认定部门", "认定依据", "列入日期", "期限至"}}
	for _, e := range es {
		end := e.End
		if end == "" {
			end = "至移出之日"
		}
		dept := e.DeptName
		if dept == "" {
			dept = e.Dept
		}
		sec.Rows = append(sec.Rows, []string{e.TypeName, e.KindLabel, dept, e.BasisDoc, e.Start, end})
	}
	return sec
}

// AuthorizeReport decides whether p may obtain sub's report: anyone for an
// organisation; for a natural person the person itself, or the operator or a
// can_unmask caller stating a reason. It returns the recorded purpose.
func AuthorizeReport(p auth.Principal, sub subject.Subject, reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if sub.Type != subject.TypeNatural {
		if reason == "" {
			reason = "公开信用信息查询"
		}
		return reason, nil
	}
	if p.Role == auth.RoleSubject && p.SubjectID == sub.ID {
		return "本人查询", nil
	}
	if p.Role == auth.RoleOperator || p.CanUnmask {
		if reason == "" {
			return "", errs.Field("reason", "查询自然人信用报告须说明事由（将记入审计）")
		}
		if len([]rune(reason)) > 200 {
			return "", errs.Field("reason", "事由不能超过 200 个字符")
		}
		return reason, nil
	}
	return "", errs.Forbidden("report.person", "自然人信用报告须经本人授权：请本人登录后下载，或由有权限的工作人员说明事由后查询")
}

// IssueReport assembles, renders, signs and records a credit report of sub
// as of now and returns the PDF and its number.
func (d Deps) IssueReport(ctx context.Context, p auth.Principal, sub subject.Subject, purpose string) ([]byte, string, error) {
	if d.Reports == nil {
		return nil, "", errs.Internal(errors.New("report signer not configured"))
	}
	now := d.Now().UTC().Truncate(time.Second)
	today := calendar.DateOf(now).String()
	var in = ReportInput{Subject: sub, Now: now, BaseURL: d.Config.BaseURL()}
	var err error
	if sub.Type != subject.TypeNatural {
		if in.Relations, err = d.Store.PublicRelations(ctx, sub.ID); err != nil {
			return nil, "", err
		}
	}
	if in.Records, err = d.Store.PublicRecords(ctx, sub.ID, today); err != nil {
		return nil, "", err
	}
	entries, err := d.Store.PublicEntries(ctx, sub.ID, today)
	if err != nil {
		return nil, "", err
	}
	in.Extra = append(in.Extra, listSection(entries))
	id, number, err := d.Store.ReserveReport(ctx, sub.ID, sub.Code, p.Actor(), purpose, now)
	if err != nil {
		return nil, "", err
	}
	in.Number = number
	rep := BuildReport(in)
	pdf, err := report.RenderPDF(rep)
	if err != nil {
		return nil, "", err
	}
	dg := report.Digest(pdf)
	content, err := json.Marshal(rep)
	if err != nil {
		return nil, "", errs.Internal(err)
	}
	err = d.Store.IssueReport(ctx, store.IssuedReport{
		ID: id, Number: number, VerifyCode: rep.VerifyCode, Digest: hex.EncodeToString(dg[:]),
		Signature: base64.StdEncoding.EncodeToString(d.Reports.Sign(dg[:])), KeyID: KeyID(d.Reports), Content: content, IssuedAt: now,
	}, audit.Event{Actor: p.Actor(), Action: "report.issue", Object: "report:" + number, SubjectID: sub.ID, Detail: purpose})
	if err != nil {
		return nil, "", err
	}
	return pdf, number, nil
}

// KeyID names a signing key: the first 8 bytes of its public key's SHA-256.
func KeyID(s *report.Signer) string {
	sum := sha256.Sum256(s.PublicKey())
	return hex.EncodeToString(sum[:8])
}

// Verification is the answer to a report verification.
type Verification struct {
	Genuine  bool           `json:"genuine"`
	Reason   string         `json:"reason,omitempty"`
	Number   string         `json:"number,omitempty"`
	Subject  string         `json:"subject_code,omitempty"`
	IssuedAt time.Time      `json:"issued_at,omitzero"`
	Digest   string         `json:"digest,omitempty"`
	Content  *report.Report `json:"content,omitempty"`
}

const rejectCode = "报告编号或验证码不正确，无法确认该报告为本平台出具"

// VerifyReportCode checks a report number with its verification code.
func (d Deps) VerifyReportCode(ctx context.Context, number, code string) (Verification, error) {
	number = strings.ToUpper(strings.TrimSpace(number))
	code = report.NormalizeVerifyCode(code)
	if number == "" || code == "" {
		return Verification{}, errs.Invalid("report.verify", "请填写报告编号和验证码",
			errs.FieldError{Field: "number", Reason: "请填写报告编号"}, errs.FieldError{Field: "code", Reason: "请填写验证码"})
	}
	r, err := d.Store.ReportByNumber(ctx, number)
	if errs.Is(err, errs.KindNotFound) {
		return Verification{Reason: rejectCode}, nil
	} else if err != nil {
		return Verification{}, err
	}
	if subtle.ConstantTimeCompare([]byte(r.VerifyCode), []byte(code)) != 1 {
		return Verification{Reason: rejectCode}, nil
	}
	return d.genuine(r)
}

// VerifyReportPDF checks a presented PDF file byte for byte.
func (d Deps) VerifyReportPDF(ctx context.Context, pdf []byte) (Verification, error) {
	if len(pdf) < 5 || string(pdf[:5]) != "%PDF-" {
		return Verification{}, errs.Field("file", "请上传本平台出具的 PDF 格式信用报告")
	}
	dg := report.Digest(pdf)
	r, err := d.Store.ReportByDigest(ctx, hex.EncodeToString(dg[:]))
	if errs.Is(err, errs.KindNotFound) {
		return Verification{Reason: "该文件与本平台出具的任何信用报告均不一致：报告不存在或内容已被修改"}, nil
	} else if err != nil {
		return Verification{}, err
	}
	return d.genuine(r)
}

// genuine checks the stored signature and returns what the report contained.
func (d Deps) genuine(r store.IssuedReport) (Verification, error) {
	if d.Reports == nil {
		return Verification{}, errs.Internal(errors.New("report signer not configured"))
	}
	dg, err1 := hex.DecodeString(r.Digest)
	sig, err2 := base64.StdEncoding.DecodeString(r.Signature)
	if err1 != nil || err2 != nil || r.KeyID != KeyID(d.Reports) || !report.Verify(d.Reports.PublicKey(), dg, sig) {
		return Verification{Number: r.Number, Reason: "报告存档的签名校验未通过，请联系信用办核实"}, nil
	}
	var content report.Report
	if err := json.Unmarshal(r.Content, &content); err != nil {
		return Verification{}, errs.Internal(err)
	}
	return Verification{Genuine: true, Number: r.Number, Subject: r.SubjectCode, IssuedAt: r.IssuedAt, Digest: r.Digest, Content: &content}, nil
}

func (h *handlers) subjectReport(w http.ResponseWriter, r *http.Request) error {
	var sub subject.Subject
	var err error
	if code := strings.ToUpper(strings.TrimSpace(r.PathValue("code"))); isPersonCode(code) {
		sub, err = h.Store.SubjectByCode(r.Context(), code)
	} else {
		sub, err = h.lookup(r)
	}
	if err != nil {
		return err
	}
	p := httpx.PrincipalOf(r.Context())
	purpose, err := AuthorizeReport(p, sub, r.URL.Query().Get("reason"))
	if err != nil {
		return err
	}
	pdf, number, err := h.IssueReport(r.Context(), p, sub, purpose)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+number+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Report-Number", number)
	_, err = w.Write(pdf)
	return err
}

// isPersonCode reports whether code is a person's public reference: "P"
// and 17 characters (never an identity number, which is not looked up here).
func isPersonCode(code string) bool {
	return len(code) == 18 && code[0] == 'P'
}

// SubjectURL is the live public page a subject's QR code opens.
func (d Deps) SubjectURL(code string) string {
	return d.Config.BaseURL() + "/subjects/" + code
}

func (h *handlers) qrSubject(r *http.Request) (subject.Subject, error) {
	code := strings.ToUpper(strings.TrimSpace(r.PathValue("code")))
	if v := subject.Identify(code, h.Now()); v.Kind.Personal() {
		return subject.Subject{}, errs.NotFound("subject.not_found", "信用二维码只能按主体代码生成")
	}
	return h.Store.SubjectByCode(r.Context(), code)
}

func (h *handlers) subjectQRPNG(w http.ResponseWriter, r *http.Request) error {
	sub, err := h.qrSubject(r)
	if err != nil {
		return err
	}
	png, err := report.QRPNG(h.SubjectURL(sub.Code), 8)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Disposition", `inline; filename="`+sub.Code+`-qr.png"`)
	_, err = w.Write(png)
	return err
}

func (h *handlers) subjectQRSVG(w http.ResponseWriter, r *http.Request) error {
	sub, err := h.qrSubject(r)
	if err != nil {
		return err
	}
	svg, err := report.QRSVG(h.SubjectURL(sub.Code))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Disposition", `inline; filename="`+sub.Code+`-qr.svg"`)
	_, err = io.WriteString(w, svg)
	return err
}

func (h *handlers) verifyReportCode(w http.ResponseWriter, r *http.Request) error {
	v, err := h.VerifyReportCode(r.Context(), r.PathValue("number"), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, v)
	return nil
}

// MaxReportFile bounds an uploaded report (reports are well under 1 MiB).
const MaxReportFile = 8 << 20

func (h *handlers) verifyReportFile(w http.ResponseWriter, r *http.Request) error {
	pdf, err := ReadUpload(r, "file", MaxReportFile)
	if err != nil {
		return err
	}
	v, err := h.VerifyReportPDF(r.Context(), pdf)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, v)
	return nil
}

// ReadUpload reads one multipart file field, refusing other content types
// and files over max bytes.
func ReadUpload(r *http.Request, field string, max int64) ([]byte, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, errs.Invalid("request.content_type", "请以 multipart/form-data 上传文件")
	}
	f, fh, err := r.FormFile(field)
	if err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return nil, &errs.Error{Kind: errs.KindTooLarge, Key: "request.too_large", Message: "上传的文件过大"}
		}
		return nil, errs.Field(field, "请选择要上传的文件")
	}
	defer f.Close()
	if fh.Size > max {
		return nil, &errs.Error{Kind: errs.KindTooLarge, Key: "request.too_large", Message: "上传的文件过大"}
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, errs.Field(field, "文件读取失败")
	}
	if int64(len(b)) > max {
		return nil, &errs.Error{Kind: errs.KindTooLarge, Key: "request.too_large", Message: "上传的文件过大"}
	}
	return b, nil
}
