package store

import (
	"context"
	"database/sql"
	"fmt"

	"xinyong/internal/check"
	"xinyong/internal/errs"
	"xinyong/internal/list"
)

// SnapshotByID builds the check snapshot of one subject.
func (s *Store) SnapshotByID(ctx context.Context, id int64) (*check.Snapshot, error) {
	snaps, err := s.Snapshots(ctx, id, id)
	if err != nil {
		return nil, err
	}
	if len(snaps) == 0 {
		return nil, errs.NotFound("subject.not_found", fmt.Sprintf("未找到主体 %d", id))
	}
	return snaps[0], nil
}

// MaxSubjectID returns the highest subject id (0 when empty).
func (s *Store) MaxSubjectID(ctx context.Context) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COALESCE(MAX(id),0) FROM subjects`).Scan(&n)
	return n, err
}

// LastChangeSeq returns the newest change-feed sequence number.
func (s *Store) LastChangeSeq(ctx context.Context) (int64, error) {
	var n int64
	err := s.queryRow(ctx, headSQL).Scan(&n)
	return n, err
}

// Snapshots builds the check snapshots of the subjects with ids in [lo, hi]
// with a fixed number of queries, in id order.
func (s *Store) Snapshots(ctx context.Context, lo, hi int64) ([]*check.Snapshot, error) {
	rows, err := s.query(ctx, `SELECT id, code, name, type FROM subjects WHERE id BETWEEN ? AND ? ORDER BY id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("snapshot subjects: %w", err)
	}
	var out []*check.Snapshot
	byID := map[int64]*check.Snapshot{}
	for rows.Next() {
		sn := &check.Snapshot{}
		if err := rows.Scan(&sn.SubjectID, &sn.Code, &sn.Name, &sn.Type); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, sn)
		byID[sn.SubjectID] = sn
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	pauses, err := s.pausesWhere(ctx, `entry_id IN (SELECT id FROM list_entries WHERE subject_id BETWEEN ? AND ?)
		OR entry_id IN (SELECT entry_id FROM entry_persons WHERE person_id BETWEEN ? AND ?)`, lo, hi, lo, hi)
	if err != nil {
		return nil, err
	}
	persons, err := s.personsWhere(ctx, lo, hi)
	if err != nil {
		return nil, err
	}
	// Entries ever in force.
	err = s.eachEntry(ctx, `SELECT `+entryCols+entryFrom+` WHERE e.subject_id BETWEEN ? AND ? AND e.activated_at IS NOT NULL ORDER BY e.id`, []any{lo, hi}, nil,
		func(e list.Entry, _ []any) {
			e.Pauses, e.Persons = pauses[e.ID], persons[e.ID]
			if sn := byID[e.SubjectID]; sn != nil {
				sn.Entries = append(sn.Entries, e)
			}
		})
	if err != nil {
		return nil, err
	}
	// Organisation entries binding persons in range.
	var pid int64
	var role string
	err = s.eachEntry(ctx, `SELECT `+entryCols+`, ep.person_id, ep.role FROM entry_persons ep JOIN list_entries e ON e.id = ep.entry_id JOIN subjects s ON s.id = e.subject_id
		WHERE ep.person_id BETWEEN ? AND ? AND e.activated_at IS NOT NULL ORDER BY e.id`, []any{lo, hi}, []any{&pid, &role},
		func(e list.Entry, _ []any) {
			e.Pauses = pauses[e.ID]
			if sn := byID[pid]; sn != nil {
				sn.Bound = append(sn.Bound, check.Binding{Entry: e, OrgCode: e.SubjectCode, OrgName: e.SubjectName, Role: role})
			}
		})
	if err != nil {
		return nil, err
	}
	bad, err := badRecords(func(q string, args ...any) (*sql.Rows, error) { return s.query(ctx, q, args...) }, `subject_id BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return nil, err
	}
	for id, rs := range bad {
		if sn := byID[id]; sn != nil {
			sn.Bad = rs
		}
	}
	rows, err = s.query(ctx, `SELECT r.subject_id, p.code, p.name, r.role FROM subject_relations r JOIN subjects p ON p.id = r.person_id
		WHERE r.subject_id BETWEEN ? AND ? AND r.end_date = '' ORDER BY r.id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("snapshot relations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p check.PersonRef
		if err := rows.Scan(&id, &p.Code, &p.Name, &p.Role); err != nil {
			return nil, err
		}
		if sn := byID[id]; sn != nil {
			sn.Persons = append(sn.Persons, p)
		}
	}
	return out, rows.Err()
}

func (s *Store) eachEntry(ctx context.Context, q string, args, extra []any, fn func(list.Entry, []any)) error {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("snapshot entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rowWith{rows, extra})
		if err != nil {
			return err
		}
		fn(e, extra)
	}
	return rows.Err()
}

func (s *Store) pausesWhere(ctx context.Context, where string, args ...any) (map[int64][]list.Pause, error) {
	rows, err := s.query(ctx, `SELECT entry_id, from_at, to_at, reason FROM entry_pauses WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("snapshot pauses: %w", err)
	}
	defer rows.Close()
	out := map[int64][]list.Pause{}
	for rows.Next() {
		var id, from int64
		var to sql.NullInt64
		var p list.Pause
		if err := rows.Scan(&id, &from, &to, &p.Reason); err != nil {
			return nil, err
		}
		p.From, p.To = fromMicros(from), fromNullMicros(to)
		out[id] = append(out[id], p)
	}
	return out, rows.Err()
}

// personsWhere loads the persons bound to the entries of subjects in range.
func (s *Store) personsWhere(ctx context.Context, lo, hi int64) (map[int64][]list.Person, error) {
	rows, err := s.query(ctx, `SELECT ep.entry_id, p.id, p.code, p.name, ep.role FROM entry_persons ep JOIN list_entries e ON e.id = ep.entry_id JOIN subjects p ON p.id = ep.person_id
		WHERE e.subject_id BETWEEN ? AND ? ORDER BY p.id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("snapshot persons: %w", err)
	}
	defer rows.Close()
	out := map[int64][]list.Person{}
	for rows.Next() {
		var id int64
		var p list.Person
		if err := rows.Scan(&id, &p.SubjectID, &p.Code, &p.Name, &p.Role); err != nil {
			return nil, err
		}
		out[id] = append(out[id], p)
	}
	return out, rows.Err()
}
