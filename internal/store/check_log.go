package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
)

// CheckLog is the durable record of one check: who asked about whom, in
// which scenario, as of when, and the digest of the answer given.
type CheckLog struct {
	ID           string    `json:"check_id"`
	At           time.Time `json:"at"`
	Requester    string    `json:"requester"`
	Dept         string    `json:"dept"`
	Subject      string    `json:"subject"`
	SubjectID    int64     `json:"-"`
	Scenario     string    `json:"scenario"`
	AsOf         time.Time `json:"as_of"`
	Measures     []string  `json:"measures"`
	Digest       string    `json:"digest"`
	RulesVersion int64     `json:"rules_version"`
	FeedbackAt   time.Time `json:"feedback_at,omitzero"`
}

var checkLogCols = []string{"id", "at", "requester", "dept", "subject", "subject_id", "scenario", "as_of", "measures", "digest", "rules_version"}

// LogChecks writes a batch of check logs in one transaction. A log whose id
// is already there is skipped, so a batch can be written again (the check
// journal's mover after a crash between its commit and removing the
// segment). Rows go in through two statements prepared once per store (64
// rows and 1 row at a time): compiling a statement per batch costs more than
// the rows.
func (s *Store) LogChecks(ctx context.Context, logs []CheckLog) error {
	return s.logChecks(ctx, logs, false)
}

// LogChecksBackground is LogChecks for work nobody waits on (the check
// journal's mover): between statements it lets every goroutine that is
// ready run first, so that a large batch does not hold a processor while
// checks queue behind it.
func (s *Store) LogChecksBackground(ctx context.Context, logs []CheckLog) error {
	return s.logChecks(ctx, logs, true)
}

// checkLogSQL is the insert of n check logs.
func (s *Store) checkLogSQL(n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(checkLogCols)), ",") + ")"
	head := "INSERT INTO check_log (" + strings.Join(checkLogCols, ", ") + ") VALUES "
	const tail = " ON CONFLICT (id) DO NOTHING"
	return s.D.Rebind(head + strings.TrimSuffix(strings.Repeat(one+",", n), ",") + tail)
}

func (s *Store) logChecks(ctx context.Context, logs []CheckLog, yield bool) error {
	logs, blocks := blocksOf(logs)
	if s.D.Name == SQLite.Name {
		return s.logChecksRaw(ctx, logs, blocks, yield)
	}
	s.checkLogOnce.Do(func() {
		s.checkLog64, s.checkLogErr = s.w.PrepareContext(context.Background(), s.checkLogSQL(64))
		if s.checkLogErr == nil {
			s.checkLog1, s.checkLogErr = s.w.PrepareContext(context.Background(), s.checkLogSQL(1))
		}
	})
	if s.checkLogErr != nil {
		return fmt.Errorf("prepare check log: %w", s.checkLogErr)
	}
	args := make([]any, 0, 64*len(checkLogCols))
	return s.InTx(ctx, func(tx *Tx) error {
		var data []byte
		for _, b := range blocks {
			data = b.encode(data)
			if _, err := tx.exec(checkBlockSQL, b.minute, b.dept, b.firstID, b.firstAt, b.lastAt, len(b.logs), data); err != nil {
				return fmt.Errorf("log check block: %w", err)
			}
		}
		rest := logs
		for len(rest) > 0 {
			st, n := s.checkLog1, 1
			if len(rest) >= 64 {
				st, n = s.checkLog64, 64
			}
			args = args[:0]
			for _, l := range rest[:n] {
				args = append(args, l.ID, micros(l.At), l.Requester, l.Dept, l.Subject, l.SubjectID, l.Scenario, micros(l.AsOf), strings.Join(l.Measures, ","), l.Digest, l.RulesVersion)
			}
			if _, err := tx.tx.StmtContext(ctx, st).ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("log checks: %w", err)
			}
			rest = rest[n:]
			if yield {
				runtime.Gosched()
			}
		}
		return nil
	})
}

