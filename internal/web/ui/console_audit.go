package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"xinyong/internal/audit"
	"xinyong/internal/auth"
	"xinyong/internal/errs"
)

const auditPageSize = 50

type auditPage struct {
	Items  []audit.Entry
	Next   int64
	Newer  bool
	Verify *auditVerdict
}

type auditVerdict struct {
	OK       bool
	Checked  int64
	BrokenAt int64
	Reason   string
}

func (s *server) auditLog(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	return s.renderAudit(w, r, nil)
}

func (s *server) renderAudit(w http.ResponseWriter, r *http.Request, verdict *auditVerdict) error {
	q := r.URL.Query()
	form := map[string]string{"subject": strings.ToUpper(strings.TrimSpace(q.Get("subject"))), "action": strings.TrimSpace(q.Get("action"))}
	v := view{Title: "审计日志", Console: true, Form: form, Fields: map[string]string{}}
	before, err := strconv.ParseInt(q.Get("before"), 10, 64)
	if q.Get("before") != "" && (err != nil || before < 0) {
		before = 0
	}
	var subjectID int64
	if form["subject"] != "" {
		sub, err := s.API.Store.SubjectByCode(r.Context(), form["subject"])
		if errs.Is(err, errs.KindNotFound) {
			v.Fields["subject"] = "未找到该主体代码"
		} else if err != nil {
			return err
		} else {
			subjectID = sub.ID
		}
	}
	if len([]rune(form["action"])) > 64 {
		v.Fields["action"] = "操作类型不能超过 64 个字符"
	}
	page := auditPage{Verify: verdict, Newer: before > 0}
	status := 200
	if len(v.Fields) == 0 {
		page.Items, err = s.API.Store.AuditEntries(r.Context(), subjectID, form["action"], before, auditPageSize)
		if err != nil {
			return err
		}
		if n := len(page.Items); n == auditPageSize {
			page.Next = page.Items[n-1].Seq
		}
	} else {
		v.Error, status = "筛选条件有误", http.StatusBadRequest
	}
	v.Data = page
	s.render(w, r, status, "console_audit", v)
	return nil
}

func (s *server) auditVerify(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	n, err := s.API.Store.VerifyAudit(r.Context())
	verdict := &auditVerdict{OK: err == nil, Checked: n}
	var b *audit.Break
	if errors.As(err, &b) {
		verdict.BrokenAt, verdict.Reason = b.Seq, b.Reason
	} else if err != nil {
		return err
	}
	return s.renderAudit(w, r, verdict)
}
