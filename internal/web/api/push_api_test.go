package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"xinyong/internal/auth"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

func pushCounts(t *testing.T, s *store.Store) (subs, audits int) {
	t.Helper()
	ctx := context.Background()
	s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM subscriptions").Scan(&subs)
	s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&audits)
	return
}

// asToken sends a request with an explicit bearer token.
func asToken(t *testing.T, srv *xtest.Server, token, method, path, body string) xtest.Response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return srv.Send(t, req)
}

func TestPushAPIBadInput(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		ev := `"event_types":["entry.activated"]`
		cases := []struct {
			name   string
			role   auth.Role
			body   string
			status int
			code   string
			field  string
		}{
			{"ftp url", auth.RoleClerk, `{"url":"ftp://127.0.0.1/hook",` + ev + `}`, 400, "subscription.invalid", "url"},
			{"missing host", auth.RoleClerk, `{"url":"http:///hook",` + ev + `}`, 400, "subscription.invalid", "url"},
			{"not a url", auth.RoleClerk, `{"url":"接收地址",` + ev + `}`, 400, "subscription.invalid", "url"},
			{"relative url", auth.RoleClerk, `{"url":"/hook",` + ev + `}`, 400, "subscription.invalid", "url"},
			{"credentials in url", auth.RoleClerk, `{"url":"http://a:b@127.0.0.1/",` + ev + `}`, 400, "subscription.invalid", "url"},
			{"unknown event type", auth.RoleClerk, `{"url":"http://127.0.0.1/hook","event_types":["entry.deleted"]}`, 400, "subscription.invalid", "event_types"},
			{"no event type", auth.RoleClerk, `{"url":"http://127.0.0.1/hook","event_types":[]}`, 400, "subscription.invalid", "event_types"},
			{"bad list type", auth.RoleClerk, `{"url":"http://127.0.0.1/hook",` + ev + `,"list_types":["失信"]}`, 400, "subscription.invalid", "list_types"},
			{"secret without prefix", auth.RoleClerk, `{"url":"http://127.0.0.1/hook",` + ev + `,"secret":"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}`, 400, "subscription.invalid", "secret"},
			{"secret too short", auth.RoleClerk, `{"url":"http://127.0.0.1/hook",` + ev + `,"secret":"whsec_c2hvcnQ="}`, 400, "subscription.invalid", "secret"},
			{"unknown field", auth.RoleClerk, `{"url":"http://127.0.0.1/hook",` + ev + `,"events":1}`, 400, "request.unknown_field", "events"},
			{"operator without dept", auth.RoleOperator, `{"url":"http://127.0.0.1/hook",` + ev + `}`, 400, "subscription.invalid", "dept"},
			{"operator unknown dept", auth.RoleOperator, `{"dept":"nope","url":"http://127.0.0.1/hook",` + ev + `}`, 400, "subscription.dept", "dept"},
			{"clerk for another dept", auth.RoleClerk, `{"dept":"court","url":"http://127.0.0.1/hook",` + ev + `}`, 403, "subscription.other_dept", ""},
			{"reviewer", auth.RoleReviewer, `{"url":"http://127.0.0.1/hook",` + ev + `}`, 403, "auth.forbidden", ""},
		}
		before, beforeAudit := pushCounts(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := srv.Do(t, c.role, "POST", "/api/v1/subscriptions", c.body)
				if res.Status != c.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
					t.Fatalf("status %d %s, want %d problem: %s", res.Status, res.Header.Get("Content-Type"), c.status, res.Body)
				}
				code, fields := res.Problem(t)
				if code != c.code || (c.field != "" && !slices.Contains(fields, c.field)) {
					t.Fatalf("problem %s %v, want %s %s", code, fields, c.code, c.field)
				}
			})
		}
		if after, afterAudit := pushCounts(t, s); after != before || afterAudit != beforeAudit {
			t.Fatalf("a refused request wrote something: subscriptions %d→%d audit %d→%d", before, after, beforeAudit, afterAudit)
		}

		// Refused changes to an existing subscription leave it as it was.
		res := srv.Do(t, auth.RoleClerk, "POST", "/api/v1/subscriptions", `{"url":"http://127.0.0.1/hook",`+ev+`}`)
		if res.Status != 201 {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		_, beforeAudit = pushCounts(t, s)
		for _, c := range []struct{ method, path, body, field string }{
			{"PATCH", "/api/v1/subscriptions/1", `{"url":"ftp://127.0.0.1/"}`, "url"},
			{"PATCH", "/api/v1/subscriptions/1", `{"event_types":["x.y"]}`, "event_types"},
			{"PATCH", "/api/v1/subscriptions/abc", `{}`, "id"},
			{"POST", "/api/v1/subscriptions/1/redeliver", `{"seq":0}`, "seq"},
			{"POST", "/api/v1/subscriptions/1/redeliver", `{"seq":99}`, "seq"},
			{"POST", "/api/v1/subscriptions/1/replay", `{}`, "from_seq"},
			{"POST", "/api/v1/subscriptions/1/replay", `{"from_seq":5}`, "from_seq"},
			{"GET", "/api/v1/subscriptions/1/deliveries?limit=0", ``, "limit"},
		} {
			res := srv.Do(t, auth.RoleClerk, c.method, c.path, c.body)
			_, fields := res.Problem(t)
			if res.Status != 400 || !slices.Contains(fields, c.field) {
				t.Fatalf("%s %s %s: %d %s, want 400 naming %s", c.method, c.path, c.body, res.Status, res.Body, c.field)
			}
		}
		var sub struct{ URL string }
		srv.Do(t, auth.RoleClerk, "GET", "/api/v1/subscriptions/1", nil).JSON(t, &sub)
		if _, afterAudit := pushCounts(t, s); sub.URL != "http://127.0.0.1/hook" || afterAudit != beforeAudit {
			t.Fatalf("refused change wrote something: url %s audit %d→%d", sub.URL, beforeAudit, afterAudit)
		}
	})
}

