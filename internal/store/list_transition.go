package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/list"
)

// Change kinds of list entries (the push and the check index follow them).
const (
	KindEntryActivated = "entry.activated"
	KindEntryPaused    = "entry.paused"
	KindEntryResumed   = "entry.resumed"
	KindEntryExited    = "entry.exited"
)

// ProposeEntry stores a proposal (拟列入) of subject sub on list type t.
// Red-list proposals are cross-checked (交叉比对) against black lists in
// force and negative records within redYears.
func (s *Store) ProposeEntry(ctx context.Context, subjectID int64, p list.Proposal, t list.Type, redYears int, actor string) (list.Entry, error) {
	var e list.Entry
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.crossCheck(subjectID, t, redYears); err != nil {
			return err
		}
		existing, err := tx.subjectEntries(subjectID)
		if err != nil {
			return err
		}
		for _, x := range existing {
			x = x.Effective(tx.s.Now(), t)
			if x.ListType == t.Code && x.State != list.Exited {
				return errs.Conflict("list_entry.duplicate", fmt.Sprintf("该主体已有“%s”名单条目 %d（%s）", t.Name, x.ID, x.State.Label()))
			}
		}
		now := tx.s.Now()
		id, err := tx.insertID(`INSERT INTO list_entries (subject_id, list_type, kind, domain, dept, facts, basis_doc, start_date, end_date, state, paused, proposed_by, recorded_at, version)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1)`, subjectID, t.Code, string(t.Kind), t.Domain, t.IdentifyingDept, p.Facts, p.BasisDoc, p.Start, p.End, string(list.Proposed), false, actor, micros(now))
		if err != nil {
			return fmt.Errorf("insert entry: %w", err)
		}
		if err := tx.history(id, "propose", "", list.Proposed, actor, ""); err != nil {
			return err
		}
		if err := tx.Audit(audit.Event{Actor: actor, Action: "list_entry.propose", Object: fmt.Sprintf("list_entry:%d", id), SubjectID: subjectID, After: p}); err != nil {
			return err
		}
		e.ID = id
		return nil
	})
	if err != nil {
		return e, err
	}
	return s.Entry(ctx, e.ID)
}

func (tx *Tx) crossCheck(subjectID int64, t list.Type, years int) error {
	if t.Kind != list.Red {
		return nil
	}
	entries, err := tx.subjectEntries(subjectID)
	if err != nil {
		return err
	}
	for i := range entries {
		if entries[i].Kind == list.Black {
			entries[i].ListName = tx.listName(entries[i].ListType)
		}
	}
	bad, err := badRecords(tx.query, `subject_id = ?`, subjectID)
	if err != nil {
		return err
	}
	return list.CrossCheck(t, entries, bad[subjectID], years, tx.s.Now())
}

func (tx *Tx) listName(code string) string {
	var body string
	if err := tx.queryRow(`SELECT body FROM list_types WHERE code = ?`, code).Scan(&body); err != nil {
		return code
	}
	var t list.Type
	if json.Unmarshal([]byte(body), &t) != nil {
		return code
	}
	return t.Name
}

// TransitionInput carries what an action needs.
type TransitionInput struct {
	Action     list.Action
	Who        list.Actor
	Notice     string          // notify: the 告知 text
	ExitReason list.ExitReason // exit
	Note       string
	RedYears   int // activate of a red entry: cross-check span
}

