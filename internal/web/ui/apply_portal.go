package ui

import (
	"crypto/subtle"
	"io"
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/errs"
	"xinyong/internal/remedy"
	"xinyong/internal/web/api"
	"xinyong/internal/web/httpx"
)

// The portal's 异议与修复 pages: objection, repair and report forms and the
// progress page by query code. Submissions take the API's own path.

func (s *server) applyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /apply", s.wrap(s.applyForm))
	mux.HandleFunc("POST /apply/{kind}", s.wrap(s.applySubmit))
	mux.HandleFunc("GET /apply/progress", s.wrap(s.applyProgress))
	mux.HandleFunc("POST /apply/progress", s.wrap(s.applyProgress))
	mux.HandleFunc("GET /apply/template", s.wrap(s.applyTemplate))
}

func applyData() map[string]any {
	reasons := make([][2]string, len(remedy.ReasonCodes))
	for i, c := range remedy.ReasonCodes {
		reasons[i] = [2]string{c, remedy.ObjectionReasons[c]}
	}
	mats := [][2]string{}
	for _, k := range []string{remedy.MatCommitment, remedy.MatProof, remedy.MatTraining, remedy.MatCreditReport, remedy.MatEvidence} {
		mats = append(mats, [2]string{k, remedy.MaterialLabel(k)})
	}
	return map[string]any{"Reasons": reasons, "Materials": mats}
}

func (s *server) applyForm(w http.ResponseWriter, r *http.Request) error {
	v := view{Title: "异议与修复", Data: applyData(), Form: map[string]string{
		"kind": r.URL.Query().Get("kind"), "target": r.URL.Query().Get("target"), "target_id": r.URL.Query().Get("id"), "subject": r.URL.Query().Get("subject")}}
	if httpx.PrincipalOf(r.Context()).CSRF == "" {
		v.CSRF = s.preCSRF(w, r)
	}
	s.render(w, r, 200, "apply", v)
	return nil
}

func formCSRF(r *http.Request) error {
	if p := httpx.PrincipalOf(r.Context()); p.CSRF != "" {
		if subtle.ConstantTimeCompare([]byte(p.CSRF), []byte(r.PostFormValue("csrf"))) != 1 {
			return errs.Forbidden("auth.csrf", "表单已失效（CSRF 校验失败），请刷新页面后重试")
		}
		return nil
	}
	return checkPreCSRF(r)
}

func (s *server) applySubmit(w http.ResponseWriter, r *http.Request) error {
	kind := remedy.Kind(r.PathValue("kind"))
	if kind != remedy.Objection && kind != remedy.Repair && kind != remedy.Report {
		return errs.NotFound("page.not_found", "页面不存在")
	}
	if err := r.ParseMultipartForm(16 << 20); err != nil && err != http.ErrNotMultipart {
		return errs.Invalid("apply.form", "表单或附件无法读取（附件合计不能超过 16 MB）")
	}
	if err := formCSRF(r); err != nil {
		return err
	}
	f := func(k string) string { return strings.TrimSpace(r.FormValue(k)) }
	id, _ := strconv.ParseInt(f("target_id"), 10, 64)
	in := api.CaseInput{Target: f("target"), TargetID: id, Subject: f("subject"), Reason: f("reason"), Body: f("body"),
		Name: f("applicant_name"), Contact: f("applicant_contact"), Email: f("applicant_email"), Anonymous: f("anonymous") == "1"}
	if kind == remedy.Report {
		in.Target, in.TargetID = "", 0
	}
	if r.MultipartForm != nil {
		for i := 1; i <= 4; i++ {
			fhs := r.MultipartForm.File["file"+strconv.Itoa(i)]
			if len(fhs) == 0 || fhs[0].Size == 0 {
				continue
			}
			fh, err := fhs[0].Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(io.LimitReader(fh, remedy.MaxAttachmentBytes+1))
			fh.Close()
			if err != nil {
				return err
			}
			in.Attachments = append(in.Attachments, remedy.Attachment{Kind: f("kind" + strconv.Itoa(i)), Name: fhs[0].Filename, Data: data})
		}
	}
	c, code, err := api.NewPortal(s.API).Submit(r, kind, in)
	if fe := formError(err); fe != nil {
		form := map[string]string{"kind": string(kind), "target": in.Target, "target_id": f("target_id"), "subject": in.Subject, "reason": in.Reason,
			"body": in.Body, "applicant_name": in.Name, "applicant_contact": in.Contact, "applicant_email": in.Email}
		v := view{Title: "异议与修复", Data: applyData(), Form: form, Error: fe.msg, Fields: fe.fields}
		if httpx.PrincipalOf(r.Context()).CSRF == "" {
			v.CSRF = s.preCSRF(w, r)
		}
		s.render(w, r, 400, "apply", v)
		return nil
	} else if err != nil {
		return err
	}
	s.render(w, r, 201, "apply_done", view{Title: "提交成功", Data: map[string]any{"Case": c, "Code": code, "Missing": labels(c.Missing)}})
	return nil
}

func (s *server) applyProgress(w http.ResponseWriter, r *http.Request) error {
	v := view{Title: "进度查询"}
	if r.Method == http.MethodPost {
		code := strings.TrimSpace(r.PostFormValue("code"))
		v.Form = map[string]string{"code": code}
		c, err := api.NewPortal(s.API).Progress(r, code)
		switch {
		case err == nil:
			v.Data = map[string]any{"Case": c, "Missing": labels(c.Missing)}
		case errs.Is(err, errs.KindNotFound) || errs.Is(err, errs.KindInvalid):
			v.Error = errs.As(err).Message
		default:
			return err
		}
	}
	s.render(w, r, 200, "apply_progress", v)
	return nil
}

func (s *server) applyTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename=\"commitment.txt\"; filename*=UTF-8''%E4%BF%A1%E7%94%A8%E4%BF%AE%E5%A4%8D%E6%89%BF%E8%AF%BA%E4%B9%A6.txt")
	io.WriteString(w, remedy.CommitmentTemplate)
	return nil
}

func labels(kinds []string) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = remedy.MaterialLabel(k)
	}
	return out
}