// rawCheckLog are logChecks' statements prepared on SQLite's writer
// connection itself, and their reused arguments. Only the goroutine that
// holds the writer connection (there is one) uses them.
type rawCheckLog struct {
	dc               any // the driver connection they were prepared on
	st64, st1, block driver.Stmt
	args             []driver.NamedValue
	blockArgs        [7]driver.NamedValue
	data             []byte
}

// logChecksRaw is logChecks on SQLite, on the driver connection: the same
// statements in one transaction, but executed with one reused argument
// slice. database/sql allocates and converts eleven arguments per row
// (≈ 0.5 KB per check) on every statement.
func (s *Store) logChecksRaw(ctx context.Context, logs []CheckLog, blocks []*checkBlock, yield bool) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("log checks: %w", err)
	}
	err = conn.Raw(func(dc any) error {
		r := &s.checkLogRaw
		if r.dc != dc {
			// A new writer connection (the old one was closed with its
			// statements): prepare them on this one.
			pc, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return fmt.Errorf("driver connection %T cannot prepare", dc)
			}
			st64, err := pc.PrepareContext(ctx, s.checkLogSQL(64))
			if err != nil {
				return err
			}
			st1, err := pc.PrepareContext(ctx, s.checkLogSQL(1))
			if err != nil {
				st64.Close()
				return err
			}
			block, err := pc.PrepareContext(ctx, checkBlockSQL)
			if err != nil {
				st64.Close()
				st1.Close()
				return err
			}
			_, ok64 := st64.(driver.StmtExecContext)
			_, ok1 := st1.(driver.StmtExecContext)
			_, okb := block.(driver.StmtExecContext)
			if !ok64 || !ok1 || !okb {
				st64.Close()
				st1.Close()
				block.Close()
				return fmt.Errorf("driver statement %T cannot execute with a context", st64)
			}
			*r = rawCheckLog{dc: dc, st64: st64, st1: st1, block: block, args: make([]driver.NamedValue, 64*len(checkLogCols))}
			for i := range r.args {
				r.args[i].Ordinal = i + 1
			}
			for i := range r.blockArgs {
				r.blockArgs[i].Ordinal = i + 1
			}
		}
		bt, ok := dc.(driver.ConnBeginTx)
		if !ok {
			return fmt.Errorf("driver connection %T cannot begin", dc)
		}
		tx, err := bt.BeginTx(ctx, driver.TxOptions{})
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		for _, b := range blocks {
			r.data = b.encode(r.data)
			a := r.blockArgs[:]
			a[0].Value, a[1].Value, a[2].Value, a[3].Value = b.minute, b.dept, b.firstID, b.firstAt
			a[4].Value, a[5].Value, a[6].Value = b.lastAt, int64(len(b.logs)), r.data
			_, err := r.block.(driver.StmtExecContext).ExecContext(ctx, a)
			for i := range a {
				a[i].Value = nil
			}
			if err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("log check block: %w", err)
			}
			if yield {
				runtime.Gosched()
			}
		}
		if cap(r.data) > 1<<20 {
			r.data = nil
		}
		for rest := logs; len(rest) > 0; {
			st, n := r.st1, 1
			if len(rest) >= 64 {
				st, n = r.st64, 64
			}
			a := r.args[:n*len(checkLogCols)]
			for i := range rest[:n] {
				l := &rest[i]
				v := a[i*len(checkLogCols):]
				v[0].Value, v[1].Value, v[2].Value, v[3].Value = l.ID, micros(l.At), l.Requester, l.Dept
				v[4].Value, v[5].Value, v[6].Value, v[7].Value = l.Subject, l.SubjectID, l.Scenario, micros(l.AsOf)
				v[8].Value, v[9].Value, v[10].Value = strings.Join(l.Measures, ","), l.Digest, l.RulesVersion
			}
			_, err := st.(driver.StmtExecContext).ExecContext(ctx, a)
			for i := range a {
				a[i].Value = nil // keep nothing of this batch alive
			}
			if err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("log checks: %w", err)
			}
			rest = rest[n:]
			if yield {
				runtime.Gosched()
			}
		}
		if err := tx.Commit(); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	})
	// The writer connection goes back to the pool before the WAL is
	// truncated on it (holding it here deadlocked the writer).
	conn.Close()
	if err != nil {
		return err
	}
	if s.Path != "" {
		s.truncateWAL() // as InTx does
	}
	return nil
}