// TransitionEntry applies one lifecycle action to an entry in one
// transaction, with history, audit and (for activation and exit of an
// active entry) a change event.
func (s *Store) TransitionEntry(ctx context.Context, id int64, t list.Type, in TransitionInput, actor string) (list.Entry, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		e, err := scanEntry(tx.queryRow(`SELECT `+entryCols+entryFrom+` WHERE e.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("list_entry.not_found", fmt.Sprintf("未找到名单条目 %d", id))
		} else if err != nil {
			return err
		}
		now := tx.s.Now()
		eff := e.Effective(now, t)
		if eff.State == list.Exited && e.State == list.Active {
			return errs.Conflict(list.ErrInvalidTransition, "该条目已于 "+e.End+" 期满自动移出")
		}
		next, err := list.Transition(e.State, in.Action, in.Who)
		if err != nil {
			return err
		}
		var q string
		var args []any
		kind := ""
		switch in.Action {
		case list.ActNotify:
			q, args = `UPDATE list_entries SET state = ?, notice = ?, notified_at = ?`, []any{string(next), in.Notice, micros(now)}
		case list.ActActivate:
			if ends := list.ObjectionEnds(e.NotifiedAt, t); now.Before(ends) {
				return errs.Conflict("list_entry.objection_period", "陈述申辩（异议）期限未届满，"+ends.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")+" 后方可列入")
			}
			if err := tx.crossCheck(e.SubjectID, t, in.RedYears); err != nil {
				return err
			}
			if err := tx.bindPersons(e, list.Day(now)); err != nil {
				return err
			}
			q, args, kind = `UPDATE list_entries SET state = ?, activated_at = ?`, []any{string(next), micros(now)}, KindEntryActivated
		case list.ActExit:
			if in.ExitReason == "" {
				return errs.Field("reason", "须说明移出原因")
			}
			monitor := ""
			if until, ok := t.MonitorUntil(now.In(time.FixedZone("CST", 8*3600))); ok && e.State == list.Active {
				monitor = until.Format(time.DateOnly)
			}
			q, args = `UPDATE list_entries SET state = ?, paused = ?, exit_reason = ?, exit_note = ?, exit_date = ?, monitor_until = ?, exited_at = ?`,
				[]any{string(next), false, string(in.ExitReason), in.Note, list.Day(now), monitor, micros(now)}
			if e.State == list.Active {
				kind = KindEntryExited
				if _, err := tx.exec(`UPDATE entry_pauses SET to_at = ? WHERE entry_id = ? AND to_at IS NULL`, micros(now), id); err != nil {
					return err
				}
			}
		}
		res, err := tx.exec(q+`, version = version + 1 WHERE id = ? AND version = ?`, append(args, id, e.Version)...)
		if err != nil {
			return fmt.Errorf("transition entry %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("list_entry.version", "名单条目已被他人修改，请刷新后重试")
		}
		note := in.Note
		if in.ExitReason != "" {
			note = in.ExitReason.Label() + " " + in.Note
		}
		if err := tx.history(id, string(in.Action), e.State, next, actor, note); err != nil {
			return err
		}
		obj := fmt.Sprintf("list_entry:%d", id)
		if err := tx.Audit(audit.Event{Actor: actor, Action: "list_entry." + string(in.Action), Object: obj, SubjectID: e.SubjectID,
			Before: map[string]any{"state": e.State}, After: map[string]any{"state": next, "reason": in.ExitReason, "note": in.Note}}); err != nil {
			return err
		}
		if kind == "" {
			return nil
		}
		return tx.Emit(kind, e.SubjectID, e.SubjectCode, obj, entryEvent(e, string(in.ExitReason)))
	})
	if err != nil {
		return list.Entry{}, err
	}
	return s.Entry(ctx, id)
}

func entryEvent(e list.Entry, reason string) map[string]string {
	return map[string]string{"list_type": e.ListType, "kind": string(e.Kind), "dept": e.Dept, "reason": reason}
}

// bindPersons binds the organisation's related persons whose relation is
// valid on day to the entry (落实到人).
func (tx *Tx) bindPersons(e list.Entry, day string) error {
	_, err := tx.exec(`INSERT INTO entry_persons (entry_id, person_id, role)
		SELECT DISTINCT CAST(? AS BIGINT), person_id, role FROM subject_relations WHERE subject_id = ? AND (start_date = '' OR start_date <= ?) AND (end_date = '' OR end_date >= ?)
		ON CONFLICT DO NOTHING`, e.ID, e.SubjectID, day, day)
	if err != nil {
		return fmt.Errorf("bind persons: %w", err)
	}
	return nil
}

// PauseEntry suspends an active entry's measures (暂不执行), e.g. while an
// objection against it is verified, and emits entry.paused.
func (s *Store) PauseEntry(ctx context.Context, id int64, reason, actor string) error {
	return s.setPaused(ctx, id, true, reason, actor)
}

// ResumeEntry lifts a pause and emits entry.resumed.
func (s *Store) ResumeEntry(ctx context.Context, id int64, reason, actor string) error {
	return s.setPaused(ctx, id, false, reason, actor)
}

func (s *Store) setPaused(ctx context.Context, id int64, pause bool, reason, actor string) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.setPaused(id, pause, reason, actor) })
}

// setPaused pauses or resumes an active entry in the transaction. A
// conflict (not active, already in that state) is returned before any write.
func (tx *Tx) setPaused(id int64, pause bool, reason, actor string) error {
	e, err := scanEntry(tx.queryRow(`SELECT `+entryCols+entryFrom+` WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFound("list_entry.not_found", fmt.Sprintf("未找到名单条目 %d", id))
	} else if err != nil {
		return err
	}
	now := tx.s.Now()
	if e.State != list.Active || (e.End != "" && list.Day(now) >= e.End) {
		return errs.Conflict("list_entry.not_active", "只有已列入且未到期的条目可以暂停或恢复执行")
	}
	if e.Paused == pause {
		if pause {
			return errs.Conflict("list_entry.paused", "该条目已暂停执行")
		}
		return errs.Conflict("list_entry.not_paused", "该条目未暂停执行")
	}
	action, kind := "resume", KindEntryResumed
	if pause {
		action, kind = "pause", KindEntryPaused
		_, err = tx.exec(`INSERT INTO entry_pauses (entry_id, from_at, reason) VALUES (?,?,?)`, id, micros(now), reason)
	} else {
		_, err = tx.exec(`UPDATE entry_pauses SET to_at = ? WHERE entry_id = ? AND to_at IS NULL`, micros(now), id)
	}
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE list_entries SET paused = ?, version = version + 1 WHERE id = ?`, pause, id); err != nil {
		return err
	}
	if err := tx.history(id, action, e.State, e.State, actor, reason); err != nil {
		return err
	}
	obj := fmt.Sprintf("list_entry:%d", id)
	if err := tx.Audit(audit.Event{Actor: actor, Action: "list_entry." + action, Object: obj, SubjectID: e.SubjectID, Detail: reason}); err != nil {
		return err
	}
	return tx.Emit(kind, e.SubjectID, e.SubjectCode, obj, entryEvent(e, reason))
}
