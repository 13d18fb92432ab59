package store

import (
	"context"
	"fmt"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/list"
)

// KindEntriesBulkLoaded is emitted once per bulk load of entries; indexes
// rebuild on it.
const KindEntriesBulkLoaded = "entries.bulk_loaded"

// BulkEntry is an already decided entry loaded in bulk (demo data,
// benchmark, migration from another system): it is written as active, or
// as exited when ExitedAt is set.
type BulkEntry struct {
	SubjectID   int64
	Type        list.Type
	Facts       string
	BasisDoc    string
	Start, End  string
	ActivatedAt time.Time
	ExitedAt    time.Time
	ExitReason  list.ExitReason
}

// BulkEntries writes entries with one history row each and binds the
// organisations' current related persons, with one audit entry and one
// change event for the batch.
func (tx *Tx) BulkEntries(es []BulkEntry, actor string) error {
	if len(es) == 0 {
		return nil
	}
	first, err := tx.nextIDs("list_entries", len(es))
	if err != nil {
		return err
	}
	last := first + int64(len(es)) - 1
	now := micros(tx.s.Now())
	rows := make([][]any, len(es))
	hist := make([][]any, len(es))
	hfirst, err := tx.nextIDs("entry_history", len(es))
	if err != nil {
		return err
	}
	for i, e := range es {
		id := first + int64(i)
		state, exitDate, monitor := list.Active, "", ""
		if !e.ExitedAt.IsZero() {
			state, exitDate = list.Exited, list.Day(e.ExitedAt)
			if until, ok := e.Type.MonitorUntil(e.ExitedAt); ok {
				monitor = until.Format(time.DateOnly)
			}
		}
		rows[i] = []any{id, e.SubjectID, e.Type.Code, string(e.Type.Kind), e.Type.Domain, e.Type.IdentifyingDept, e.Facts, e.BasisDoc, e.Start, e.End,
			string(state), false, string(e.ExitReason), exitDate, monitor, actor, now, micros(e.ActivatedAt), micros(e.ActivatedAt), nullMicros(e.ExitedAt)}
		hist[i] = []any{hfirst + int64(i), id, now, "bulk_load", "", string(state), actor}
	}
	if err := tx.bulkInsert("list_entries", []string{"id", "subject_id", "list_type", "kind", "domain", "dept", "facts", "basis_doc", "start_date", "end_date",
		"state", "paused", "exit_reason", "exit_date", "monitor_until", "proposed_by", "recorded_at", "notified_at", "activated_at", "exited_at"}, rows); err != nil {
		return err
	}
	if err := tx.bulkInsert("entry_history", []string{"id", "entry_id", "at", "action", "from_state", "to_state", "actor"}, hist); err != nil {
		return err
	}
	if _, err := tx.exec(`INSERT INTO entry_persons (entry_id, person_id, role)
		SELECT DISTINCT e.id, r.person_id, r.role FROM list_entries e JOIN subject_relations r ON r.subject_id = e.subject_id
		WHERE e.id BETWEEN ? AND ? AND r.end_date = '' ON CONFLICT DO NOTHING`, first, last); err != nil {
		return fmt.Errorf("bind persons: %w", err)
	}
	obj := fmt.Sprintf("list_entries:%d-%d", first, last)
	if err := tx.Audit(audit.Event{Actor: actor, Action: "list_entry.bulk_load", Object: obj, Detail: fmt.Sprintf("%d entries", len(es))}); err != nil {
		return err
	}
	return tx.Emit(KindEntriesBulkLoaded, 0, "", obj, map[string]int{"count": len(es)})
}

// SubjectTypes returns the type of every subject with id in [lo, hi].
func (s *Store) SubjectTypes(ctx context.Context, lo, hi int64) (map[int64]string, error) {
	rows, err := s.query(ctx, `SELECT id, type FROM subjects WHERE id BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("subject types: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}
