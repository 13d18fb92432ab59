package store

import (
	"context"
	"fmt"
	"strings"

	"xinyong/internal/audit"
)

// Recommended is one subject of the 信易贷 recommendation list.
type Recommended struct {
	ID       int64    `json:"-"`
	Code     string   `json:"subject"`
	Name     string   `json:"name"`
	Region   string   `json:"region,omitempty"`
	Grade    string   `json:"grade,omitempty"`
	Total    float64  `json:"total,omitempty"`
	RedLists []string `json:"red_lists"`
	Reason   string   `json:"reason"`
}

// Recommendations lists organisations on a red list in force or with a
// grade in grades, without any negative record in effect and on no black
// list in force, in id order after the cursor.
func (s *Store) Recommendations(ctx context.Context, grades []string, today string, after int64, limit int) ([]Recommended, error) {
	if len(grades) == 0 {
		grades = []string{"-"}
	}
	args := []any{}
	for _, g := range grades {
		args = append(args, g)
	}
	args = append(args, today, today, after, limit)
	q := `SELECT s.id, s.code, s.name, s.region, COALESCE(c.grade,''), COALESCE(c.total,0),
		COALESCE((SELECT MIN(e.list_type) FROM list_entries e WHERE e.subject_id = s.id AND e.kind = 'red' AND e.state = 'active'), '')
		FROM subjects s LEFT JOIN scores c ON c.subject_id = s.id
		WHERE s.type <> 'natural'
		AND (c.grade IN ` + placeholders(len(grades)) + ` OR EXISTS (SELECT 1 FROM list_entries e WHERE e.subject_id = s.id AND e.kind = 'red' AND e.state = 'active'))
		AND NOT EXISTS (SELECT 1 FROM records r WHERE r.subject_id = s.id AND r.nature = 'bad' AND r.is_current AND r.state = 'published'
			AND (r.publicity_end = '' OR r.publicity_end >= ?))
		AND NOT EXISTS (SELECT 1 FROM list_entries e WHERE e.subject_id = s.id AND e.kind = 'black' AND e.state = 'active' AND (e.end_date = '' OR e.end_date > ?))
		AND s.id > ? ORDER BY s.id LIMIT ?`
	out := []Recommended{}
	err := s.each(ctx, q, args, func(sc func(...any) error) error {
		var r Recommended
		var red string
		if err := sc(&r.ID, &r.Code, &r.Name, &r.Region, &r.Grade, &r.Total, &red); err != nil {
			return err
		}
		r.RedLists = []string{}
		var why []string
		if red != "" {
			r.RedLists = append(r.RedLists, red)
			why = append(why, "红名单在列")
		}
		for _, g := range grades {
			if g == r.Grade {
				why = append(why, "信用等级 "+g)
			}
		}
		r.Reason = strings.Join(why, "；") + "；无失信记录"
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recommendations: %w", err)
	}
	return out, nil
}

// AuditExport records that a non-public export was taken (who, what).
func (s *Store) AuditExport(ctx context.Context, actor, object, detail string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		return tx.Audit(audit.Event{Actor: actor, Action: "export." + strings.SplitN(object, ":", 2)[0], Object: object, Detail: detail})
	})
}
