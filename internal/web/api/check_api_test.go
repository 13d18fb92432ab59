package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/demo"
	"xinyong/internal/engine"
	"xinyong/internal/pii"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web"
	"xinyong/internal/web/api"
	"xinyong/internal/web/hotpath"
	"xinyong/internal/xtest"
)

type checkEnv struct {
	*xtest.Server
	org, person subject.Subject
}

func newCheckEnv(t *testing.T, s *store.Store) checkEnv {
	t.Helper()
	ctx := context.Background()
	if err := demo.LoadDepartments(ctx, s); err != nil {
		t.Fatal(err)
	}
	p, _ := pii.New(make([]byte, 32))
	g := demo.NewGenerator(uint64(time.Now().UnixNano()), time.Now())
	person, _ := g.Person(p, func(v string) string { return subject.MaskID(v, 4, 4) })
	person, err := s.CreateSubject(ctx, person, "test")
	if err != nil {
		t.Fatal(err)
	}
	org, err := s.CreateSubject(ctx, g.Organisation(p, person.Name), "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRelation(ctx, subject.Relation{OrgCode: org.Code, PersonCode: person.Code, Role: subject.RoleLegalRep}, "test"); err != nil {
		t.Fatal(err)
	}
	srv := xtest.NewServer(t, s, xtest.ServerOptions{Handler: func(d api.Deps) http.Handler {
		// Checks stay in the journal until read (the mover waits an hour):
		// every read below finds them through the flush.
		eng, err := engine.Start(ctx, s, engine.Options{JournalDir: t.TempDir(), MoveInterval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(eng.Close)
		d.Engine = eng
		return web.New(web.Options{API: d})
	}})
	return checkEnv{srv, org, person}
}

// asCourt sends a request with the court clerk's token.
func (e checkEnv) asCourt(t *testing.T, method, path, body string) xtest.Response {
	t.Helper()
	req, _ := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.OtherClerk)
	req.Header.Set("Content-Type", "application/json")
	return e.Send(t, req)
}

func want(t *testing.T, r xtest.Response, status int, field string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if field != "" {
		if _, fields := r.Problem(t); !slices.Contains(fields, field) {
			t.Fatalf("problem does not name %q: %s", field, r.Body)
		}
	}
}

func checkCount(t *testing.T, s *store.Store) int64 {
	n, err := s.CheckLogCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type checkAnswer struct {
	CheckID string `json:"check_id"`
	Found   bool   `json:"found"`
	Subject struct{ Code, Name string }
	Entries []struct {
		ID       int64  `json:"id"`
		ListType string `json:"list_type"`
	} `json:"entries"`
	Measures []struct {
		Code       string   `json:"code"`
		Mode       string   `json:"mode"`
		LegalBasis []string `json:"legal_basis"`
		Because    []struct {
			Entry    int64  `json:"entry"`
			ListType string `json:"list_type"`
			Basis    string `json:"basis"`
		} `json:"because"`
	} `json:"measures"`
	Paused []struct{ ID int64 } `json:"paused"`
}

func (e checkEnv) check(t *testing.T, code, scenario string) (checkAnswer, xtest.Response) {
	t.Helper()
	r := e.Do(t, auth.RoleSystem, "GET", "/api/v1/check?subject="+code+"&scenario="+url.QueryEscape(scenario), nil)
	want(t, r, 200, "")
	var a checkAnswer
	r.JSON(t, &a)
	return a, r
}

func (e checkEnv) eventually(t *testing.T, what, code, scenario string, cond func(checkAnswer) bool) checkAnswer {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		a, _ := e.check(t, code, scenario)
		if cond(a) {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not in the check within 1s: %+v", what, a)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCheckBadInput(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		e := newCheckEnv(t, s)
		badCheckChar := e.org.Code[:17] + map[bool]string{true: "1", false: "2"}[e.org.Code[17] != '1']
		cases := []struct {
			name, query, field string
		}{
			{"no subject", "scenario=政府采购", "subject"},
			{"malformed code", "subject=91350100ABC&scenario=政府采购", "subject"},
			{"wrong check character", "subject=" + badCheckChar + "&scenario=政府采购", "subject"},
			{"bad person code", "subject=P0000000000000000I&scenario=政府采购", "subject"},
			{"unknown scenario", "subject=" + e.org.Code + "&scenario=" + url.QueryEscape("喝茶"), "scenario"},
			{"no scenario", "subject=" + e.org.Code, "scenario"},
			{"bad as_of", "subject=" + e.org.Code + "&scenario=procurement&as_of=yesterday", "as_of"},
			{"future as_of", "subject=" + e.org.Code + "&scenario=procurement&as_of=2999-01-01T00:00:00Z", "as_of"},
			{"bad related", "subject=" + e.org.Code + "&scenario=procurement&related=yes", "related"},
		}
		before := checkCount(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				want(t, e.Do(t, auth.RoleSystem, "GET", "/api/v1/check?"+strings.ReplaceAll(c.query, "政府采购", url.QueryEscape("政府采购")), nil), 400, c.field)
			})
		}
		want(t, e.Do(t, auth.RoleSystem, "POST", "/api/v1/checks", fmt.Sprintf(`{"subjects":["%s","bad"],"scenario":"政府采购"}`, e.org.Code)), 400, "subjects[1]")
		many := `{"scenario":"政府采购","subjects":[` + strings.Repeat(`"`+e.org.Code+`",`, 100) + `"` + e.org.Code + `"]}`
		want(t, e.Do(t, auth.RoleSystem, "POST", "/api/v1/checks", many), 400, "subjects")
		if after := checkCount(t, s); after != before {
			t.Errorf("rejected checks were logged: %d -> %d", before, after)
		}
		// A well-formed code without data: 200, found false, no measures.
		unknown := subject.GenerateUSCC(rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3)), "350100", '9', '1')
		a, _ := e.check(t, unknown, "政府采购")
		if a.Found || len(a.Measures) != 0 || a.CheckID == "" {
			t.Errorf("unknown subject: %+v", a)
		}
		if checkCount(t, s) != before+1 {
			t.Error("check of unknown subject not logged")
		}
	})
}

