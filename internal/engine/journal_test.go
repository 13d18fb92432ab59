package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"xinyong/internal/checklog"
	"xinyong/internal/engine"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

func checkLogs(prefix string, from, n int, at time.Time) []store.CheckLog {
	out := make([]store.CheckLog, n)
	for i := range out {
		out[i] = store.CheckLog{ID: fmt.Sprintf("%s%05d", prefix, from+i), At: at, Requester: "token:1", Dept: "ggzy",
			Subject: "91350100M000100Y43", Scenario: "procurement", AsOf: at, Measures: []string{"P-COURT-011"}, Digest: "d"}
	}
	return out
}

func segmentFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+checklog.Ext))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// crashedJournal writes logs into a journal in dir and leaves it as a
// crash would: the segment files stay, nobody holds them.
func crashedJournal(t *testing.T, dir, node string, batches ...[]store.CheckLog) {
	t.Helper()
	j, err := checklog.Open(dir, node, checklog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range batches {
		if err := j.Append(b); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			// Some in a sealed segment the mover had not reached yet.
			segs, err := j.Seal()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range segs {
				s.Release()
			}
		}
	}
	segs, err := j.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range segs {
		s.Release()
	}
}

func logCount(t *testing.T, s *store.Store) int64 {
	t.Helper()
	n, err := s.CheckLogCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Checks acknowledged from the journal before a crash reach check_log at
// the next start, each exactly once, also when the crash came between the
// mover's commit and its removal of the segment.
func TestJournalRecoveryAfterCrash(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		dir := filepath.Join(t.TempDir(), "checklog")
		now := s.Now()
		// 20 of the first batch were moved already when the process died.
		if err := s.LogChecks(ctx, checkLogs("CKDEADA", 0, 20, now)); err != nil {
			t.Fatal(err)
		}
		crashedJournal(t, dir, "DEADA", checkLogs("CKDEADA", 0, 50, now), checkLogs("CKDEADA", 50, 30, now), checkLogs("CKDEADA", 80, 1, now))
		crashedJournal(t, dir, "DEADB", checkLogs("CKDEADB", 0, 7, now))
		if n := len(segmentFiles(t, dir)); n != 3 {
			t.Fatalf("%d segments left by the crash, want 3", n)
		}
		saved := map[string][]byte{}
		for _, p := range segmentFiles(t, dir) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			saved[p] = b
		}
		e, err := engine.Start(ctx, s, engine.Options{JournalDir: dir, MoveInterval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if n := logCount(t, s); n != 88 {
			t.Errorf("%d checks in check_log after recovery, want 88", n)
		}
		for _, id := range []string{"CKDEADA00000", "CKDEADA00080", "CKDEADB00006"} {
			if _, err := s.CheckLogByID(ctx, id); err != nil {
				t.Errorf("%s: %v", id, err)
			}
		}
		if left := segmentFiles(t, dir); len(left) != 1 {
			t.Errorf("segments after recovery: %v (want only the new active one)", left)
		}
		e.Close()
		if left := segmentFiles(t, dir); len(left) != 0 {
			t.Errorf("empty active segment not removed at close: %v", left)
		}
		// A crash after the commit but before the removal: same segments again.
		for p, b := range saved {
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		e, err = engine.Start(ctx, s, engine.Options{JournalDir: dir, MoveInterval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		if n := logCount(t, s); n != 88 {
			t.Errorf("%d checks in check_log after moving the same segments twice, want 88", n)
		}
	})
}

// A check answered from the journal is found, fed back and counted before
// the mover ran: readers flush the journal.
func TestJournalReadersFlush(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		e, err := engine.Start(ctx, s, engine.Options{JournalDir: dir, MoveInterval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		now := s.Now()
		var wg sync.WaitGroup
		ids := make([]string, 200)
		errc := make(chan error, len(ids))
		for i := range ids {
			ids[i] = e.NewCheckID(now)
			wg.Add(1)
			go func() {
				defer wg.Done()
				l := checkLogs("", 0, 1, now)[0]
				l.ID = ids[i]
				errc <- e.Log(ctx, l)
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		// Acknowledged means in the journal (the mover waits an hour).
		var journal []byte
		for _, p := range segmentFiles(t, dir) {
			b, _ := os.ReadFile(p)
			journal = append(journal, b...)
		}
		for _, id := range ids {
			if !bytes.Contains(journal, []byte(id)) {
				t.Fatalf("acknowledged check %s not in the journal", id)
			}
		}
		l, err := s.CheckLogByID(ctx, ids[0])
		if err != nil {
			t.Fatalf("check only in the journal not found: %v", err)
		}
		if err := s.SaveFeedback(ctx, l, []store.Feedback{{Measure: "P-COURT-011", Applied: true}}, "token:1"); err != nil {
			t.Fatalf("feedback to a check just logged: %v", err)
		}
		// Logged after the flush above: found by the stats, which flush too.
		l2 := checkLogs("", 0, 1, now)[0]
		l2.ID = e.NewCheckID(now)
		if err := e.Log(ctx, l2); err != nil {
			t.Fatal(err)
		}
		st, err := s.FeedbackStats(ctx, now.Add(-time.Hour), now.Add(-time.Minute))
		if err != nil || len(st) != 1 || st[0].Checks != 201 || st[0].FedBack != 1 {
			t.Fatalf("stats: %v %+v", err, st)
		}
		for _, id := range ids {
			if _, err := s.CheckLogByID(ctx, id); err != nil {
				t.Fatalf("%s: %v", id, err)
			}
		}
		if _, err := s.CheckLogByID(ctx, "CKNOPE"+strings.Repeat("0", 8)); err == nil {
			t.Errorf("unknown check found")
		}
	})
}

// Close moves every logged check into check_log and leaves no segment.
func TestJournalCloseMoves(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		e, err := engine.Start(ctx, s, engine.Options{JournalDir: dir, MoveInterval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		ls := checkLogs("", 0, 30, s.Now())
		for i := range ls {
			ls[i].ID = e.NewCheckID(s.Now())
		}
		if err := e.Log(ctx, ls...); err != nil {
			t.Fatal(err)
		}
		e.Close()
		e.Close() // idempotent
		if err := e.Log(ctx, ls[0]); err == nil {
			t.Errorf("log after close accepted")
		}
		if n := logCount(t, s); n != 30 {
			t.Errorf("%d checks after close, want 30", n)
		}
		if left := segmentFiles(t, dir); len(left) != 0 {
			t.Errorf("segments left after close: %v", left)
		}
	})
}
