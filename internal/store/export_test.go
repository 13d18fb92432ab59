package store

import (
	"context"
	"time"
)

// SetWALLimit lowers the WAL size over which s truncates the WAL after a
// commit (tests).
func SetWALLimit(s *Store, n int64) { s.walLimit.Store(n) }

// ExecInTx runs one statement in a write transaction of s (tests).
func ExecInTx(s *Store, q string, args ...any) error {
	return s.InTx(context.Background(), func(tx *Tx) error {
		_, err := tx.exec(q, args...)
		return err
	})
}

// BlockCheckCounts counts the checks without measures in [from, to) per
// department (tests).
func BlockCheckCounts(s *Store, from, to time.Time) (map[string]int64, error) {
	return s.blockCheckCounts(context.Background(), from, to)
}

// MigrateTo applies the migrations up to version target (tests).
func MigrateTo(s *Store, target int) (int, error) { return s.migrateTo(context.Background(), target) }
