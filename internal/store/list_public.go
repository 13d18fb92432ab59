package store

import (
	"context"

	"xinyong/internal/list"
)

// PublicEntries returns the subject's list entries in force today whose list
// type is public (red and black), with the type's name and legal basis; the
// portal, the report and the QR summary show them.
func (s *Store) PublicEntries(ctx context.Context, subjectID int64, today string) ([]PublicEntry, error) {
	types, _, _, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]list.Type{}
	for _, t := range types {
		byCode[t.Code] = t
	}
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	deptName := map[string]string{}
	for _, d := range depts {
		deptName[d.Code] = d.Name
	}
	es, err := s.Entries(ctx, EntryFilter{SubjectID: subjectID, State: list.Active, Today: today}, 0, 200)
	if err != nil {
		return nil, err
	}
	var out []PublicEntry
	for _, e := range es {
		t, ok := byCode[e.ListType]
		if !ok || !t.Public {
			continue
		}
		pe := PublicEntry{Entry: e, TypeName: t.Name, KindLabel: t.Kind.Label(), DeptName: deptName[e.Dept]}
		for _, b := range t.Basis {
			pe.Basis = append(pe.Basis, b.String())
		}
		out = append(out, pe)
	}
	return out, nil
}

// PublicEntry is an entry as the public may see it.
type PublicEntry struct {
	list.Entry
	TypeName  string   `json:"list_name"`
	KindLabel string   `json:"kind_label"`
	DeptName  string   `json:"dept_name"`
	Basis     []string `json:"basis"`
}
