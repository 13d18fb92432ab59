package store

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// checkpointer copies the SQLite WAL back into the database file from a
// connection of its own. The writer runs with wal_autocheckpoint(0), so no
// commit ever pays for a checkpoint: with automatic checkpoints the commit
// that crosses the threshold stalls every check waiting on the group-commit
// log behind it (measured: p99 90 ms → see docs/benchmarks.md).
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
}

const checkpointEvery = 250 * time.Millisecond

func (s *Store) startCheckpointer(base string) error {
	db, err := sql.Open("sqlite", base)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	s.ckpt = c
	go func() {
		defer close(c.done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
			}
			// PASSIVE never blocks writers or readers; it copies what it can.
			if _, err := db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
				slog.Warn("sqlite checkpoint", "err", err)
			}
		}
	}()
	return nil
}

func (s *Store) stopCheckpointer() {
	c := s.ckpt
	if c == nil {
		return
	}
	s.ckpt = nil
	close(c.stop)
	<-c.done
	// Leave a small WAL behind on a clean shutdown.
	c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
	c.db.Close()
}
