package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

// TestWALBoundedUnderContinuousWrites commits write transactions back to
// back (as a bulk load does): PASSIVE checkpoints alone never let the WAL
// restart then, so it grows by everything written; over the limit the
// checkpointer truncates it.
func TestWALBoundedUnderContinuousWrites(t *testing.T) {
	s := xtest.SQLiteStore(t, xtest.Options{})
	const limit = 1 << 20
	store.SetWALLimit(s, limit)
	if err := store.ExecInTx(s, `CREATE TABLE wal_test (id INTEGER PRIMARY KEY, b TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	blob := strings.Repeat("x", 32<<10)
	var written, maxWAL int64
	start := time.Now()
	for time.Since(start) < 3*time.Second {
		if err := store.ExecInTx(s, `INSERT INTO wal_test (b) VALUES (?), (?), (?), (?)`, blob, blob, blob, blob); err != nil {
			t.Fatal(err)
		}
		written += 4 * int64(len(blob))
		if fi, err := os.Stat(s.Path + "-wal"); err == nil && time.Since(start) > 500*time.Millisecond {
			maxWAL = max(maxWAL, fi.Size())
		}
	}
	t.Logf("wrote %d MB in 3 s, largest WAL after the first 0.5 s %d MB", written>>20, maxWAL>>20)
	if written < 40*limit {
		t.Skipf("wrote only %d MB: too slow a machine to tell", written>>20)
	}
	if maxWAL > written/4 {
		t.Fatalf("WAL reached %d MB of %d MB written (limit %d MB)", maxWAL>>20, written>>20, limit>>20)
	}
}

// The journal mover's check_log writes truncate an oversized WAL too; they
// must hand the writer connection back first (holding it, the truncation
// waited for it forever and every later write with it).
func TestCheckLogWritesTruncateWAL(t *testing.T) {
	s := xtest.SQLiteStore(t, xtest.Options{})
	store.SetWALLimit(s, 1)
	now := time.Now()
	done := make(chan error, 1)
	go func() {
		for b := range 3 {
			logs := make([]store.CheckLog, 200)
			for i := range logs {
				logs[i] = store.CheckLog{ID: fmt.Sprintf("CKTEST%d-%d", b, i), At: now, Requester: "token:1", Dept: "ggzy",
					Subject: "91350100MA2XXXXX1A", Scenario: "政府采购", AsOf: now, Digest: "d"}
			}
			if err := s.LogChecksBackground(context.Background(), logs); err != nil {
				done <- err
				return
			}
		}
		done <- store.ExecInTx(s, `CREATE TABLE after_truncate (id INTEGER PRIMARY KEY)`)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("check_log write with WAL truncation did not finish: writer deadlocked")
	}
	if n, err := s.CheckLogCount(context.Background()); err != nil || n != 600 {
		t.Fatalf("check_log holds %d, %v", n, err)
	}
	if fi, err := os.Stat(s.Path + "-wal"); err == nil && fi.Size() > 1<<20 {
		t.Errorf("WAL not truncated: %d bytes", fi.Size())
	}
}

// A bulk import does not truncate the WAL at its commit (the batch's
// answer would wait for the whole batch to be copied); the background
// checkpointer copies it, and the next write's commit truncates it.
func TestIngestLeavesWALToNextCommit(t *testing.T) {
	s := xtest.SQLiteStore(t, xtest.Options{Now: recClock})
	recSetupDepts(t, s, false)
	store.SetWALLimit(s, 64<<10)
	rows := make([]map[string]string, 100)
	for i := range rows {
		rows[i] = recPenalty(fmt.Sprintf("榕市监罚〔2025〕WAL%d号", i), recNewUSCC(), fmt.Sprintf("福州测试第%d有限公司", i), "2025-02-26")
	}
	if rep := recIngest(t, s, false, rows...); rep.Created != len(rows) {
		t.Fatalf("created %d of %d", rep.Created, len(rows))
	}
	fi, err := os.Stat(s.Path + "-wal")
	if err != nil || fi.Size() <= 64<<10 {
		t.Fatalf("the import truncated the WAL itself (size %v, %v)", fi.Size(), err)
	}
	// The next import truncates it before it begins (batches back to back
	// must not grow it without bound).
	var during int64 = -1
	more := make([]store.IngestRow, 3)
	for i := range more {
		more[i] = store.IngestRow{Line: i + 1, Values: recPenalty(fmt.Sprintf("榕市监罚〔2025〕WALB%d号", i), recNewUSCC(), "福州测试有限公司", "2025-02-26")}
	}
	if _, err := s.Ingest(context.Background(), &store.SliceRows{Rows: more}, store.IngestOptions{Dept: "samr", Type: "penalty", Source: "test", Actor: "user:1",
		PII: recTestPII(t), ChunkSize: 1, Progress: func(int) {
			if fi, err := os.Stat(s.Path + "-wal"); err == nil && during < 0 {
				during = fi.Size()
			}
		}}); err != nil {
		t.Fatal(err)
	}
	if during > 64<<10 {
		t.Fatalf("the next import began with a WAL of %d bytes", during)
	}
	if err := store.ExecInTx(s, `CREATE TABLE after_import (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(s.Path + "-wal"); err == nil && fi.Size() > 64<<10 {
		t.Fatalf("the next commit left the WAL at %d bytes", fi.Size())
	}
	if got := recPublicDocs(t, s, "2025-03-03"); len(got) != len(rows) {
		t.Fatalf("%d records public after the truncation, want %d", len(got), len(rows))
	}
}
