package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

// A bulk import writes one feed row per chunk; readers must see exactly the
// per-event feed: consecutive sequence numbers, resumable from any cursor
// with any page size, the same events the committing node was notified of.
func TestBulkFeedRowsExpandToEvents(t *testing.T) {
	xtest.EachWith(t, xtest.Options{Now: recClock}, func(t *testing.T, s *store.Store) {
		recSetupDepts(t, s, false)
		ctx := context.Background()
		var notified []store.Change
		s.OnChange(func(c store.Change) { notified = append(notified, c) })
		ingest := func(rows ...map[string]string) *store.BatchReport {
			in := make([]store.IngestRow, len(rows))
			for i, r := range rows {
				in[i] = store.IngestRow{Line: i + 1, Values: r}
			}
			rep, err := s.Ingest(ctx, &store.SliceRows{Rows: in}, store.IngestOptions{
				Dept: "samr", Type: "penalty", Source: "test", Actor: "user:1", PII: recTestPII(t), ChunkSize: 3})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		shared := recNewUSCC()
		var rows []map[string]string
		for i := range 7 {
			code := recNewUSCC()
			if i%3 == 0 {
				code = shared
			}
			rows = append(rows, recPenalty(fmt.Sprintf("罚%d", i), code, fmt.Sprintf("公司%d", i), "2025-02-20"))
		}
		rep := ingest(rows...)
		if rep.Created != 7 {
			t.Fatalf("first batch: %+v", rep)
		}
		// A plain event between the bulk rows: revoke the first record (id 1).
		if _, err := s.RevokeRecord(ctx, 1, "samr", "复议撤销", "user:1"); err != nil {
			t.Fatal(err)
		}
		changed := recPenalty("罚2", rows[2]["CF_XDR_SHXYM"], "公司2", "2025-02-21")
		rep2 := ingest(rows[1], changed, recPenalty("罚9", recNewUSCC(), "公司9", "2025-02-20"))
		if rep2.Duplicate != 1 || rep2.Corrected != 1 || rep2.Created != 1 {
			t.Fatalf("second batch: %+v", rep2)
		}

		all, err := s.Changes(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for i, c := range all {
			if c.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d (want consecutive from 1)", i, c.Seq)
			}
			kinds = append(kinds, c.Kind)
		}
		// 5 new subjects (rows 0, 3, 6 share one) + 7 records in chunks of 3, a revocation,
		// then 1 subject, a duplicate (no event), a correction, a new record.
		want := []string{"subject.created", "subject.created", "subject.created", "record.published", "record.published", "record.published",
			"subject.created", "subject.created", "record.published", "record.published", "record.published",
			"record.published", "record.revoked",
			"subject.created", "record.corrected", "record.published"}
		if diff := cmp.Diff(want, kinds); diff != "" {
			t.Fatalf("feed kinds (-want +got):\n%s", diff)
		}
		head, err := s.ChangeHead(ctx)
		if err != nil || head != int64(len(all)) {
			t.Fatalf("head = %d, %v; want %d", head, err, len(all))
		}
		var d struct {
			DocNo   string `json:"doc_no"`
			Version int    `json:"version"`
			ID      int64  `json:"id"`
		}
		corr := all[14]
		if err := json.Unmarshal(corr.Data, &d); err != nil || d.DocNo != "罚2" || d.Version != 2 || corr.Object != fmt.Sprintf("record:%d", d.ID) || corr.Subject != rows[2]["CF_XDR_SHXYM"] {
			t.Errorf("correction event: %+v %s (%v)", corr, corr.Data, err)
		}
		if c := all[0]; c.Subject != shared || c.Object != "subject:"+shared || string(c.Data) != `{"name":"公司0","source":"import","type":"legal"}` {
			t.Errorf("subject event: %+v %s", c, c.Data)
		}
		// Every cursor and page size reads the same feed.
		for limit := 1; limit <= 4; limit++ {
			for start := 0; start < len(all); start++ {
				var got []store.Change
				cur := int64(start)
				for {
					page, err := s.Changes(ctx, cur, limit)
					if err != nil {
						t.Fatal(err)
					}
					if len(page) > limit {
						t.Fatalf("limit %d: page of %d", limit, len(page))
					}
					if len(page) == 0 {
						break
					}
					got = append(got, page...)
					cur = page[len(page)-1].Seq
				}
				if diff := cmp.Diff(all[start:], got, cmpopts.IgnoreUnexported(store.Change{})); diff != "" {
					t.Fatalf("resume from %d with limit %d (-want +got):\n%s", start, limit, diff)
				}
			}
		}
		// The committing node was told the same events, in the same order.
		if len(notified) != len(all) {
			t.Fatalf("notified %d events, feed has %d", len(notified), len(all))
		}
		for i, n := range notified {
			a := all[i]
			if n.Seq != a.Seq || n.Kind != a.Kind || n.SubjectID != a.SubjectID || n.Object != a.Object {
				t.Errorf("notification %d = %+v, feed has %+v", i, n, a)
			}
		}
	})
}
