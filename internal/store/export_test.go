package store

import (
	"context"
	"net"
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

// PipeCopy copies each of batches into table (columns cols) in one
// connection transaction of s (PostgreSQL) through its COPY pipe, claiming
// claimed[i] rows for batch i, then counts table's rows in the same
// transaction, which waits for the COPY commands in flight (tests).
func PipeCopy(s *Store, table string, cols []string, batches [][][]any, claimed []int) (count int64, err error) {
	err = s.inConnTx(context.Background(), func(tx *Tx) error {
		enc, err := tx.newCopyEncoder(table)
		if err != nil {
			return err
		}
		for i, rows := range batches {
			data, err := enc.encode(table, cols, rows)
			if err != nil {
				return err
			}
			if err := tx.copyEncoded("", table, cols, net.Buffers{data}, claimed[i]); err != nil {
				return err
			}
		}
		return tx.queryRow("SELECT count(*) FROM " + table).Scan(&count)
	})
	return count, err
}
