package store_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"xinyong/internal/errs"
	"xinyong/internal/pii"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

var testNow = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func protector(t testing.TB) *pii.Protector {
	p, err := pii.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func genUSCC(seed uint64) string {
	return subject.GenerateUSCC(rand.New(rand.NewPCG(seed, seed)), "350100", '9', '1')
}

func mask(s string) string { return subject.MaskID(s, 4, 4) }

func prepare(t testing.TB, in subject.Input) subject.Subject {
	t.Helper()
	s, err := subject.Prepare(in, protector(t), mask, testNow, false)
	if err != nil {
		t.Fatalf("prepare %+v: %v", in, err)
	}
	return s
}

func TestSubjectLifecycle(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org := prepare(t, subject.Input{Type: "legal", Code: "91350100M000100Y43", Name: "福州（测试）有限公司", LegalRep: "张三",
			LegacyIDs: []subject.LegacyID{{Kind: subject.IDKindOrgCode, Value: "M000100Y4"}}})
		got, err := s.CreateSubject(ctx, org, "user:1")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == 0 {
			t.Fatal("no id")
		}
		// Same code again: conflict naming the holder.
		if _, err := s.CreateSubject(ctx, org, "user:1"); !errs.Is(err, errs.KindConflict) || !strings.Contains(errs.As(err).Message, "福州（测试）有限公司") {
			t.Fatalf("duplicate: %v", err)
		}
		// Legacy code mapped to another USCC: conflict naming the first subject.
		other := prepare(t, subject.Input{Type: "legal", Code: genUSCC(2), Name: "另一公司"})
		other.LegacyIDs = []subject.LegacyID{{Kind: subject.IDKindOrgCode, Value: "M000100Y4"}}
		if _, err := s.CreateSubject(ctx, other, "user:1"); !errs.Is(err, errs.KindConflict) || !strings.Contains(errs.As(err).Message, "91350100M000100Y43") {
			t.Fatalf("legacy clash: %v", err)
		}
		// Lookup by legacy code and by normalised name fragment.
		byLegacy, err := s.SubjectByCode(ctx, "M0001-00Y4")
		if err == nil && byLegacy.Code != org.Code {
			t.Fatalf("legacy lookup gave %s", byLegacy.Code)
		}
		if _, err := s.SubjectByCode(ctx, "M000100Y4"); err != nil {
			t.Fatalf("legacy lookup: %v", err)
		}
		res, err := s.SearchSubjects(ctx, "(测试)", 0, 10)
		if err != nil || len(res) != 1 {
			t.Fatalf("search by normalised brackets: %v %d", err, len(res))
		}
		// Rename keeps the former name, searchable.
		upd, err := s.UpdateSubject(ctx, org.Code, subject.Subject{Name: "福州新名称有限公司"}, 1, "user:1")
		if err != nil {
			t.Fatal(err)
		}
		if upd.Version != 2 || len(upd.FormerNames) != 1 || upd.FormerNames[0].Name != "福州（测试）有限公司" {
			t.Fatalf("rename: %+v", upd)
		}
		if _, err := s.UpdateSubject(ctx, org.Code, subject.Subject{Name: "x"}, 1, "user:1"); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("stale version must conflict: %v", err)
		}
		if res, _ := s.SearchSubjects(ctx, "测试", 0, 10); len(res) != 1 {
			t.Fatalf("former name not searchable: %d", len(res))
		}
		// A person: stored only hashed/encrypted/masked; found by hash.
		p := prepare(t, subject.Input{Type: "natural", IDNumber: "11010519491231002X", Name: "李四"})
		if _, err := s.CreateSubject(ctx, p, "user:1"); err != nil {
			t.Fatal(err)
		}
		var leaked int
		if err := s.DB().QueryRowContext(ctx, s.D.Rebind(`SELECT COUNT(*) FROM subjects WHERE code LIKE ? OR id_enc LIKE ? OR id_masked LIKE ? OR name LIKE ?`), "%19491231%", "%19491231%", "%19491231%", "%19491231%").Scan(&leaked); err != nil || leaked != 0 {
			t.Fatalf("clear ID stored somewhere: %d %v", leaked, err)
		}
		gotP, err := s.SubjectByIDHash(ctx, protector(t).Hash("id_card", "11010519491231002X"))
		if err != nil || gotP.IDMasked != "1101**********002X" {
			t.Fatalf("person by hash: %+v %v", gotP, err)
		}
		// Relation: person as legal representative.
		rel, err := s.AddRelation(ctx, subject.Relation{OrgCode: org.Code, PersonCode: gotP.Code, Role: subject.RoleLegalRep, Start: "2020-01-01"}, "user:1")
		if err != nil || rel.ID == 0 {
			t.Fatalf("relation: %v", err)
		}
		if _, err := s.AddRelation(ctx, subject.Relation{OrgCode: gotP.Code, PersonCode: org.Code, Role: subject.RoleLegalRep}, "user:1"); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("reversed relation must be refused: %v", err)
		}
		full, _ := s.SubjectByCode(ctx, org.Code)
		if len(full.Relations) != 1 || full.Relations[0].PersonName != "李四" {
			t.Fatalf("relations: %+v", full.Relations)
		}
		// Every change was audited and the chain holds.
		n, err := s.VerifyAudit(ctx)
		if err != nil || n < 4 {
			t.Fatalf("audit: %d %v", n, err)
		}
		cs, err := s.Changes(ctx, 0, 100)
		if err != nil || len(cs) < 4 || cs[0].Kind != "subject.created" {
			t.Fatalf("changes: %v %+v", err, cs)
		}
		for i := 1; i < len(cs); i++ {
			if cs[i].Seq != cs[i-1].Seq+1 {
				t.Fatalf("feed gap: %d -> %d", cs[i-1].Seq, cs[i].Seq)
			}
		}
	})
}

func TestSchemaBehindIsRefused(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cur, latest, err := s.SchemaVersion(ctx)
		if err != nil || cur != latest {
			t.Fatalf("fresh store: %d/%d %v", cur, latest, err)
		}
		if _, err := s.DB().ExecContext(ctx, s.D.Rebind("DELETE FROM schema_version WHERE version = ?"), latest); err != nil {
			t.Fatal(err)
		}
		err = s.Prepare(ctx, false)
		if _, ok := err.(store.ErrSchemaBehind); !ok {
			t.Fatalf("want ErrSchemaBehind, got %v", err)
		}
	})
}
