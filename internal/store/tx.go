package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"xinyong/internal/audit"
)

// Change is one event of the ordered change feed. Every committed change
// that other nodes or subscribers must learn about writes one.
type Change struct {
	Seq       int64           `json:"seq"`
	At        time.Time       `json:"at"`
	Kind      string          `json:"kind"`
	SubjectID int64           `json:"-"`
	Subject   string          `json:"subject,omitempty"` // public subject code
	Object    string          `json:"object"`
	Data      json.RawMessage `json:"data,omitempty"`
	// Span is how many events a stored row stands for (seq .. seq+Span-1):
	// 1, or more for a bulk row that Changes expands (readers never see it).
	Span int         `json:"-"`
	bulk *bulkEvents // local notification of a spanning row
}

// headSQL selects the highest sequence number of the change feed (0 when
// empty): the last row's seq plus its span.
const headSQL = `SELECT COALESCE((SELECT seq + span - 1 FROM changes ORDER BY seq DESC LIMIT 1), 0)`

// Tx is a write transaction. Audit entries and change events appended
// through it commit or vanish with the change they describe.
type Tx struct {
	s    *Store
	tx   *sql.Tx   // nil in a connection transaction (inConnTx)
	db   runner    // tx, or the connection of inConnTx
	conn *sql.Conn // set by inConnTx (PostgreSQL COPY, SQLite driver statements)
	// raw holds the driver statements prepared on conn (insertEach),
	// closed by inConnTx before the connection goes back to the pool.
	raw     map[string]driver.StmtExecContext
	ctx     context.Context
	locked  bool
	changes []Change
	after   []func()
	// Heads of the audit chain and the change feed as this transaction
	// last wrote them (under the write lock, which it holds until the end):
	// the next append needs no query. A bulk import appends several per
	// chunk, each a round trip on PostgreSQL.
	auditSeq   int64
	auditHash  string
	auditKnown bool
	feedHead   int64
	feedKnown  bool
	// nextID, when not nil, continues the ids reserved by nextIDs per table
	// without asking for the maximum again (set by a bulk import, the only
	// writer of those tables in its transaction).
	nextID map[string]int64
	// leaveWAL, set by a bulk import, skips the WAL truncation after the
	// commit (see truncateWAL): the background checkpointer copies the
	// batch's frames meanwhile, so the next commit's truncation has
	// little left to copy.
	leaveWAL bool
	// hold, set by a bulk import, keeps the audit and change-feed rows it
	// appends (two per chunk, each a round trip on PostgreSQL) and writes
	// them in a few multi-row inserts before the commit (writeHeld). The
	// import never reads them back in between.
	hold bool
	held []heldRows
	// copies streams COPY commands without waiting for each (PostgreSQL
	// import; copy_pipe.go): drained before any other statement.
	copies *copyPipe
}

// heldRows are rows of one table waiting for writeHeld.
type heldRows struct {
	table string
	cols  []string
	rows  [][]any
}

// insertRow inserts one row of table, or holds it until writeHeld when
// the transaction holds its small rows.
func (t *Tx) insertRow(table string, cols []string, vals ...any) error {
	if !t.hold {
		return t.bulkInsert(table, cols, [][]any{vals})
	}
	if n := len(t.held); n > 0 && t.held[n-1].table == table {
		t.held[n-1].rows = append(t.held[n-1].rows, vals)
	} else {
		t.held = append(t.held, heldRows{table: table, cols: cols, rows: [][]any{vals}})
	}
	return nil
}

// run runs fn, then writes the rows it held: both transaction kinds end
// their work here before committing.
func (t *Tx) run(fn func(*Tx) error) error {
	err := fn(t)
	// A failed COPY still in flight is the cause of any later error.
	if derr := t.drain(); derr != nil {
		return derr
	}
	if err != nil {
		return err
	}
	return t.writeHeld()
}

// writeHeld writes the held rows, in the order they were appended.
func (t *Tx) writeHeld() error {
	held := t.held
	t.held = nil
	for _, h := range held {
		if err := t.bulkInsert(h.table, h.cols, h.rows); err != nil {
			return err
		}
	}
	return nil
}

