package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/remedy"
)

// Commitment is a credit commitment (信用承诺) and its fulfilment.
type Commitment struct {
	ID          int64        `json:"id"`
	SubjectID   int64        `json:"-"`
	Subject     string       `json:"subject"`
	SubjectName string       `json:"subject_name"`
	Kind        string       `json:"kind"`
	KindLabel   string       `json:"kind_label"`
	Dept        string       `json:"dept"`
	Matter      string       `json:"matter"`
	Content     string       `json:"content"`
	Due         string       `json:"due,omitempty"`
	Public      bool         `json:"public"`
	State       remedy.State `json:"state"`
	StateLabel  string       `json:"state_label"`
	Note        string       `json:"note,omitempty"`
	RecordID    int64        `json:"record_id,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	ClosedAt    time.Time    `json:"closed_at,omitzero"`
	Version     int          `json:"version"`
}

const commitCols = `c.id, c.subject_id, s.code, s.name, c.kind, c.dept, c.matter, c.content, c.due_date, c.is_public, c.state, c.note, c.record_id,
	c.created_at, c.closed_at, c.version FROM commitments c JOIN subjects s ON s.id = c.subject_id`

func scanCommitment(sc interface{ Scan(...any) error }) (Commitment, error) {
	var c Commitment
	var state string
	var created int64
	var closed sql.NullInt64
	err := sc.Scan(&c.ID, &c.SubjectID, &c.Subject, &c.SubjectName, &c.Kind, &c.Dept, &c.Matter, &c.Content, &c.Due, &c.Public, &state, &c.Note, &c.RecordID,
		&created, &closed, &c.Version)
	c.State, c.KindLabel = remedy.State(state), remedy.CommitmentKinds[c.Kind]
	c.StateLabel = c.State.Label()
	c.CreatedAt, c.ClosedAt = fromMicros(created), fromNullMicros(closed)
	return c, err
}

func commitObject(id int64) string { return fmt.Sprintf("commitment:%d", id) }

// CreateCommitment stores a validated commitment of subjectID and emits
// commitment.made (public commitments appear on the subject's record).
func (s *Store) CreateCommitment(ctx context.Context, subjectID int64, code string, in remedy.CommitmentInput, actor string) (Commitment, error) {
	var id int64
	public := in.Public == nil || *in.Public
	err := s.InTx(ctx, func(tx *Tx) error {
		var d string
		if err := tx.queryRow(`SELECT code FROM departments WHERE code = ?`, in.Dept).Scan(&d); errors.Is(err, sql.ErrNoRows) {
			return errs.Field("dept", "受诺单位不存在："+in.Dept)
		} else if err != nil {
			return err
		}
		var err error
		now := tx.s.Now()
		id, err = tx.insertID(`INSERT INTO commitments (subject_id, kind, dept, matter, content, due_date, is_public, state, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)`,
			subjectID, in.Kind, in.Dept, in.Matter, in.Content, in.Due, public, string(remedy.Pending), actor, micros(now))
		if err != nil {
			return fmt.Errorf("insert commitment: %w", err)
		}
		if err := tx.Audit(audit.Event{Actor: actor, Action: "commitment.make", Object: commitObject(id), SubjectID: subjectID, After: in}); err != nil {
			return err
		}
		return tx.Emit("commitment.made", subjectID, code, commitObject(id), map[string]any{"id": id, "kind": in.Kind, "dept": in.Dept, "due": in.Due, "public": public})
	})
	if err != nil {
		return Commitment{}, err
	}
	return s.Commitment(ctx, id)
}

// Commitment returns one commitment.
func (s *Store) Commitment(ctx context.Context, id int64) (Commitment, error) {
	c, err := scanCommitment(s.queryRow(ctx, `SELECT `+commitCols+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.NotFound("commitment.not_found", fmt.Sprintf("未找到信用承诺 %d", id))
	}
	return c, err
}

// CommitmentFilter narrows a listing.
type CommitmentFilter struct {
	SubjectID  int64
	Dept       string
	State      string
	PublicOnly bool
	DueBefore  string // pending ones whose due date is before this day
	Limit      int
}

// Commitments lists commitments newest first.
func (s *Store) Commitments(ctx context.Context, f CommitmentFilter) ([]Commitment, error) {
	q := `SELECT ` + commitCols + ` WHERE 1=1`
	var args []any
	add := func(cond string, v any) { q += ` AND ` + cond; args = append(args, v) }
	if f.SubjectID != 0 {
		add(`c.subject_id = ?`, f.SubjectID)
	}
	if f.Dept != "" {
		add(`c.dept = ?`, f.Dept)
	}
	if f.State != "" {
		add(`c.state = ?`, f.State)
	}
	if f.PublicOnly {
		add(`c.is_public = ?`, true)
	}
	if f.DueBefore != "" {
		add(`c.state = 'pending' AND c.due_date <> '' AND c.due_date < ?`, f.DueBefore)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q += ` ORDER BY c.id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("commitments: %w", err)
	}
	defer rows.Close()
	out := []Commitment{}
	for rows.Next() {
		c, err := scanCommitment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CloseCommitment moves a pending commitment to fulfilled or broken (with
// the negative record it produced, if any) and emits commitment.fulfilled
// or commitment.broken.
func (s *Store) CloseCommitment(ctx context.Context, id int64, a remedy.Action, who remedy.Role, note string, recordID int64, actor string) (Commitment, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		c, err := scanCommitment(tx.queryRow(`SELECT `+commitCols+` WHERE c.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("commitment.not_found", fmt.Sprintf("未找到信用承诺 %d", id))
		} else if err != nil {
			return err
		}
		next, err := remedy.Transition(remedy.Commitment, c.State, a, who)
		if err != nil {
			return err
		}
		now := tx.s.Now()
		res, err := tx.exec(`UPDATE commitments SET state = ?, note = ?, record_id = ?, closed_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			string(next), note, recordID, micros(now), id, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("commitment.version", "该承诺已被他人处理，请刷新后重试")
		}
		if err := tx.Audit(audit.Event{Actor: actor, Action: "commitment." + string(a), Object: commitObject(id), SubjectID: c.SubjectID,
			Before: map[string]any{"state": c.State}, After: map[string]any{"state": next, "note": note, "record_id": recordID}}); err != nil {
			return err
		}
		kind := "commitment.fulfilled"
		if next == remedy.Broken {
			kind = "commitment.broken"
		}
		return tx.Emit(kind, c.SubjectID, c.Subject, commitObject(id), map[string]any{"id": id, "kind": c.Kind, "dept": c.Dept, "record_id": recordID})
	})
	if err != nil {
		return Commitment{}, err
	}
	return s.Commitment(ctx, id)
}
