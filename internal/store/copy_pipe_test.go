package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

// An import's COPY commands go to PostgreSQL without waiting for each
// result. The statement after them sees all their rows; a COPY that fails
// in the middle (a duplicate key) or reports another row count than sent
// fails the transaction with that COPY's error, nothing of it is
// committed, and the store's connections stay usable.
func TestCopyPipe(t *testing.T) {
	s := xtest.PostgresStore(t, xtest.Options{})
	if err := store.ExecInTx(s, `CREATE TABLE pipe_t (id BIGINT PRIMARY KEY, s TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	cols := []string{"id", "s"}
	batch := func(from, n int) [][]any {
		var rows [][]any
		for i := range n {
			rows = append(rows, []any{int64(from + i), strings.Repeat("甲", i%50)})
		}
		return rows
	}
	committed := func() int64 {
		t.Helper()
		var n int64
		if err := s.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM pipe_t`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Many COPY commands in flight, more than the pipe's depth.
	var batches [][][]any
	var claimed []int
	for b := range 100 {
		batches = append(batches, batch(b*1000, 1000))
		claimed = append(claimed, 1000)
	}
	n, err := store.PipeCopy(s, "pipe_t", cols, batches, claimed)
	if err != nil || n != 100000 {
		t.Fatalf("pipelined copies: %d rows seen in the transaction, %v", n, err)
	}
	if got := committed(); got != 100000 {
		t.Fatalf("committed %d rows, want 100000", got)
	}

	// The second of three COPY commands repeats a key.
	_, err = store.PipeCopy(s, "pipe_t", cols, [][][]any{batch(200000, 10), batch(5, 1), batch(300000, 10)}, []int{10, 1, 10})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" || !strings.Contains(err.Error(), "copy into pipe_t") {
		t.Fatalf("duplicate key in the second COPY: %v", err)
	}
	// A COPY whose row count is not the one claimed.
	_, err = store.PipeCopy(s, "pipe_t", cols, [][][]any{batch(400000, 3)}, []int{4})
	if err == nil || !strings.Contains(err.Error(), "for 4 rows") {
		t.Fatalf("wrong row count: %v", err)
	}
	if got := committed(); got != 100000 {
		t.Fatalf("after the failed transactions %d rows, want 100000", got)
	}
	// The connections are fine: a further transaction of each kind works.
	if n, err := store.PipeCopy(s, "pipe_t", cols, [][][]any{batch(500000, 7)}, []int{7}); err != nil || n != 100007 {
		t.Fatalf("copy after failures: %d, %v", n, err)
	}
	if err := store.ExecInTx(s, `DELETE FROM pipe_t WHERE id >= 500000`); err != nil {
		t.Fatal(err)
	}
	if got := committed(); got != 100000 {
		t.Fatalf("after the last transactions %d rows, want 100000", got)
	}
}
