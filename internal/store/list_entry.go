package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/subject"
)

const entryCols = `e.id, e.subject_id, s.code, s.name, e.list_type, e.kind, e.domain, e.dept, e.facts, e.basis_doc, e.start_date, e.end_date, e.state, e.paused,
	e.notice, e.exit_reason, e.exit_note, e.exit_date, e.monitor_until, e.proposed_by, e.recorded_at, e.notified_at, e.activated_at, e.exited_at, e.version`

const entryFrom = ` FROM list_entries e JOIN subjects s ON s.id = e.subject_id`

func scanEntry(sc interface{ Scan(...any) error }) (list.Entry, error) {
	var e list.Entry
	var kind, state, reason string
	var rec int64
	var notified, activated, exited sql.NullInt64
	err := sc.Scan(&e.ID, &e.SubjectID, &e.SubjectCode, &e.SubjectName, &e.ListType, &kind, &e.Domain, &e.Dept, &e.Facts, &e.BasisDoc, &e.Start, &e.End, &state, &e.Paused,
		&e.Notice, &reason, &e.ExitNote, &e.ExitDate, &e.MonitorUntil, &e.ProposedBy, &rec, &notified, &activated, &exited, &e.Version)
	e.Kind, e.State, e.ExitReason = list.Kind(kind), list.State(state), list.ExitReason(reason)
	e.RecordedAt, e.NotifiedAt, e.ActivatedAt, e.ExitedAt = fromMicros(rec), fromNullMicros(notified), fromNullMicros(activated), fromNullMicros(exited)
	return e, err
}

// EntryFilter narrows an entry listing.
type EntryFilter struct {
	SubjectID int64
	ListType  string
	Dept      string
	State     list.State // effective state; "" for all
	Today     string     // civil date deciding expiry (required with State)
}

// Entries lists entries by id after the cursor. The state filter is the
// effective one: an active entry past its end date counts as exited.
func (s *Store) Entries(ctx context.Context, f EntryFilter, after int64, limit int) ([]list.Entry, error) {
	q := `SELECT ` + entryCols + entryFrom + ` WHERE e.id > ? AND (? = 0 OR e.subject_id = ?) AND (? = '' OR e.list_type = ?) AND (? = '' OR e.dept = ?)`
	args := []any{after, f.SubjectID, f.SubjectID, f.ListType, f.ListType, f.Dept, f.Dept}
	switch f.State {
	case list.Active:
		q += ` AND e.state = 'active' AND (e.end_date = '' OR e.end_date > ?)`
		args = append(args, f.Today)
	case list.Exited:
		q += ` AND (e.state = 'exited' OR (e.state = 'active' AND e.end_date <> '' AND e.end_date <= ?))`
		args = append(args, f.Today)
	case list.Proposed, list.Notified:
		q += ` AND e.state = ?`
		args = append(args, string(f.State))
	}
	rows, err := s.query(ctx, q+` ORDER BY e.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	defer rows.Close()
	var out []list.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Entry returns one entry with its bound persons and pauses.
func (s *Store) Entry(ctx context.Context, id int64) (list.Entry, error) {
	e, err := scanEntry(s.queryRow(ctx, `SELECT `+entryCols+entryFrom+` WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, errs.NotFound("list_entry.not_found", fmt.Sprintf("未找到名单条目 %d", id))
	} else if err != nil {
		return e, fmt.Errorf("entry %d: %w", id, err)
	}
	if e.Persons, err = s.entryPersons(ctx, id); err != nil {
		return e, err
	}
	e.Pauses, err = s.entryPauses(ctx, id)
	return e, err
}

func (s *Store) entryPersons(ctx context.Context, id int64) ([]list.Person, error) {
	rows, err := s.query(ctx, `SELECT p.id, p.code, p.name, ep.role FROM entry_persons ep JOIN subjects p ON p.id = ep.person_id WHERE ep.entry_id = ? ORDER BY p.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []list.Person
	for rows.Next() {
		var p list.Person
		if err := rows.Scan(&p.SubjectID, &p.Code, &p.Name, &p.Role); err != nil {
			return nil, err
		}
		p.RoleLabel = subject.RelationRole(p.Role).Label()
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) entryPauses(ctx context.Context, id int64) ([]list.Pause, error) {
	rows, err := s.query(ctx, `SELECT from_at, to_at, reason FROM entry_pauses WHERE entry_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []list.Pause
	for rows.Next() {
		var p list.Pause
		var from int64
		var to sql.NullInt64
		if err := rows.Scan(&from, &to, &p.Reason); err != nil {
			return nil, err
		}
		p.From, p.To = fromMicros(from), fromNullMicros(to)
		out = append(out, p)
	}
	return out, rows.Err()
}

// HistoryItem is one transition of an entry.
type HistoryItem struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Actor  string    `json:"actor"`
	Note   string    `json:"note,omitempty"`
}

// EntryHistory returns an entry's transitions in order.
func (s *Store) EntryHistory(ctx context.Context, id int64) ([]HistoryItem, error) {
	rows, err := s.query(ctx, `SELECT at, action, from_state, to_state, actor, note FROM entry_history WHERE entry_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []HistoryItem{}
	for rows.Next() {
		var h HistoryItem
		var at int64
		if err := rows.Scan(&at, &h.Action, &h.From, &h.To, &h.Actor, &h.Note); err != nil {
			return nil, err
		}
		h.At = fromMicros(at)
		out = append(out, h)
	}
	return out, rows.Err()
}

func (tx *Tx) history(id int64, action string, from, to list.State, actor, note string) error {
	_, err := tx.exec(`INSERT INTO entry_history (entry_id, at, action, from_state, to_state, actor, note) VALUES (?,?,?,?,?,?,?)`,
		id, micros(tx.s.Now()), action, string(from), string(to), actor, note)
	return err
}

// subjectEntries loads a subject's entries (for cross-checks) in a tx.
func (tx *Tx) subjectEntries(subjectID int64) ([]list.Entry, error) {
	rows, err := tx.query(`SELECT `+entryCols+entryFrom+` WHERE e.subject_id = ? ORDER BY e.id`, subjectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []list.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// badRecords loads a subject's negative records.
func badRecords(q func(string, ...any) (*sql.Rows, error), where string, args ...any) (map[int64][]list.BadRecord, error) {
	rows, err := q(`SELECT subject_id, type, dept, doc_no, decision_date, is_current, state, revoked_at FROM records WHERE nature = 'bad' AND `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("bad records: %w", err)
	}
	defer rows.Close()
	out := map[int64][]list.BadRecord{}
	for rows.Next() {
		var id int64
		var r list.BadRecord
		var state string
		var revoked sql.NullInt64
		if err := rows.Scan(&id, &r.Type, &r.Dept, &r.DocNo, &r.DecisionDate, &r.Current, &state, &revoked); err != nil {
			return nil, err
		}
		r.Published, r.RevokedAt = state == "published", fromNullMicros(revoked)
		if !r.Current && r.RevokedAt.IsZero() {
			continue // superseded versions: the current one speaks
		}
		out[id] = append(out[id], r)
	}
	return out, rows.Err()
}
