package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/measure"
)

// KindRulesChanged is the change event emitted when a list type or a
// measure is saved; check indexes reload their rule set on it.
const KindRulesChanged = "rules.changed"

// SeedRules stores the seed list types and measures when none are stored
// yet (first start). It is safe to call on every start.
func (s *Store) SeedRules(ctx context.Context, types []list.Type, ms []measure.Measure) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM list_types`).Scan(&n); err != nil {
			return fmt.Errorf("count list types: %w", err)
		}
		if n > 0 {
			return nil
		}
		now := micros(tx.s.Now())
		for _, t := range types {
			body, _ := json.Marshal(t)
			if _, err := tx.exec(`INSERT INTO list_types (code, kind, dept, body, version, updated_by, updated_at) VALUES (?,?,?,?,1,?,?)`,
				t.Code, string(t.Kind), t.IdentifyingDept, string(body), "system:seed", now); err != nil {
				return fmt.Errorf("seed list type %s: %w", t.Code, err)
			}
		}
		for _, m := range ms {
			body, _ := json.Marshal(m)
			if _, err := tx.exec(`INSERT INTO measures (code, kind, body, version, updated_by, updated_at) VALUES (?,?,?,1,?,?)`,
				m.Code, string(m.Kind), string(body), "system:seed", now); err != nil {
				return fmt.Errorf("seed measure %s: %w", m.Code, err)
			}
		}
		return tx.Audit(audit.Event{Actor: "system:seed", Action: "rules.seed", Object: "rules", Detail: fmt.Sprintf("%d list types, %d measures", len(types), len(ms))})
	})
}

// Rules returns the stored list types and measures in code order, and the
// rule version (the latest update time in microseconds).
func (s *Store) Rules(ctx context.Context) ([]list.Type, []measure.Measure, int64, error) {
	types, v1, err := loadBodies[list.Type](ctx, s, `SELECT body, updated_at FROM list_types ORDER BY code`)
	if err != nil {
		return nil, nil, 0, err
	}
	ms, v2, err := loadBodies[measure.Measure](ctx, s, `SELECT body, updated_at FROM measures ORDER BY code`)
	return types, ms, max(v1, v2), err
}

func loadBodies[T any](ctx context.Context, s *Store, q string) ([]T, int64, error) {
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("load rules: %w", err)
	}
	defer rows.Close()
	var out []T
	var version int64
	for rows.Next() {
		var body string
		var at int64
		if err := rows.Scan(&body, &at); err != nil {
			return nil, 0, err
		}
		var v T
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			return nil, 0, fmt.Errorf("decode rule body: %w", err)
		}
		out = append(out, v)
		version = max(version, at)
	}
	return out, version, rows.Err()
}

// ListType returns one stored list type.
func (s *Store) ListType(ctx context.Context, code string) (list.Type, error) {
	var body string
	var t list.Type
	err := s.queryRow(ctx, `SELECT body FROM list_types WHERE code = ?`, code).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return t, errs.NotFound("list_type.not_found", "未找到名单类型："+code)
	} else if err != nil {
		return t, err
	}
	return t, json.Unmarshal([]byte(body), &t)
}

// SaveListType validates and creates or replaces a list type. A type's
// kind cannot change once entries use it.
func (s *Store) SaveListType(ctx context.Context, t list.Type, actor string) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		var oldBody string
		err := tx.queryRow(`SELECT body FROM list_types WHERE code = ?`, t.Code).Scan(&oldBody)
		var before any
		if err == nil {
			var old list.Type
			_ = json.Unmarshal([]byte(oldBody), &old)
			before = old
			var n int
			if err := tx.queryRow(`SELECT COUNT(*) FROM list_entries WHERE list_type = ?`, t.Code).Scan(&n); err != nil {
				return err
			}
			if n > 0 && old.Kind != t.Kind {
				return errs.Invalid("list_type.kind", "名单类型设置有误", errs.FieldError{Field: "kind", Reason: "已有名单条目，不能更改红黑类别"})
			}
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		body, _ := json.Marshal(t)
		if _, err := tx.exec(`INSERT INTO list_types (code, kind, dept, body, version, updated_by, updated_at) VALUES (?,?,?,?,1,?,?)
			ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, dept = excluded.dept, body = excluded.body, version = list_types.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			t.Code, string(t.Kind), t.IdentifyingDept, string(body), actor, micros(tx.s.Now())); err != nil {
			return fmt.Errorf("save list type: %w", err)
		}
		if err := tx.Audit(audit.Event{Actor: actor, Action: "list_type.save", Object: "list_type:" + t.Code, Before: before, After: t}); err != nil {
			return err
		}
		return tx.Emit(KindRulesChanged, 0, "", "list_type:"+t.Code, map[string]string{"list_type": t.Code})
	})
}

// SaveMeasure validates and creates or replaces a measure: a punitive
// measure without a legal basis, unknown list types, or list types of the
// wrong kind are refused.
func (s *Store) SaveMeasure(ctx context.Context, m measure.Measure, actor string) error {
	types, _, err := loadBodies[list.Type](ctx, s, `SELECT body, updated_at FROM list_types ORDER BY code`)
	if err != nil {
		return err
	}
	if err := m.Validate(list.Codes(types)); err != nil {
		return err
	}
	kinds := map[string]list.Kind{}
	for _, t := range types {
		kinds[t.Code] = t.Kind
	}
	for i, lt := range m.ListTypes {
		if (kinds[lt] == list.Black) != (m.Kind == measure.Punish) {
			return errs.Invalid("measure.invalid", "联合奖惩措施设置有误", errs.FieldError{Field: fmt.Sprintf("list_types[%d]", i),
				Reason: fmt.Sprintf("%s措施不能由%s触发", m.Kind.Label(), kinds[lt].Label())})
		}
	}
	return s.InTx(ctx, func(tx *Tx) error {
		var oldBody string
		var before any
		if err := tx.queryRow(`SELECT body FROM measures WHERE code = ?`, m.Code).Scan(&oldBody); err == nil {
			before = json.RawMessage(oldBody)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		body, _ := json.Marshal(m)
		if _, err := tx.exec(`INSERT INTO measures (code, kind, body, version, updated_by, updated_at) VALUES (?,?,?,1,?,?)
			ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, body = excluded.body, version = measures.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			m.Code, string(m.Kind), string(body), actor, micros(tx.s.Now())); err != nil {
			return fmt.Errorf("save measure: %w", err)
		}
		if err := tx.Audit(audit.Event{Actor: actor, Action: "measure.save", Object: "measure:" + m.Code, Before: before, After: m}); err != nil {
			return err
		}
		return tx.Emit(KindRulesChanged, 0, "", "measure:"+m.Code, map[string]string{"measure": m.Code})
	})
}
