package store_test

import (
	"context"
	"maps"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/catalog"
	"xinyong/internal/pii"
	"xinyong/internal/record"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

// recNow is Monday 2025-03-03 10:00 in Shanghai.
var recNow = time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)

func recClock() time.Time { return recNow }

func recTestPII(t testing.TB) *pii.Protector {
	p, err := pii.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	recUscMu   sync.Mutex // tests on both engines run in parallel
	recUscRand = rand.New(rand.NewPCG(7, 11))
)

func recNewUSCC() string {
	recUscMu.Lock()
	defer recUscMu.Unlock()
	return subject.GenerateUSCC(recUscRand, "350100", '9', '1')
}

// recPenalty returns a valid 行政处罚 row.
func recPenalty(doc, uscc, name, decided string) map[string]string {
	return map[string]string{
		"CF_XDR_MC": name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": uscc, "CF_FRDB": "张三",
		"CF_WSH": doc, "CF_WFXW": "销售超过保质期的食品", "CF_SY": "当事人销售超过保质期的食品", "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
		"CF_CFLB": "警告;罚款", "CF_NR": "警告，并处罚款5000元", "CF_NR_FK": "0.5", "CF_JDRQ": decided, "CF_YXQ": "2026-12-31",
		"CF_CFJG": "示例市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X", "CF_SJLY": "示例市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X",
	}
}

func recSetupDepts(t testing.TB, s *store.Store, review bool) {
	t.Helper()
	ctx := context.Background()
	for _, d := range []store.Department{{Code: "samr", Name: "市市场监督管理局", ReviewRequired: review}, {Code: "tax", Name: "市税务局"}} {
		if err := s.UpsertDepartment(ctx, d, "test"); err != nil {
			t.Fatal(err)
		}
	}
}

func recIngest(t testing.TB, s *store.Store, strict bool, rows ...map[string]string) *store.BatchReport {
	t.Helper()
	return recIngestChunked(t, s, strict, 0, rows...)
}

// recIngestChunked is recIngest in chunks of chunk rows (0: the default).
func recIngestChunked(t testing.TB, s *store.Store, strict bool, chunk int, rows ...map[string]string) *store.BatchReport {
	t.Helper()
	in := make([]store.IngestRow, len(rows))
	for i, r := range rows {
		in[i] = store.IngestRow{Line: i + 1, Values: r}
	}
	rep, err := s.Ingest(context.Background(), &store.SliceRows{Rows: in}, store.IngestOptions{
		Dept: "samr", Type: "penalty", Source: "test", Actor: "user:1", Strict: strict, PII: recTestPII(t), Outcomes: true, ChunkSize: chunk})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

type recCounts struct{ Total, Accepted, Created, Corrected, Duplicate, Rejected, Pending int }

func recCountsOf(r *store.BatchReport) recCounts {
	return recCounts{r.Total, r.Accepted, r.Created, r.Corrected, r.Duplicate, r.Rejected, r.Pending}
}

func recPublicDocs(t testing.TB, s *store.Store, asOf string) []string {
	t.Helper()
	recs, err := s.PublicListing(context.Background(), store.PublicFilter{AsOf: asOf, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, r.DocNo)
	}
	return out
}

func TestIngestValidatesAndPublishes(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, false)
		good := recNewUSCC()
		badCheck := good[:17] + map[bool]string{true: "1", false: "2"}[good[17] != '1']
		missing := recPenalty("罚3", recNewUSCC(), "丙公司", "2025-02-20")
		delete(missing, "CF_WSH")
		rep := recIngest(t, s, false,
			recPenalty("罚1", good, "甲公司", "2025-02-20"),
			recPenalty("罚2", badCheck, "乙公司", "2025-02-20"),
			missing,
			recPenalty("罚4", "12345", "丁公司", "2025-02-20"),
		)
		if diff := cmp.Diff(recCounts{Total: 4, Accepted: 2, Created: 2, Rejected: 2}, recCountsOf(rep)); diff != "" {
			t.Fatalf("recCounts (-want +got):\n%s\nissues %v", diff, rep.Issues)
		}
		rows := map[int]string{}
		for _, is := range rep.Issues {
			rows[is.Row] = is.Field
		}
		if diff := cmp.Diff(map[int]string{3: "CF_WSH", 4: "CF_XDR_SHXYM"}, rows); diff != "" {
			t.Errorf("issue rows (-want +got):\n%s", diff)
		}
		if len(rep.Warnings) != 1 || rep.Warnings[0].Row != 2 {
			t.Errorf("want one check-character warning on row 2, got %v", rep.Warnings)
		}
		if got := recPublicDocs(t, s, "2025-03-03"); !cmp.Equal(got, []string{"罚2", "罚1"}) {
			t.Errorf("public = %v", got)
		}
		r, err := s.Record(context.Background(), rep.Outcomes[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Subject != badCheck || !cmp.Equal(r.Flags, []string{record.FlagCheckChar}) || r.CatalogVersion != 1 {
			t.Errorf("flagged record: subject %s flags %v catalog %d", r.Subject, r.Flags, r.CatalogVersion)
		}
		// 一般 (警告+罚款) decided 2025-02-20 under the 2019 rules: 3 months – 1 year.
		if r.PublicityMinEnd != "2025-05-20" || r.PublicityEnd != "2026-02-20" || r.Severity != "general" {
			t.Errorf("window %s..%s severity %s", r.PublicityMinEnd, r.PublicityEnd, r.Severity)
		}
		// The window ends without any job: gone the day after.
		if got := recPublicDocs(t, s, "2026-02-21"); len(got) != 0 {
			t.Errorf("after window public = %v", got)
		}
		if got := recPublicDocs(t, s, "2026-02-20"); len(got) != 2 {
			t.Errorf("last day public = %v", got)
		}
	})
}