func TestListLifecycleAndCheckAPI(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		e := newCheckEnv(t, s)
		proposal := fmt.Sprintf(`{"subject":"%s","list_type":"court_dishonest_debtor","facts":"有履行能力而拒不履行","basis_doc":"（2025）闽01执1号"}`, e.org.Code)
		// The samr clerk may not identify court lists.
		want(t, e.Do(t, auth.RoleClerk, "POST", "/api/v1/list-entries", proposal), 403, "")
		want(t, e.Do(t, auth.RoleSystem, "POST", "/api/v1/list-entries", proposal), 403, "")
		want(t, e.asCourt(t, "POST", "/api/v1/list-entries", `{"subject":"`+e.org.Code+`","list_type":"nope","facts":"x","basis_doc":"y"}`), 400, "list_type")
		want(t, e.asCourt(t, "POST", "/api/v1/list-entries", `{"subject":"`+e.org.Code+`","list_type":"court_dishonest_debtor","facts":"","basis_doc":"","start":"2025-02-30"}`), 400, "facts")
		r := e.asCourt(t, "POST", "/api/v1/list-entries", proposal)
		want(t, r, 201, "")
		var entry struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
			End   string `json:"end"`
		}
		r.JSON(t, &entry)
		if entry.State != "proposed" || entry.End == "" {
			t.Fatalf("proposed entry %+v", entry)
		}
		path := fmt.Sprintf("/api/v1/list-entries/%d", entry.ID)
		// Another department's clerk can neither see nor move it.
		want(t, e.Do(t, auth.RoleClerk, "POST", path+"/notify", nil), 403, "")
		want(t, e.Do(t, auth.RoleClerk, "GET", path, nil), 403, "")
		want(t, e.asCourt(t, "POST", path+"/activate", ""), 409, "")
		want(t, e.asCourt(t, "POST", path+"/notify", ""), 200, "")
		want(t, e.asCourt(t, "POST", path+"/activate", `{"note":"异议期届满"}`), 200, "")
		want(t, e.asCourt(t, "POST", path+"/exit", `{"reason":"because"}`), 400, "reason")

		a := e.eventually(t, "activated", e.org.Code, "政府采购", func(a checkAnswer) bool { return len(a.Measures) > 0 })
		if !a.Found || a.Subject.Name != e.org.Name || len(a.Entries) != 1 || a.Measures[0].Code != "P-COURT-011" || a.Measures[0].Mode != "mandatory" {
			t.Fatalf("answer %+v", a)
		}
		if b := a.Measures[0].Because[0]; b.Entry != entry.ID || b.ListType != "court_dishonest_debtor" || b.Basis == "" || len(a.Measures[0].LegalBasis) == 0 {
			t.Errorf("because chain %+v", b)
		}
		// The answer is logged with the digest of exactly what was sent.
		_, raw := e.check(t, e.org.Code, "procurement")
		var logged struct {
			Check struct{ Digest string } `json:"check"`
		}
		var id struct {
			CheckID string `json:"check_id"`
		}
		raw.JSON(t, &id)
		sum := sha256.Sum256(raw.Body)
		lr := e.Do(t, auth.RoleSystem, "GET", "/api/v1/checks/"+id.CheckID, nil)
		want(t, lr, 200, "")
		lr.JSON(t, &logged)
		if logged.Check.Digest != hex.EncodeToString(sum[:]) {
			t.Errorf("logged digest %s does not match the body", logged.Check.Digest)
		}

		// Feedback.
		fb := func(id, body string) xtest.Response {
			return e.Do(t, auth.RoleSystem, "POST", "/api/v1/checks/"+id+"/feedback", body)
		}
		want(t, fb("CKNOPE", `{"items":[{"measure":"P-COURT-011","applied":true}]}`), 404, "")
		want(t, fb(a.CheckID, `{"items":[{"measure":"P-XXX-001","applied":true}]}`), 400, "items[0].measure")
		want(t, fb(a.CheckID, `{"items":[{"measure":"P-COURT-011"}]}`), 400, "items[0].applied")
		want(t, fb(a.CheckID, `{"items":[{"measure":"P-COURT-011","applied":false}]}`), 400, "items[0].reason")
		want(t, fb(a.CheckID, `{"items":[{"measure":"P-COURT-011","applied":true}]}`), 200, "")
		st := e.Do(t, auth.RoleOperator, "GET", "/api/v1/checks/feedback-stats", nil)
		want(t, st, 200, "")
		if !strings.Contains(string(st.Body), `"fed_back":1`) {
			t.Errorf("stats %s", st.Body)
		}
		want(t, e.Do(t, auth.RoleSystem, "GET", "/api/v1/checks/feedback-stats", nil), 403, "")
		want(t, e.Do(t, auth.RoleOperator, "GET", "/api/v1/checks/feedback-stats?overdue_days=x", nil), 400, "overdue_days")

		// Batch check.
		br := e.Do(t, auth.RoleSystem, "POST", "/api/v1/checks", fmt.Sprintf(`{"subjects":["%s","%s"],"scenario":"高消费","related":true}`, e.org.Code, e.person.Code))
		want(t, br, 200, "")
		var batch struct{ Items []checkAnswer }
		br.JSON(t, &batch)
		if len(batch.Items) != 2 || len(batch.Items[0].Measures) == 0 || len(batch.Items[1].Measures) == 0 {
			t.Errorf("batch %s", br.Body)
		}

		// Pause (objection) and exit through the API.
		want(t, e.Do(t, auth.RoleOperator, "POST", path+"/pause", `{}`), 400, "reason")
		want(t, e.Do(t, auth.RoleOperator, "POST", path+"/pause", `{"reason":"异议核实中"}`), 200, "")
		e.eventually(t, "paused", e.org.Code, "政府采购", func(a checkAnswer) bool { return len(a.Paused) == 1 && len(a.Measures) == 0 })
		want(t, e.Do(t, auth.RoleOperator, "POST", path+"/resume", `{"reason":"异议不成立"}`), 200, "")
		want(t, e.asCourt(t, "POST", path+"/exit", `{"reason":"court","note":"已履行"}`), 200, "")
		e.eventually(t, "exited", e.org.Code, "政府采购", func(a checkAnswer) bool { return len(a.Entries) == 0 && len(a.Measures) == 0 })
		hr := e.asCourt(t, "GET", path, "")
		want(t, hr, 200, "")
		for _, act := range []string{"propose", "notify", "activate", "pause", "resume", "exit"} {
			if !strings.Contains(string(hr.Body), `"action":"`+act+`"`) {
				t.Errorf("history lacks %s: %s", act, hr.Body)
			}
		}

		// 红黑榜.
		today := time.Now().Format(time.DateOnly)
		want(t, e.Do(t, auth.RoleOperator, "POST", "/api/v1/boards", `{"title":"榜","period_start":"2025-13-01","period_end":"x"}`), 400, "period_start")
		want(t, e.Do(t, auth.RoleClerk, "POST", "/api/v1/boards", `{"title":"榜","period_start":"`+today+`","period_end":"`+today+`"}`), 403, "")
		want(t, e.Do(t, auth.RoleOperator, "POST", "/api/v1/boards", `{"title":"本月红黑榜","period_start":"`+today+`","period_end":"`+today+`"}`), 201, "")
		pb := e.Do(t, auth.RolePublic, "GET", "/api/v1/public/boards", nil)
		want(t, pb, 200, "")
		if !strings.Contains(string(pb.Body), "本月红黑榜") {
			t.Errorf("public boards %s", pb.Body)
		}
	})
}