func TestPushAPIFlowAndDepartments(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		var created struct {
			Subscription struct {
				ID     int64  `json:"id"`
				Dept   string `json:"dept"`
				Cursor int64  `json:"cursor"`
			} `json:"subscription"`
			Secret string `json:"secret"`
		}
		res := srv.Do(t, auth.RoleClerk, "POST", "/api/v1/subscriptions", `{"url":"https://127.0.0.1/hook","event_types":["entry.exited","entry.activated"],"list_types":["court_dishonest_debtor"]}`)
		if res.Status != 201 || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &created)
		if !strings.HasPrefix(created.Secret, "whsec_") || created.Subscription.Dept != "samr" {
			t.Fatalf("created: %+v", created)
		}
		id := "/api/v1/subscriptions/1"
		for _, path := range []string{id, "/api/v1/subscriptions"} {
			if b := srv.Do(t, auth.RoleClerk, "GET", path, nil).Body; strings.Contains(string(b), created.Secret) || strings.Contains(string(b), "whsec_") {
				t.Fatalf("GET %s shows the secret: %s", path, b)
			}
		}
		// A given secret is accepted; the system token creates for its own department.
		res = srv.Do(t, auth.RoleSystem, "POST", "/api/v1/subscriptions", `{"url":"http://127.0.0.1:9/x","event_types":["record.revoked"],"secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}`)
		if res.Status != 201 || !strings.Contains(string(res.Body), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") {
			t.Fatalf("create with secret: %d %s", res.Status, res.Body)
		}
		// The operator creates for any department.
		if res := srv.Do(t, auth.RoleOperator, "POST", "/api/v1/subscriptions", `{"dept":"court","url":"http://127.0.0.1:9/c","event_types":["entry.paused"]}`); res.Status != 201 {
			t.Fatalf("operator create: %d %s", res.Status, res.Body)
		}

		// Another department neither sees nor changes samr's subscriptions.
		court := srv.OtherClerk
		for _, c := range []struct{ method, path, body string }{
			{"GET", id, ""},
			{"PATCH", id, `{"description":"x"}`},
			{"POST", id + "/disable", ``},
			{"POST", id + "/enable", ``},
			{"GET", id + "/deliveries", ""},
			{"POST", id + "/redeliver", `{"seq":1}`},
			{"POST", id + "/replay", `{"from_seq":1}`},
		} {
			if res := asToken(t, srv, court, c.method, c.path, c.body); res.Status != 404 {
				t.Fatalf("court %s %s: %d %s, want 404", c.method, c.path, res.Status, res.Body)
			}
		}
		var list struct {
			Items []struct {
				ID   int64  `json:"id"`
				Dept string `json:"dept"`
			} `json:"items"`
		}
		asToken(t, srv, court, "GET", "/api/v1/subscriptions?dept=samr", "").JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].Dept != "court" {
			t.Fatalf("court lists %+v", list.Items)
		}
		srv.Do(t, auth.RoleOperator, "GET", "/api/v1/subscriptions", nil).JSON(t, &list)
		if len(list.Items) != 3 {
			t.Fatalf("operator lists %+v", list.Items)
		}
		srv.Do(t, auth.RoleOperator, "GET", "/api/v1/subscriptions?dept=samr&limit=1", nil).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != 1 {
			t.Fatalf("operator page %+v", list.Items)
		}

		// Update, disable, enable, redeliver, replay as the owning clerk.
		var sub struct {
			URL        string   `json:"url"`
			State      string   `json:"state"`
			EventTypes []string `json:"event_types"`
			Reason     string   `json:"disabled_reason"`
			Cursor     int64    `json:"cursor"`
		}
		res = srv.Do(t, auth.RoleClerk, "PATCH", id, `{"url":"http://127.0.0.1:8/new","event_types":["entry.exited"]}`)
		res.JSON(t, &sub)
		if res.Status != 200 || sub.URL != "http://127.0.0.1:8/new" || !slices.Equal(sub.EventTypes, []string{"entry.exited"}) {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		srv.Do(t, auth.RoleClerk, "POST", id+"/disable", `{"reason":"接收系统升级"}`).JSON(t, &sub)
		if sub.State != "disabled" || sub.Reason != "接收系统升级" {
			t.Fatalf("disable: %+v", sub)
		}
		if err := s.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.Emit("entry.exited", 0, "91350100M000100Y43", "entry:1", map[string]any{"list_type": "court_dishonest_debtor"})
		}); err != nil {
			t.Fatal(err)
		}
		if res := srv.Do(t, auth.RoleClerk, "POST", id+"/redeliver", `{"seq":1}`); res.Status != 409 {
			t.Fatalf("redeliver while disabled: %d %s", res.Status, res.Body)
		}
		srv.Do(t, auth.RoleClerk, "POST", id+"/enable", nil).JSON(t, &sub)
		if sub.State != "active" {
			t.Fatalf("enable: %+v", sub)
		}
		if res := srv.Do(t, auth.RoleClerk, "POST", id+"/redeliver", `{"seq":1}`); res.Status != 202 {
			t.Fatalf("redeliver: %d %s", res.Status, res.Body)
		}
		res = srv.Do(t, auth.RoleClerk, "POST", id+"/replay", `{"from_seq":1}`)
		res.JSON(t, &sub)
		if res.Status != 200 || sub.Cursor != 0 {
			t.Fatalf("replay: %d %s", res.Status, res.Body)
		}
		if res := srv.Do(t, auth.RoleClerk, "GET", id+"/deliveries", nil); res.Status != 200 || !strings.Contains(string(res.Body), `"items":[]`) {
			t.Fatalf("deliveries: %d %s", res.Status, res.Body)
		}
		if res := srv.Do(t, auth.RoleOperator, "GET", "/api/v1/notices", nil); res.Status != 200 {
			t.Fatalf("notices: %d %s", res.Status, res.Body)
		}
		if res := srv.Do(t, auth.RoleClerk, "GET", "/api/v1/push/event-types", nil); res.Status != 200 || !strings.Contains(string(res.Body), "entry.activated") {
			t.Fatalf("event types: %d %s", res.Status, res.Body)
		}
		as, _ := s.AuditEntries(context.Background(), 0, "subscription.", 0, 50)
		if len(as) != 8 { // 3 create, update, disable, enable, redeliver, replay
			t.Fatalf("audit entries: %d", len(as))
		}
	})
}