func TestIngestIdempotentAndVersions(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, false)
		ctx := context.Background()
		code := recNewUSCC()
		a, b := recPenalty("罚1", code, "甲公司", "2025-02-20"), recPenalty("罚2", code, "甲公司", "2025-02-21")
		first := recIngest(t, s, false, a, b)
		if diff := cmp.Diff(recCounts{Total: 2, Accepted: 2, Created: 2}, recCountsOf(first)); diff != "" {
			t.Fatal(diff)
		}
		again := recIngest(t, s, false, a, b)
		if diff := cmp.Diff(recCounts{Total: 2, Accepted: 2, Duplicate: 2}, recCountsOf(again)); diff != "" {
			t.Fatalf("re-send (-want +got):\n%s", diff)
		}
		// Same content in another header spelling and date format is still a duplicate.
		alt := map[string]string{}
		for k, v := range a {
			alt[k] = v
		}
		alt["CF_JDRQ"] = "2025/02/20"
		if rep := recIngest(t, s, false, alt); rep.Duplicate != 1 {
			t.Fatalf("alternate date format: %+v", recCountsOf(rep))
		}
		changed := recPenalty("罚1", code, "甲公司", "2025-02-20")
		changed["CF_NR"] = "警告，并处罚款6000元"
		changed["CF_NR_FK"] = "0.6"
		rep := recIngest(t, s, false, changed)
		if diff := cmp.Diff(recCounts{Total: 1, Accepted: 1, Corrected: 1}, recCountsOf(rep)); diff != "" {
			t.Fatal(diff)
		}
		cur, err := s.Record(ctx, rep.Outcomes[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := s.RecordHistory(ctx, cur)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].IsCurrent || hist[0].SupersededAt.IsZero() || !hist[1].IsCurrent || hist[1].Version != 2 {
			t.Fatalf("history: %+v", hist)
		}
		if got := recPublicDocs(t, s, "2025-03-03"); len(got) != 2 {
			t.Errorf("public after correction = %v (want one row per record)", got)
		}
		// Changes: 1 subject, 2 published, 1 corrected.
		ch, err := s.Changes(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, c := range ch {
			kinds = append(kinds, c.Kind)
		}
		want := []string{"subject.created", "record.published", "record.published", "record.corrected"}
		if diff := cmp.Diff(want, kinds); diff != "" {
			t.Errorf("feed (-want +got):\n%s", diff)
		}
		// Revocation withdraws at once and is announced.
		if _, err := s.RevokeRecord(ctx, cur.ID, "samr", "复议撤销", "user:1"); err != nil {
			t.Fatal(err)
		}
		if got := recPublicDocs(t, s, "2025-03-03"); !cmp.Equal(got, []string{"罚2"}) {
			t.Errorf("public after revocation = %v", got)
		}
		if _, err := s.RevokeRecord(ctx, cur.ID, "tax", "x", "user:2"); err == nil {
			t.Error("another department revoked a record")
		}
		ch, _ = s.Changes(ctx, ch[len(ch)-1].Seq, 10)
		if len(ch) != 1 || ch[0].Kind != "record.revoked" {
			t.Errorf("revocation feed: %+v", ch)
		}
	})
}

