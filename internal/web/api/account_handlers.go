package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/web/httpx"
)

func (h *handlers) listDepartments(w http.ResponseWriter, r *http.Request) error {
	ds, err := h.Store.Departments(r.Context())
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []store.Department{}
	}
	httpx.JSON(w, 200, map[string]any{"items": ds})
	return nil
}

func (h *handlers) upsertDepartment(w http.ResponseWriter, r *http.Request) error {
	var d store.Department
	if err := httpx.Decode(r, &d); err != nil {
		return err
	}
	d.Code, d.Name = strings.TrimSpace(d.Code), strings.TrimSpace(d.Name)
	if !validCode(d.Code) {
		return errs.Field("code", "部门代码只能由小写字母、数字和下划线组成（2–32 位）")
	}
	if d.Name == "" {
		return errs.Field("name", "部门名称不能为空")
	}
	if err := h.Store.UpsertDepartment(r.Context(), d, httpx.PrincipalOf(r.Context()).Actor()); err != nil {
		return err
	}
	out, err := h.Store.Department(r.Context(), d.Code)
	if err != nil {
		return err
	}
	httpx.JSON(w, 200, out)
	return nil
}

func validCode(s string) bool {
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

func (h *handlers) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := h.Store.Users(r.Context(), r.URL.Query().Get("dept"))
	if err != nil {
		return err
	}
	if us == nil {
		us = []store.User{}
	}
	httpx.JSON(w, 200, map[string]any{"items": us})
	return nil
}

// UserInput is what POST /users accepts.
type UserInput struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	Role        string `json:"role"`
	Dept        string `json:"dept"`
	Subject     string `json:"subject"`
	CanUnmask   bool   `json:"can_unmask"`
}

func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) error {
	var in UserInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	u, err := CreateUser(r, h.Store, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, u)
	return nil
}

// CreateUser validates input and creates the user (shared with the CLI).
func CreateUser(r *http.Request, st *store.Store, in UserInput) (store.User, error) {
	in.Username = strings.TrimSpace(in.Username)
	if len(in.Username) < 3 || len(in.Username) > 64 || strings.ContainsAny(in.Username, " \t/") {
		return store.User{}, errs.Field("username", "用户名应为 3–64 个字符，且不含空格")
	}
	role, err := auth.ParseRole(in.Role)
	if err != nil {
		return store.User{}, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return store.User{}, err
	}
	u := store.User{Username: in.Username, DisplayName: strings.TrimSpace(in.DisplayName), Role: role, Dept: in.Dept, CanUnmask: in.CanUnmask}
	if in.Dept != "" {
		if _, err := st.Department(r.Context(), in.Dept); err != nil {
			return u, errs.Field("dept", "未知部门："+in.Dept)
		}
	}
	if role == auth.RoleSubject {
		sub, err := st.SubjectByCode(r.Context(), in.Subject)
		if err != nil {
			return u, errs.Field("subject", "信用主体账号须关联一个已登记的主体")
		}
		u.SubjectID = sub.ID
	}
	return st.CreateUser(r.Context(), u, hash, httpx.PrincipalOf(r.Context()).Actor())
}

func (h *handlers) listTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := h.Store.Tokens(r.Context(), r.URL.Query().Get("dept"))
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []store.Token{}
	}
	httpx.JSON(w, 200, map[string]any{"items": ts})
	return nil
}

// TokenInput is what POST /tokens accepts.
type TokenInput struct {
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Dept      string    `json:"dept"`
	CanUnmask bool      `json:"can_unmask"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (h *handlers) createToken(w http.ResponseWriter, r *http.Request) error {
	var in TokenInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	role, err := auth.ParseRole(in.Role)
	if err != nil {
		return err
	}
	t, secret, err := h.Store.CreateToken(r.Context(), store.Token{Name: strings.TrimSpace(in.Name), Role: role, Dept: in.Dept, CanUnmask: in.CanUnmask, ExpiresAt: in.ExpiresAt}, "", httpx.PrincipalOf(r.Context()).Actor())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.JSON(w, http.StatusCreated, map[string]any{"token": secret, "info": t, "notice": "令牌只显示这一次，请立即妥善保存"})
	return nil
}

func (h *handlers) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errs.Field("id", "令牌编号无效")
	}
	if err := h.Store.RevokeToken(r.Context(), id, httpx.PrincipalOf(r.Context()).Actor()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
