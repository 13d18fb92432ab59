package ui_test

import (
	"context"
	"strings"
	"testing"
)

func TestConsoleSettings(t *testing.T) {
	f := newFixture(t)
	admin, csrf := f.session(t, f.user(t, "admin"))
	clerk, ccsrf := f.session(t, f.user(t, "samr"))
	pages := []string{"/console/settings/publicity-rules", "/console/settings/score-model", "/console/settings/list-type:court_dishonest_debtor", "/console/settings/environment-index"}
	for _, path := range pages {
		if status, _, _ := do(t, public, "GET", f.srv.URL+path, nil, ""); status != 303 {
			t.Errorf("public GET %s: %d", path, status)
		}
		if status, _, _ := do(t, clerk, "GET", f.srv.URL+path, nil, ""); status != 403 {
			t.Errorf("clerk GET %s: %d", path, status)
		}
		if status, _, _ := do(t, clerk, "POST", f.srv.URL+path, form(map[string]string{"csrf": ccsrf, "body": "{}"}), formCT); status != 403 {
			t.Errorf("clerk POST %s: %d", path, status)
		}
		if status, _, body := do(t, admin, "POST", f.srv.URL+path, form(map[string]string{"csrf": "forged", "body": "{}"}), formCT); status != 403 || !strings.Contains(body, "CSRF") {
			t.Errorf("forged CSRF %s: %d", path, status)
		}
		status, _, body := do(t, admin, "GET", f.srv.URL+path, nil, "")
		if status != 200 || !strings.Contains(body, "校验并保存") {
			t.Fatalf("GET %s: %d", path, status)
		}
	}
	for _, path := range []string{"/console/settings/nope", "/console/settings/list-type", "/console/settings/list-type:nope"} {
		if status, _, _ := do(t, admin, "GET", f.srv.URL+path, nil, ""); status != 404 {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}
	// Bad input: refused beside the field, input kept, nothing changed.
	ctx := context.Background()
	before, _ := f.st.PublicityRules(ctx)
	bad := `{"rules":[{"id":"x","source":"测试","effective_from":"2025-01-01","severity":"serious","min_months":24,"max_months":12}]}`
	status, _, body := do(t, admin, "POST", f.srv.URL+pages[0], form(map[string]string{"csrf": csrf, "body": bad}), formCT)
	if status != 400 || !strings.Contains(body, "未保存") || !strings.Contains(body, "min_months") {
		t.Fatalf("bad rules: %d", status)
	}
	if after, _ := f.st.PublicityRules(ctx); len(after) != len(before) {
		t.Fatal("refused rules changed the stored ones")
	}
	status, _, body = do(t, admin, "POST", f.srv.URL+pages[1], form(map[string]string{"csrf": csrf, "body": `{"version":1,"bands":[]}`}), formCT)
	if status != 400 || !strings.Contains(body, "未保存") {
		t.Fatalf("bad model: %d", status)
	}
	// A valid edit: the list type's criteria text changes and is stored.
	_, _, page := do(t, admin, "GET", f.srv.URL+pages[2], nil, "")
	i := strings.Index(page, "<textarea")
	j := strings.Index(page, "</textarea>")
	jsonBody := htmlUnescape(page[strings.Index(page[i:], ">")+i+1 : j])
	edited := strings.Replace(jsonBody, `"criteria": "`, `"criteria": "（已修订）`, 1)
	if edited == jsonBody {
		t.Fatalf("no criteria in %s", jsonBody)
	}
	status, hdr, _ := do(t, admin, "POST", f.srv.URL+pages[2], form(map[string]string{"csrf": csrf, "body": edited}), formCT)
	if status != 303 || !strings.Contains(hdr.Get("Location"), "done=saved") {
		t.Fatalf("save list type: %d", status)
	}
	types, _, _, _ := f.st.Rules(ctx)
	found := false
	for _, ty := range types {
		if ty.Code == "court_dishonest_debtor" && strings.HasPrefix(ty.Criteria, "（已修订）") {
			found = true
		}
	}
	if !found {
		t.Fatal("list type edit not stored")
	}
}

func TestConsoleSupervision(t *testing.T) {
	f := newFixture(t)
	admin, _ := f.session(t, f.user(t, "admin"))
	if status, _, _ := do(t, public, "GET", f.srv.URL+"/console/supervision", nil, ""); status != 303 {
		t.Errorf("public: %d", status)
	}
	status, _, body := do(t, admin, "GET", f.srv.URL+"/console/supervision?class=C", nil, "")
	if status != 200 || !strings.Contains(body, "分级分类监管") {
		t.Fatalf("page: %d", status)
	}
	status, _, body = do(t, admin, "GET", f.srv.URL+"/console/supervision?class=Z&grade=QQ", nil, "")
	if status != 400 || !strings.Contains(body, "监管类别应为") || !strings.Contains(body, "信用等级应为") {
		t.Fatalf("bad filters: %d", status)
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&lt;", "<", "&gt;", ">", "&#39;", "'", "&amp;", "&").Replace(s)
}