func TestIngestStrictIsAllOrNothing(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, false)
		bad := recPenalty("罚2", recNewUSCC(), "乙公司", "2025-13-01")
		rep := recIngest(t, s, true, recPenalty("罚1", recNewUSCC(), "甲公司", "2025-02-20"), bad)
		if rep.Status != "rejected" || rep.Accepted != 0 || rep.Rejected != 1 || len(rep.Issues) == 0 || rep.Issues[0].Field != "CF_JDRQ" {
			t.Fatalf("strict report: %+v", rep)
		}
		if got := recPublicDocs(t, s, "2025-03-03"); len(got) != 0 {
			t.Errorf("strict batch wrote %v", got)
		}
		n, _ := s.SubjectCount(context.Background())
		if n != 0 {
			t.Errorf("strict batch created %d subjects", n)
		}
		stored, err := s.Batch(context.Background(), rep.BatchID)
		if err != nil || stored.Status != "rejected" {
			t.Errorf("stored rejected batch: %v %v", stored, err)
		}
	})
}

func TestReviewQueueAndLateness(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, true)
		ctx := context.Background()
		// 2025-02-17 (Mon) + 7 working days = 2025-02-26; published 2025-03-03 is 3 working days late.
		rep := recIngest(t, s, false, recPenalty("罚1", recNewUSCC(), "甲公司", "2025-02-17"), recPenalty("罚2", recNewUSCC(), "乙公司", "2025-02-27"))
		if rep.Pending != 2 {
			t.Fatalf("pending = %d", rep.Pending)
		}
		if got := recPublicDocs(t, s, "2025-03-03"); len(got) != 0 {
			t.Fatalf("pending records public: %v", got)
		}
		queue, err := s.Records(ctx, store.RecordFilter{Dept: "samr", State: string(record.PendingReview), Limit: 10})
		if err != nil || len(queue) != 2 {
			t.Fatalf("queue %v %v", queue, err)
		}
		late := func(r record.Record, today string) int {
			c, _ := s.Calendar(ctx)
			cat, _ := s.Catalog(ctx)
			ty, _ := cat.Lookup(r.Type)
			return record.Lateness(ty, c, r.DecisionDate, today)
		}
		byDoc := map[string]int64{}
		for _, r := range queue {
			byDoc[r.DocNo] = r.ID
		}
		passed, err := s.ReviewRecord(ctx, byDoc["罚1"], "samr", record.ActionPass, "", "user:3", late)
		if err != nil {
			t.Fatal(err)
		}
		if passed.LateDays != 3 || passed.State != record.Published {
			t.Errorf("passed: late %d state %s", passed.LateDays, passed.State)
		}
		if _, err := s.ReviewRecord(ctx, byDoc["罚2"], "samr", record.ActionReturn, "处罚内容与依据不符", "user:3", late); err != nil {
			t.Fatal(err)
		}
		if got := recPublicDocs(t, s, "2025-03-03"); !cmp.Equal(got, []string{"罚1"}) {
			t.Errorf("public after review = %v", got)
		}
		if _, err := s.ReviewRecord(ctx, byDoc["罚2"], "samr", record.ActionPass, "", "user:3", late); err == nil {
			t.Error("a returned record was passed")
		}
		tl, err := s.RecordTimeliness(ctx, "samr", "", "")
		if err != nil || len(tl) != 1 || tl[0].Late != 1 || tl[0].LateDays != 3 {
			t.Errorf("timeliness %+v %v", tl, err)
		}
	})
}

