package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/demo"
	"xinyong/internal/engine"
	"xinyong/internal/pii"
	"xinyong/internal/score"
	"xinyong/internal/score/scorer"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web"
	"xinyong/internal/web/api"
	"xinyong/internal/xtest"
)

type scoreEnv struct {
	*xtest.Server
	org  subject.Subject
	bank string
	sc   *scorer.Scorer
}

func newScoreEnv(t *testing.T, s *store.Store) scoreEnv {
	t.Helper()
	ctx := context.Background()
	if err := demo.LoadDepartments(ctx, s); err != nil {
		t.Fatal(err)
	}
	p, _ := pii.New(make([]byte, 32))
	g := demo.NewGenerator(uint64(time.Now().UnixNano()), time.Now())
	org, err := s.CreateSubject(ctx, g.Organisation(p, "张三"), "test")
	if err != nil {
		t.Fatal(err)
	}
	env := scoreEnv{org: org}
	env.Server = xtest.NewServer(t, s, xtest.ServerOptions{Handler: func(d api.Deps) http.Handler {
		eng, err := engine.Start(ctx, s, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(eng.Close)
		sc, err := scorer.New(ctx, s, scorer.Options{Interval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(sc.Close)
		eng.SetClassifier(sc.Classify)
		d.Engine, d.Scores, env.sc = eng, sc, sc
		return web.New(web.Options{API: d})
	}})
	_, env.bank, err = s.CreateToken(ctx, store.Token{Name: "银行", Role: auth.RoleSystem, Dept: "pboc"}, "", "test")
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func (e scoreEnv) as(t *testing.T, token, method, path string) xtest.Response {
	t.Helper()
	req, _ := http.NewRequest(method, e.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return e.Send(t, req)
}

func TestScoreModelAPI(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		e := newScoreEnv(t, s)
		bad := score.Default()
		bad.Indicators[0].Weight = 2
		gap := score.Default()
		gap.Bands[0].Min = 900
		for name, body := range map[string]any{"weight": bad, "gap": gap, "syntax": `{"name":`} {
			if b, ok := body.(*score.Model); ok {
				body = string(b.Body())
			}
			res := e.Do(t, auth.RoleOperator, "PUT", "/api/v1/score/model", body)
			if res.Status != 400 || !strings.Contains(string(res.Body), "评价模型") {
				t.Errorf("%s: %d %s", name, res.Status, res.Body)
			}
		}
		if res := e.Do(t, auth.RoleClerk, "PUT", "/api/v1/score/model", string(score.Default().Body())); res.Status != 403 {
			t.Errorf("clerk put: %d", res.Status)
		}
		var m score.Model
		e.Do(t, auth.RolePublic, "GET", "/api/v1/score/model", nil).JSON(t, &m)
		if m.Version != 1 {
			t.Fatalf("active model changed: %d", m.Version)
		}
		res := e.Do(t, auth.RoleOperator, "PUT", "/api/v1/score/model", string(score.Default().Body()))
		if res.Status != 201 {
			t.Fatalf("valid model: %d %s", res.Status, res.Body)
		}
	})
}

func TestScoreFollowsChangesAndCheckClass(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		e := newScoreEnv(t, s)
		ctx := context.Background()
		p, _ := pii.New(make([]byte, 32))
		rep, err := s.Ingest(ctx, &store.SliceRows{Rows: []store.IngestRow{{Line: 1, Values: map[string]string{
			"CF_XDR_MC": e.org.Name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": e.org.Code, "CF_FRDB": "张三",
			"CF_WSH": "罚字1号", "CF_WFXW": "违法行为", "CF_SY": "事由", "CF_YJ": "依据", "CF_CFLB": "罚款", "CF_NR": "罚款", "CF_NR_FK": "1",
			"CF_JDRQ": time.Now().AddDate(0, 0, -3).Format("2006-01-02"), "CF_YXQ": "2099-12-31", "CF_CFJG": "市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X",
			"CF_SJLY": "市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X"}}}}, store.IngestOptions{Dept: "samr", Type: "penalty", Source: "test", Actor: "test", PII: p})
		if err != nil || rep.Created != 1 {
			t.Fatalf("ingest: %v %+v", err, rep)
		}
		// The change is followed in the background (the requirement is within a minute).
		var got struct {
			Score struct {
				Grade, Class  string
				Contributions []score.Contribution
			}
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			res := e.Do(t, auth.RoleOperator, "GET", "/api/v1/subjects/"+e.org.Code+"/score", nil)
			if res.Status == 200 {
				res.JSON(t, &got)
				if len(got.Score.Contributions) > 0 {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("score not updated: %d %s", res.Status, res.Body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		found := false
		for _, c := range got.Score.Contributions {
			found = found || (c.Indicator == "bad_penalty" && c.Points < 0 && strings.HasPrefix(c.Items[0].Ref, "record:"))
		}
		if !found || got.Score.Class == "" {
			t.Fatalf("contributions: %+v", got)
		}
		res := e.Do(t, auth.RoleSystem, "GET", "/api/v1/check?scenario=政府采购&subject="+e.org.Code, nil)
		var ans struct {
			Supervision struct{ Grade, Class string }
		}
		res.JSON(t, &ans)
		if res.Status != 200 || ans.Supervision.Class != got.Score.Class || ans.Supervision.Grade != got.Score.Grade {
			t.Fatalf("check class: %d %s", res.Status, res.Body)
		}
		res = e.Do(t, auth.RoleSystem, "GET", "/api/v1/supervision?class="+got.Score.Class, nil)
		if res.Status != 200 || !strings.Contains(string(res.Body), e.org.Code) {
			t.Fatalf("supervision: %d %s", res.Status, res.Body)
		}
	})
}

func TestScoreAuthorization(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		e := newScoreEnv(t, s)
		cases := []struct {
			name, token, method, path string
			role                      auth.Role
			status                    int
		}{
			{"bank list", e.bank, "GET", "/api/v1/recommendations", "", 200},
			{"bank xlsx", e.bank, "GET", "/api/v1/recommendations.xlsx", "", 200},
			{"other system", "", "GET", "/api/v1/recommendations", auth.RoleSystem, 403},
			{"clerk", "", "GET", "/api/v1/recommendations", auth.RoleClerk, 403},
			{"public", "", "GET", "/api/v1/recommendations", auth.RolePublic, 401},
			{"operator", "", "GET", "/api/v1/recommendations", auth.RoleOperator, 200},
			{"supervision other dept", "", "GET", "/api/v1/supervision?dept=court", auth.RoleClerk, 403},
			{"supervision bad class", "", "GET", "/api/v1/supervision?class=D", auth.RoleOperator, 400},
			{"tracking other dept", "", "GET", "/api/v1/tracking?dept=court", auth.RoleClerk, 403},
			{"tracking bad period", "", "GET", "/api/v1/tracking?period=2026Q5", auth.RoleOperator, 400},
			{"tracking empty period", "", "GET", "/api/v1/tracking?period=2001Q1", auth.RoleOperator, 200},
			{"index public", "", "GET", "/api/v1/tracking/index", auth.RolePublic, 200},
			{"recompute clerk", "", "POST", "/api/v1/score/recompute", auth.RoleClerk, 403},
			{"subject other score", "", "GET", "/api/v1/subjects/" + e.org.Code + "/score", auth.RoleSubject, 403},
		}
		for _, c := range cases {
			var res xtest.Response
			if c.token != "" {
				res = e.as(t, c.token, c.method, c.path)
			} else {
				res = e.Do(t, c.role, c.method, c.path, nil)
			}
			if res.Status != c.status {
				t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
			}
		}
	})
}

func TestTrackingReportsAPI(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		e := newScoreEnv(t, s)
		res := e.Do(t, auth.RoleClerk, "POST", "/api/v1/tracking/reports", map[string]string{"period": "2025Q1"})
		if res.Status != 201 {
			t.Fatalf("generate: %d %s", res.Status, res.Body)
		}
		var rep struct {
			ID   int64
			Dept string
		}
		res.JSON(t, &rep)
		if rep.Dept != "samr" {
			t.Fatalf("clerk report dept %q", rep.Dept)
		}
		path := "/api/v1/tracking/reports/" + jsonNum(rep.ID)
		dl := e.Do(t, auth.RoleClerk, "GET", path, nil)
		if dl.Status != 200 || !strings.HasPrefix(string(dl.Body), "PK") || !strings.Contains(dl.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("download: %d %s", dl.Status, dl.Header)
		}
		if res := e.as(t, e.OtherClerk, "GET", path); res.Status != 403 {
			t.Errorf("other dept download: %d", res.Status)
		}
		var f struct {
			Depts []struct{ Dept string }
		}
		res = e.Do(t, auth.RoleClerk, "GET", "/api/v1/tracking?period=2025Q1", nil)
		res.JSON(t, &f)
		if res.Status != 200 || len(f.Depts) != 1 || f.Depts[0].Dept != "samr" {
			t.Errorf("own figures: %d %s", res.Status, res.Body)
		}
	})
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }
