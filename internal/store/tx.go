package store

import (
	"context"
	"database/sql"
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
}

// Tx is a write transaction. Audit entries and change events appended
// through it commit or vanish with the change they describe.
type Tx struct {
	s       *Store
	tx      *sql.Tx
	ctx     context.Context
	locked  bool
	changes []Change
	after   []func()
}

// OnChange registers a listener called after every commit with the
// committed change events, in order (same node, same goroutine as the commit).
func (s *Store) OnChange(fn func(Change)) { s.notify = append(s.notify, fn) }

// InTx runs fn in one write transaction and commits if it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &Tx{s: s, tx: sqlTx, ctx: ctx}
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, c := range t.changes {
		for _, fn := range s.notify {
			fn(c)
		}
	}
	for _, fn := range t.after {
		fn()
	}
	return nil
}

// AfterCommit runs fn once the transaction has committed.
func (t *Tx) AfterCommit(fn func()) { t.after = append(t.after, fn) }

func (t *Tx) exec(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, t.s.D.Rebind(q), args...)
}

func (t *Tx) query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, t.s.D.Rebind(q), args...)
}

func (t *Tx) queryRow(q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.s.D.Rebind(q), args...)
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
		if _, err := t.tx.ExecContext(t.ctx, "SELECT pg_advisory_xact_lock(hashtext(current_schema()))"); err != nil {
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
	var seq int64
	var prev string
	err := t.queryRow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &prev)
	if err == sql.ErrNoRows {
		seq, prev = 0, audit.Genesis
	} else if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	en := audit.Seal(e, seq, prev, t.s.Now())
	_, err = t.exec(`INSERT INTO audit_log (seq, at, actor, action, object, subject_id, before_digest, after_digest, detail, prev_hash, hash)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		en.Seq, micros(en.At), en.Actor, en.Action, en.Object, en.SubjectID, en.BeforeDigest, en.AfterDigest, en.Detail, en.PrevHash, en.Hash)
	if err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
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
	var seq int64
	if err := t.queryRow("SELECT COALESCE(MAX(seq),0) FROM changes").Scan(&seq); err != nil {
		return fmt.Errorf("change head: %w", err)
	}
	c := Change{Seq: seq + 1, At: t.s.Now(), Kind: kind, SubjectID: subjectID, Subject: subject, Object: object, Data: raw}
	if _, err := t.exec(`INSERT INTO changes (seq, at, kind, subject_id, subject, object, data) VALUES (?,?,?,?,?,?,?)`,
		c.Seq, micros(c.At), c.Kind, c.SubjectID, c.Subject, c.Object, string(raw)); err != nil {
		return fmt.Errorf("emit %s: %w", kind, err)
	}
	t.changes = append(t.changes, c)
	return nil
}

// Changes returns feed events after the cursor, in commit order.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := s.query(ctx, `SELECT seq, at, kind, subject_id, subject, object, data FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("changes after %d: %w", after, err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at int64
		var data string
		if err := rows.Scan(&c.Seq, &at, &c.Kind, &c.SubjectID, &c.Subject, &c.Object, &data); err != nil {
			return nil, err
		}
		c.At = fromMicros(at)
		if data != "" {
			c.Data = json.RawMessage(data)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
