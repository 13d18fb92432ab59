package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"xinyong/internal/auth"
	"xinyong/internal/check"
	"xinyong/internal/list"
	"xinyong/internal/record"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

func objection(target string, id int64) map[string]any {
	return map[string]any{"target": target, "target_id": id, "reason": "error", "body": "该信息与法院实际裁定不符，已履行完毕",
		"applicant_name": "某某公司", "applicant_contact": "0591-12345678", "applicant_email": "a@example.com",
		"attachments": []any{pdf("evidence")}}
}

// TestObjectionPausesPunishment: an objection to a list entry pauses its
// measures in the check at once; bad input changes nothing; the workflow
// runs with the right roles only; upholding resumes the measures.
func TestObjectionPausesPunishment(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		f := remSetup(t, s)
		srv := f.srv
		e := f.activate(t, f.org, "court_dishonest_debtor", list.Day(s.Now()))
		f.within(t, "listed", f.org.Code, func(a check.Answer) bool { return len(a.Entries) == 1 && len(a.Measures) > 0 })

		bad := []struct {
			name   string
			body   any
			status int
			key    string
		}{
			{"no such record", objection("record", 999999), 404, "record.not_found"},
			{"no such entry", objection("entry", 999999), 404, "list_entry.not_found"},
			{"bad target", objection("thing", e.ID), 400, "invalid"},
			{"bad reason", func() any { o := objection("entry", e.ID); o["reason"] = "不服"; return o }(), 400, "invalid"},
			{"no applicant", func() any { o := objection("entry", e.ID); delete(o, "applicant_name"); return o }(), 400, "remedy.invalid"},
			{"fake pdf", func() any {
				o := objection("entry", e.ID)
				o["attachments"] = []any{map[string]string{"kind": "evidence", "name": "x.pdf", "data": "TVo="}}
				return o
			}(), 400, "remedy.attachments"},
			{"unknown field", `{"target":"entry","target_id":1,"zzz":1}`, 400, ""},
		}
		for _, b := range bad {
			res := srv.Do(t, auth.RolePublic, "POST", "/api/v1/objections", b.body)
			if res.Status != b.status {
				t.Fatalf("%s: %d %s", b.name, res.Status, res.Body)
			}
			if code, _ := res.Problem(t); b.key != "" && code != b.key {
				t.Fatalf("%s: key %s", b.name, code)
			}
		}
		if n := f.cases(t); n != 0 {
			t.Fatalf("bad input left %d cases", n)
		}

		res := srv.Do(t, auth.RolePublic, "POST", "/api/v1/objections", objection("entry", e.ID))
		if res.Status != 201 {
			t.Fatalf("submit: %d %s", res.Status, res.Body)
		}
		var c caseResp
		res.JSON(t, &c)
		if c.QueryCode == "" || c.Case.State != "submitted" || len(c.Case.PausedEntries) != 1 || c.Case.Due == "" {
			t.Fatalf("created %+v", c)
		}
		f.within(t, "paused by objection", f.org.Code, func(a check.Answer) bool { return len(a.Paused) == 1 && len(a.Measures) == 0 })

		if res := srv.Do(t, auth.RolePublic, "POST", "/api/v1/objections", objection("entry", e.ID)); res.Status != 409 {
			t.Fatalf("second open objection: %d %s", res.Status, res.Body)
		}
		if n := f.cases(t); n != 1 {
			t.Fatalf("%d cases", n)
		}

		path := fmt.Sprintf("/api/v1/remedies/%d/actions", c.Case.ID)
		steps := []struct {
			who    string // operator, samr, court
			action string
			note   string
			status int
			state  string
		}{
			{"samr", "accept", "", 403, ""},                // not the handling department
			{"court", "accept", "", 403, ""},               // intake is the operator's
			{"operator", "verify", "", 409, ""},            // not from submitted
			{"operator", "accept", "", 200, "accepted"},    //
			{"operator", "accept", "", 409, ""},            // twice
			{"operator", "forward", "", 200, "forwarded"},  //
			{"operator", "verify", "", 403, ""},            // verification is the department's
			{"court", "extend", "", 400, ""},               // a reason is required
			{"court", "extend", "案情复杂", 200, "forwarded"},  //
			{"court", "extend", "再延", 409, ""},             // only once
			{"court", "verify", "", 200, "verified"},       //
			{"court", "uphold", "", 400, ""},               // a reason is required
			{"court", "correct", "x", 409, ""},             // entries are not corrected
			{"court", "uphold", "经核实，信息无误", 200, "upheld"}, //
			{"court", "revoke", "x", 409, ""},              // closed
		}
		for i, st := range steps {
			body := fmt.Sprintf(`{"action":%q,"note":%q}`, st.action, st.note)
			var r xtest.Response
			switch st.who {
			case "operator":
				r = srv.Do(t, auth.RoleOperator, "POST", path, body)
			case "samr":
				r = srv.Do(t, auth.RoleClerk, "POST", path, body)
			case "court":
				r = f.as(t, srv.OtherClerk, "POST", path, body)
			}
			if r.Status != st.status {
				t.Fatalf("step %d %s %s: %d %s", i, st.who, st.action, r.Status, r.Body)
			}
			if st.state != "" {
				var got caseResp
				r.JSON(t, &got)
				if got.Case.State != st.state {
					t.Fatalf("step %d: state %s", i, got.Case.State)
				}
				if st.action == "extend" && !got.Case.Extended {
					t.Fatal("not marked extended")
				}
			}
		}
		f.within(t, "resumed after upholding", f.org.Code, func(a check.Answer) bool { return len(a.Paused) == 0 && len(a.Measures) > 0 })

		// The applicant follows progress with the query code, without identities.
		pr := srv.Do(t, auth.RolePublic, "POST", "/api/v1/public/progress", map[string]string{"code": c.QueryCode})
		if pr.Status != 200 || !strings.Contains(string(pr.Body), `"upheld"`) || strings.Contains(string(pr.Body), "某某公司") || strings.Contains(string(pr.Body), "token:") {
			t.Fatalf("progress: %d %s", pr.Status, pr.Body)
		}
		if pr := srv.Do(t, auth.RolePublic, "POST", "/api/v1/public/progress", map[string]string{"code": "AAAA-BBBB-CCCC-DDDD"}); pr.Status != 404 {
			t.Fatalf("unknown code: %d", pr.Status)
		}
	})
}

