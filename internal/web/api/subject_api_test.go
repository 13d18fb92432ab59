package api_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"

	"xinyong/internal/auth"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

func uscc(seed uint64) string {
	return subject.GenerateUSCC(rand.New(rand.NewPCG(seed, seed)), "350102", '9', '1')
}

func counts(t *testing.T, s *store.Store) (subjects, audits int) {
	t.Helper()
	ctx := context.Background()
	s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM subjects").Scan(&subjects)
	s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&audits)
	return
}

func TestSubjectAPIBadInput(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		good := uscc(7)
		wrongCheck := good[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", good[17])+1)%31])
		big := `{"type":"legal","name":"` + strings.Repeat("字", 3<<20) + `"}`
		cases := []struct {
			name   string
			role   auth.Role
			body   string
			status int
			code   string
			field  string
		}{
			{"no token", auth.RolePublic, `{"type":"legal","code":"` + good + `","name":"甲公司"}`, 401, "auth.required", ""},
			{"malformed code", auth.RoleClerk, `{"type":"legal","code":"91350100M000100Y4Z","name":"甲公司"}`, 400, "subject.invalid", "code"},
			{"wrong check char at a form", auth.RoleClerk, `{"type":"legal","code":"` + wrongCheck + `","name":"甲公司"}`, 400, "subject.invalid", "code"},
			{"bad id card date", auth.RoleClerk, `{"type":"natural","id_number":"110105194902300020","name":"某人"}`, 400, "subject.invalid", "id_number"},
			{"unknown field", auth.RoleClerk, `{"type":"legal","code":"` + good + `","name":"甲公司","extra":1}`, 400, "request.unknown_field", "extra"},
			{"invalid json", auth.RoleClerk, `{"type":"legal",`, 400, "request.json", ""},
			{"wrong type", auth.RoleClerk, `{"type":"legal","code":12,"name":"甲"}`, 400, "request.json", "code"},
			{"empty name", auth.RoleClerk, `{"type":"legal","code":"` + good + `","name":"  "}`, 400, "subject.invalid", "name"},
			{"unknown type", auth.RoleClerk, `{"type":"company","code":"` + good + `","name":"甲公司"}`, 400, "subject.invalid", "type"},
			{"oversized body", auth.RoleClerk, big, 413, "request.too_large", ""},
		}
		before, beforeAudit := counts(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := srv.Do(t, c.role, "POST", "/api/v1/subjects", c.body)
				if res.Status != c.status {
					t.Fatalf("status %d, want %d: %s", res.Status, c.status, res.Body)
				}
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
					t.Fatalf("content type %q", ct)
				}
				code, fields := res.Problem(t)
				if code != c.code || (c.field != "" && !slices.Contains(fields, c.field)) {
					t.Fatalf("problem %s %v, want %s %s", code, fields, c.code, c.field)
				}
			})
		}
		after, afterAudit := counts(t, s)
		if after != before || afterAudit != beforeAudit {
			t.Fatalf("a refused request wrote something: subjects %d→%d audit %d→%d", before, after, beforeAudit, afterAudit)
		}
		// A wrong token is refused even on public routes.
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/departments", nil)
		req.Header.Set("Authorization", "Bearer xy_nope")
		if res := srv.Send(t, req); res.Status != 401 {
			t.Fatalf("wrong token: %d", res.Status)
		}
	})
}

