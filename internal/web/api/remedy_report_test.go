package api_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/check"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

// TestReportPrivacy: a reporter's identity is visible to the operator and
// the handling department only; never to the reported subject, another
// department or the query-code page.
func TestReportPrivacy(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		const who, phone = "举报人王五", "13912345678"
		body := map[string]any{"subject": srv.SubjectCode, "reason": "虚假宣传", "body": "该主体以虚假承诺骗取容缺受理", "applicant_name": who, "applicant_contact": phone}
		if r := srv.Do(t, auth.RolePublic, "POST", "/api/v1/public-reports", map[string]any{"subject": "NOPE", "body": "xxxxxx", "anonymous": true}); r.Status != 404 {
			t.Fatalf("unknown subject: %d", r.Status)
		}
		r := srv.Do(t, auth.RolePublic, "POST", "/api/v1/public-reports", body)
		if r.Status != 201 || strings.Contains(string(r.Body), who) {
			t.Fatalf("report: %d %s", r.Status, r.Body)
		}
		var created struct {
			ID        int64  `json:"id"`
			QueryCode string `json:"query_code"`
		}
		r.JSON(t, &created)
		get := fmt.Sprintf("/api/v1/remedies/%d", created.ID)
		act := get + "/actions"
		// Before routing, only the operator sees it.
		if r := srv.Do(t, auth.RoleOperator, "GET", get, nil); r.Status != 200 || !strings.Contains(string(r.Body), who) {
			t.Fatalf("operator: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, auth.RoleClerk, "POST", act, map[string]string{"action": "route", "dept": "samr"}); r.Status != 403 {
			t.Fatalf("clerk routing: %d", r.Status)
		}
		if r := srv.Do(t, auth.RoleOperator, "POST", act, map[string]string{"action": "route", "dept": "nowhere"}); r.Status != 400 {
			t.Fatalf("route to unknown dept: %d", r.Status)
		}
		if r := srv.Do(t, auth.RoleOperator, "POST", act, map[string]string{"action": "route", "dept": "samr"}); r.Status != 200 {
			t.Fatalf("route: %d %s", r.Status, r.Body)
		}
		views := []struct {
			name   string
			do     func() xtest.Response
			status int
			sees   bool
		}{
			{"operator", func() xtest.Response { return srv.Do(t, auth.RoleOperator, "GET", get, nil) }, 200, true},
			{"handling clerk", func() xtest.Response { return srv.Do(t, auth.RoleClerk, "GET", get, nil) }, 200, true},
			{"handling reviewer", func() xtest.Response { return srv.Do(t, auth.RoleReviewer, "GET", get, nil) }, 200, true},
			{"handling list", func() xtest.Response { return srv.Do(t, auth.RoleClerk, "GET", "/api/v1/remedies?kind=report", nil) }, 200, true},
			{"other department", func() xtest.Response { return (remFix{srv: srv}).as(t, srv.OtherClerk, "GET", get, "") }, 403, false},
			{"other department list", func() xtest.Response { return (remFix{srv: srv}).as(t, srv.OtherClerk, "GET", "/api/v1/remedies", "") }, 200, false},
			{"reported subject", func() xtest.Response { return srv.Do(t, auth.RoleSubject, "GET", get, nil) }, 404, false},
			{"subject list", func() xtest.Response { return srv.Do(t, auth.RoleSubject, "GET", "/api/v1/remedies", nil) }, 403, false},
			{"system", func() xtest.Response { return srv.Do(t, auth.RoleSystem, "GET", get, nil) }, 403, false},
			{"public", func() xtest.Response { return srv.Do(t, auth.RolePublic, "GET", get, nil) }, 401, false},
			{"query code", func() xtest.Response {
				return srv.Do(t, auth.RolePublic, "POST", "/api/v1/public/progress", map[string]string{"code": created.QueryCode})
			}, 200, false},
		}
		for _, v := range views {
			r := v.do()
			seen := strings.Contains(string(r.Body), who) || strings.Contains(string(r.Body), phone)
			if r.Status != v.status || seen != v.sees {
				t.Errorf("%s: %d, identity seen %v: %s", v.name, r.Status, seen, r.Body)
			}
		}
		for _, st := range []struct {
			role   auth.Role
			action string
			status int
		}{{auth.RoleOperator, "handle", 403}, {auth.RoleClerk, "handle", 200}, {auth.RoleClerk, "substantiate", 200}} {
			if r := srv.Do(t, st.role, "POST", act, map[string]string{"action": st.action}); r.Status != st.status {
				t.Fatalf("%s: %d %s", st.action, r.Status, r.Body)
			}
		}
		// The subject itself may not act on a report about it.
		if r := srv.Do(t, auth.RoleSubject, "POST", act, map[string]string{"action": "handle"}); r.Status != 404 {
			t.Fatalf("subject acting: %d", r.Status)
		}
		// The audit trail and change feed hold no identity either.
		feedKinds(t, s)
	})
}