func TestMeasuresAPI(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		e := newCheckEnv(t, s)
		pub := e.Do(t, auth.RolePublic, "GET", "/api/v1/public/measures", nil)
		want(t, pub, 200, "")
		if n := strings.Count(string(pub.Body), `"code":"P-`) + strings.Count(string(pub.Body), `"code":"R-`); n < 40 {
			t.Errorf("published %d measures", n)
		}
		want(t, e.Do(t, auth.RolePublic, "GET", "/api/v1/public/measures?scenario=nope", nil), 400, "scenario")
		noBasis := `{"code":"P-TEST-001","text":"限制参加评优","kind":"punish","category":"administrative","mode":"mandatory","initiating_dept":"xyb",
			"implementing_depts":["xyb"],"list_types":["court_dishonest_debtor"],"scenarios":["honors"],"binds":["subject"],"basis":[]}`
		want(t, e.Do(t, auth.RoleOperator, "PUT", "/api/v1/measures/P-TEST-001", noBasis), 400, "basis")
		wrongKind := strings.Replace(noBasis, `"basis":[]`, `"basis":[{"document":"《测试条例》","article":"第一条"}]`, 1)
		wrongKind = strings.Replace(wrongKind, "court_dishonest_debtor", "tax_a_grade", 1)
		want(t, e.Do(t, auth.RoleOperator, "PUT", "/api/v1/measures/P-TEST-001", wrongKind), 400, "list_types[0]")
		ok := strings.Replace(wrongKind, "tax_a_grade", "court_dishonest_debtor", 1)
		want(t, e.Do(t, auth.RoleClerk, "PUT", "/api/v1/measures/P-TEST-001", ok), 403, "")
		want(t, e.Do(t, auth.RoleOperator, "PUT", "/api/v1/measures/P-TEST-001", ok), 200, "")
		if pub := e.Do(t, auth.RolePublic, "GET", "/api/v1/public/measures?scenario=honors", nil); !strings.Contains(string(pub.Body), "P-TEST-001") {
			t.Error("saved measure not published")
		}
		lt := e.Do(t, auth.RolePublic, "GET", "/api/v1/list-types", nil)
		want(t, lt, 200, "")
		if !strings.Contains(string(lt.Body), "失信被执行人") {
			t.Errorf("list types %s", lt.Body[:200])
		}
		want(t, e.Do(t, auth.RoleOperator, "PUT", "/api/v1/list-types/bad_black", `{"code":"bad_black","name":"无依据黑名单","kind":"black","domain":"market","identifying_dept":"samr","criteria":"x","exit_conditions":["y"]}`), 400, "basis")
	})
}

