package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"xinyong/internal/catalog"
	"xinyong/internal/record"
	"xinyong/internal/score"
)

// Names gives the Chinese names used in score labels (record types, list types).
type Names struct {
	Types map[string]string
	Lists map[string]string
}

// ScoreNames loads the names of record and list types.
func (s *Store) ScoreNames(ctx context.Context) (Names, error) {
	n := Names{Types: map[string]string{}, Lists: map[string]string{}}
	if c, err := s.Catalog(ctx); err == nil {
		for _, t := range c.Types {
			n.Types[t.Code] = t.Name
		}
	} else {
		return n, err
	}
	types, _, _, err := s.Rules(ctx)
	if err != nil {
		return n, err
	}
	for _, t := range types {
		n.Lists[t.Code] = t.Name
	}
	return n, nil
}

// ScoreFacts reads what the model needs of the subjects with ids in
// [lo, hi] with three range queries, in id order.
func (s *Store) ScoreFacts(ctx context.Context, lo, hi int64, names Names) ([]*score.Facts, error) {
	return s.scoreFacts(ctx, `BETWEEN ? AND ?`, []any{lo, hi}, names)
}

// ScoreFactsOf reads the facts of the listed subjects.
func (s *Store) ScoreFactsOf(ctx context.Context, ids []int64, names Names) ([]*score.Facts, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return s.scoreFacts(ctx, `IN `+placeholders(len(ids)), args, names)
}

func (s *Store) scoreFacts(ctx context.Context, cond string, args []any, names Names) ([]*score.Facts, error) {
	rows, err := s.query(ctx, `SELECT id, code, name, type, registered_on FROM subjects WHERE id `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("score subjects: %w", err)
	}
	var out []*score.Facts
	byID := map[int64]*score.Facts{}
	for rows.Next() {
		f := &score.Facts{}
		if err := rows.Scan(&f.SubjectID, &f.Code, &f.Name, &f.Type, &f.RegisteredOn); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, f)
		byID[f.SubjectID] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = s.query(ctx, `SELECT subject_id, id, type, nature, severity, decision_date, publicity_end, valid_to, state,
		CASE WHEN type IN ('evaluation','commitment') THEN content ELSE '' END, catalog_version
		FROM records WHERE subject_id `+cond+` AND is_current AND state IN ('published','revoked')`, args...)
	if err != nil {
		return nil, fmt.Errorf("score records: %w", err)
	}
	// Compact content (record.Compact) is decoded after the scan: decoding
	// may read a catalogue version.
	type pending struct {
		f       *score.Facts
		i       int
		content string
		version int
	}
	var compact []pending
	for rows.Next() {
		var sid int64
		var r score.Rec
		var state, content string
		var version int
		if err := rows.Scan(&sid, &r.ID, &r.Type, &r.Nature, &r.Severity, &r.DecisionDate, &r.PublicityEnd, &r.ValidTo, &state, &content, &version); err != nil {
			rows.Close()
			return nil, err
		}
		r.Valid, r.TypeName = state == string(record.Published), names.Types[r.Type]
		if r.Type != "evaluation" {
			r.ValidTo = ""
		}
		if content != "" && !record.IsCompact(content) {
			contentFacts(&r, record.ParseContent(content))
		}
		if f := byID[sid]; f != nil {
			if record.IsCompact(content) {
				compact = append(compact, pending{f, len(f.Records), content, version})
			}
			f.Records = append(f.Records, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, p := range compact {
		r := &p.f.Records[p.i]
		c, err := s.recordContent(ctx, r.Type, p.version, p.content)
		if err != nil {
			return nil, fmt.Errorf("score record %d: %w", r.ID, err)
		}
		contentFacts(r, c)
	}
	if err := s.remedyFacts(ctx, cond, args, byID); err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT subject_id, id, list_type, kind, start_date, end_date, activated_at, exited_at
		FROM list_entries WHERE subject_id `+cond+` AND activated_at IS NOT NULL`, args...)
	if err != nil {
		return nil, fmt.Errorf("score entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var e score.Entry
		var act int64
		var exited sql.NullInt64
		if err := rows.Scan(&sid, &e.ID, &e.ListType, &e.Kind, &e.Start, &e.End, &act, &exited); err != nil {
			return nil, err
		}
		e.ActivatedAt, e.ExitedAt, e.ListName = fromMicros(act), fromNullMicros(exited), names.Lists[e.ListType]
		if f := byID[sid]; f != nil {
			f.Entries = append(f.Entries, e)
		}
	}
	return out, rows.Err()
}

// remedyFacts adds approved repairs and broken commitments.
func (s *Store) remedyFacts(ctx context.Context, cond string, args []any, byID map[int64]*score.Facts) error {
	for _, q := range []struct{ table, sql, ref string }{
		{"remedy_cases", `SELECT subject_id, id, COALESCE(closed_at, updated_at) FROM remedy_cases WHERE kind = 'repair' AND state = 'approved' AND subject_id `, "repair:"},
		{"commitments", `SELECT subject_id, id, COALESCE(closed_at, created_at) FROM commitments WHERE state = 'broken' AND subject_id `, "commitment:"},
	} {
		rows, err := s.query(ctx, q.sql+cond, args...)
		if err != nil {
			return fmt.Errorf("score %s: %w", q.table, err)
		}
		for rows.Next() {
			var sid, id, at int64
			if err := rows.Scan(&sid, &id, &at); err != nil {
				rows.Close()
				return err
			}
			f := byID[sid]
			if f == nil {
				continue
			}
			ev := score.Repair{Ref: fmt.Sprintf("%s%d", q.ref, id), Date: fromMicros(at).In(catalog.Shanghai).Format(time.DateOnly)}
			if q.ref == "repair:" {
				f.Repairs = append(f.Repairs, ev)
			} else {
				f.Broken = append(f.Broken, ev)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// contentFacts reads the scoring facts of an evaluation or commitment from
// its content.
func contentFacts(r *score.Rec, c map[string]string) {
	r.EvalKind, r.EvalGrade = c["PJ_LX"], strings.TrimSpace(c["PJ_DJ"])
	r.Broken = r.Type == "commitment" && c["CN_LXZT"] == "未履行"
}
