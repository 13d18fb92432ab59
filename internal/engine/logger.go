package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"xinyong/internal/checklog"
	"xinyong/internal/store"
)

// ErrClosed is returned by Log after Close.
var ErrClosed = errors.New("check engine closed")

// NewCheckID returns a unique check id: a random node prefix, the time and
// a counter, so ids from several nodes never collide.
func (e *Engine) NewCheckID(now time.Time) string {
	var buf [40]byte
	b := append(buf[:0], "CK"...)
	b = append(b, e.idPre...)
	b = strconv.AppendInt(b, now.UnixMilli(), 36)
	return string(strconv.AppendUint(b, e.idSeq.Add(1), 36)) // one allocation
}

const idAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

func newIDPrefix() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// JournalSync is when a check journal write is made durable.
type JournalSync string

const (
	// JournalSyncStore makes a group of checks as durable before the answer
	// as the store makes its own commits: on SQLite (WAL, synchronous=NORMAL,
	// commits not fsynced) one write per group, durable against a crash of
	// the process, with an fdatasync of each segment when it is sealed
	// (every MoveInterval), so a power loss can lose at most the last
	// MoveInterval of checks, as it can lose SQLite's last commits before a
	// checkpoint; on PostgreSQL (synchronous_commit on) as JournalSyncAlways.
	JournalSyncStore JournalSync = ""
	// JournalSyncAlways adds an fdatasync to every group's write: durable
	// against a power loss before the answer, at the cost of the disk's
	// flush latency on every check.
	JournalSyncAlways JournalSync = "always"
)

// ParseJournalSync reads "store" (or "") and "always".
func ParseJournalSync(v string) (JournalSync, error) {
	switch v {
	case "", "store":
		return JournalSyncStore, nil
	case "always":
		return JournalSyncAlways, nil
	}
	return "", fmt.Errorf("unknown check journal sync %q (store, always)", v)
}

// logStats count what the logger wrote.
type logStats struct{ checks, groups, moved atomic.Int64 }

// LogStats returns how many checks the logger wrote, in how many groups
// (journal writes or check_log commits), and how many checks the mover
// copied from the journal into check_log.
func (e *Engine) LogStats() (checks, groups, moved int64) {
	return e.logStat.checks.Load(), e.logStat.groups.Load(), e.logStat.moved.Load()
}

// journalLog is the check journal of this node and its mover.
type journalLog struct {
	j      *checklog.Journal
	flushc chan chan error
	stop   chan struct{} // closed to stop the mover
	done   chan struct{} // closed when the mover has stopped
	unhook func()        // removes the store's flush hook
	once   sync.Once
}

// groupLog is the group commit of check logs: checks queue their logs in
// the current group and wait for it; the writer goroutine takes everything
// queued, writes it (one journal write, or one check_log transaction
// without a journal) and wakes the whole group by closing one channel.
// Replying with one send per check kept the writer busy (and preempted)
// while the next group waited (docs/benchmarks.md, soak, session 4).
type groupLog struct {
	mu     sync.Mutex
	queue  []store.CheckLog
	spare  []store.CheckLog
	group  *logGroup // the group queue belongs to; nil when queue is empty
	closed bool
	wake   chan struct{} // cap 1: something is queued
	stop   chan struct{} // closed to stop the writer
	done   chan struct{} // closed when the writer has stopped
}

// logGroup is one write; its waiters block on done.
type logGroup struct {
	done chan struct{}
	err  error
}

// Log writes check logs durably and returns once they are on stable
// storage, as part of a group (see groupLog). It does not give up when ctx
// is cancelled once the logs are queued: the wait is one write (or one
// commit, bounded by its timeout), and a check taken is answered.
func (e *Engine) Log(ctx context.Context, ls ...store.CheckLog) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l := &e.gl
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	g := l.group
	if g == nil {
		g = &logGroup{done: make(chan struct{})}
		l.group = g
	}
	l.queue = append(l.queue, ls...)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default: // the writer has been woken already
	}
	<-g.done
	return g.err
}