func TestStatusRowRevokes(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, true) // review on: a revocation still takes effect at once
		ctx := context.Background()
		lic := map[string]string{
			"XK_XDR_MC": "甲公司", "XK_XDR_LB": "法人及非法人组织", "XK_XDR_SHXYM": recNewUSCC(), "XK_XKWS": "准予许可决定", "XK_WSH": "许1",
			"XK_XKLB": "普通", "XK_NR": "食品销售", "XK_JDRQ": "2025-02-20", "XK_YXQZ": "2025-02-20", "XK_YXQZI": "2030-02-19",
			"XK_XKJG": "市市场监督管理局", "XK_XKJGDM": "11350100MB0000000X", "XK_LYDW": "市市场监督管理局", "XK_LYDWDM": "11350100MB0000000X",
		}
		run := func(v map[string]string) *store.BatchReport {
			rep, err := s.Ingest(ctx, &store.SliceRows{Rows: []store.IngestRow{{Line: 1, Values: v}}}, store.IngestOptions{
				Dept: "samr", Type: "license", Source: "test", Actor: "user:1", PII: recTestPII(t), Outcomes: true})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		first := run(lic)
		if _, err := s.ReviewRecord(ctx, first.Outcomes[0].ID, "samr", record.ActionPass, "", "user:3", func(record.Record, string) int { return 0 }); err != nil {
			t.Fatal(err)
		}
		recs, _ := s.PublicListing(ctx, store.PublicFilter{AsOf: "2025-03-03", Type: "license", Limit: 10})
		if len(recs) != 1 {
			t.Fatalf("licence not public after review: %d", len(recs))
		}
		head, _ := s.Changes(ctx, 0, 1000)
		lic["XK_ZT"] = "撤销"
		rep := run(lic)
		if rep.Revoked != 1 || rep.Pending != 0 || rep.Corrected != 1 {
			t.Fatalf("revoking row: %+v", rep)
		}
		recs, _ = s.PublicListing(ctx, store.PublicFilter{AsOf: "2025-03-03", Type: "license", Limit: 10})
		if len(recs) != 0 {
			t.Errorf("revoked licence still public")
		}
		ch, _ := s.Changes(ctx, head[len(head)-1].Seq, 10)
		if len(ch) != 1 || ch[0].Kind != "record.revoked" {
			t.Errorf("feed after revoking row: %+v", ch)
		}
	})
}

func TestIdentityNumbersNotStoredInClear(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, false)
		const id = "11010519491231002X"
		person := recPenalty("罚P", "", "李小明", "2025-02-20")
		delete(person, "CF_XDR_SHXYM")
		delete(person, "CF_FRDB")
		person["CF_XDR_LB"], person["CF_XDR_ZJLX"], person["CF_XDR_ZJHM"] = "自然人", "身份证", id
		rep := recIngest(t, s, false, person)
		if rep.Created != 1 {
			t.Fatalf("person row: %+v", rep)
		}
		var content, hash string
		if err := s.DB().QueryRow("SELECT content, content_hash FROM records").Scan(&content, &hash); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(content, id) || !strings.Contains(content, "1101**********002X") {
			t.Errorf("stored content: %s", content)
		}
		if again := recIngest(t, s, false, person); again.Duplicate != 1 {
			t.Errorf("re-send of a person's record is not a duplicate: %+v", recCountsOf(again))
		}
		other := maps.Clone(person)
		recUscMu.Lock() // the engines' subtests run in parallel
		other["CF_XDR_ZJHM"] = subject.GenerateIDCard(recUscRand, "110105", time.Date(1980, 5, 6, 0, 0, 0, 0, time.UTC), true)
		recUscMu.Unlock()
		if v := recIngest(t, s, false, other); v.Corrected != 1 {
			t.Errorf("changed identity number: %+v", recCountsOf(v))
		}
	})
}

