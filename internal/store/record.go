package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"xinyong/internal/audit"
	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/record"
)

const recordSelect = `SELECT r.id, r.subject_id, s.code, s.name, s.type, r.type, r.dept, r.doc_no, r.version, r.is_current, r.catalog_version, r.nature, r.severity,
	r.disclosure, r.state, r.decision_date, r.valid_to, r.publicity_min_end, r.publicity_end, r.late_days, r.content, r.content_hash, r.flags,
	COALESCE(r.batch_id,0), r.submitted_by, r.received_at, r.published_at, r.revoked_at, r.superseded_at, r.revoke_reason, r.review_note, r.reviewed_by, r.reviewed_at
	FROM records r JOIN subjects s ON s.id = r.subject_id`

// scannedRecord is a record plus its subject's type (for masking).
type scannedRecord struct {
	record.Record
	SubjectType string
	// compact is the stored content when in the compact form of an import
	// (record.Compact): Content is then nil until decodeContent.
	compact string
}

func scanRecord(sc interface{ Scan(...any) error }) (scannedRecord, error) {
	var r scannedRecord
	var content, flags string
	var received int64
	var published, revoked, superseded, reviewed sql.NullInt64
	var nature, sev, disc, state string
	err := sc.Scan(&r.ID, &r.SubjectID, &r.Subject, &r.SubjectName, &r.SubjectType, &r.Type, &r.Dept, &r.DocNo, &r.Version, &r.IsCurrent, &r.CatalogVersion, &nature, &sev,
		&disc, &state, &r.DecisionDate, &r.ValidTo, &r.PublicityMinEnd, &r.PublicityEnd, &r.LateDays, &content, &r.ContentHash, &flags,
		&r.BatchID, &r.SubmittedBy, &received, &published, &revoked, &superseded, &r.RevokeReason, &r.ReviewNote, &r.ReviewedBy, &reviewed)
	if err != nil {
		return r, err
	}
	r.Nature, r.Severity, r.Disclosure, r.State = catalog.Nature(nature), catalog.Severity(sev), catalog.Disclosure(disc), record.State(state)
	r.StateLabel = r.State.Label()
	r.Flags = record.SplitFlags(flags)
	if record.IsCompact(content) {
		r.compact = content
	} else {
		r.Content = record.ParseContent(content)
	}
	r.ReceivedAt, r.PublishedAt, r.RevokedAt = fromMicros(received), fromNullMicros(published), fromNullMicros(revoked)
	r.SupersededAt, r.ReviewedAt = fromNullMicros(superseded), fromNullMicros(reviewed)
	return r, nil
}

// decodeContent decodes a scanned record's compact content, if any.
func (s *Store) decodeContent(ctx context.Context, r *scannedRecord) error {
	if r.compact == "" {
		return nil
	}
	m, err := s.recordContent(ctx, r.Type, r.CatalogVersion, r.compact)
	if err != nil {
		return fmt.Errorf("record %d: %w", r.ID, err)
	}
	r.Content, r.compact = m, ""
	return nil
}

// recordContent decodes a record's stored content, canonical or compact
// (record.Compact), with the field codes of its type in its catalogue
// version (immutable, cached by CatalogVersion).
func (s *Store) recordContent(ctx context.Context, typ string, catVersion int, raw string) (map[string]string, error) {
	return record.DecodeContent(raw, func() ([]string, error) {
		cat, err := s.CatalogVersion(ctx, catVersion)
		if err != nil {
			return nil, err
		}
		t, ok := cat.Lookup(typ)
		if !ok {
			return nil, fmt.Errorf("type %s not in catalogue version %d", typ, catVersion)
		}
		return t.SortedCodes(), nil
	})
}

func (s *Store) records(ctx context.Context, q string, args ...any) ([]record.Record, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	defer rows.Close()
	var scanned []scannedRecord
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		scanned = append(scanned, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]record.Record, 0, len(scanned))
	for i := range scanned {
		if err := s.decodeContent(ctx, &scanned[i]); err != nil {
			return nil, err
		}
		out = append(out, scanned[i].Record)
	}
	return out, nil
}