// OnChange registers a listener called after every commit with the
// committed change events, in order (same node, same goroutine as the commit).
func (s *Store) OnChange(fn func(Change)) { s.notify = append(s.notify, fn) }

// runner is what Tx runs statements on: *sql.Tx or *sql.Conn.
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// InTx runs fn in one write transaction and commits if it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &Tx{s: s, tx: sqlTx, db: sqlTx, ctx: ctx}
	if err := t.run(fn); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	t.committed()
	if s.Path != "" && !t.leaveWAL {
		s.truncateWAL()
	}
	return nil
}

// inConnTx is InTx on a connection of its own with BEGIN/COMMIT issued as
// statements, so that fn can also reach the driver connection: COPY on
// PostgreSQL (copyEncoded), the driver's own prepared INSERTs on SQLite
// (insertEach). On SQLite the transaction begins IMMEDIATE, as InTx's do
// (_txlock=immediate), and the WAL is truncated after the commit as by InTx.
func (s *Store) inConnTx(ctx context.Context, fn func(*Tx) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	begin := "BEGIN"
	if s.D.Name == "sqlite" {
		begin = "BEGIN IMMEDIATE"
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		conn.Close()
		return fmt.Errorf("begin: %w", err)
	}
	t := &Tx{s: s, db: conn, conn: conn, ctx: ctx}
	abort := func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
			// Never hand a connection in an unknown state back to the pool.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}
	err = t.run(fn)
	if len(t.raw) > 0 {
		// Finalise the driver statements on their connection (a reset
		// statement does not hold up the COMMIT, but must not outlive the
		// connection's time with this transaction).
		e := conn.Raw(func(any) error {
			var first error
			for _, st := range t.raw {
				if c, ok := st.(driver.Stmt); ok {
					if e := c.Close(); e != nil && first == nil {
						first = e
					}
				}
			}
			return first
		})
		t.raw = nil
		if err == nil {
			err = e
		}
	}
	if err != nil {
		abort()
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		abort()
		return fmt.Errorf("commit: %w", err)
	}
	conn.Close()
	t.committed()
	if s.Path != "" && !t.leaveWAL {
		s.truncateWAL()
	}
	return nil
}

// committed tells the listeners about the transaction's changes.
func (t *Tx) committed() {
	s := t.s
	for _, c := range t.changes {
		if c.bulk != nil {
			c.bulk.each(c, func(e Change) {
				for _, fn := range s.notify {
					fn(e)
				}
			})
			continue
		}
		for _, fn := range s.notify {
			fn(c)
		}
	}
	for _, fn := range t.after {
		fn()
	}
}

// AfterCommit runs fn once the transaction has committed.
func (t *Tx) AfterCommit(fn func()) { t.after = append(t.after, fn) }

// exec, query and queryRow first wait for the COPY commands in flight
// (drain); after a failed one, queryRow's row reports a cancelled context
// and Tx.run returns the COPY's error.
func (t *Tx) exec(q string, args ...any) (sql.Result, error) {
	if err := t.drain(); err != nil {
		return nil, err
	}
	return t.db.ExecContext(t.ctx, t.s.D.Rebind(q), args...)
}

func (t *Tx) query(q string, args ...any) (*sql.Rows, error) {
	if err := t.drain(); err != nil {
		return nil, err
	}
	return t.db.QueryContext(t.ctx, t.s.D.Rebind(q), args...)
}

func (t *Tx) queryRow(q string, args ...any) *sql.Row {
	if err := t.drain(); err != nil {
		ctx, cancel := context.WithCancel(t.ctx)
		cancel()
		return t.db.QueryRowContext(ctx, t.s.D.Rebind(q), args...)
	}
	return t.db.QueryRowContext(t.ctx, t.s.D.Rebind(q), args...)
}