// A first batch of a department and type skips the version look-up of
// document numbers it has not written yet, and resolves each subject once:
// repeats and corrections in later chunks of the same batch must still be
// found.
func TestIngestFirstBatchFindsItsOwnRows(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, false)
		ctx := context.Background()
		code, other := recNewUSCC(), recNewUSCC()
		a := recPenalty("罚1", code, "甲公司", "2025-02-20")
		changed := recPenalty("罚1", code, "甲公司", "2025-02-20")
		changed["CF_NR"] = "警告，并处罚款6000元"
		changed["CF_NR_FK"] = "0.6"
		rows := []map[string]string{a, recPenalty("罚2", other, "乙公司", "2025-02-21"), recPenalty("罚3", code, "甲公司", "2025-02-21"), a, changed}
		rep := recIngestChunked(t, s, false, 2, rows...)
		if diff := cmp.Diff(recCounts{Total: 5, Accepted: 5, Created: 3, Duplicate: 1, Corrected: 1}, recCountsOf(rep)); diff != "" {
			t.Fatal(diff)
		}
		last := rep.Outcomes[4]
		if last.Result != "corrected" || last.Version != 2 {
			t.Fatalf("correction in a later chunk: %+v", last)
		}
		cur, err := s.Record(ctx, last.ID)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := s.RecordHistory(ctx, cur)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].IsCurrent || !hist[1].IsCurrent {
			t.Fatalf("history: %+v", hist)
		}
		first, _ := s.Record(ctx, rep.Outcomes[0].ID)
		third, _ := s.Record(ctx, rep.Outcomes[2].ID)
		if first.SubjectID == 0 || first.SubjectID != third.SubjectID || first.SubjectID != cur.SubjectID {
			t.Fatalf("one subject expected: %d %d %d", first.SubjectID, third.SubjectID, cur.SubjectID)
		}
		ch, err := s.Changes(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		subjects := 0
		for _, c := range ch {
			if c.Kind == "subject.created" {
				subjects++
			}
		}
		if subjects != 2 {
			t.Errorf("subjects created = %d, want 2", subjects)
		}
		// A second batch finds the stored rows.
		if again := recIngest(t, s, false, changed, rows[1]); again.Duplicate != 2 {
			t.Errorf("re-send: %+v", recCountsOf(again))
		}
	})
}