// Record returns one record version by id.
func (s *Store) Record(ctx context.Context, id int64) (record.Record, error) {
	r, err := scanRecord(s.queryRow(ctx, recordSelect+` WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r.Record, errs.NotFound("record.not_found", "未找到该信用记录："+strconv.FormatInt(id, 10))
	} else if err == nil {
		err = s.decodeContent(ctx, &r)
	}
	return r.Record, err
}

// RecordHistory lists every version of the record identified like rec
// (same dept, type and doc_no), oldest first.
func (s *Store) RecordHistory(ctx context.Context, rec record.Record) ([]record.Record, error) {
	return s.records(ctx, recordSelect+` WHERE r.dept = ? AND r.type = ? AND r.doc_no = ? ORDER BY r.version`, rec.Dept, rec.Type, rec.DocNo)
}

// RecordFilter selects records for the department view.
type RecordFilter struct {
	Dept    string // "" = all (operator)
	Type    string
	State   string
	Subject int64
	DocNo   string
	Current bool // only current versions
	Before  int64
	Limit   int
}

// Records lists records newest first (keyset on id).
func (s *Store) Records(ctx context.Context, f RecordFilter) ([]record.Record, error) {
	q := recordSelect + ` WHERE 1=1`
	var args []any
	add := func(cond string, v any) { q += ` AND ` + cond; args = append(args, v) }
	if f.Dept != "" {
		add(`r.dept = ?`, f.Dept)
	}
	if f.Type != "" {
		add(`r.type = ?`, f.Type)
	}
	if f.State != "" {
		add(`r.state = ?`, f.State)
	}
	if f.Subject != 0 {
		add(`r.subject_id = ?`, f.Subject)
	}
	if f.DocNo != "" {
		add(`r.doc_no = ?`, f.DocNo)
	}
	if f.Current {
		q += ` AND r.is_current`
	}
	if f.Before > 0 {
		add(`r.id < ?`, f.Before)
	}
	q += ` ORDER BY r.id DESC LIMIT ?`
	args = append(args, f.Limit)
	return s.records(ctx, q, args...)
}

// RevokeRecord revokes the current version of a record (撤销): it leaves
// every public view at once. Only the submitting department (or the
// operator, dept "") may revoke.
func (s *Store) RevokeRecord(ctx context.Context, id int64, dept, reason, actor string) (record.Record, error) {
	var out record.Record
	err := s.InTx(ctx, func(tx *Tx) error {
		r, err := scanRecord(tx.queryRow(recordSelect+` WHERE r.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("record.not_found", "未找到该信用记录："+strconv.FormatInt(id, 10))
		} else if err != nil {
			return err
		}
		if err := tx.s.decodeContent(tx.ctx, &r); err != nil {
			return err
		}
		if dept != "" && r.Dept != dept {
			return errs.Forbidden("record.other_dept", "只能撤销本部门报送的信用记录")
		}
		if !r.IsCurrent {
			return errs.Conflict("record.not_current", "该版本已被更正，请撤销当前版本")
		}
		if r.State == record.Revoked {
			return errs.Conflict("record.revoked", "该信用记录已撤销")
		}
		before := r.Record
		now := tx.s.Now()
		if _, err := tx.exec(`UPDATE records SET state = ?, revoked_at = ?, revoke_reason = ? WHERE id = ?`, string(record.Revoked), micros(now), reason, id); err != nil {
			return fmt.Errorf("revoke record: %w", err)
		}
		wasPublished := r.State == record.Published
		r.State, r.StateLabel, r.RevokedAt, r.RevokeReason = record.Revoked, record.Revoked.Label(), now, reason
		out = r.Record
		if err := tx.Audit(audit.Event{Actor: actor, Action: "record.revoke", Object: fmt.Sprintf("record:%d", id), SubjectID: r.SubjectID,
			Before: before, After: out, Detail: reason}); err != nil {
			return err
		}
		if !wasPublished {
			return nil
		}
		return tx.Emit("record.revoked", r.SubjectID, r.Subject, fmt.Sprintf("record:%d", id), map[string]any{
			"id": id, "type": r.Type, "dept": r.Dept, "doc_no": r.DocNo, "version": r.Version, "reason": reason})
	})
	return out, err
}

