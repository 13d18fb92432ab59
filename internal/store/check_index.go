package store

import (
	"context"
	"database/sql"
	"fmt"

	"xinyong/internal/check"
	"xinyong/internal/list"
)

// EachCurrentRelation streams every current relation (organisation →
// related person) in id order: what the check index keeps of subjects that
// have nothing else the check acts on.
func (s *Store) EachCurrentRelation(ctx context.Context, fn func(subjectID, personID int64, role string) error) error {
	rows, err := s.query(ctx, `SELECT subject_id, person_id, role FROM subject_relations WHERE end_date = '' ORDER BY id`)
	if err != nil {
		return fmt.Errorf("current relations: %w", err)
	}
	defer rows.Close()
	var sid, pid int64
	var role string
	for rows.Next() {
		if err := rows.Scan(&sid, &pid, &role); err != nil {
			return err
		}
		if err := fn(sid, pid, role); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RichSnapshots returns, by subject id, the partial check snapshots of
// every subject with something the check acts on: entries ever in force,
// organisations' entries binding the person, negative records. Entries,
// Bound and Bad are filled as Snapshots fills them; SubjectID is set, the
// code, name, type and related persons are left to the caller (the check
// index takes them from the subject directory). It reads each table once
// (every entry once, bindings by id) instead of every subject by id range,
// and keeps one copy of repeated strings (list types, departments, dates,
// organisation names …).
func (s *Store) RichSnapshots(ctx context.Context) (map[int64]*check.Snapshot, error) {
	out := map[int64]*check.Snapshot{}
	snap := func(id int64) *check.Snapshot {
		sn := out[id]
		if sn == nil {
			sn = &check.Snapshot{SubjectID: id}
			out[id] = sn
		}
		return sn
	}
	in := interner{}
	pauses, err := s.pausesWhere(ctx, `1 = 1`)
	if err != nil {
		return nil, err
	}
	persons := map[int64][]list.Person{}
	rows, err := s.query(ctx, `SELECT ep.entry_id, p.id, p.code, p.name, ep.role FROM entry_persons ep JOIN subjects p ON p.id = ep.person_id ORDER BY ep.person_id`)
	if err != nil {
		return nil, fmt.Errorf("snapshot persons: %w", err)
	}
	for rows.Next() {
		var id int64
		var p list.Person
		if err := rows.Scan(&id, &p.SubjectID, &p.Code, &p.Name, &p.Role); err != nil {
			rows.Close()
			return nil, err
		}
		p.Code, p.Name, p.Role = in.str(p.Code), in.str(p.Name), in.str(p.Role)
		persons[id] = append(persons[id], p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Entries ever in force.
	type at struct {
		subject int64
		i       int
	}
	entries := map[int64]at{}
	err = s.eachEntry(ctx, `SELECT `+entryCols+entryFrom+` WHERE e.activated_at IS NOT NULL ORDER BY e.id`, nil, nil,
		func(e list.Entry, _ []any) {
			in.entry(&e)
			e.Pauses, e.Persons = pauses[e.ID], persons[e.ID]
			sn := snap(e.SubjectID)
			entries[e.ID] = at{e.SubjectID, len(sn.Entries)}
			sn.Entries = append(sn.Entries, e)
		})
	if err != nil {
		return nil, err
	}
	// Organisation entries binding persons, in entry order.
	rows, err = s.query(ctx, `SELECT entry_id, person_id, role FROM entry_persons ORDER BY entry_id`)
	if err != nil {
		return nil, fmt.Errorf("snapshot bindings: %w", err)
	}
	for rows.Next() {
		var eid, pid int64
		var role string
		if err := rows.Scan(&eid, &pid, &role); err != nil {
			rows.Close()
			return nil, err
		}
		a, ok := entries[eid]
		if !ok {
			continue // never in force
		}
		e := out[a.subject].Entries[a.i]
		e.Persons = nil
		sn := snap(pid)
		sn.Bound = append(sn.Bound, check.Binding{Entry: e, OrgCode: e.SubjectCode, OrgName: e.SubjectName, Role: in.str(role)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	bad, err := badRecords(func(q string, args ...any) (*sql.Rows, error) { return s.query(ctx, q, args...) }, `1 = 1`)
	if err != nil {
		return nil, err
	}
	for id, rs := range bad {
		for i := range rs {
			r := &rs[i]
			r.Type, r.Dept, r.DecisionDate = in.str(r.Type), in.str(r.Dept), in.str(r.DecisionDate)
		}
		snap(id).Bad = rs
	}
	return out, nil
}

// interner keeps one copy of equal strings.
type interner map[string]string

func (in interner) str(s string) string {
	if c, ok := in[s]; ok {
		return c
	}
	in[s] = s
	return s
}

func (in interner) entry(e *list.Entry) {
	for _, p := range []*string{&e.SubjectCode, &e.SubjectName, &e.ListType, &e.Domain, &e.Dept, &e.Facts, &e.BasisDoc,
		&e.Start, &e.End, &e.Notice, &e.ExitNote, &e.ExitDate, &e.MonitorUntil, &e.ProposedBy} {
		*p = in.str(*p)
	}
	e.Kind, e.State, e.ExitReason = list.Kind(in.str(string(e.Kind))), list.State(in.str(string(e.State))), list.ExitReason(in.str(string(e.ExitReason)))
}
