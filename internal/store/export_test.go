package store

import "context"

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
