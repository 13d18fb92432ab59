package store_test

import (
	"context"
	"fmt"
	"testing"

	"xinyong/internal/demo"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

// An import holds its per-chunk audit and feed rows until the end of its
// transaction, and on PostgreSQL moves the id sequences in the same round
// trip as each COPY. After a batch of several chunks the audit chain
// verifies with one entry per chunk and kind in order, the feed holds
// every event, and a subject created the ordinary way takes a fresh id. A
// strict batch that fails in its last chunk leaves no audit or feed row.
func TestIngestHeldRowsAndSequences(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, false)
		ctx := context.Background()
		actions := func() []string {
			t.Helper()
			es, err := s.AuditEntries(ctx, 0, "", 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for i := len(es) - 1; i >= 0; i-- { // oldest first
				if a := es[i].Action; a == "record.import" || a == "subject.bulk_create" {
					out = append(out, a)
				}
			}
			return out
		}
		var rows []map[string]string
		for i := range 7 {
			rows = append(rows, recPenalty(fmt.Sprintf("罚%d", i), recNewUSCC(), fmt.Sprintf("公司%d", i), "2025-02-20"))
		}
		if rep := recIngestChunked(t, s, false, 3, rows...); rep.Created != 7 {
			t.Fatalf("batch: %+v", rep)
		}
		want := []string{"subject.bulk_create", "record.import", "subject.bulk_create", "record.import", "subject.bulk_create", "record.import"}
		if got := actions(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("audit entries of the batch: %v, want %v", got, want)
		}
		verified, err := s.VerifyAudit(ctx)
		if err != nil {
			t.Fatalf("audit chain after the batch: %v", err)
		}
		head, err := s.ChangeHead(ctx)
		if err != nil || head != 14 {
			t.Fatalf("feed head %d, %v; want 7 subjects + 7 records", head, err)
		}

		var more []map[string]string
		for i := range 5 {
			more = append(more, recPenalty(fmt.Sprintf("再罚%d", i), recNewUSCC(), fmt.Sprintf("新公司%d", i), "2025-02-20"))
		}
		more = append(more, recPenalty("再罚9", recNewUSCC(), "坏公司", "2025-13-01"))
		if rep := recIngestChunked(t, s, true, 3, more...); rep.Status != "rejected" {
			t.Fatalf("strict batch: %+v", rep)
		}
		if got := actions(); len(got) != len(want) {
			t.Errorf("a rejected strict batch left audit entries: %v", got)
		}
		if n, err := s.VerifyAudit(ctx); err != nil || n != verified {
			t.Errorf("audit after the rejected batch: %d, %v; want %d", n, err, verified)
		}
		if h, err := s.ChangeHead(ctx); err != nil || h != head {
			t.Errorf("feed head after the rejected batch: %d, %v; want %d", h, err, head)
		}

		p := recTestPII(t)
		g := demo.NewGenerator(3, recNow)
		person, _ := g.Person(p, func(v string) string { return subject.MaskID(v, 4, 4) })
		created, err := s.CreateSubject(ctx, person, "test")
		if err != nil {
			t.Fatalf("subject after the import: %v", err)
		}
		imported, err := s.SubjectByCode(ctx, rows[6]["CF_XDR_SHXYM"])
		if err != nil || created.ID <= imported.ID {
			t.Errorf("new subject id %d, last imported %d (%v)", created.ID, imported.ID, err)
		}
	})
}
