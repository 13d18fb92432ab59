package scorer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"xinyong/internal/demo"
	"xinyong/internal/pii"
	"xinyong/internal/score/scorer"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

// TestFollowOnceAcrossNodes runs two scorers on one database, as two nodes:
// a change's score is stored once (by the lease holder) while both know the
// grade; when the holder stops, the other takes the writing over; a full
// recompute abandoned by a dead node is restarted by a surviving one.
func TestFollowOnceAcrossNodes(t *testing.T) {
	xtest.Each(t, func(t *testing.T, a *store.Store) {
		ctx := context.Background()
		b := xtest.OtherNode(t, a, "node-b")
		if err := demo.LoadDepartments(ctx, a); err != nil {
			t.Fatal(err)
		}
		p, _ := pii.New(make([]byte, 32))
		g := demo.NewGenerator(uint64(time.Now().UnixNano()), time.Now())
		org1, err := a.CreateSubject(ctx, g.Organisation(p, "张三"), "test")
		if err != nil {
			t.Fatal(err)
		}
		org2, err := a.CreateSubject(ctx, g.Organisation(p, "李四"), "test")
		if err != nil {
			t.Fatal(err)
		}
		o := scorer.Options{Interval: 50 * time.Millisecond, LeaseTTL: time.Second, StaleAfter: 300 * time.Millisecond}
		scs := map[*store.Store]*scorer.Scorer{}
		for _, st := range []*store.Store{a, b} {
			sc, err := scorer.New(ctx, st, o)
			if err != nil {
				t.Fatal(err)
			}
			if err := sc.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(sc.Close)
			scs[st] = sc
		}
		penalise := func(org subject.Subject, doc string) {
			t.Helper()
			rep, err := a.Ingest(ctx, &store.SliceRows{Rows: []store.IngestRow{{Line: 1, Values: map[string]string{
				"CF_XDR_MC": org.Name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": org.Code, "CF_FRDB": "张三",
				"CF_WSH": doc, "CF_WFXW": "违法行为", "CF_SY": "事由", "CF_YJ": "依据", "CF_CFLB": "罚款", "CF_NR": "罚款", "CF_NR_FK": "1",
				"CF_JDRQ": time.Now().AddDate(0, 0, -3).Format("2006-01-02"), "CF_YXQ": "2099-12-31", "CF_CFJG": "市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X",
				"CF_SJLY": "市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X"}}}}, store.IngestOptions{Dept: "samr", Type: "penalty", Source: "test", Actor: "test", PII: p})
			if err != nil || rep.Created != 1 {
				t.Fatalf("ingest: %v %+v", err, rep)
			}
		}
		refreshes := func(id int64) int {
			t.Helper()
			var n int
			if err := a.DB().QueryRowContext(ctx, a.D.Rebind(`SELECT COUNT(*) FROM audit_log WHERE action = 'score.refresh' AND detail LIKE ?`), fmt.Sprintf("%%：%d", id)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		waitFor := func(what string, d time.Duration, ok func() bool) {
			t.Helper()
			for deadline := time.Now().Add(d); !ok(); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%s: not within %s", what, d)
				}
			}
		}

		penalise(org1, "罚字1号")
		waitFor("org1 stored and known to both nodes", 10*time.Second, func() bool {
			_, err := b.StoredScoreOf(ctx, org1.ID)
			return err == nil && scs[a].Grade(org1.ID) != "" && scs[b].Grade(org1.ID) != ""
		})
		time.Sleep(300 * time.Millisecond) // a second writer would have written by now
		if n := refreshes(org1.ID); n != 1 {
			t.Fatalf("org1's score stored %d times, want once", n)
		}

		// The holder stops without releasing its lease; the other node
		// takes over once it runs out.
		var owner string
		if err := a.DB().QueryRowContext(ctx, a.D.Rebind(`SELECT owner FROM leases WHERE name = ?`), store.ScoreLease).Scan(&owner); err != nil {
			t.Fatal(err)
		}
		holder, other := a, b
		if owner == "node-b" {
			holder, other = b, a
		}
		scs[holder].Close()
		penalise(org2, "罚字2号")
		waitFor("org2 stored by the surviving node", 15*time.Second, func() bool {
			_, err := other.StoredScoreOf(ctx, org2.ID)
			return err == nil
		})
		if n := refreshes(org2.ID); n != 1 {
			t.Fatalf("org2's score stored %d times, want once", n)
		}

		// A full recompute whose node died (running, no progress) is
		// restarted by the survivor.
		dead, err := a.StartRecompute(ctx, scs[other].Model().Version, 2, "system:dead-node", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		waitFor("abandoned recompute taken over", 20*time.Second, func() bool {
			j, err := a.Recompute(ctx, 0)
			return err == nil && j.ID > dead.ID && j.State == store.JobDone
		})
		if j, err := a.Recompute(ctx, dead.ID); err != nil || j.State != store.JobFailed || !strings.Contains(j.Error, "中断") {
			t.Fatalf("abandoned job: %+v %v", j, err)
		}
	})
}