// closeRawCheckLog finalizes logChecksRaw's statements while their
// connection is still open.
func (s *Store) closeRawCheckLog() {
	if s.D.Name != SQLite.Name {
		return
	}
	// Bounded: statements left unfinalized only keep their connection's
	// memory until the process ends (sqlite3_close_v2).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	_ = conn.Raw(func(dc any) error {
		if r := &s.checkLogRaw; r.dc == dc {
			r.st64.Close()
			r.st1.Close()
			r.block.Close()
			*r = rawCheckLog{}
		}
		return nil
	})
}

// SetCheckLogFlush installs fn as the way to bring checks that are logged
// durably elsewhere (a node's check journal) into check_log. Readers of
// check_log call it first: with id "" to flush everything, or with the id
// of a check not found. The returned function removes fn again (if it is
// still the one installed).
func (s *Store) SetCheckLogFlush(fn func(ctx context.Context, id string) error) (remove func()) {
	p := &fn
	s.checkLogFlush.Store(p)
	return func() { s.checkLogFlush.CompareAndSwap(p, nil) }
}

// flushCheckLog runs the installed flush, if any.
func (s *Store) flushCheckLog(ctx context.Context, id string) error {
	if fn := s.checkLogFlush.Load(); fn != nil {
		if err := (*fn)(ctx, id); err != nil {
			return fmt.Errorf("flush check journal: %w", err)
		}
	}
	return nil
}

// CheckLogByID returns one logged check. A check not yet in the table is
// looked for again after flushing the check journal.
func (s *Store) CheckLogByID(ctx context.Context, id string) (CheckLog, error) {
	l, err := s.checkLogByID(ctx, id)
	if errs.Is(err, errs.KindNotFound) && s.checkLogFlush.Load() != nil {
		if ferr := s.flushCheckLog(ctx, id); ferr != nil {
			return l, ferr
		}
		l, err = s.checkLogByID(ctx, id)
	}
	return l, err
}

func (s *Store) checkLogByID(ctx context.Context, id string) (CheckLog, error) {
	var l CheckLog
	var at, asOf int64
	var fb sql.NullInt64
	var ms string
	err := s.queryRow(ctx, `SELECT id, at, requester, dept, subject, subject_id, scenario, as_of, measures, digest, rules_version, feedback_at FROM check_log WHERE id = ?`, id).
		Scan(&l.ID, &at, &l.Requester, &l.Dept, &l.Subject, &l.SubjectID, &l.Scenario, &asOf, &ms, &l.Digest, &l.RulesVersion, &fb)
	if errors.Is(err, sql.ErrNoRows) {
		if b, ok, err := s.checkFromBlocks(ctx, id); err != nil || ok {
			return b, err
		}
		return l, errs.NotFound("check.not_found", "未找到核查记录："+id)
	} else if err != nil {
		return l, fmt.Errorf("check log %s: %w", id, err)
	}
	l.At, l.AsOf, l.FeedbackAt = fromMicros(at), fromMicros(asOf), fromNullMicros(fb)
	l.Measures = []string{}
	if ms != "" {
		l.Measures = strings.Split(ms, ",")
	}
	return l, nil
}

// Feedback is an implementing department's report on one measure (执行反馈).
type Feedback struct {
	Measure string    `json:"measure"`
	Applied bool      `json:"applied"`
	Reason  string    `json:"reason,omitempty"`
	Actor   string    `json:"actor,omitempty"`
	At      time.Time `json:"at,omitzero"`
}

