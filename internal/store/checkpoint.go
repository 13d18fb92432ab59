package store

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
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

// walLimit is the WAL size above which the writer, right after a commit,
// checkpoints and truncates the WAL. The PASSIVE checkpoints alone let it
// grow without bound while write transactions follow each other without a
// pause (seen: a 27 GB WAL next to a 2.3 GB database during a
// 10-million-subject load): the WAL only restarts when a checkpoint has
// caught up before the next write begins.
const walLimit = 512 << 20

// truncateWAL runs after each write commit on SQLite: over the limit it
// checkpoints and empties the WAL on the writer connection, so no write of
// this process slips in meanwhile (it waits, busy_timeout, for readers on
// older snapshots). The commit that crosses the limit pays for copying it.
func (s *Store) truncateWAL() {
	limit := s.walLimit.Load()
	if limit == 0 {
		limit = walLimit
	}
	fi, err := os.Stat(s.Path + "-wal")
	if err != nil || fi.Size() <= limit {
		return
	}
	var busy, frames, done int
	err = s.w.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done)
	if err != nil || busy != 0 {
		slog.Warn("sqlite WAL over its limit, truncate did not complete", "wal_bytes", fi.Size(), "busy", busy, "err", err)
		return
	}
	slog.Debug("sqlite WAL truncated", "wal_bytes", fi.Size(), "frames", frames)
}

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
