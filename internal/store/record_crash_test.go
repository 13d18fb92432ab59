package store_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/xtest"
)

const crashRows, crashChunk = 6000, 1000

// crashBatch is the same 6,000-row batch in parent and child.
func crashBatch() []store.IngestRow {
	r := rand.New(rand.NewPCG(42, 42))
	codes := make([]string, crashRows/2)
	for i := range codes {
		codes[i] = subject.GenerateUSCC(r, "350100", '9', '1')
	}
	rows := make([]store.IngestRow, crashRows)
	for i := range rows {
		rows[i] = store.IngestRow{Line: i + 2, Values: recPenalty(fmt.Sprintf("榕市监罚〔2025〕%d号", i+1), codes[i%len(codes)], fmt.Sprintf("示例%d有限公司", i%len(codes)), "2025-02-20")}
	}
	return rows
}

func openDSN(t testing.TB, dsn string) *store.Store {
	o := store.Options{DSN: dsn}
	if p, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		o = store.Options{Path: p}
	}
	s, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Prepare(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	return s
}

func crashIngest(t testing.TB, s *store.Store, progress func(int)) *store.BatchReport {
	rep, err := s.Ingest(context.Background(), &store.SliceRows{Rows: crashBatch()}, store.IngestOptions{
		Dept: "samr", Type: "penalty", Source: "crash-test", Actor: "test", PII: recTestPII(t), ChunkSize: crashChunk, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestRecordCrashChild is the subprocess of TestIngestSurvivesKill: it
// imports the batch and stops dead after the first chunk is written inside
// the open transaction, waiting to be killed.
func TestRecordCrashChild(t *testing.T) {
	dsn := os.Getenv("XINYONG_CRASH_DSN")
	if dsn == "" {
		t.Skip("subprocess of TestIngestSurvivesKill")
	}
	s := openDSN(t, dsn)
	crashIngest(t, s, func(n int) {
		fmt.Printf("CHUNK %d\n", n)
		os.Stdout.Sync()
		time.Sleep(time.Minute)
	})
	t.Fatal("not killed")
}

func TestIngestSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	xtest.EachEngine(t, func(t *testing.T, e xtest.Engine) {
		s := e.Open(t)
		recSetupDepts(t, s, false)
		s.Close()

		cmd := exec.Command(os.Args[0], "-test.run=^TestRecordCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "XINYONG_CRASH_DSN="+e.DSN)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		seen := false
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "CHUNK") {
				seen = true
				break
			}
		}
		if !seen {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("child never reached the first chunk")
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL: no defer, no rollback by the child
			t.Fatal(err)
		}
		cmd.Wait()

		s = e.Open(t)
		defer s.Close()
		ctx := context.Background()
		count := func() int {
			var n int
			if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM records").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(); n != 0 {
			t.Fatalf("after kill -9 mid-batch %d records remain (want 0: all or nothing)", n)
		}
		var batches int
		s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM batches").Scan(&batches)
		if batches != 0 {
			t.Fatalf("after kill -9 %d batch rows remain", batches)
		}
		rep := crashIngest(t, s, nil)
		if rep.Created != crashRows || count() != crashRows {
			t.Fatalf("re-send after crash: created %d, stored %d", rep.Created, count())
		}
		rep = crashIngest(t, s, nil)
		if rep.Duplicate != crashRows || count() != crashRows {
			t.Fatalf("second re-send: duplicate %d, stored %d", rep.Duplicate, count())
		}
	})
}

// TestFeedResumesAcrossReopen reads the change feed page by page, closes
// the store, writes more, reopens and resumes from the cursor: the consumer
// sees every event once, in order.
func TestFeedResumesAcrossReopen(t *testing.T) {
	xtest.EachEngine(t, func(t *testing.T, e xtest.Engine) {
		ctx := context.Background()
		s := e.Open(t)
		recSetupDepts(t, s, false)
		code := recNewUSCC()
		recIngest(t, s, false, recPenalty("罚1", code, "甲公司", "2025-02-20"), recPenalty("罚2", recNewUSCC(), "乙公司", "2025-02-20"))
		var seen []int64
		var cursor int64
		read := func(s *store.Store) {
			for {
				page, err := s.Changes(ctx, cursor, 2)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					return
				}
				for _, c := range page {
					seen = append(seen, c.Seq)
				}
				cursor = page[len(page)-1].Seq
			}
		}
		read(s)
		s.Close()

		s = e.Open(t)
		defer s.Close()
		changed := recPenalty("罚1", code, "甲公司", "2025-02-20")
		changed["CF_NR"] = "警告"
		changed["CF_CFLB"] = "警告"
		delete(changed, "CF_NR_FK")
		rep := recIngest(t, s, false, changed, recPenalty("罚3", code, "甲公司", "2025-02-21"))
		if _, err := s.RevokeRecord(ctx, rep.Outcomes[1].ID, "samr", "撤销", "test"); err != nil {
			t.Fatal(err)
		}
		read(s)
		all, err := s.Changes(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(seen) {
			t.Fatalf("consumer saw %d events, feed holds %d", len(seen), len(all))
		}
		for i, c := range all {
			if seen[i] != c.Seq || (i > 0 && c.Seq != all[i-1].Seq+1) {
				t.Fatalf("event %d: consumer saw seq %d, feed has %d (gap or duplicate)", i, seen[i], c.Seq)
			}
		}
	})
}
