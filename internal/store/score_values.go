package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"xinyong/internal/errs"
	"xinyong/internal/score"
)

// StoredScore is a subject's current score as stored.
type StoredScore struct {
	SubjectID     int64                `json:"-"`
	Subject       string               `json:"subject"`
	Name          string               `json:"name"`
	ModelVersion  int                  `json:"model_version"`
	Total         float64              `json:"total"`
	Grade         string               `json:"grade"`
	Class         string               `json:"class"`
	Negatives     int                  `json:"negative_records"`
	Contributions []score.Contribution `json:"contributions,omitempty"`
	AsOf          time.Time            `json:"as_of"`
	ComputedAt    time.Time            `json:"computed_at"`
}

var scoreCols = []string{"subject_id", "model_version", "total", "grade", "class", "negatives", "contributions", "as_of", "computed_at"}

// Negatives counts the valid negative records among facts (for the
// recommendation list: subjects without negative records).
func Negatives(f *score.Facts) int {
	n := 0
	for _, r := range f.Records {
		if r.Valid && (r.Nature == "bad" || r.Broken) {
			n++
		}
	}
	return n
}

// ScoreRow pairs a score with the negative-record count of its facts.
type ScoreRow struct {
	Score     score.Score
	Negatives int
	contrib   []byte // the stored contributions (Compact); nil: from Score
}

// Compact encodes the contributions as they are stored and drops them from
// the score, so that rows waiting to be written (a full recompute keeps
// several batches in flight) hold a few hundred bytes instead of the whole
// evaluation.
func (r *ScoreRow) Compact() {
	if r.contrib == nil {
		r.contrib = contribJSON(r.Score.Contributions)
		r.Score.Contributions = nil
	}
}

// contribJSON is the stored form of contributions: those without evidence
// are left out (the model lists every indicator).
func contribJSON(all []score.Contribution) []byte {
	var cs []score.Contribution
	for _, c := range all {
		if len(c.Items) > 0 {
			cs = append(cs, c)
		}
	}
	b, _ := json.Marshal(cs)
	return b
}

// scoreRows turns computed scores into table rows.
func scoreRows(items []ScoreRow, now int64) [][]any {
	rows := make([][]any, len(items))
	for i, it := range items {
		s := it.Score
		b := it.contrib
		if b == nil {
			b = contribJSON(s.Contributions)
		}
		rows[i] = []any{s.SubjectID, s.ModelVersion, s.Total, s.Grade, s.Class, it.Negatives, string(b), micros(s.AsOf), now}
	}
	return rows
}

// WriteScores replaces the stored scores of the given subjects in one
// transaction (delete + bulk insert: faster than per-row upserts on both engines).
func (tx *Tx) WriteScores(items []ScoreRow) error {
	if len(items) == 0 {
		return nil
	}
	const chunk = 900
	for start := 0; start < len(items); start += chunk {
		part := items[start:min(start+chunk, len(items))]
		args := make([]any, len(part))
		for i, it := range part {
			args[i] = it.Score.SubjectID
		}
		if _, err := tx.exec(`DELETE FROM scores WHERE subject_id IN `+placeholders(len(part)), args...); err != nil {
			return fmt.Errorf("replace scores: %w", err)
		}
	}
	return tx.bulkInsert("scores", scoreCols, scoreRows(items, micros(tx.s.Now())))
}

// SaveScores stores incrementally recomputed scores with one audit entry.
func (s *Store) SaveScores(ctx context.Context, items []ScoreRow, actor, reason string) error {
	if len(items) == 0 {
		return nil
	}
	return s.InTx(ctx, func(tx *Tx) error { return tx.saveScores(items, actor, reason) })
}

const storedScoreSelect = `SELECT c.subject_id, s.code, s.name, c.model_version, c.total, c.grade, c.class, c.negatives, c.contributions, c.as_of, c.computed_at
	FROM scores c JOIN subjects s ON s.id = c.subject_id`

func scanStoredScore(sc interface{ Scan(...any) error }, withContrib bool) (StoredScore, error) {
	var r StoredScore
	var contrib string
	var asOf, at int64
	if err := sc.Scan(&r.SubjectID, &r.Subject, &r.Name, &r.ModelVersion, &r.Total, &r.Grade, &r.Class, &r.Negatives, &contrib, &asOf, &at); err != nil {
		return r, err
	}
	r.AsOf, r.ComputedAt = fromMicros(asOf), fromMicros(at)
	if withContrib {
		r.Contributions = []score.Contribution{}
		_ = json.Unmarshal([]byte(contrib), &r.Contributions)
	}
	return r, nil
}

// StoredScoreOf returns the stored score of a subject.
func (s *Store) StoredScoreOf(ctx context.Context, subjectID int64) (StoredScore, error) {
	r, err := scanStoredScore(s.queryRow(ctx, storedScoreSelect+` WHERE c.subject_id = ?`, subjectID), true)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.NotFound("score.not_found", "该主体尚未评价")
	}
	return r, err
}

// SupervisionFilter selects subjects for an inspecting department.
type SupervisionFilter struct {
	Dept  string // "" = all subjects; else subjects with current records of the department
	Class string
	Grade string
	After int64 // keyset on subject id
	Limit int
}

// Supervision lists scored subjects by class (分级分类监管), in id order.
func (s *Store) Supervision(ctx context.Context, f SupervisionFilter) ([]StoredScore, error) {
	q := storedScoreSelect + ` WHERE c.subject_id > ?`
	args := []any{f.After}
	if f.Class != "" {
		q += ` AND c.class = ?`
		args = append(args, f.Class)
	}
	if f.Grade != "" {
		q += ` AND c.grade = ?`
		args = append(args, f.Grade)
	}
	if f.Dept != "" {
		q += ` AND EXISTS (SELECT 1 FROM records r WHERE r.subject_id = c.subject_id AND r.dept = ? AND r.is_current)`
		args = append(args, f.Dept)
	}
	q += ` ORDER BY c.subject_id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("supervision: %w", err)
	}
	defer rows.Close()
	out := []StoredScore{}
	for rows.Next() {
		r, err := scanStoredScore(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GradeCount is the number of subjects per grade and class.
type GradeCount struct {
	Grade string `json:"grade"`
	Class string `json:"class"`
	Count int64  `json:"count"`
}

// GradeCounts counts scored subjects per grade.
func (s *Store) GradeCounts(ctx context.Context) ([]GradeCount, error) {
	rows, err := s.query(ctx, `SELECT grade, class, COUNT(*) FROM scores GROUP BY grade, class ORDER BY grade`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []GradeCount{}
	for rows.Next() {
		var g GradeCount
		if err := rows.Scan(&g.Grade, &g.Class, &g.Count); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// EachGrade calls fn with every stored (subject id, grade), in id order
// (loads the in-memory class index).
func (s *Store) EachGrade(ctx context.Context, fn func(id int64, grade string)) error {
	rows, err := s.query(ctx, `SELECT subject_id, grade FROM scores`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var g string
		if err := rows.Scan(&id, &g); err != nil {
			return err
		}
		fn(id, g)
	}
	return rows.Err()
}
