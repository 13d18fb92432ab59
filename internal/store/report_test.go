package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/pii"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

func reportSubjects(t *testing.T, st *store.Store) (org, person subject.Subject) {
	t.Helper()
	ctx := context.Background()
	p, _ := pii.New(make([]byte, 32))
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	person, err := subject.Prepare(subject.Input{Type: "natural", IDNumber: "11010519491231002X", Name: "张三丰", Region: "110105"}, p, func(s string) string { return subject.MaskID(s, 4, 4) }, now, false)
	if err != nil {
		t.Fatal(err)
	}
	org, err = subject.Prepare(subject.Input{Type: "legal", Code: "91350100M000100Y43", Name: "福州示例有限公司", Region: "350102"}, p, nil, now, false)
	if err != nil {
		t.Fatal(err)
	}
	subs := []subject.Subject{person, org}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.BulkSubjects(subs, []store.BulkRelation{{Org: 1, Person: 0, Role: subject.RoleLegalRep, Start: "2020-01-01"}}, "test")
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertDepartment(ctx, store.Department{Code: "samr", Name: "市市场监督管理局"}, "test"); err != nil {
		t.Fatal(err)
	}
	return subs[1], subs[0]
}

func TestReports(t *testing.T) {
	xtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org, _ := reportSubjects(t, st)
		at := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC) // 2026-03-02 in China
		id1, n1, err := st.ReserveReport(ctx, org.ID, org.Code, "public", "公开信用信息查询", at)
		if err != nil {
			t.Fatal(err)
		}
		_, n2, err := st.ReserveReport(ctx, org.ID, org.Code, "public", "", at)
		if err != nil {
			t.Fatal(err)
		}
		if n1 != "XY20260302-000001" || n2 != "XY20260302-000002" {
			t.Fatalf("numbers %s, %s", n1, n2)
		}
		if _, err := st.ReportByNumber(ctx, n1); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("pending report is visible: %v", err)
		}
		issued := store.IssuedReport{ID: id1, Number: n1, VerifyCode: "ABCDEFGHJKLM", Digest: "00ff", Signature: "c2ln", KeyID: "k1", Content: json.RawMessage(`{"a":1}`), IssuedAt: at}
		ev := audit.Event{Actor: "public", Action: "report.issue", Object: "report:" + n1, SubjectID: org.ID}
		if err := st.IssueReport(ctx, issued, ev); err != nil {
			t.Fatal(err)
		}
		if err := st.IssueReport(ctx, issued, ev); !errs.Is(err, errs.KindConflict) {
			t.Errorf("second issue: %v", err)
		}
		for _, get := range []func() (store.IssuedReport, error){
			func() (store.IssuedReport, error) { return st.ReportByNumber(ctx, n1) },
			func() (store.IssuedReport, error) { return st.ReportByDigest(ctx, "00ff") },
		} {
			got, err := get()
			if err != nil {
				t.Fatal(err)
			}
			want := issued
			want.SubjectID, want.SubjectCode, want.State, want.RequestedBy, want.Purpose, want.CreatedAt = org.ID, org.Code, "issued", "public", "公开信用信息查询", at
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
		}
		if _, err := st.ReportByDigest(ctx, "0000"); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("unknown digest: %v", err)
		}
		if n, err := st.ReportCount(ctx); err != nil || n != 1 {
			t.Errorf("ReportCount %d %v", n, err)
		}
		es, err := st.AuditEntries(ctx, org.ID, "report.", 0, 10)
		if err != nil || len(es) != 1 {
			t.Errorf("audit %v %v", es, err)
		}
	})
}

func TestPublicRecordsAndRelations(t *testing.T) {
	xtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org, _ := reportSubjects(t, st)
		add := func(doc, disclosure, state, end string, current bool, revoked any) {
			_, err := st.DB().Exec(st.D.Rebind(`INSERT INTO records (subject_id, type, dept, doc_no, version, is_current, catalog_version, nature, severity, disclosure, state, decision_date, publicity_end, content, content_hash, submitted_by, received_at, revoked_at)
				VALUES (?,?,?,?,1,?,1,?,?,?,?,?,?,?,?,?,?,?)`), org.ID, "penalty", "samr", doc, current, "bad", "general", disclosure, state, "2026-01-0"+doc[len(doc)-1:], end, `{}`, "h"+doc, "test", int64(1), revoked)
			if err != nil {
				t.Fatal(err)
			}
		}
		add("D1", "public", "published", "2027-01-01", true, nil)  // shown
		add("D2", "public", "published", "", true, nil)            // shown: no end
		add("D3", "public", "published", "2026-02-28", true, nil)  // window ended
		add("D4", "shared", "published", "2027-01-01", true, nil)  // not public
		add("D5", "public", "pending", "2027-01-01", true, nil)    // not published
		add("D6", "public", "published", "2027-01-01", false, nil) // superseded
		add("D7", "public", "published", "2027-01-01", true, 5)    // revoked
		add("D8", "public", "published", "2026-03-01", true, nil)  // last day
		recs, err := st.PublicRecords(ctx, org.ID, "2026-03-01")
		if err != nil {
			t.Fatal(err)
		}
		var docs []string
		for _, r := range recs {
			docs = append(docs, r.DocNo)
			if r.DeptName != "市市场监督管理局" {
				t.Errorf("dept name %q", r.DeptName)
			}
		}
		if diff := cmp.Diff([]string{"D8", "D2", "D1"}, docs); diff != "" {
			t.Errorf("public records (-want +got):\n%s", diff)
		}
		rels, err := st.PublicRelations(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.PublicRelation{{Role: "legal_rep", PersonName: "张三丰", IDMasked: "1101**********002X", Start: "2020-01-01"}}
		if diff := cmp.Diff(want, rels); diff != "" {
			t.Errorf("relations (-want +got):\n%s", diff)
		}
	})
}

func TestDirectory(t *testing.T) {
	xtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org, person := reportSubjects(t, st)
		if _, err := st.UpdateSubject(ctx, org.Code, subject.Subject{Name: "福州新名（集团）有限公司"}, 0, "test"); err != nil {
			t.Fatal(err)
		}
		var got []store.DirEntry
		if err := st.EachDirEntry(ctx, 1, 0, func(d store.DirEntry) error { got = append(got, d); return nil }); err != nil {
			t.Fatal(err)
		}
		want := []store.DirEntry{
			{ID: person.ID, Code: person.Code, Name: "张三丰", NameNorm: "张三丰", Type: "natural", Region: "110105"},
			{ID: org.ID, Code: org.Code, Name: "福州新名（集团）有限公司", NameNorm: "福州新名(集团)有限公司", Type: "legal", Region: "350102", Former: []string{"福州示例有限公司"}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("directory (-want +got):\n%s", diff)
		}
		got = nil
		if err := st.EachDirEntry(ctx, org.ID, org.ID, func(d store.DirEntry) error { got = append(got, d); return nil }); err != nil || len(got) != 1 {
			t.Errorf("range load %v %v", got, err)
		}
		subs, err := st.SubjectsByIDs(ctx, []int64{org.ID, 999, person.ID})
		if err != nil || len(subs) != 2 || subs[0].ID != org.ID || subs[1].ID != person.ID {
			t.Errorf("SubjectsByIDs %v %v", subs, err)
		}
		if head, err := st.ChangeHead(ctx); err != nil || head < 2 {
			t.Errorf("ChangeHead %d %v", head, err)
		}
	})
}
