package store

import (
	"context"
	"fmt"
	"strings"

	"xinyong/internal/audit"
	"xinyong/internal/calendar"
	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/record"
	"xinyong/internal/remedy"
)

// CaseAction is one step on a case.
type CaseAction struct {
	Action      remedy.Action
	Who         remedy.Role
	Note        string
	Dept        string              // route: the handling department
	Missing     []string            // notice: the materials still needed
	Attachments []remedy.Attachment // supplement
	RecordID    int64               // substantiate: the record the report led to
	Deadlines   remedy.Deadlines
	Cal         *calendar.Calendar
}

var pastTense = map[remedy.Action]string{
	remedy.ActAccept: "accepted", remedy.ActReject: "rejected", remedy.ActForward: "forwarded", remedy.ActVerify: "verified",
	remedy.ActUphold: "decided", remedy.ActCorrect: "decided", remedy.ActRevoke: "decided", remedy.ActExtend: "extended",
	remedy.ActWithdraw: "withdrawn", remedy.ActNotice: "notice", remedy.ActSupplement: "supplemented", remedy.ActApprove: "approved",
	remedy.ActRoute: "routed", remedy.ActHandle: "handling", remedy.ActSubstantiate: "closed", remedy.ActDismiss: "closed",
}

// ActOnCase applies one action: the transition is checked (state × action ×
// role) and the input validated before anything changes; then the data the
// case is about is changed through the existing paths (RevokeRecord,
// TransitionEntry, ResumeEntry, each emitting its own change event), and the
// case moves in one transaction with its timeline, audit entry and
// "<kind>.<step>" event.
func (s *Store) ActOnCase(ctx context.Context, id int64, a CaseAction, actor string) (Case, error) {
	c, err := s.Case(ctx, id)
	if err != nil {
		return c, err
	}
	next, err := remedy.Transition(c.Kind, c.State, a.Action, a.Who)
	if err != nil {
		return c, err
	}
	a.Note = strings.TrimSpace(a.Note)
	newRecord := int64(0)
	switch a.Action {
	case remedy.ActExtend:
		if c.Extended {
			return c, errs.Conflict("remedy.extended", "办理期限只能延长一次，已延长过")
		}
		if a.Note == "" {
			return c, errs.Field("note", "请说明延期理由")
		}
	case remedy.ActReject, remedy.ActRevoke, remedy.ActDismiss, remedy.ActUphold:
		if a.Note == "" {
			return c, errs.Field("note", "请说明理由")
		}
	case remedy.ActNotice:
		if len(a.Missing) == 0 {
			return c, errs.Field("missing", "请一次性列明需补正的全部材料")
		}
		for _, m := range a.Missing {
			if remedy.MaterialLabel(m) == m {
				return c, errs.Field("missing", "未知的材料类型："+m)
			}
		}
	case remedy.ActSupplement:
		if len(a.Attachments) == 0 {
			return c, errs.Field("attachments", "请上传补正材料")
		}
	case remedy.ActRoute:
		if _, err := s.Department(ctx, a.Dept); err != nil {
			return c, errs.Field("dept", "请选择有效的承办部门")
		}
	case remedy.ActCorrect:
		if c.TargetKind != "record" {
			return c, errs.Conflict("remedy.correct_entry", "名单条目不适用更正，请选择维持或撤销")
		}
		rec, err := s.Record(ctx, c.TargetID)
		if err != nil {
			return c, err
		}
		hist, err := s.RecordHistory(ctx, rec)
		if err != nil {
			return c, err
		}
		for _, h := range hist {
			if h.Version > rec.Version && h.IsCurrent && h.State == record.Published {
				newRecord = h.ID
			}
		}
		if newRecord == 0 {
			return c, errs.Conflict("remedy.no_correction", "请先通过报送接口提交更正后的新版本，再作出更正决定")
		}
	case remedy.ActSubstantiate:
		if a.RecordID != 0 {
			rec, err := s.Record(ctx, a.RecordID)
			if err != nil {
				return c, err
			}
			if rec.SubjectID != c.SubjectID {
				return c, errs.Field("record_id", "该信用记录不属于被举报主体")
			}
			newRecord = a.RecordID
		}
	}
	if err := s.applyOutcome(ctx, c, a, actor); err != nil {
		return c, err
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		now := tx.s.Now()
		due := c.Due
		if a.Cal != nil {
			due = a.Deadlines.NextDue(a.Cal, c.Kind, c.State, next, a.Action, c.Due, now)
		}
		q := `UPDATE remedy_cases SET state = ?, due_date = ?, updated_at = ?, version = version + 1`
		args := []any{string(next), due, micros(now)}
		if next.Terminal() {
			q += `, open_key = NULL, closed_at = ?, outcome_note = ?`
			args = append(args, micros(now), a.Note)
		}
		switch a.Action {
		case remedy.ActExtend:
			q += `, extended = ?`
			args = append(args, true)
		case remedy.ActNotice:
			q += `, missing = ?`
			args = append(args, strings.Join(a.Missing, ";"))
		case remedy.ActSupplement:
			q += `, missing = ''`
		case remedy.ActRoute:
			q += `, dept = ?`
			args = append(args, a.Dept)
			c.Dept = a.Dept
		}
		if newRecord != 0 {
			q += `, record_id = ?`
			args = append(args, newRecord)
		}
		res, err := tx.exec(q+` WHERE id = ? AND version = ?`, append(args, c.ID, c.Version)...)
		if err != nil {
			return fmt.Errorf("act on case %d: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Conflict("remedy.version", "该事项已被他人办理，请刷新后重试")
		}
		for _, at := range a.Attachments {
			if err := tx.addAttachment(c.ID, at); err != nil {
				return err
			}
		}
		note := a.Note
		if a.Action == remedy.ActNotice {
			labels := make([]string, len(a.Missing))
			for i, m := range a.Missing {
				labels[i] = remedy.MaterialLabel(m)
			}
			note = strings.TrimSpace("需补正：" + strings.Join(labels, "、") + "。" + note)
		}
		if err := tx.caseEvent(c.ID, string(a.Action), c.State, next, actor, note); err != nil {
			return err
		}
		if err := tx.Audit(audit.Event{Actor: actor, Action: string(c.Kind) + "." + string(a.Action), Object: caseObject(c.ID), SubjectID: c.SubjectID,
			Before: map[string]any{"state": c.State}, After: map[string]any{"state": next, "note": a.Note, "dept": c.Dept}}); err != nil {
			return err
		}
		data := caseEvent(c.Kind, c.ID, c.TargetKind, c.TargetID, c.Dept, next)
		if err := tx.Emit(string(c.Kind)+"."+pastTense[a.Action], c.SubjectID, c.Subject, caseObject(c.ID), data); err != nil {
			return err
		}
		if c.Kind == remedy.Objection && (next == remedy.Corrected || next == remedy.Revoked) {
			// 恢复信誉: the wrongful data is corrected or withdrawn; record the
			// restoration so that users of the data learn of it.
			msg := "异议成立，已" + map[remedy.State]string{remedy.Corrected: "更正", remedy.Revoked: "撤销"}[next] + "相关信息，恢复信誉"
			if err := tx.caseEvent(c.ID, "restore", next, next, "system", msg); err != nil {
				return err
			}
			if err := tx.Audit(audit.Event{Actor: actor, Action: "credit.restore", Object: caseObject(c.ID), SubjectID: c.SubjectID, Detail: msg}); err != nil {
				return err
			}
			return tx.Emit("credit.restored", c.SubjectID, c.Subject, caseObject(c.ID), map[string]any{"objection": c.ID, "target": c.TargetKind, "target_id": c.TargetID, "note": msg})
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	return s.Case(ctx, id)
}

// applyOutcome changes the data a case is about through the paths that own
// it. Each step tolerates having been done before (a retried action).
func (s *Store) applyOutcome(ctx context.Context, c Case, a CaseAction, actor string) error {
	ignore := func(err error) error {
		if err != nil && errs.Is(err, errs.KindConflict) {
			return nil
		}
		return err
	}
	exitEntry := func(reason list.ExitReason, note string) error {
		e, err := s.Entry(ctx, c.TargetID)
		if err != nil {
			return err
		}
		t, err := s.ListType(ctx, e.ListType)
		if err != nil {
			return err
		}
		_, err = s.TransitionEntry(ctx, e.ID, t, TransitionInput{Action: list.ActExit, Who: list.ActorOperator, ExitReason: reason, Note: note}, actor)
		return ignore(err)
	}
	switch {
	case c.Kind == remedy.Objection && a.Action == remedy.ActRevoke:
		var err error
		if c.TargetKind == "record" {
			_, err = s.RevokeRecord(ctx, c.TargetID, "", fmt.Sprintf("异议成立（异议编号 %d）：%s", c.ID, a.Note), actor)
			err = ignore(err)
		} else {
			err = exitEntry(list.ExitRevocation, fmt.Sprintf("异议成立（异议编号 %d）：%s", c.ID, a.Note))
		}
		if err != nil {
			return err
		}
		return s.resumeAll(ctx, c, actor, ignore)
	case c.Kind == remedy.Objection && (a.Action == remedy.ActUphold || a.Action == remedy.ActCorrect || a.Action == remedy.ActReject || a.Action == remedy.ActWithdraw):
		return s.resumeAll(ctx, c, actor, ignore)
	case c.Kind == remedy.Repair && a.Action == remedy.ActApprove:
		note := fmt.Sprintf("信用修复（修复编号 %d）：终止公示、停止共享", c.ID)
		if c.TargetKind == "record" {
			_, err := s.RevokeRecord(ctx, c.TargetID, "", note, actor)
			return ignore(err)
		}
		return exitEntry(list.ExitRepair, note)
	}
	return nil
}

func (s *Store) resumeAll(ctx context.Context, c Case, actor string, ignore func(error) error) error {
	for _, e := range c.PausedEntries {
		if err := ignore(s.ResumeEntry(ctx, e, fmt.Sprintf("异议办结（异议编号 %d）", c.ID), actor)); err != nil {
			return err
		}
	}
	return nil
}

// EscalateOverdue flags open cases past their due date (once each), audits
// it and emits "<kind>.escalated" so the operator learns. It returns how
// many were escalated.
func (s *Store) EscalateOverdue(ctx context.Context) (int, error) {
	today := dayOf(s.Now())
	rows, err := s.query(ctx, `SELECT c.id, c.kind, c.subject_id, s.code, c.dept, c.due_date FROM remedy_cases c JOIN subjects s ON s.id = c.subject_id
		WHERE c.closed_at IS NULL AND c.escalated = ? AND c.due_date <> '' AND c.due_date < ? ORDER BY c.id LIMIT 1000`, false, today)
	if err != nil {
		return 0, err
	}
	type due struct {
		id, subjectID         int64
		kind, code, dept, due string
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.kind, &d.subjectID, &d.code, &d.dept, &d.due); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, d := range list {
		err := s.InTx(ctx, func(tx *Tx) error {
			res, err := tx.exec(`UPDATE remedy_cases SET escalated = ?, updated_at = ? WHERE id = ? AND escalated = ? AND closed_at IS NULL`, true, micros(tx.s.Now()), d.id, false)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return nil
			}
			n++
			msg := "超过办理期限（" + d.due + "），已提请信用办督办"
			if err := tx.caseEvent(d.id, "escalate", "", "", "system", msg); err != nil {
				return err
			}
			if err := tx.Audit(audit.Event{Actor: "system", Action: d.kind + ".escalate", Object: caseObject(d.id), SubjectID: d.subjectID, Detail: msg}); err != nil {
				return err
			}
			return tx.Emit(d.kind+".escalated", d.subjectID, d.code, caseObject(d.id), map[string]any{"id": d.id, "kind": d.kind, "dept": d.dept, "due": d.due})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