// writer writes the queued groups until stopped; the group queued when it
// stops is still written.
func (e *Engine) writer() {
	l := &e.gl
	defer close(l.done)
	for {
		select {
		case <-l.wake:
		case <-l.stop:
		}
		if e.jl != nil {
			// Let the goroutines that are ready to run go first (under
			// load they are answering checks that will join this group).
			runtime.Gosched()
		} else {
			// Without a journal a commit costs far more than a row: linger
			// briefly so that concurrent checks share it.
			time.Sleep(e.o.LogLinger)
		}
		l.mu.Lock()
		batch, g := l.queue, l.group
		l.queue, l.spare, l.group = l.spare[:0], nil, nil
		stopping := l.closed
		l.mu.Unlock()
		if g != nil {
			g.err = e.writeLogs(batch)
			close(g.done)
			l.mu.Lock()
			if cap(batch) <= e.o.MaxLogBatch {
				clear(batch)
				l.spare = batch[:0]
			}
			l.mu.Unlock()
		}
		if stopping {
			return
		}
	}
}

// writeLogs writes one group: to the journal, or to check_log.
func (e *Engine) writeLogs(logs []store.CheckLog) error {
	var err error
	if e.jl != nil {
		err = e.jl.j.Append(logs)
	} else {
		// Not tied to a request: a group that was accepted is written even
		// while shutting down.
		wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = e.st.LogChecks(wctx, logs)
		cancel()
	}
	if err == nil {
		e.logStat.checks.Add(int64(len(logs)))
		e.logStat.groups.Add(1)
	}
	return err
}

// openJournal moves what dead processes left in the journal directory into
// the store, then opens this node's journal.
func (e *Engine) openJournal(ctx context.Context) error {
	if e.o.JournalDir == "" {
		return nil
	}
	if e.o.MoveInterval <= 0 {
		e.o.MoveInterval = 250 * time.Millisecond
	}
	orphans, err := checklog.Orphans(e.o.JournalDir)
	if err != nil {
		return err
	}
	if len(orphans) > 0 {
		n, err := e.moveSegments(ctx, &orphans, nil)
		if err != nil {
			for _, s := range orphans {
				s.Release()
			}
			return fmt.Errorf("check journal: move what a previous run left: %w", err)
		}
		slog.Info("check journal: moved checks left by a previous run", "checks", n, "dir", e.o.JournalDir)
	}
	noSync := e.o.JournalSync != JournalSyncAlways && e.st.D.Name == store.SQLite.Name
	j, err := checklog.Open(e.o.JournalDir, e.idPre, checklog.Options{NoSync: noSync})
	if err != nil {
		return err
	}
	e.jl = &journalLog{j: j, flushc: make(chan chan error), stop: make(chan struct{}), done: make(chan struct{})}
	return nil
}

func (e *Engine) startLogger() {
	e.gl.wake = make(chan struct{}, 1)
	e.gl.stop = make(chan struct{})
	e.gl.done = make(chan struct{})
	go e.writer()
	if e.jl != nil {
		go e.mover()
		e.jl.unhook = e.st.SetCheckLogFlush(e.flushHook)
	}
}

// stopLogger refuses new checks, lets the writer write what is queued,
// then moves the journal into the store (what cannot be moved now is moved
// at the next start).
func (e *Engine) stopLogger() {
	l := &e.gl
	l.mu.Lock()
	first := !l.closed
	l.closed = true
	l.mu.Unlock()
	if first {
		close(l.stop)
	}
	<-l.done
	if e.jl != nil {
		e.jl.once.Do(func() {
			e.jl.unhook()
			close(e.jl.stop)
		})
		<-e.jl.done
	}
}

