package store

import (
	"context"
	"fmt"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/subject"
)

// AddRelation binds a person to an organisation in a role for a period.
func (s *Store) AddRelation(ctx context.Context, r subject.Relation, actor string) (subject.Relation, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		r, err = tx.AddRelation(r, actor)
		return err
	})
	return r, err
}

// AddRelation is the in-transaction form.
func (tx *Tx) AddRelation(r subject.Relation, actor string) (subject.Relation, error) {
	var orgType, personType string
	if err := tx.queryRow(`SELECT id, type, name FROM subjects WHERE code = ?`, r.OrgCode).Scan(&r.SubjectID, &orgType, &r.OrgName); err != nil {
		return r, errs.Invalid("relation.org", "关联关系有误", errs.FieldError{Field: "org_code", Reason: "未找到该组织：" + r.OrgCode})
	}
	if err := tx.queryRow(`SELECT id, type, name FROM subjects WHERE code = ?`, r.PersonCode).Scan(&r.PersonID, &personType, &r.PersonName); err != nil {
		return r, errs.Invalid("relation.person", "关联关系有误", errs.FieldError{Field: "person_code", Reason: "未找到该自然人：" + r.PersonCode})
	}
	if subject.Type(orgType) == subject.TypeNatural {
		return r, errs.Invalid("relation.org", "关联关系有误", errs.FieldError{Field: "org_code", Reason: "关联关系的一方必须是组织"})
	}
	if subject.Type(personType) != subject.TypeNatural {
		return r, errs.Invalid("relation.person", "关联关系有误", errs.FieldError{Field: "person_code", Reason: "关联人必须是自然人"})
	}
	if r.Start != "" && r.End != "" && r.End < r.Start {
		return r, errs.Invalid("relation.period", "关联关系有误", errs.FieldError{Field: "end", Reason: "结束日期早于开始日期"})
	}
	id, err := tx.insertID(`INSERT INTO subject_relations (subject_id, person_id, role, start_date, end_date, recorded_at) VALUES (?,?,?,?,?,?)`,
		r.SubjectID, r.PersonID, string(r.Role), r.Start, r.End, micros(tx.s.Now()))
	if err != nil {
		return r, fmt.Errorf("insert relation: %w", err)
	}
	r.ID, r.RoleLabel = id, r.Role.Label()
	if err := tx.Audit(audit.Event{Actor: actor, Action: "relation.create", Object: fmt.Sprintf("relation:%d", id), SubjectID: r.SubjectID, After: r}); err != nil {
		return r, err
	}
	return r, tx.Emit("relation.created", r.SubjectID, r.OrgCode, fmt.Sprintf("relation:%d", id), map[string]any{"person": r.PersonCode, "role": r.Role})
}

// Relations lists the relations in which the subject is either side.
func (s *Store) Relations(ctx context.Context, subjectID int64) ([]subject.Relation, error) {
	rows, err := s.query(ctx, `SELECT r.id, r.subject_id, r.person_id, o.code, o.name, p.code, p.name, r.role, r.start_date, r.end_date
		FROM subject_relations r JOIN subjects o ON o.id = r.subject_id JOIN subjects p ON p.id = r.person_id
		WHERE r.subject_id = ? OR r.person_id = ? ORDER BY r.id`, subjectID, subjectID)
	if err != nil {
		return nil, fmt.Errorf("relations: %w", err)
	}
	defer rows.Close()
	var out []subject.Relation
	for rows.Next() {
		var r subject.Relation
		var role string
		if err := rows.Scan(&r.ID, &r.SubjectID, &r.PersonID, &r.OrgCode, &r.OrgName, &r.PersonCode, &r.PersonName, &role, &r.Start, &r.End); err != nil {
			return nil, err
		}
		r.Role = subject.RelationRole(role)
		r.RoleLabel = r.Role.Label()
		out = append(out, r)
	}
	return out, rows.Err()
}
