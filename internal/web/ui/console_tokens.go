package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/store"
)

func (s *server) tokenList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	return s.renderTokens(w, r, 200, view{Flash: flashOf(r), Form: map[string]string{"role": string(auth.RoleSystem)}})
}

func (s *server) renderTokens(w http.ResponseWriter, r *http.Request, status int, v view) error {
	ts, err := s.API.Store.Tokens(r.Context(), "")
	if err != nil {
		return err
	}
	ds, err := s.API.Store.Departments(r.Context())
	if err != nil {
		return err
	}
	roles := []auth.Role{auth.RoleSystem, auth.RoleClerk, auth.RoleReviewer, auth.RoleOperator}
	v.Title, v.Console, v.Data = "API 令牌", true, accountPage{Items: ts, Roles: roles, Depts: ds}
	s.render(w, r, status, "console_tokens", v)
	return nil
}

func (s *server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator)
	if err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	form := map[string]string{"name": strings.TrimSpace(r.PostFormValue("name")), "role": r.PostFormValue("role"), "dept": r.PostFormValue("dept"), "expires": strings.TrimSpace(r.PostFormValue("expires"))}
	if r.PostFormValue("can_unmask") != "" {
		form["can_unmask"] = "on"
	}
	fields := map[string]string{}
	t := store.Token{Name: form["name"], Dept: form["dept"], CanUnmask: form["can_unmask"] != ""}
	if len([]rune(t.Name)) > 100 {
		fields["name"] = "名称不能超过 100 个字符"
	}
	if role, err := auth.ParseRole(form["role"]); err != nil {
		fields["role"] = "请选择角色"
	} else {
		t.Role = role
	}
	if form["expires"] != "" {
		d, err := time.ParseInLocation("2006-01-02", form["expires"], shanghai)
		if err != nil {
			fields["expires"] = "日期格式应为 YYYY-MM-DD"
		} else {
			t.ExpiresAt = d.Add(24*time.Hour - time.Second)
		}
	}
	var secret string
	if len(fields) == 0 {
		t, secret, err = s.API.Store.CreateToken(r.Context(), t, "", p.Actor())
		if fe := formError(err); fe != nil {
			fields = fe.fields
			if v, ok := fields["expires_at"]; ok {
				fields["expires"] = v
			}
			if len(fields) == 0 {
				fields["name"] = fe.msg
			}
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		return s.renderTokens(w, r, http.StatusBadRequest, view{Error: "签发令牌失败，请按提示修改", Form: form, Fields: fields})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusCreated, "console_token_created", view{Title: "令牌已签发", Console: true, Data: map[string]any{"Token": t, "Secret": secret}})
	return nil
}

func (s *server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator)
	if err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound(w, r)
	}
	if err := s.API.Store.RevokeToken(r.Context(), id, p.Actor()); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/tokens?done=revoked", http.StatusSeeOther)
	return nil
}