// mover seals the active journal segment every MoveInterval (or when a
// reader asks for a flush) and copies sealed segments into check_log, one
// transaction per segment; a segment is removed only after its commit.
// Inserting is idempotent by check id, so a crash between the commit and the
// removal only makes the next start insert nothing twice.
func (e *Engine) mover() {
	jl := e.jl
	defer close(jl.done)
	t := time.NewTicker(e.o.MoveInterval)
	defer t.Stop()
	var pending []*checklog.Segment
	var lastErr string
	bufs := new(moveBufs)
	for {
		var waiters []chan error
		stopping := false
		select {
		case <-t.C:
		case w := <-jl.flushc:
			waiters = append(waiters, w)
		case <-jl.stop:
			stopping = true
		}
	more:
		for {
			select {
			case w := <-jl.flushc:
				waiters = append(waiters, w)
			default:
				break more
			}
		}
		var segs []*checklog.Segment
		var err error
		if stopping {
			segs, err = jl.j.Close()
		} else {
			segs, err = jl.j.Seal()
		}
		for _, s := range segs {
			// Bounds what a power loss can take when groups are not synced
			// (JournalSyncStore on SQLite), also while check_log is out of
			// reach; a no-op for the disk otherwise.
			if serr := s.Sync(); serr != nil {
				err = errors.Join(err, serr)
			}
		}
		pending = append(pending, segs...)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, merr := e.moveSegments(ctx, &pending, bufs)
		cancel()
		err = errors.Join(err, merr)
		if err != nil && err.Error() != lastErr {
			slog.Error("check journal: move into check_log", "err", err, "segments_waiting", len(pending))
		}
		lastErr = ""
		if err != nil {
			lastErr = err.Error()
		}
		for _, w := range waiters {
			w <- err
		}
		if stopping {
			for _, s := range pending {
				s.Release() // moved at the next start
			}
			return
		}
	}
}

// moveBufs are the mover's buffers, kept from one segment to the next.
type moveBufs struct {
	logs  []store.CheckLog
	bytes []byte
}

// moveSegments copies segments into check_log in order, removing each after
// its commit; *segs keeps those not moved. It returns how many checks were
// moved. bufs may be nil.
func (e *Engine) moveSegments(ctx context.Context, segs *[]*checklog.Segment, bufs *moveBufs) (int, error) {
	if bufs == nil {
		bufs = new(moveBufs)
	}
	n := 0
	for len(*segs) > 0 {
		s := (*segs)[0]
		logs, torn, err := s.ReadInto(bufs.logs[:0], &bufs.bytes)
		if cap(logs) <= 1<<16 && cap(bufs.bytes) <= 16<<20 {
			bufs.logs = logs
		} else {
			bufs.logs, bufs.bytes = nil, nil // after a backlog: do not keep it
		}
		if err != nil {
			return n, err
		}
		if len(logs) > 0 {
			if err := e.st.LogChecksBackground(ctx, logs); err != nil {
				return n, err
			}
		}
		n += len(logs)
		e.logStat.moved.Add(int64(len(logs)))
		if torn > 0 {
			// A torn tail of a write that failed or was cut by a crash was
			// never acknowledged; anything else is kept for inspection.
			slog.Warn("check journal: unreadable bytes after the last good record", "segment", s.Path, "bytes", torn, "moved", len(logs))
			err = s.Quarantine()
		} else {
			err = s.Remove()
		}
		*segs = (*segs)[1:]
		if err != nil {
			slog.Warn("check journal: remove moved segment", "segment", s.Path, "err", err)
		}
	}
	return n, nil
}

// FlushLog moves every check logged so far from the journal into
// check_log. Without a journal checks are there already.
func (e *Engine) FlushLog(ctx context.Context) error {
	if e.jl == nil {
		return nil
	}
	done := make(chan error, 1)
	select {
	case e.jl.flushc <- done:
	case <-e.jl.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flushHook is the store's way to reach checks still in the journal. A
// check id of another node (PostgreSQL, several nodes) is in that node's
// journal for at most about its MoveInterval: wait that long once.
func (e *Engine) flushHook(ctx context.Context, id string) error {
	if err := e.FlushLog(ctx); err != nil {
		return err
	}
	if id != "" && e.st.D.Name == store.Postgres.Name && foreignCheckID(id, e.idPre) {
		t := time.NewTimer(e.o.MoveInterval + 250*time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// foreignCheckID reports whether id has the form of a check id from a node
// other than the one with prefix pre.
func foreignCheckID(id, pre string) bool {
	if len(id) < 8 || !strings.HasPrefix(id, "CK") || id[2:7] == pre {
		return false
	}
	for i := 2; i < 7; i++ {
		if !strings.ContainsRune(idAlphabet, rune(id[i])) {
			return false
		}
	}
	return true
}