// TestObjectionRevokesRecord: an objection upheld against a record revokes
// it (record.revoked), records the restoration and reaches the check.
func TestObjectionRevokesRecord(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		f := remSetup(t, s)
		srv := f.srv
		ctx := context.Background()
		recID := f.penalty(t, f.org2, "榕市监罚〔2025〕"+f.org2.Code[10:16]+"号", monthsAgo(1), "罚款")
		f.within(t, "record counts", f.org2.Code, func(a check.Answer) bool { return !a.Incentives.Clean3Y })
		res := srv.Do(t, auth.RolePublic, "POST", "/api/v1/objections", objection("record", recID))
		if res.Status != 201 {
			t.Fatalf("submit: %d %s", res.Status, res.Body)
		}
		var c caseResp
		res.JSON(t, &c)
		path := fmt.Sprintf("/api/v1/remedies/%d/actions", c.Case.ID)
		for _, st := range []struct {
			role   auth.Role
			action string
		}{{auth.RoleOperator, "accept"}, {auth.RoleOperator, "forward"}, {auth.RoleClerk, "verify"}} {
			if r := srv.Do(t, st.role, "POST", path, map[string]string{"action": st.action}); r.Status != 200 {
				t.Fatalf("%s: %d %s", st.action, r.Status, r.Body)
			}
		}
		// Corrected needs a new version first.
		if r := srv.Do(t, auth.RoleClerk, "POST", path, map[string]string{"action": "correct", "note": "x"}); r.Status != 409 {
			t.Fatalf("correct without new version: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, auth.RoleClerk, "POST", path, map[string]string{"action": "revoke", "note": "处罚决定已被行政复议撤销"}); r.Status != 200 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		rec, _ := s.Record(ctx, recID)
		if rec.State != record.Revoked {
			t.Fatalf("record %s", rec.State)
		}
		f.within(t, "record withdrawn", f.org2.Code, func(a check.Answer) bool { return a.Incentives.Clean3Y })
		kinds := feedKinds(t, s)
		for _, k := range []string{"objection.submitted", "objection.accepted", "objection.forwarded", "objection.verified", "objection.decided", "record.revoked", "credit.restored"} {
			if !kinds[k] {
				t.Errorf("no %s event in the feed", k)
			}
		}
	})
}

func feedKinds(t *testing.T, s *store.Store) map[string]bool {
	t.Helper()
	cs, err := s.Changes(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, c := range cs {
		out[c.Kind] = true
		if strings.Contains(string(c.Data), "@example.com") || strings.Contains(string(c.Data), "某某") {
			t.Errorf("identity in change %s: %s", c.Kind, c.Data)
		}
	}
	return out
}