// insertID runs an INSERT ... RETURNING id.
func (t *Tx) insertID(q string, args ...any) (int64, error) {
	var id int64
	err := t.queryRow(q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// serialize takes the write lock that orders the audit chain and the change
// feed: on PostgreSQL an advisory transaction lock (per schema), on SQLite the
// IMMEDIATE transaction already holds the only write lock.
func (t *Tx) serialize() error {
	if t.locked {
		return nil
	}
	if t.s.D.Name == "postgres" {
		if _, err := t.exec("SELECT pg_advisory_xact_lock(hashtext(current_schema()))"); err != nil {
			return fmt.Errorf("audit lock: %w", err)
		}
	}
	t.locked = true
	return nil
}

// Audit appends one entry to the hash chain in this transaction.
func (t *Tx) Audit(e audit.Event) error {
	if err := t.serialize(); err != nil {
		return err
	}
	seq, prev := t.auditSeq, t.auditHash
	if !t.auditKnown {
		err := t.queryRow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &prev)
		if err == sql.ErrNoRows {
			seq, prev = 0, audit.Genesis
		} else if err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
	}
	en := audit.Seal(e, seq, prev, t.s.Now())
	err := t.insertRow("audit_log", auditColumns,
		en.Seq, micros(en.At), en.Actor, en.Action, en.Object, en.SubjectID, en.BeforeDigest, en.AfterDigest, en.Detail, en.PrevHash, en.Hash)
	if err != nil {
		t.auditKnown = false
		return fmt.Errorf("audit append: %w", err)
	}
	t.auditSeq, t.auditHash, t.auditKnown = en.Seq, en.Hash, true
	return nil
}

// Emit appends one event to the change feed in this transaction. Sequence
// numbers are assigned under the write lock, so feed order is commit order.
func (t *Tx) Emit(kind string, subjectID int64, subject, object string, data any) error {
	if err := t.serialize(); err != nil {
		return err
	}
	var raw json.RawMessage
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("emit %s: %w", kind, err)
		}
		raw = b
	}
	seq, err := t.changeHead()
	if err != nil {
		return fmt.Errorf("change head: %w", err)
	}
	c := Change{Seq: seq + 1, At: t.s.Now(), Kind: kind, SubjectID: subjectID, Subject: subject, Object: object, Data: raw}
	if _, err := t.exec(`INSERT INTO changes (seq, at, kind, subject_id, subject, object, data) VALUES (?,?,?,?,?,?,?)`,
		c.Seq, micros(c.At), c.Kind, c.SubjectID, c.Subject, c.Object, string(raw)); err != nil {
		t.feedKnown = false
		return fmt.Errorf("emit %s: %w", kind, err)
	}
	t.feedHead, t.feedKnown = c.Seq, true
	t.changes = append(t.changes, c)
	return nil
}

// Changes returns feed events after the cursor, in commit order. Rows that
// span several events are expanded (the first may be partly before the
// cursor: the read starts at the row holding after+1).
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := s.query(ctx, `SELECT seq, at, kind, subject_id, subject, object, data, span FROM changes
		WHERE seq >= COALESCE((SELECT MAX(seq) FROM changes WHERE seq <= ?), 0) ORDER BY seq LIMIT ?`, after+1, limit)
	if err != nil {
		return nil, fmt.Errorf("changes after %d: %w", after, err)
	}
	var out, spans []Change
	for rows.Next() {
		var c Change
		var at int64
		var data string
		if err := rows.Scan(&c.Seq, &at, &c.Kind, &c.SubjectID, &c.Subject, &c.Object, &data, &c.Span); err != nil {
			rows.Close()
			return nil, err
		}
		c.At = fromMicros(at)
		if data != "" {
			c.Data = json.RawMessage(data)
		}
		if !spanning(c.Kind) && c.Seq <= after {
			continue
		}
		if spanning(c.Kind) {
			spans = append(spans, c)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(spans) == 0 {
		return out, nil
	}
	// Expand spanning rows (after the row cursor is closed: SQLite readers
	// may hold one connection).
	var exp []Change
	for _, c := range out {
		if !spanning(c.Kind) {
			exp = append(exp, c)
		} else {
			es, err := s.expandChange(ctx, c)
			if err != nil {
				return nil, err
			}
			for _, e := range es {
				if e.Seq > after {
					exp = append(exp, e)
				}
			}
		}
		if len(exp) >= limit {
			return exp[:limit], nil
		}
	}
	return exp, nil
}

// changeHead is the highest sequence of the change feed (0 when empty).
func (t *Tx) changeHead() (int64, error) {
	if t.feedKnown {
		return t.feedHead, nil
	}
	var seq int64
	err := t.queryRow(headSQL).Scan(&seq)
	return seq, err
}
