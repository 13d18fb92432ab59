package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/check"
	"xinyong/internal/list"
	"xinyong/internal/record"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

func repair(target string, id int64, kinds ...string) map[string]any {
	atts := []any{}
	for _, k := range kinds {
		atts = append(atts, pdf(k))
	}
	return map[string]any{"target": target, "target_id": id, "body": "罚款已缴清，已完成整改", "applicant_name": "某某公司",
		"applicant_contact": "13800000000", "attachments": atts}
}

// TestRepair: eligibility refusals name the date and change nothing; a
// repair of a list entry exits it (reason repair) and the check lifts the
// measures; a record repair ends its publicity; the one-time notice works
// once, with the applicant supplementing through the query code.
func TestRepair(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		f := remSetup(t, s)
		srv := f.srv
		ctx := context.Background()
		court := f.activate(t, f.org, "court_dishonest_debtor", list.Day(s.Now()))
		market := f.activate(t, f.org2, "market_serious", monthsAgo(13))
		recent := f.activate(t, f.org, "tax_major_violation", monthsAgo(2))
		old := f.penalty(t, f.org2, "榕市监罚〔2025〕A"+f.org2.Code[10:15]+"号", monthsAgo(4), "罚款")
		fresh := f.penalty(t, f.org2, "榕市监罚〔2025〕B"+f.org2.Code[10:15]+"号", monthsAgo(1), "罚款")
		f.within(t, "listed", f.org2.Code, func(a check.Answer) bool { return len(a.Entries) == 1 })

		all := []string{remedy.MatCommitment, remedy.MatProof, remedy.MatTraining, remedy.MatCreditReport}
		refusals := []struct {
			name   string
			body   any
			status int
			key    string
			date   string
		}{
			{"court list", repair("entry", court.ID, all...), 409, "remedy.not_repairable", ""},
			{"entry too early", repair("entry", recent.ID, all...), 409, "remedy.too_early", time.Now().AddDate(0, -2, 0).AddDate(0, 12, 1).Format(time.DateOnly)},
			{"record too early", repair("record", fresh, all...), 409, "remedy.too_early", ""},
			{"no such record", repair("record", 999999, all...), 404, "record.not_found", ""},
		}
		for _, b := range refusals {
			r := srv.Do(t, auth.RolePublic, "POST", "/api/v1/repairs", b.body)
			code, _ := r.Problem(t)
			if r.Status != b.status || code != b.key || (b.date != "" && !strings.Contains(string(r.Body), b.date)) {
				t.Fatalf("%s: %d %s", b.name, r.Status, r.Body)
			}
		}
		if n := f.cases(t); n != 0 {
			t.Fatalf("refusals left %d cases", n)
		}
		el := srv.Do(t, auth.RolePublic, "GET", fmt.Sprintf("/api/v1/repairs/eligibility?target=record&id=%d", fresh), nil)
		if el.Status != 200 || !strings.Contains(string(el.Body), `"eligible":false`) || !strings.Contains(string(el.Body), `"earliest":"20`) {
			t.Fatalf("eligibility: %s", el.Body)
		}

		// Entry repair, complete materials: accept → verify → approve.
		r := srv.Do(t, auth.RolePublic, "POST", "/api/v1/repairs", repair("entry", market.ID, all...))
		if r.Status != 201 {
			t.Fatalf("repair: %d %s", r.Status, r.Body)
		}
		var c caseResp
		r.JSON(t, &c)
		if len(c.Case.Missing) != 0 {
			t.Fatalf("missing %v", c.Case.Missing)
		}
		if r := srv.Do(t, auth.RolePublic, "POST", "/api/v1/repairs", repair("entry", market.ID, all...)); r.Status != 409 {
			t.Fatalf("second open repair: %d", r.Status)
		}
		path := fmt.Sprintf("/api/v1/remedies/%d/actions", c.Case.ID)
		for _, st := range []struct {
			role   auth.Role
			action string
			status int
		}{
			{auth.RoleClerk, "approve", 409}, {auth.RoleOperator, "accept", 200}, {auth.RoleOperator, "verify", 403},
			{auth.RoleClerk, "verify", 200}, {auth.RoleReviewer, "approve", 200},
		} {
			if r := srv.Do(t, st.role, "POST", path, map[string]string{"action": st.action}); r.Status != st.status {
				t.Fatalf("%s as %s: %d %s", st.action, st.role, r.Status, r.Body)
			}
		}
		e, _ := s.Entry(ctx, market.ID)
		if e.State != list.Exited || e.ExitReason != list.ExitRepair {
			t.Fatalf("entry %s %s", e.State, e.ExitReason)
		}
		f.within(t, "repaired entry lifted", f.org2.Code, func(a check.Answer) bool { return len(a.Entries) == 0 && len(a.Monitoring) == 1 })

		// Record repair with missing materials: one-time notice, supplement
		// by query code, accept, verify, approve.
		r = srv.Do(t, auth.RolePublic, "POST", "/api/v1/repairs", repair("record", old, remedy.MatCommitment))
		if r.Status != 201 {
			t.Fatalf("record repair: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &c)
		if len(c.Case.Missing) != 1 || c.Case.Missing[0] != remedy.MatProof {
			t.Fatalf("missing %v", c.Case.Missing)
		}
		path = fmt.Sprintf("/api/v1/remedies/%d/actions", c.Case.ID)
		if r := srv.Do(t, auth.RoleClerk, "POST", path, map[string]any{"action": "notice", "missing": []string{remedy.MatProof}}); r.Status != 200 {
			t.Fatalf("notice: %d %s", r.Status, r.Body)
		}
		sup := map[string]any{"code": c.QueryCode, "action": "supplement", "attachments": []any{pdf(remedy.MatProof)}}
		if r := srv.Do(t, auth.RolePublic, "POST", "/api/v1/public/progress/actions", sup); r.Status != 200 || !strings.Contains(string(r.Body), `"resubmitted"`) {
			t.Fatalf("supplement: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, auth.RoleClerk, "POST", path, map[string]any{"action": "notice", "missing": []string{remedy.MatProof}}); r.Status != 409 {
			t.Fatalf("second notice: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, auth.RolePublic, "POST", "/api/v1/public/progress/actions", map[string]any{"code": c.QueryCode, "action": "accept"}); r.Status != 403 {
			t.Fatalf("applicant approving: %d %s", r.Status, r.Body)
		}
		for _, a := range []string{"accept", "verify", "approve"} {
			if r := srv.Do(t, auth.RoleClerk, "POST", path, map[string]string{"action": a}); r.Status != 200 {
				t.Fatalf("%s: %d %s", a, r.Status, r.Body)
			}
		}
		rec, _ := s.Record(ctx, old)
		if rec.State != record.Revoked || !strings.Contains(rec.RevokeReason, "信用修复") {
			t.Fatalf("record %s %s", rec.State, rec.RevokeReason)
		}
		// The limit: one repair of the same type a year.
		if r := srv.Do(t, auth.RolePublic, "GET", fmt.Sprintf("/api/v1/repairs/eligibility?target=record&id=%d", fresh), nil); !strings.Contains(string(r.Body), "remedy.") {
			t.Fatalf("eligibility after repair: %s", r.Body)
		}
		kinds := feedKinds(t, s)
		for _, k := range []string{"repair.submitted", "repair.approved", "repair.notice", "repair.supplemented", "entry.exited", "record.revoked"} {
			if !kinds[k] {
				t.Errorf("no %s in the feed", k)
			}
		}
	})
}
