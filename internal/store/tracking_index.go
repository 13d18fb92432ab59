package store

import (
	"context"
	"fmt"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/tracking"
)

// IndexRaw computes the raw values of the credit environment index for one
// month; an indicator without data in the month is absent.
func (s *Store) IndexRaw(ctx context.Context, m tracking.Period) (tracking.Raw, error) {
	start, end := m.Bounds()
	raw := tracking.Raw{}
	var subjects, negative int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM subjects WHERE created_at < ?`, micros(end)).Scan(&subjects); err != nil {
		return nil, fmt.Errorf("index subjects: %w", err)
	}
	if subjects > 0 {
		if err := s.queryRow(ctx, `SELECT COUNT(DISTINCT subject_id) FROM records WHERE nature = 'bad' AND is_current AND state = 'published'
			AND received_at < ? AND decision_date <= ? AND (publicity_end = '' OR publicity_end >= ?)`, micros(end), m.To, m.To).Scan(&negative); err != nil {
			return nil, fmt.Errorf("index negatives: %w", err)
		}
		raw["negative_share"] = float64(negative) / float64(subjects)
	}
	var total, late int64
	if err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN late_days > 0 THEN 1 ELSE 0 END),0) FROM records
		WHERE published_at IS NOT NULL AND version = 1 AND decision_date >= ? AND decision_date <= ?`, m.From, m.To).Scan(&total, &late); err != nil {
		return nil, fmt.Errorf("index timeliness: %w", err)
	}
	if total > 0 {
		raw["timeliness"] = float64(total-late) / float64(total)
	}
	if err := s.flushCheckLog(ctx, ""); err != nil { // checks still in a check journal
		return nil, err
	}
	var wm, fb int64
	if err := s.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN measures <> '' THEN 1 ELSE 0 END),0), COALESCE(SUM(CASE WHEN measures <> '' AND feedback_at IS NOT NULL THEN 1 ELSE 0 END),0)
		FROM check_log WHERE at >= ? AND at < ?`, micros(start), micros(end)).Scan(&wm, &fb); err != nil {
		return nil, fmt.Errorf("index feedback: %w", err)
	}
	if wm > 0 {
		raw["feedback_rate"] = float64(fb) / float64(wm)
	}
	var decided, approved int64
	if err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'approved' THEN 1 ELSE 0 END),0) FROM remedy_cases
		WHERE kind = 'repair' AND state IN ('approved','rejected') AND closed_at >= ? AND closed_at < ?`, micros(start), micros(end)).Scan(&decided, &approved); err != nil {
		return nil, fmt.Errorf("index repairs: %w", err)
	}
	if decided > 0 {
		raw["repair_rate"] = float64(approved) / float64(decided)
	}
	return raw, nil
}

// EnvironmentIndex computes the index for every month of the period.
func (s *Store) EnvironmentIndex(ctx context.Context, p tracking.Period, cfg []tracking.IndexIndicator) ([]tracking.IndexMonth, error) {
	out := []tracking.IndexMonth{}
	for _, m := range p.Months() {
		raw, err := s.IndexRaw(ctx, m)
		if err != nil {
			return nil, err
		}
		out = append(out, tracking.Index(m.Key, cfg, raw))
	}
	return out, nil
}

// SaveIndexMonth stores a computed month (the scheduler keeps closed months).
func (s *Store) SaveIndexMonth(ctx context.Context, im tracking.IndexMonth) error {
	return s.InTx(ctx, func(tx *Tx) error {
		now := micros(tx.s.Now())
		rows := [][]any{{im.Month, "index", im.Value, im.Value, 1.0, now}}
		for _, c := range im.Components {
			if !c.Missing {
				rows = append(rows, []any{im.Month, c.Code, c.Value, c.Score, c.Weight, now})
			}
		}
		if _, err := tx.exec(`DELETE FROM index_values WHERE month = ?`, im.Month); err != nil {
			return err
		}
		if err := tx.bulkInsert("index_values", []string{"month", "indicator", "value", "score", "weight", "computed_at"}, rows); err != nil {
			return err
		}
		return tx.Audit(audit.Event{Actor: "system:tracking", Action: "tracking.index_month", Object: "index:" + im.Month, After: im})
	})
}

// IndexAsOf is a helper for callers: the twelve months ending with the
// month containing now.
func IndexAsOf(now time.Time) tracking.Period {
	t := now.In(tracking.Shanghai)
	last := tracking.Month(t.Year(), t.Month())
	f := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, tracking.Shanghai).AddDate(0, -11, 0)
	first := tracking.Month(f.Year(), f.Month())
	return tracking.Period{Key: first.Key + "~" + last.Key, From: first.From, To: last.To}
}
