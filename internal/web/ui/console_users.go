package ui

import (
	"net/http"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/web/api"
)

// accountRoles are the roles a console account or token may have.
var accountRoles = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer, auth.RoleSystem, auth.RoleSubject}

type accountPage struct {
	Items any
	Roles []auth.Role
	Depts any
}

func (s *server) userList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	return s.renderUsers(w, r, 200, view{Flash: flashOf(r), Form: map[string]string{"role": string(auth.RoleClerk)}})
}

func (s *server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v view) error {
	us, err := s.API.Store.Users(r.Context(), "")
	if err != nil {
		return err
	}
	ds, err := s.API.Store.Departments(r.Context())
	if err != nil {
		return err
	}
	v.Title, v.Console, v.Data = "用户管理", true, accountPage{Items: us, Roles: accountRoles, Depts: ds}
	s.render(w, r, status, "console_users", v)
	return nil
}

func (s *server) userCreate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	in := api.UserInput{
		Username: strings.TrimSpace(r.PostFormValue("username")), DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		Password: r.PostFormValue("password"), Role: r.PostFormValue("role"), Dept: r.PostFormValue("dept"),
		Subject: strings.ToUpper(strings.TrimSpace(r.PostFormValue("subject"))), CanUnmask: r.PostFormValue("can_unmask") != "",
	}
	form := map[string]string{"username": in.Username, "display_name": in.DisplayName, "role": in.Role, "dept": in.Dept, "subject": in.Subject}
	if in.CanUnmask {
		form["can_unmask"] = "on"
	}
	fields := map[string]string{}
	if in.DisplayName == "" {
		fields["display_name"] = "请填写姓名或显示名称"
	} else if len([]rune(in.DisplayName)) > 50 {
		fields["display_name"] = "显示名称不能超过 50 个字符"
	}
	if len(fields) == 0 {
		_, err := api.CreateUser(r, s.API.Store, in)
		if fe := formError(err); fe != nil {
			fields = fe.fields
			if len(fields) == 0 {
				fields["username"] = fe.msg
			}
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		return s.renderUsers(w, r, http.StatusBadRequest, view{Error: "新增用户失败，请按提示修改", Form: form, Fields: fields})
	}
	http.Redirect(w, r, "/console/users?done=created", http.StatusSeeOther)
	return nil
}