// TestCommitments: commitments are made and shown publicly; one past its
// date without fulfilment becomes a negative record pushed like any other.
func TestCommitments(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		f := remSetup(t, s)
		srv := f.srv
		ctx := context.Background()
		tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		in := map[string]any{"subject": srv.SubjectCode, "kind": "missing_material", "dept": "samr", "matter": "食品经营许可容缺受理", "content": "承诺在期限内补齐场所证明材料", "due": tomorrow}
		bad := []struct {
			name   string
			role   auth.Role
			body   map[string]any
			status int
		}{
			{"no due", auth.RoleSubject, map[string]any{"subject": srv.SubjectCode, "kind": "missing_material", "dept": "samr", "matter": "容缺受理", "content": "承诺补齐材料"}, 400},
			{"past due", auth.RoleSubject, map[string]any{"subject": srv.SubjectCode, "kind": "general", "dept": "samr", "matter": "容缺受理", "content": "承诺补齐材料", "due": "2020-01-01"}, 400},
			{"someone else", auth.RoleSubject, map[string]any{"subject": f.org.Code, "kind": "general", "dept": "samr", "matter": "综合承诺", "content": "承诺守法经营"}, 403},
			{"other dept clerk", auth.RoleClerk, map[string]any{"subject": f.org.Code, "kind": "general", "dept": "court", "matter": "综合承诺", "content": "承诺守法经营"}, 403},
			{"public", auth.RolePublic, in, 401},
		}
		for _, b := range bad {
			if r := srv.Do(t, b.role, "POST", "/api/v1/commitments", b.body); r.Status != b.status {
				t.Fatalf("%s: %d %s", b.name, r.Status, r.Body)
			}
		}
		if r := srv.Do(t, auth.RoleSubject, "POST", "/api/v1/commitments", in); r.Status != 201 {
			t.Fatalf("subject commitment: %d %s", r.Status, r.Body)
		}
		r := srv.Do(t, auth.RoleClerk, "POST", "/api/v1/commitments", map[string]any{"subject": f.org.Code, "kind": "general", "dept": "samr", "matter": "综合信用承诺", "content": "承诺依法诚信经营"})
		if r.Status != 201 {
			t.Fatalf("clerk commitment: %d %s", r.Status, r.Body)
		}
		var general store.Commitment
		r.JSON(t, &general)
		if pub := srv.Do(t, auth.RolePublic, "GET", "/api/v1/public/commitments?subject="+f.org.Code, nil); !strings.Contains(string(pub.Body), "综合信用承诺") {
			t.Fatalf("public: %s", pub.Body)
		}
		act := fmt.Sprintf("/api/v1/commitments/%d/actions", general.ID)
		if r := f.as(t, srv.OtherClerk, "POST", act, `{"action":"fulfil"}`); r.Status != 403 {
			t.Fatalf("other dept fulfil: %d", r.Status)
		}
		if r := srv.Do(t, auth.RoleClerk, "POST", act, `{"action":"fulfil"}`); r.Status != 200 {
			t.Fatalf("fulfil: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, auth.RoleClerk, "POST", act, `{"action":"break"}`); r.Status != 409 {
			t.Fatalf("break after fulfil: %d", r.Status)
		}
		// A 容缺受理 promise already past its date (stored directly: the API
		// refuses past dates) is broken by the sweep.
		late, err := s.CreateCommitment(ctx, f.org2.ID, f.org2.Code, remedy.CommitmentInput{Kind: remedy.CommitMissing, Dept: "samr", Matter: "许可容缺受理", Content: "承诺补齐材料", Due: time.Now().AddDate(0, 0, -3).Format(time.DateOnly)}, "test")
		if err != nil {
			t.Fatal(err)
		}
		if r := srv.Do(t, auth.RoleClerk, "POST", "/api/v1/remedies/sweep", nil); r.Status != 403 {
			t.Fatalf("clerk sweep: %d", r.Status)
		}
		r = srv.Do(t, auth.RoleOperator, "POST", "/api/v1/remedies/sweep", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"broken":1`) {
			t.Fatalf("sweep: %d %s", r.Status, r.Body)
		}
		got, _ := s.Commitment(ctx, late.ID)
		if got.State != remedy.Broken || got.RecordID == 0 {
			t.Fatalf("commitment %+v", got)
		}
		rec, err := s.Record(ctx, got.RecordID)
		if err != nil || rec.Nature != "bad" || rec.State != "published" || rec.Type != "commitment_breach" {
			t.Fatalf("record %+v %v", rec, err)
		}
		f.within(t, "breach counts", f.org2.Code, func(a check.Answer) bool { return !a.Incentives.Clean3Y })
		kinds := feedKinds(t, s)
		for _, k := range []string{"commitment.made", "commitment.fulfilled", "commitment.broken", "record.published"} {
			if !kinds[k] {
				t.Errorf("no %s in the feed", k)
			}
		}
		if r := srv.Do(t, auth.RoleOperator, "POST", "/api/v1/remedies/sweep", nil); !strings.Contains(string(r.Body), `"broken":0`) {
			t.Fatalf("second sweep: %s", r.Body)
		}
	})
}

// TestMailOnSubmit: with SMTP configured the applicant receives the query
// code by e-mail (a sink on 127.0.0.1 stands in for the mail server).
func TestMailOnSubmit(t *testing.T) {
	sink := newSink(t)
	t.Setenv("XINYONG_SMTP_ADDR", sink.addr)
	t.Setenv("XINYONG_SMTP_FROM", "信用平台 <noreply@xinyong.test>")
	s := xtest.SQLiteStore(t, xtest.Options{})
	f := remSetup(t, s)
	e := f.activate(t, f.org, "court_dishonest_debtor", time.Now().Format(time.DateOnly))
	r := f.srv.Do(t, auth.RolePublic, "POST", "/api/v1/objections", objection("entry", e.ID))
	var c caseResp
	r.JSON(t, &c)
	msg := sink.wait(t)
	if !strings.Contains(msg, "RCPT TO:<a@example.com>") || !strings.Contains(msg, c.QueryCode) {
		t.Fatalf("mail: %s", msg)
	}
}

type sink struct {
	addr string
	mu   sync.Mutex
	msgs []string
}

// newSink is a minimal SMTP server that records each transaction with its
// base64 body decoded.
func newSink(t *testing.T) *sink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &sink{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *sink) serve(c net.Conn) {
	defer c.Close()
	rd := bufio.NewReader(c)
	say := func(l string) { fmt.Fprint(c, l+"\r\n") }
	say("220 sink")
	var tr strings.Builder
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		tr.WriteString(strings.TrimSpace(line) + "\n")
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case cmd == "DATA":
			say("354 go")
			var body strings.Builder
			for {
				l, err := rd.ReadString('\n')
				if err != nil || strings.TrimSpace(l) == "." {
					break
				}
				body.WriteString(strings.TrimRight(l, "\r\n"))
			}
			raw := body.String()
			if i := strings.Index(raw, "base64"); i >= 0 {
				if b, err := base64.StdEncoding.DecodeString(raw[i+len("base64"):]); err == nil {
					tr.Write(b)
				}
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, tr.String())
			s.mu.Unlock()
			say("250 ok")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *sink) wait(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		if len(s.msgs) > 0 {
			m := s.msgs[0]
			s.mu.Unlock()
			return m
		}
		s.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no mail received")
	return ""
}