// An import stores content compact (record.Compact); every reader hands it
// out as before, a record stored canonical (before the compact form) still
// reads, and a re-sent row is still a duplicate (the hash is unchanged).
func TestCompactContentReadsBack(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		recSetupDepts(t, s, false)
		row := recPenalty("罚C1", recNewUSCC(), "甲公司", "2025-02-20")
		row["CF_NR"] = `警告 "引号" <b>&\`
		rep := recIngest(t, s, false, row)
		if rep.Created != 1 {
			t.Fatalf("import: %+v", recCountsOf(rep))
		}
		var stored, hash string
		var subjectID int64
		if err := s.DB().QueryRow("SELECT content, content_hash, subject_id FROM records").Scan(&stored, &hash, &subjectID); err != nil {
			t.Fatal(err)
		}
		canon, wantHash := record.Canonical(row)
		if !record.IsCompact(stored) || len(stored) >= len(canon) || hash != wantHash {
			t.Errorf("stored %s (%d bytes, canonical %d), hash %s want %s", stored, len(stored), len(canon), hash, wantHash)
		}
		// A record stored canonical, as before the compact form.
		legacy := recPenalty("罚C0", "", "甲公司", "2025-02-19")
		delete(legacy, "CF_XDR_SHXYM")
		legacyJSON, legacyHash := record.Canonical(legacy)
		if _, err := s.DB().Exec(s.D.Rebind(`INSERT INTO records (id, subject_id, type, dept, doc_no, version, is_current, catalog_version, nature, severity, disclosure, state, decision_date, publicity_end, content, content_hash, submitted_by, received_at, published_at)
			VALUES (100, ?, 'penalty', 'samr', '罚C0', 1, ?, 1, 'bad', 'general', 'public', 'published', '2025-02-19', '2026-12-31', ?, ?, 'test', 1, 1)`), subjectID, true, legacyJSON, legacyHash); err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]string{"罚C1": row, "罚C0": legacy}
		check := func(where, doc string, got map[string]string) {
			t.Helper()
			if diff := cmp.Diff(want[doc], got); diff != "" {
				t.Errorf("%s %s content (-want +got):\n%s", where, doc, diff)
			}
		}
		recs, err := s.Records(ctx, store.RecordFilter{Dept: "samr", Limit: 10})
		if err != nil || len(recs) != 2 {
			t.Fatalf("records: %v %v", recs, err)
		}
		for _, r := range recs {
			check("Records", r.DocNo, r.Content)
			one, err := s.Record(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			check("Record", r.DocNo, one.Content)
		}
		listed, err := s.PublicListing(ctx, store.PublicFilter{AsOf: "2025-03-03", Limit: 10})
		if err != nil || len(listed) != 2 {
			t.Fatalf("public listing: %v %v", listed, err)
		}
		for _, r := range listed {
			check("PublicListing", r.DocNo, r.Content)
		}
		pub, err := s.PublicRecords(ctx, subjectID, "2025-03-03")
		if err != nil || len(pub) != 2 {
			t.Fatalf("public records: %v %v", pub, err)
		}
		for _, p := range pub {
			if c, _ := record.Canonical(want[p.DocNo]); string(p.Content) != c {
				t.Errorf("PublicRecords %s: %s, want %s", p.DocNo, p.Content, c)
			}
		}
		if again := recIngest(t, s, false, row); again.Duplicate != 1 {
			t.Errorf("re-sent row: %+v", recCountsOf(again))
		}
	})
}

// A row may name its subject by a former code only (placeholder USCC): it
// is resolved to the subject holding that code, also one created by an
// earlier chunk of the same batch; an unknown former code is rejected.
func TestIngestResolvesFormerCodes(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, false)
		ctx := context.Background()
		code := recNewUSCC()
		org := code[8:17] // 组织机构代码: the USCC's 9th to 17th characters
		withCode := recPenalty("罚L1", code, "丙公司", "2025-02-20")
		withCode["CF_XDR_ZZJG"] = org
		byFormer := recPenalty("罚L2", catalog.PlaceholderUSCC, "丙公司", "2025-02-21")
		byFormer["CF_XDR_ZZJG"] = org[:8] + "-" + org[8:]
		unknown := recPenalty("罚L3", catalog.PlaceholderUSCC, "丁公司", "2025-02-21")
		unknown["CF_XDR_ZZJG"] = recNewUSCC()[8:17]
		rep := recIngestChunked(t, s, false, 1, withCode, byFormer, unknown)
		if diff := cmp.Diff(recCounts{Total: 3, Accepted: 2, Created: 2, Rejected: 1}, recCountsOf(rep)); diff != "" {
			t.Fatalf("%s issues %+v", diff, rep.Issues)
		}
		if len(rep.Issues) != 1 || rep.Issues[0].Row != 3 || !strings.Contains(rep.Issues[0].Reason, "未找到") {
			t.Fatalf("issues: %+v", rep.Issues)
		}
		first, _ := s.Record(ctx, rep.Outcomes[0].ID)
		second, _ := s.Record(ctx, rep.Outcomes[1].ID)
		if first.SubjectID == 0 || first.SubjectID != second.SubjectID {
			t.Fatalf("former code in a later chunk resolved to subject %d, want %d", second.SubjectID, first.SubjectID)
		}
		// A later batch finds the stored former code.
		again := recPenalty("罚L4", catalog.PlaceholderUSCC, "丙公司", "2025-02-22")
		again["CF_XDR_ZZJG"] = org
		rep2 := recIngest(t, s, false, again)
		if rep2.Created != 1 {
			t.Fatalf("second batch: %+v %+v", recCountsOf(rep2), rep2.Issues)
		}
		if r, _ := s.Record(ctx, rep2.Outcomes[0].ID); r.SubjectID != first.SubjectID {
			t.Fatalf("second batch resolved to subject %d, want %d", r.SubjectID, first.SubjectID)
		}
	})
}
