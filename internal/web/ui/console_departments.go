package ui

import (
	"net/http"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

// departmentForm reads and validates the department form; fields maps a
// form field to the reason it was refused.
func departmentForm(r *http.Request, code string) (store.Department, map[string]string, map[string]string) {
	form := map[string]string{
		"code": strings.TrimSpace(code), "name": strings.TrimSpace(r.PostFormValue("name")),
		"uscc": strings.ToUpper(strings.TrimSpace(r.PostFormValue("uscc"))), "region": strings.TrimSpace(r.PostFormValue("region")),
	}
	if r.PostFormValue("review_required") != "" {
		form["review_required"] = "on"
	}
	fields := map[string]string{}
	if !validDeptCode(form["code"]) {
		fields["code"] = "部门代码只能由小写字母、数字和下划线组成（2–32 位）"
	}
	switch n := len([]rune(form["name"])); {
	case n == 0:
		fields["name"] = "部门名称不能为空"
	case n > 100:
		fields["name"] = "部门名称不能超过 100 个字符"
	}
	if form["uscc"] != "" {
		if v := subject.ValidateUSCC(form["uscc"]); !v.OK {
			fields["uscc"] = v.Reason
		} else {
			form["uscc"] = v.Normalized
		}
	}
	if form["region"] != "" {
		if _, ok := subject.LookupRegion(form["region"]); !ok {
			fields["region"] = "未知的行政区划代码（6 位数字，如 350100）"
		}
	}
	d := store.Department{Code: form["code"], Name: form["name"], USCC: form["uscc"], Region: form["region"], ReviewRequired: form["review_required"] != ""}
	return d, form, fields
}

func validDeptCode(s string) bool {
	if len(s) < 2 || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func (s *server) departmentList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	return s.renderDepartments(w, r, 200, view{Flash: flashOf(r)})
}

func (s *server) renderDepartments(w http.ResponseWriter, r *http.Request, status int, v view) error {
	ds, err := s.API.Store.Departments(r.Context())
	if err != nil {
		return err
	}
	v.Title, v.Console, v.Data = "部门管理", true, ds
	s.render(w, r, status, "console_departments", v)
	return nil
}

func (s *server) departmentCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator)
	if err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	d, form, fields := departmentForm(r, r.PostFormValue("code"))
	if len(fields) == 0 {
		if _, err := s.API.Store.Department(r.Context(), d.Code); err == nil {
			fields["code"] = "部门代码 " + d.Code + " 已存在，如需修改请使用“编辑”"
		} else if !errs.Is(err, errs.KindNotFound) {
			return err
		}
	}
	if len(fields) > 0 {
		return s.renderDepartments(w, r, http.StatusBadRequest, view{Error: "新增部门失败，请按提示修改", Form: form, Fields: fields})
	}
	if err := s.API.Store.UpsertDepartment(r.Context(), d, p.Actor()); err != nil {
		if fe := formError(err); fe != nil {
			return s.renderDepartments(w, r, http.StatusBadRequest, view{Error: fe.msg, Form: form, Fields: fe.fields})
		}
		return err
	}
	http.Redirect(w, r, "/console/departments?done=created", http.StatusSeeOther)
	return nil
}

func (s *server) departmentEdit(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	d, err := s.API.Store.Department(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	form := map[string]string{"code": d.Code, "name": d.Name, "uscc": d.USCC, "region": d.Region}
	if d.ReviewRequired {
		form["review_required"] = "on"
	}
	s.render(w, r, 200, "console_department_edit", view{Title: "编辑部门", Console: true, Form: form})
	return nil
}

func (s *server) departmentUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator)
	if err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	if _, err := s.API.Store.Department(r.Context(), r.PathValue("code")); err != nil {
		return err
	}
	d, form, fields := departmentForm(r, r.PathValue("code"))
	if len(fields) == 0 {
		err := s.API.Store.UpsertDepartment(r.Context(), d, p.Actor())
		if fe := formError(err); fe != nil {
			fields = fe.fields
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		s.render(w, r, http.StatusBadRequest, "console_department_edit", view{Title: "编辑部门", Console: true, Error: "保存失败，请按提示修改", Form: form, Fields: fields})
		return nil
	}
	http.Redirect(w, r, "/console/departments?done=updated", http.StatusSeeOther)
	return nil
}

// flashOf turns the ?done= marker of a redirect after a change into a message.
func flashOf(r *http.Request) string {
	return map[string]string{
		"created": "已新增。", "updated": "已保存。", "revoked": "令牌已吊销，使用它的请求将立即被拒绝。",
	}[r.URL.Query().Get("done")]
}