// TestCheckHeaders pins the headers of the check's answers (see
// securityHeaders in package web): the JSON-only check routes get nosniff
// and a policy forbidding any loading and framing, every other response the
// page headers; every response gets a request id.
func TestCheckHeaders(t *testing.T) {
	s := xtest.SQLiteStore(t, xtest.Options{})
	e := newCheckEnv(t, s)
	_, ok := e.check(t, e.org.Code, "政府采购")
	lean := map[string]string{
		"Content-Type":            "application/json; charset=utf-8",
		"Cache-Control":           "no-store",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"X-Frame-Options":         "",
		"Referrer-Policy":         "",
	}
	bad := e.Do(t, auth.RoleSystem, "GET", "/api/v1/check?subject=x&scenario=x", nil)
	many := e.Do(t, auth.RoleSystem, "POST", "/api/v1/checks", map[string]any{"subjects": []string{e.org.Code}, "scenario": "政府采购"})
	public := e.Do(t, auth.RolePublic, "GET", "/api/v1/check?subject="+e.org.Code+"&scenario=x", nil)
	for name, c := range map[string]struct {
		r      xtest.Response
		status int
		want   map[string]string
	}{
		"check":       {ok, 200, lean},
		"bad input":   {bad, 400, map[string]string{"Content-Type": "application/problem+json; charset=utf-8", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": lean["Content-Security-Policy"], "X-Frame-Options": ""}},
		"batch":       {many, 200, lean},
		"public":      {public, 401, map[string]string{"X-Content-Type-Options": "nosniff", "Content-Security-Policy": lean["Content-Security-Policy"]}},
		"other route": {e.Do(t, auth.RolePublic, "GET", "/api/v1/departments", nil), 200, map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}},
	} {
		if c.r.Status != c.status {
			t.Errorf("%s: status %d, want %d: %s", name, c.r.Status, c.status, c.r.Body)
		}
		for k, v := range c.want {
			if got := c.r.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", name, k, got, v)
			}
		}
		if c.r.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", name)
		}
	}
	if csp := e.Do(t, auth.RolePublic, "GET", "/api/v1/departments", nil).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("page policy on other routes: %q", csp)
	}
	if d := ok.Header.Get("X-Check-Digest"); d != fmt.Sprintf("%x", sha256.Sum256(ok.Body)) {
		t.Errorf("X-Check-Digest %q does not match the body", d)
	}
	req, _ := http.NewRequest("GET", e.URL+"/api/v1/check?subject="+e.org.Code+"&scenario="+url.QueryEscape("政府采购"), nil)
	req.Header.Set("Authorization", "Bearer "+e.Tokens[auth.RoleSystem])
	req.Header.Set("X-Request-Id", "caller-42")
	if r := e.Send(t, req); r.Header.Get("X-Request-Id") != "caller-42" {
		t.Errorf("X-Request-Id not echoed: %q", r.Header.Get("X-Request-Id"))
	}
}

