package store_test

import (
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
