package ui_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestConsoleAccess(t *testing.T) {
	f := newFixture(t)
	admin, _ := f.session(t, f.user(t, "admin"))
	clerk, _ := f.session(t, f.user(t, "samr"))
	for _, path := range []string{"/console/departments", "/console/departments/samr/edit", "/console/users", "/console/tokens", "/console/audit"} {
		tests := []struct {
			name   string
			c      *http.Client
			status int
		}{{"public", public, 303}, {"clerk", clerk, 403}, {"operator", admin, 200}}
		for _, tc := range tests {
			if status, _, _ := do(t, tc.c, "GET", f.srv.URL+path, nil, ""); status != tc.status {
				t.Errorf("%s GET %s: %d, want %d", tc.name, path, status, tc.status)
			}
		}
	}
}

func TestConsoleForms(t *testing.T) {
	f := newFixture(t)
	admin, csrf := f.session(t, f.user(t, "admin"))
	clerk, clerkCSRF := f.session(t, f.user(t, "samr"))
	const ct = "application/x-www-form-urlencoded"
	tests := []struct {
		name     string
		c        *http.Client
		path     string
		form     map[string]string
		status   int
		location string
		want     []string
	}{
		{name: "missing csrf", c: admin, path: "/console/departments", form: map[string]string{"code": "newdept", "name": "新部门"}, status: 403, want: []string{"CSRF"}},
		{name: "forged csrf", c: admin, path: "/console/tokens", form: map[string]string{"csrf": "forged", "name": "x", "role": "system", "dept": "samr"}, status: 403},
		{name: "clerk refused", c: clerk, path: "/console/departments", form: map[string]string{"csrf": clerkCSRF, "code": "newdept", "name": "新部门"}, status: 403},
		{name: "bad department keeps input", c: admin, path: "/console/departments", form: map[string]string{"csrf": csrf, "code": "Bad Code", "name": "保留的名称", "region": "999999"}, status: 400,
			want: []string{"部门代码只能由小写字母", "未知的行政区划代码", `value="保留的名称"`, `value="Bad Code"`}},
		{name: "duplicate department", c: admin, path: "/console/departments", form: map[string]string{"csrf": csrf, "code": "samr", "name": "重复"}, status: 400, want: []string{"已存在"}},
		{name: "create department", c: admin, path: "/console/departments", form: map[string]string{"csrf": csrf, "code": "newdept", "name": "市新设局", "region": "350100", "review_required": "on"}, status: 303, location: "/console/departments?done=created"},
		{name: "edit department", c: admin, path: "/console/departments/newdept", form: map[string]string{"csrf": csrf, "name": "市新设局（改）", "region": "350102", "review_required": "on"}, status: 303},
		{name: "edit department bad", c: admin, path: "/console/departments/newdept", form: map[string]string{"csrf": csrf, "name": "", "uscc": "123"}, status: 400, want: []string{"部门名称不能为空", `name="uscc" value="123"`}},
		{name: "user short password", c: admin, path: "/console/users", form: map[string]string{"csrf": csrf, "username": "newclerk", "display_name": "新经办人", "password": "short", "role": "clerk", "dept": "samr"}, status: 400,
			want: []string{"密码至少 10 个字符", `value="newclerk"`}},
		{name: "user clerk without dept", c: admin, path: "/console/users", form: map[string]string{"csrf": csrf, "username": "newclerk", "display_name": "新经办人", "password": "long-enough-pw", "role": "clerk"}, status: 400, want: []string{"必须属于一个部门"}},
		{name: "user duplicate", c: admin, path: "/console/users", form: map[string]string{"csrf": csrf, "username": "samr", "display_name": "重复", "password": "long-enough-pw", "role": "clerk", "dept": "samr"}, status: 400, want: []string{"用户名已存在"}},
		{name: "create user", c: admin, path: "/console/users", form: map[string]string{"csrf": csrf, "username": "newclerk", "display_name": "新经办人", "password": "long-enough-pw", "role": "clerk", "dept": "samr"}, status: 303},
		{name: "token without dept", c: admin, path: "/console/tokens", form: map[string]string{"csrf": csrf, "name": "审批系统", "role": "system"}, status: 400, want: []string{"必须属于一个部门", `value="审批系统"`}},
		{name: "token bad date", c: admin, path: "/console/tokens", form: map[string]string{"csrf": csrf, "name": "审批系统", "role": "system", "dept": "samr", "expires": "2020-13-01"}, status: 400, want: []string{"日期格式应为"}},
		{name: "token expired date", c: admin, path: "/console/tokens", form: map[string]string{"csrf": csrf, "name": "审批系统", "role": "system", "dept": "samr", "expires": "2020-01-01"}, status: 400, want: []string{"过期时间必须晚于现在"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := do(t, tc.c, "POST", f.srv.URL+tc.path, form(tc.form), ct)
			if status != tc.status {
				t.Fatalf("status %d, want %d\n%.600s", status, tc.status, body)
			}
			if tc.location != "" && h.Get("Location") != tc.location {
				t.Errorf("Location %q", h.Get("Location"))
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
		})
	}
	d, err := f.st.Department(context.Background(), "newdept")
	if err != nil || d.Name != "市新设局（改）" || !d.ReviewRequired || d.Region != "350102" {
		t.Errorf("department after edit: %+v %v", d, err)
	}
	if _, _, body := do(t, admin, "GET", f.srv.URL+"/console/users", nil, ""); !strings.Contains(body, "新经办人") {
		t.Errorf("user list lacks the new user")
	}
}

func TestConsoleTokenLifecycle(t *testing.T) {
	f := newFixture(t)
	admin, csrf := f.session(t, f.user(t, "admin"))
	status, h, body := do(t, admin, "POST", f.srv.URL+"/console/tokens", form(map[string]string{"csrf": csrf, "name": "审批系统", "role": "system", "dept": "samr"}), "application/x-www-form-urlencoded")
	if status != 201 || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("create token: %d %q", status, h.Get("Cache-Control"))
	}
	m := regexp.MustCompile(`id="token-secret">([^<]+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("secret not shown: %.500s", body)
	}
	bearer := &http.Client{Transport: bearerTransport(m[1])}
	if status, _, body := do(t, bearer, "GET", f.srv.URL+"/api/v1/me", nil, ""); status != 200 || !strings.Contains(body, `"system"`) {
		t.Fatalf("token does not work: %d %s", status, body)
	}
	// the list never shows the secret again
	if _, _, list := do(t, admin, "GET", f.srv.URL+"/console/tokens", nil, ""); strings.Contains(list, m[1]) || !strings.Contains(list, "审批系统") {
		t.Errorf("token list shows the secret or lacks the token")
	}
	ts, _ := f.st.Tokens(context.Background(), "")
	id := ts[len(ts)-1].ID
	if status, _, _ := do(t, admin, "POST", f.srv.URL+"/console/tokens/"+itoa(id)+"/revoke", form(map[string]string{"csrf": csrf}), "application/x-www-form-urlencoded"); status != 303 {
		t.Fatalf("revoke: %d", status)
	}
	if status, _, _ := do(t, bearer, "GET", f.srv.URL+"/api/v1/me", nil, ""); status != 401 {
		t.Errorf("revoked token still works: %d", status)
	}
}

func TestConsoleAudit(t *testing.T) {
	f := newFixture(t)
	admin, csrf := f.session(t, f.user(t, "admin"))
	do(t, public, "GET", f.srv.URL+"/api/v1/subjects/"+f.org.Code+"/report.pdf", nil, "")
	tests := []struct {
		path   string
		status int
		want   []string
		not    []string
	}{
		{"/console/audit", 200, []string{"session.login", "report.issue", "department.upsert"}, nil},
		{"/console/audit?subject=" + f.org.Code, 200, []string{"report.issue"}, []string{"department.upsert"}},
		{"/console/audit?action=department.", 200, []string{"department.upsert"}, []string{"report.issue"}},
		{"/console/audit?subject=91350100MA00000000", 400, []string{"未找到该主体代码"}, nil},
	}
	for _, tc := range tests {
		status, _, body := do(t, admin, "GET", f.srv.URL+tc.path, nil, "")
		if status != tc.status {
			t.Errorf("GET %s: %d", tc.path, status)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q", tc.path, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("GET %s contains %q", tc.path, n)
			}
		}
	}
	status, _, body := do(t, admin, "POST", f.srv.URL+"/console/audit/verify", form(map[string]string{"csrf": csrf}), "application/x-www-form-urlencoded")
	if status != 200 || !strings.Contains(body, "审计链完整") {
		t.Errorf("verify chain: %d %.300s", status, body)
	}
	if _, err := f.st.DB().Exec(`UPDATE audit_log SET detail = 'tampered' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	if _, _, body := do(t, admin, "POST", f.srv.URL+"/console/audit/verify", form(map[string]string{"csrf": csrf}), "application/x-www-form-urlencoded"); !strings.Contains(body, "审计链校验未通过") {
		t.Errorf("tampering not shown: %.300s", body)
	}
}

type bearerTransport string

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