// SaveFeedback records feedback on the measures of a logged check (a later
// report on the same measure replaces the earlier one). The check counts as
// fed back once every measure it returned has a report.
func (s *Store) SaveFeedback(ctx context.Context, l CheckLog, items []Feedback, actor string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		now := micros(tx.s.Now())
		for _, f := range items {
			if _, err := tx.exec(`INSERT INTO check_feedback (check_id, measure, applied, reason, actor, at) VALUES (?,?,?,?,?,?)
				ON CONFLICT (check_id, measure) DO UPDATE SET applied = excluded.applied, reason = excluded.reason, actor = excluded.actor, at = excluded.at`,
				l.ID, f.Measure, f.Applied, f.Reason, actor, now); err != nil {
				return fmt.Errorf("save feedback: %w", err)
			}
		}
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM check_feedback WHERE check_id = ?`, l.ID).Scan(&n); err != nil {
			return err
		}
		if n >= len(l.Measures) {
			if _, err := tx.exec(`UPDATE check_log SET feedback_at = ? WHERE id = ? AND feedback_at IS NULL`, now, l.ID); err != nil {
				return err
			}
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "check.feedback", Object: "check:" + l.ID, SubjectID: l.SubjectID, After: items})
	})
}

// CheckFeedback lists the feedback given on a check.
func (s *Store) CheckFeedback(ctx context.Context, id string) ([]Feedback, error) {
	rows, err := s.query(ctx, `SELECT measure, applied, reason, actor, at FROM check_feedback WHERE check_id = ? ORDER BY measure`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Feedback{}
	for rows.Next() {
		var f Feedback
		var at int64
		if err := rows.Scan(&f.Measure, &f.Applied, &f.Reason, &f.Actor, &at); err != nil {
			return nil, err
		}
		f.At = fromMicros(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// FeedbackStat is the feedback rate of one implementing department.
type FeedbackStat struct {
	Dept         string  `json:"dept"`
	Checks       int64   `json:"checks"`
	WithMeasures int64   `json:"with_measures"`
	FedBack      int64   `json:"fed_back"`
	Overdue      int64   `json:"overdue"`
	Rate         float64 `json:"rate"`
}

// FeedbackStats counts, per requesting department, checks since from, those
// that returned measures, those fully fed back and those without feedback
// older than overdueBefore.
func (s *Store) FeedbackStats(ctx context.Context, from, overdueBefore time.Time) ([]FeedbackStat, error) {
	if err := s.flushCheckLog(ctx, ""); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT dept, COUNT(*),
		SUM(CASE WHEN measures <> '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN measures <> '' AND feedback_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN measures <> '' AND feedback_at IS NULL AND at < ? THEN 1 ELSE 0 END)
		FROM check_log WHERE at >= ? GROUP BY dept ORDER BY dept`, micros(overdueBefore), micros(from))
	if err != nil {
		return nil, fmt.Errorf("feedback stats: %w", err)
	}
	defer rows.Close()
	out := []FeedbackStat{}
	for rows.Next() {
		var f FeedbackStat
		if err := rows.Scan(&f.Dept, &f.Checks, &f.WithMeasures, &f.FedBack, &f.Overdue); err != nil {
			return nil, err
		}
		if f.WithMeasures > 0 {
			f.Rate = float64(f.FedBack) / float64(f.WithMeasures)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	clean, err := s.blockCheckCounts(ctx, from, time.Time{})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Checks += clean[out[i].Dept]
		delete(clean, out[i].Dept)
	}
	for d, n := range clean {
		out = append(out, FeedbackStat{Dept: d, Checks: n})
	}
	slices.SortFunc(out, func(a, b FeedbackStat) int { return strings.Compare(a.Dept, b.Dept) })
	return out, nil
}

// CheckLogCount returns how many checks are logged (benchmark proof),
// the check journal flushed first.
func (s *Store) CheckLogCount(ctx context.Context) (int64, error) {
	if err := s.flushCheckLog(ctx, ""); err != nil {
		return 0, err
	}
	var n int64
	err := s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM check_log) + (SELECT COALESCE(SUM(n), 0) FROM check_blocks)`).Scan(&n)
	return n, err
}