var (
	checkIDField = regexp.MustCompile(`"check_id":"[^"]*"`)
	asOfField    = regexp.MustCompile(`"as_of":"[^"]*"`)
)

// The check's fast path (web.Listen, internal/web/hotpath) answers as
// net/http does: the same status, headers and body for the same request,
// but for the check id and what derives from it.
func TestCheckFastPathMatchesNetHTTP(t *testing.T) {
	s := xtest.SQLiteStore(t, xtest.Options{})
	e := newCheckEnv(t, s)
	hl, ok := e.Server.Listener.(*hotpath.Listener)
	if !ok {
		t.Fatalf("test server not behind the fast path: %T", e.Server.Listener)
	}
	plain := httptest.NewServer(e.Server.Config.Handler)
	defer plain.Close()
	tok := e.Tokens[auth.RoleSystem]
	past := time.Now().AddDate(-1, 0, 0).Format(time.RFC3339)
	for _, c := range []struct{ name, target, token string }{
		{"organisation", "/api/v1/check?subject=" + e.org.Code + "&scenario=" + url.QueryEscape("政府采购"), tok},
		{"person, related", "/api/v1/check?subject=" + e.person.Code + "&scenario=gov_procurement&related=true", tok},
		{"as of", "/api/v1/check?subject=" + e.org.Code + "&scenario=" + url.QueryEscape("行政许可") + "&as_of=" + url.QueryEscape(past), tok},
		{"not found", "/api/v1/check?subject=91110000MA01234567&scenario=" + url.QueryEscape("政府采购"), tok},
		{"malformed code", "/api/v1/check?subject=x&scenario=" + url.QueryEscape("政府采购"), tok},
		{"unknown scenario", "/api/v1/check?subject=" + e.org.Code + "&scenario=nope", tok},
		{"no token", "/api/v1/check?subject=" + e.org.Code + "&scenario=" + url.QueryEscape("政府采购"), ""},
		{"bad token", "/api/v1/check?subject=" + e.org.Code + "&scenario=" + url.QueryEscape("政府采购"), "nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			get := func(base string) xtest.Response {
				req, _ := http.NewRequest("GET", base+c.target, nil)
				if c.token != "" {
					req.Header.Set("Authorization", "Bearer "+c.token)
				}
				req.Header.Set("X-Request-Id", "same")
				return e.Send(t, req)
			}
			before := hl.Served()
			fast, slow := get(e.URL), get(plain.URL)
			if hl.Served() != before+1 {
				t.Fatalf("fast path served %d requests, want 1", hl.Served()-before)
			}
			if fast.Status != slow.Status {
				t.Fatalf("status %d on the fast path, %d on net/http: %s", fast.Status, slow.Status, fast.Body)
			}
			norm := func(r xtest.Response) (http.Header, string) {
				h := r.Header.Clone()
				for _, k := range []string{"Date", "Content-Length", "X-Check-Digest"} {
					if (h.Get(k) == "") != (slow.Header.Get(k) == "") {
						t.Errorf("header %s only on one side", k)
					}
					h.Del(k)
				}
				// The id and the time of the check (as_of when not asked for).
				b := checkIDField.ReplaceAllString(string(r.Body), `"check_id":"…"`)
				if !strings.Contains(c.target, "as_of=") {
					b = asOfField.ReplaceAllString(b, `"as_of":"…"`)
				}
				return h, b
			}
			fh, fb := norm(fast)
			sh, sb := norm(slow)
			if fmt.Sprint(fh) != fmt.Sprint(sh) {
				t.Errorf("headers differ:\nfast     %v\nnet/http %v", fh, sh)
			}
			if fb != sb {
				t.Errorf("bodies differ:\nfast     %s\nnet/http %s", fb, sb)
			}
			if n, err := strconv.Atoi(fast.Header.Get("Content-Length")); err != nil || n != len(fast.Body) {
				t.Errorf("Content-Length %q for %d bytes", fast.Header.Get("Content-Length"), len(fast.Body))
			}
		})
	}
}