// ReviewRecord passes or returns a record version waiting for review. On
// pass it becomes the version in effect (superseding the previous one) and
// is published; on return it stays out of view with the reason.
func (s *Store) ReviewRecord(ctx context.Context, id int64, dept, action, note, actor string, lateness func(r record.Record, today string) int) (record.Record, error) {
	var out record.Record
	err := s.InTx(ctx, func(tx *Tx) error {
		r, err := scanRecord(tx.queryRow(recordSelect+` WHERE r.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("record.not_found", "未找到该信用记录："+strconv.FormatInt(id, 10))
		} else if err != nil {
			return err
		}
		if err := tx.s.decodeContent(tx.ctx, &r); err != nil {
			return err
		}
		if dept != "" && r.Dept != dept {
			return errs.Forbidden("record.other_dept", "只能审核本部门报送的信用记录")
		}
		if r.State != record.PendingReview {
			return errs.Conflict("record.not_pending", "该信用记录不在待审核状态（当前："+r.State.Label()+"）")
		}
		now := tx.s.Now()
		before := r.Record
		obj := fmt.Sprintf("record:%d", id)
		if action == record.ActionReturn {
			if _, err := tx.exec(`UPDATE records SET state = ?, review_note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?`,
				string(record.Returned), note, actor, micros(now), id); err != nil {
				return err
			}
			r.State, r.ReviewNote, r.ReviewedBy, r.ReviewedAt = record.Returned, note, actor, now
			r.StateLabel = r.State.Label()
			out = r.Record
			return tx.Audit(audit.Event{Actor: actor, Action: "record.review_return", Object: obj, SubjectID: r.SubjectID, Before: before, After: out, Detail: note})
		}
		var prevID int64
		var prevState string
		err = tx.queryRow(`SELECT id, state FROM records WHERE dept = ? AND type = ? AND doc_no = ? AND is_current AND id <> ?`, r.Dept, r.Type, r.DocNo, id).Scan(&prevID, &prevState)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if prevID != 0 {
			if _, err := tx.exec(`UPDATE records SET is_current = ?, superseded_at = ? WHERE id = ?`, false, micros(now), prevID); err != nil {
				return err
			}
		}
		today := now.In(catalog.Shanghai).Format("2006-01-02")
		late := lateness(r.Record, today)
		flags := r.Flags
		if late > 0 {
			flags = append(flags, record.FlagLate)
		}
		if _, err := tx.exec(`UPDATE records SET state = ?, is_current = ?, published_at = ?, late_days = ?, flags = ?, review_note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?`,
			string(record.Published), true, micros(now), late, record.JoinFlags(flags), note, actor, micros(now), id); err != nil {
			return err
		}
		r.State, r.IsCurrent, r.PublishedAt, r.LateDays, r.Flags = record.Published, true, now, late, flags
		r.ReviewNote, r.ReviewedBy, r.ReviewedAt, r.StateLabel = note, actor, now, record.Published.Label()
		out = r.Record
		if err := tx.Audit(audit.Event{Actor: actor, Action: "record.review_pass", Object: obj, SubjectID: r.SubjectID, Before: before, After: out, Detail: note}); err != nil {
			return err
		}
		kind := "record.published"
		if prevID != 0 && prevState == string(record.Published) {
			kind = "record.corrected"
		}
		return tx.Emit(kind, r.SubjectID, r.Subject, obj, map[string]any{
			"id": id, "type": r.Type, "dept": r.Dept, "doc_no": r.DocNo, "version": r.Version, "nature": r.Nature, "severity": r.Severity,
			"disclosure": r.Disclosure, "decision_date": r.DecisionDate, "publicity_end": r.PublicityEnd, "late_days": late})
	})
	return out, err
}

// Timeliness is the 双公示 punctuality of one department and type.
type Timeliness struct {
	Dept     string  `json:"dept"`
	Type     string  `json:"type"`
	Total    int     `json:"total"`
	Late     int     `json:"late"`
	LateDays int     `json:"late_days"`
	Rate     float64 `json:"on_time_rate"`
}

// RecordTimeliness counts published current records and late ones per
// department and type, for decisions in [from, to] (YYYY-MM-DD, "" = open).
func (s *Store) RecordTimeliness(ctx context.Context, dept, from, to string) ([]Timeliness, error) {
	rows, err := s.query(ctx, `SELECT dept, type, COUNT(*), SUM(CASE WHEN late_days > 0 THEN 1 ELSE 0 END), COALESCE(SUM(late_days),0)
		FROM records WHERE published_at IS NOT NULL AND version = 1 AND (? = '' OR dept = ?) AND (? = '' OR decision_date >= ?) AND (? = '' OR decision_date <= ?)
		GROUP BY dept, type ORDER BY dept, type`, dept, dept, from, from, to, to)
	if err != nil {
		return nil, fmt.Errorf("timeliness: %w", err)
	}
	defer rows.Close()
	out := []Timeliness{}
	for rows.Next() {
		var t Timeliness
		if err := rows.Scan(&t.Dept, &t.Type, &t.Total, &t.Late, &t.LateDays); err != nil {
			return nil, err
		}
		if t.Total > 0 {
			t.Rate = float64(t.Total-t.Late) / float64(t.Total)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
