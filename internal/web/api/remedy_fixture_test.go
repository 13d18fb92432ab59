package api_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"xinyong/internal/check"
	"xinyong/internal/demo"
	"xinyong/internal/engine"
	"xinyong/internal/list"
	"xinyong/internal/measure"
	"xinyong/internal/pii"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

// remFix is a server with a running check engine and two organisations.
type remFix struct {
	srv  *xtest.Server
	eng  *engine.Engine
	org  subject.Subject
	org2 subject.Subject
}

func remSetup(t *testing.T, s *store.Store) remFix {
	t.Helper()
	ctx := context.Background()
	srv := xtest.NewServer(t, s)
	for _, d := range []store.Department{{Code: "tax", Name: "市税务局"}} {
		if err := s.UpsertDepartment(ctx, d, "test"); err != nil {
			t.Fatal(err)
		}
	}
	eng, err := engine.Start(ctx, s, engine.Options{TailInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	p, _ := pii.New(make([]byte, 32))
	g := demo.NewGenerator(uint64(time.Now().UnixNano()), time.Now())
	f := remFix{srv: srv, eng: eng}
	for _, o := range []*subject.Subject{&f.org, &f.org2} {
		if *o, err = s.CreateSubject(ctx, g.Organisation(p, "张三"), "test"); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// activate lists org on list type code from start, without waiting for the
// objection period.
func (f remFix) activate(t *testing.T, org subject.Subject, code, start string) list.Entry {
	t.Helper()
	ctx := context.Background()
	lt, _ := list.SeedByCode(code)
	lt.ObjectionDays = 0
	p := list.Proposal{Subject: org.Code, ListType: code, Facts: "拒不履行法定义务", BasisDoc: "认定〔2025〕" + org.Code[10:16] + "号", Start: start}
	if err := p.Validate(lt, list.Day(time.Now())); err != nil {
		t.Fatal(err)
	}
	e, err := f.srv.Store.ProposeEntry(ctx, org.ID, p, lt, 3, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []list.Action{list.ActNotify, list.ActActivate} {
		if e, err = f.srv.Store.TransitionEntry(ctx, e.ID, lt, store.TransitionInput{Action: a, Who: list.ActorIdentifier}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// penalty ingests a samr penalty of org decided on day; kinds chooses the
// severity through CF_CFLB.
func (f remFix) penalty(t *testing.T, org subject.Subject, doc, day, kinds string) int64 {
	t.Helper()
	row := map[string]string{
		"CF_XDR_MC": org.Name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": org.Code, "CF_FRDB": "张三",
		"CF_WSH": doc, "CF_WFXW": "销售超过保质期的食品", "CF_SY": "当事人销售超过保质期的食品", "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
		"CF_CFLB": kinds, "CF_NR": "处罚", "CF_NR_FK": "5", "CF_JDRQ": day, "CF_YXQ": yearAfter(day),
		"CF_CFJG": "示例市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X", "CF_SJLY": "示例市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X",
	}
	p, _ := pii.New(make([]byte, 32))
	rep, err := f.srv.Store.Ingest(context.Background(), &store.SliceRows{Rows: []store.IngestRow{{Line: 1, Values: row}}},
		store.IngestOptions{Dept: "samr", Type: "penalty", Source: "test", Actor: "test", PII: p, Outcomes: true, Backfill: true})
	if err != nil || rep.Accepted != 1 {
		t.Fatalf("ingest: %v %+v", err, rep)
	}
	return rep.Outcomes[0].ID
}

// within polls the check until cond holds, failing after one second.
func (f remFix) within(t *testing.T, what, code string, cond func(check.Answer) bool) {
	t.Helper()
	sc, _ := measure.ScenarioByName("高消费")
	deadline := time.Now().Add(time.Second)
	for {
		a, _ := f.eng.Check(code, sc, time.Now(), false)
		if cond(a) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not visible in the check within 1s: %+v", what, a)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// as sends a request with a raw bearer token (e.g. the court clerk).
func (f remFix) as(t *testing.T, token, method, path string, body string) xtest.Response {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, io.NopCloser(strings.NewReader(body)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return f.srv.Send(t, req)
}

func (f remFix) cases(t *testing.T) int {
	t.Helper()
	cs, err := f.srv.Store.Cases(context.Background(), store.CaseFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

func pdf(kind string) map[string]string {
	return map[string]string{"kind": kind, "name": kind + ".pdf", "data": base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n%test\n"))}
}

func monthsAgo(n int) string { return time.Now().AddDate(0, -n, 0).Format(time.DateOnly) }

type caseResp struct {
	Case struct {
		ID            int64    `json:"id"`
		State         string   `json:"state"`
		Missing       []string `json:"missing"`
		ApplicantName string   `json:"applicant_name"`
		PausedEntries []int64  `json:"paused_entries"`
		Due           string   `json:"due"`
		Extended      bool     `json:"extended"`
	} `json:"case"`
	QueryCode string `json:"query_code"`
}

func yearAfter(day string) string {
	d, _ := time.Parse(time.DateOnly, day)
	return d.AddDate(1, 0, 0).Format(time.DateOnly)
}