func TestSubjectAPIFlow(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		code := uscc(11)
		org := subject.OrgCodeOfUSCC(code)
		res := srv.Do(t, auth.RoleClerk, "POST", "/api/v1/subjects", map[string]any{
			"type": "legal", "code": strings.ToLower(code), "name": "福州华为电子（福州）有限公司", "legal_rep": "王五",
			"legacy_ids": []map[string]string{{"kind": "org_code", "value": org}},
		})
		if res.Status != 201 || res.Header.Get("Location") != "/api/v1/subjects/"+code {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		// Two-character search, brackets folded, cursor pagination envelope.
		var page struct {
			Items []struct{ Code, Name, Type string }
			Next  *int64
		}
		srv.Do(t, auth.RolePublic, "GET", "/api/v1/subjects?q=%E5%8D%8E%E4%B8%BA&limit=1", nil).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].Code != code || page.Items[0].Type != "legal" || page.Next == nil {
			t.Fatalf("search: %+v", page)
		}
		// By legacy code.
		var sub struct {
			Code      string
			LegacyIDs []struct{ Kind, Value string } `json:"legacy_ids"`
		}
		srv.Do(t, auth.RolePublic, "GET", "/api/v1/subjects/"+org, nil).JSON(t, &sub)
		if sub.Code != code {
			t.Fatalf("legacy lookup: %+v", sub)
		}
		// Persons: public sees the masked number; ID lookup needs the right.
		res = srv.Do(t, auth.RoleClerk, "POST", "/api/v1/subjects", map[string]any{"type": "natural", "id_number": "440524188001010014", "name": "赵六"})
		if res.Status != 201 {
			t.Fatalf("person: %d %s", res.Status, res.Body)
		}
		var person struct {
			Code     string
			IDNumber string `json:"id_number"`
		}
		res.JSON(t, &person)
		if person.IDNumber != "4405**********0014" || strings.Contains(string(res.Body), "440524188001010014") {
			t.Fatalf("person not masked: %s", res.Body)
		}
		var byCode struct{ Name string }
		srv.Do(t, auth.RolePublic, "GET", "/api/v1/subjects/"+person.Code, nil).JSON(t, &byCode)
		if byCode.Name != "赵六" {
			t.Fatalf("person by public code: %+v", byCode)
		}
		if res := srv.Do(t, auth.RolePublic, "GET", "/api/v1/subjects/440524188001010014", nil); res.Status != 403 {
			t.Fatalf("public ID lookup: %d", res.Status)
		}
		if res := srv.Do(t, auth.RoleOperator, "GET", "/api/v1/subjects/440524188001010014", nil); res.Status != 200 {
			t.Fatalf("operator ID lookup: %d %s", res.Status, res.Body)
		}
		if res := srv.Do(t, auth.RoleClerk, "GET", "/api/v1/subjects/"+person.Code+"/identity?reason=test", nil); res.Status != 403 {
			t.Fatalf("clerk without right: %d", res.Status)
		}
		if res := srv.Do(t, auth.RoleOperator, "GET", "/api/v1/subjects/"+person.Code+"/identity", nil); res.Status != 400 {
			t.Fatalf("operator without reason: %d", res.Status)
		}
		res = srv.Do(t, auth.RoleOperator, "GET", "/api/v1/subjects/"+person.Code+"/identity?reason=%E6%A0%B8%E6%9F%A5", nil)
		if res.Status != 200 || !strings.Contains(string(res.Body), "440524188001010014") {
			t.Fatalf("operator reveal: %d %s", res.Status, res.Body)
		}
		if res := srv.Do(t, auth.RoleSubject, "GET", "/api/v1/subjects/"+srv.SubjectCode+"/identity", nil); res.Status != 200 || !strings.Contains(string(res.Body), "11010519491231002X") {
			t.Fatalf("self reveal: %d %s", res.Status, res.Body)
		}
		var audits struct {
			Items []struct{ Action, Detail string }
		}
		srv.Do(t, auth.RoleOperator, "GET", "/api/v1/audit?action=subject.read_identity", nil).JSON(t, &audits)
		if len(audits.Items) != 2 || audits.Items[1].Detail != "核查" {
			t.Fatalf("identity reads not audited: %+v", audits)
		}
		// Rename with optimistic version; relation; verify chain by API.
		res = srv.Do(t, auth.RoleClerk, "PATCH", "/api/v1/subjects/"+code, map[string]any{"name": "福州新华为有限公司", "version": 1})
		if res.Status != 200 {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		if res := srv.Do(t, auth.RoleClerk, "PATCH", "/api/v1/subjects/"+code, map[string]any{"name": "x", "version": 1}); res.Status != 409 {
			t.Fatalf("stale patch: %d", res.Status)
		}
		if res := srv.Do(t, auth.RoleClerk, "POST", "/api/v1/subjects/"+code+"/relations", map[string]any{"person_code": person.Code, "role": "法定代表人", "start": "2020-01-01"}); res.Status != 201 {
			t.Fatalf("relation: %d %s", res.Status, res.Body)
		}
		if res := srv.Do(t, auth.RoleClerk, "POST", "/api/v1/subjects/"+code+"/relations", map[string]any{"person_code": person.Code, "role": "boss"}); res.Status != 400 {
			t.Fatalf("bad role: %d", res.Status)
		}
		var v struct {
			OK      bool
			Checked int
		}
		srv.Do(t, auth.RoleOperator, "GET", "/api/v1/audit/verify", nil).JSON(t, &v)
		if !v.OK || v.Checked < 8 {
			t.Fatalf("verify: %+v", v)
		}
		var feed struct {
			Items []struct {
				Seq  int64
				Kind string
			}
			Next int64
		}
		srv.Do(t, auth.RoleSystem, "GET", "/api/v1/changes?after=0&limit=2", nil).JSON(t, &feed)
		if len(feed.Items) != 2 || feed.Next != feed.Items[1].Seq {
			t.Fatalf("feed: %+v", feed)
		}
	})
}

func TestTokens(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		res := srv.Do(t, auth.RoleOperator, "POST", "/api/v1/tokens", map[string]any{"name": "审批系统", "role": "system", "dept": "samr"})
		if res.Status != 201 {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var created struct {
			Token string
			Info  struct{ ID int64 }
		}
		res.JSON(t, &created)
		var stored int
		s.DB().QueryRow(s.D.Rebind("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ? OR prefix = ?"), created.Token, created.Token).Scan(&stored)
		if stored != 0 || !strings.HasPrefix(created.Token, "xy_") {
			t.Fatal("token stored in clear")
		}
		call := func() int {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+created.Token)
			return srv.Send(t, req).Status
		}
		if call() != 200 {
			t.Fatal("new token refused")
		}
		if res := srv.Do(t, auth.RoleOperator, "DELETE", "/api/v1/tokens/"+itoa(created.Info.ID), nil); res.Status != 204 {
			t.Fatalf("revoke: %d", res.Status)
		}
		if call() != 401 {
			t.Fatal("revoked token accepted")
		}
		for _, bad := range []map[string]any{
			{"name": "x", "role": "system"},                                         // system needs a department
			{"name": "x", "role": "clerk", "dept": "nope"},                          // unknown department
			{"name": "", "role": "operator"},                                        // no name
			{"name": "x", "role": "king"},                                           // unknown role
			{"name": "x", "role": "operator", "expires_at": "2001-01-01T00:00:00Z"}, // past expiry
		} {
			if res := srv.Do(t, auth.RoleOperator, "POST", "/api/v1/tokens", bad); res.Status != 400 {
				t.Errorf("%v: %d %s", bad, res.Status, res.Body)
			}
		}
	})
}
