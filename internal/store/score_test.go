package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/measure"
	"xinyong/internal/score"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/tracking"
	"xinyong/internal/xtest"
)

func scoreSubject(t *testing.T, s *store.Store, name string) subject.Subject {
	t.Helper()
	sub, err := subject.Prepare(subject.Input{Type: "legal", Code: recNewUSCC(), Name: name, RegisteredOn: "2015-01-01"}, recTestPII(t), nil, recNow, false)
	if err != nil {
		t.Fatal(err)
	}
	if sub, err = s.CreateSubject(context.Background(), sub, "test"); err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestScoreModelVersions(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m, err := s.ActiveScoreModel(ctx)
		if err != nil || m.Version != 1 {
			t.Fatalf("seeded model: %v %+v", err, m)
		}
		bad := score.Default()
		bad.Bands[2].Min = 600 // overlaps BBB
		if _, err := s.SaveScoreModel(ctx, bad, "test", false); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("overlapping bands accepted: %v", err)
		}
		if m, _ := s.ActiveScoreModel(ctx); m.Version != 1 {
			t.Fatalf("active model changed to %d", m.Version)
		}
		good := score.Default()
		good.Name = "第二版"
		if m, err = s.SaveScoreModel(ctx, good, "test", false); err != nil || m.Version != 2 {
			t.Fatalf("save: %v", err)
		}
		vs, err := s.ScoreModels(ctx)
		if err != nil || len(vs) != 2 || !vs[0].Active || vs[1].Active || vs[0].Name != "第二版" {
			t.Fatalf("versions: %v %+v", err, vs)
		}
	})
}

func TestScoreFactsAndSupervision(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		recSetupDepts(t, s, false)
		if err := s.SeedRules(ctx, list.Seed(), measure.Seed()); err != nil {
			t.Fatal(err)
		}
		bad := scoreSubject(t, s, "甲有限公司")
		red := scoreSubject(t, s, "乙有限公司")
		plain := scoreSubject(t, s, "丙有限公司")
		if rep := recIngest(t, s, false, recPenalty("罚字1号", bad.Code, bad.Name, "2025-02-20")); rep.Created != 1 {
			t.Fatalf("ingest: %+v", rep)
		}
		ty, _ := list.SeedByCode("tax_a_grade")
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.BulkEntries([]store.BulkEntry{{SubjectID: red.ID, Type: ty, Facts: "A级", BasisDoc: "税评1号", Start: "2025-01-01", ActivatedAt: recNow.Add(-time.Hour)}}, "test")
		}); err != nil {
			t.Fatal(err)
		}
		names, err := s.ScoreNames(ctx)
		if err != nil {
			t.Fatal(err)
		}
		facts, err := s.ScoreFacts(ctx, 1, 1<<40, names)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := s.ActiveScoreModel(ctx)
		var rows []store.ScoreRow
		got := map[string]string{}
		for _, f := range facts {
			sc := score.Compute(m, f, recNow)
			rows = append(rows, store.ScoreRow{Score: sc, Negatives: store.Negatives(f)})
			got[f.Code] = sc.Grade + "/" + sc.Class
		}
		// base 600 + 10 years (capped 50); penalty −40 decaying over 36 months; red list +60
		want := map[string]string{bad.Code: "BBB/B", red.Code: "A/A", plain.Code: "A/A"}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("grades (-want +got):\n%s", d)
		}
		if err := s.SaveScores(ctx, rows, "test", "测试"); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveScores(ctx, rows, "test", "再次"); err != nil { // replace, not duplicate
			t.Fatal(err)
		}
		st, err := s.StoredScoreOf(ctx, bad.ID)
		if err != nil || st.Negatives != 1 || len(st.Contributions) != 2 || st.Contributions[1].Items[0].Label != "失信记录（行政处罚，一般，按时间衰减）" {
			t.Fatalf("stored: %v %+v", err, st)
		}
		// compacted rows (a full recompute's) are stored the same
		for i := range rows {
			rows[i].Compact()
			if rows[i].Score.Contributions != nil {
				t.Fatal("Compact kept the contributions")
			}
		}
		if err := s.SaveScores(ctx, rows, "test", "压缩"); err != nil {
			t.Fatal(err)
		}
		if again, err := s.StoredScoreOf(ctx, bad.ID); err != nil || !cmp.Equal(st, again, cmpopts.IgnoreFields(store.StoredScore{}, "ComputedAt")) {
			t.Fatalf("compacted: %v %s", err, cmp.Diff(st, again))
		}
		list, err := s.Supervision(ctx, store.SupervisionFilter{Class: "A", Limit: 10})
		if err != nil || len(list) != 2 {
			t.Fatalf("class B: %v %+v", err, list)
		}
		list, err = s.Supervision(ctx, store.SupervisionFilter{Dept: "samr", Limit: 10})
		if err != nil || len(list) != 1 || list[0].Subject != bad.Code {
			t.Fatalf("dept samr: %v %+v", err, list)
		}
		recs, err := s.Recommendations(ctx, []string{"AAA", "AA", "A"}, "2025-03-03", 0, 10)
		if err != nil || len(recs) != 2 || recs[0].Code != red.Code || recs[0].RedLists[0] != "tax_a_grade" || recs[1].Code != plain.Code || len(recs[1].RedLists) != 0 {
			t.Fatalf("recommendations: %v %+v", err, recs)
		}
	})
}

func TestTrackingFigures(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		recSetupDepts(t, s, false)
		// An empty period gives empty figures, not errors.
		empty, err := s.TrackingFigures(ctx, tracking.Quarter(2020, 1), recNow, store.TrackingOptions{})
		if err != nil || len(empty.Depts) != 0 || empty.Total.Records != 0 || len(empty.Lists) != 3 {
			t.Fatalf("empty: %v %+v", err, empty)
		}
		sub := scoreSubject(t, s, "丁有限公司")
		bad := recPenalty("罚字9号", sub.Code, sub.Name, "2025-02-20")
		wrong := recPenalty("罚字10号", "not-a-code", sub.Name, "2025-02-20")
		recIngest(t, s, false, bad, wrong)
		f, err := s.TrackingFigures(ctx, tracking.Quarter(2025, 1), recNow, store.TrackingOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Depts) != 1 || f.Depts[0].Dept != "samr" || f.Depts[0].Records != 1 || f.Depts[0].RowsTotal != 2 || f.Depts[0].RowsRejected != 1 ||
			f.Depts[0].ErrorRate != 0.5 || f.Depts[0].Published != 1 || f.Depts[0].Rank != 1 || f.Depts[0].ByType[0].Name != "行政处罚" {
			t.Fatalf("figures: %+v", f.Depts)
		}
		ms, err := s.EnvironmentIndex(ctx, tracking.Quarter(2025, 1), tracking.DefaultIndex)
		if err != nil || len(ms) != 3 || ms[2].Empty || ms[2].Components[0].Value != 1 {
			t.Fatalf("index: %v %+v", err, ms)
		}
		if err := s.SaveIndexMonth(ctx, ms[2]); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.IndexMonthSaved(ctx, ms[2].Month); err != nil || !ok {
			t.Fatalf("saved: %v", err)
		}
	})
}
