package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"xinyong/internal/catalog"
	"xinyong/internal/remedy"
	"xinyong/internal/tracking"
)

// TrackingOptions tune the overdue rules of the figures.
type TrackingOptions struct {
	ReviewDays   int // a record waiting longer for review is overdue (default 7)
	FeedbackDays int // a check with measures and no feedback after this is overdue (default 5)
}

// TrackingFigures assembles the 跟踪问效 figures of a period. A period
// without data gives empty figures.
func (s *Store) TrackingFigures(ctx context.Context, p tracking.Period, now time.Time, o TrackingOptions) (*tracking.Figures, error) {
	if o.ReviewDays <= 0 {
		o.ReviewDays = 7
	}
	if o.FeedbackDays <= 0 {
		o.FeedbackDays = 5
	}
	from, to := p.Bounds()
	f := &tracking.Figures{Period: p}
	depts := map[string]*tracking.Dept{}
	ds, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	dept := func(code string) *tracking.Dept {
		if depts[code] == nil {
			depts[code] = &tracking.Dept{Dept: code, Name: names[code], ByType: []tracking.TypeCount{}, Remedies: []tracking.Outcome{}}
		}
		return depts[code]
	}
	typeNames := map[string]string{}
	if c, err := s.Catalog(ctx); err == nil {
		for _, t := range c.Types {
			typeNames[t.Code] = t.Name
		}
	}
	err = s.each(ctx, `SELECT dept, type, COUNT(*) FROM records WHERE version = 1 AND received_at >= ? AND received_at < ? GROUP BY dept, type ORDER BY dept, type`,
		[]any{micros(from), micros(to)}, func(sc func(...any) error) error {
			var c tracking.TypeCount
			var d string
			if err := sc(&d, &c.Type, &c.Count); err != nil {
				return err
			}
			c.Name = typeNames[c.Type]
			x := dept(d)
			x.ByType = append(x.ByType, c)
			x.Records += c.Count
			return nil
		})
	if err != nil {
		return nil, err
	}
	tl, err := s.RecordTimeliness(ctx, "", p.From, p.To)
	if err != nil {
		return nil, err
	}
	for _, t := range tl {
		x := dept(t.Dept)
		x.Published += int64(t.Total)
		x.Late += int64(t.Late)
	}
	err = s.each(ctx, `SELECT dept, COALESCE(SUM(rows_total),0), COALESCE(SUM(rows_rejected),0) FROM batches WHERE created_at >= ? AND created_at < ? GROUP BY dept`,
		[]any{micros(from), micros(to)}, func(sc func(...any) error) error {
			var d string
			var tot, rej int64
			if err := sc(&d, &tot, &rej); err != nil {
				return err
			}
			x := dept(d)
			x.RowsTotal, x.RowsRejected = tot, rej
			return nil
		})
	if err != nil {
		return nil, err
	}
	reviewDue := now.AddDate(0, 0, -o.ReviewDays)
	err = s.each(ctx, `SELECT dept, COUNT(*), SUM(CASE WHEN received_at < ? THEN 1 ELSE 0 END) FROM records WHERE state = 'pending_review' GROUP BY dept`,
		[]any{micros(reviewDue)}, func(sc func(...any) error) error {
			var d string
			var n, late int64
			if err := sc(&d, &n, &late); err != nil {
				return err
			}
			x := dept(d)
			x.Backlog, x.BacklogOverdue = n, late
			if late > 0 {
				f.Overdue = append(f.Overdue, tracking.Overdue{Kind: "review", Label: fmt.Sprintf("超过 %d 天未审核的信用记录", o.ReviewDays), Dept: d, Count: late})
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	if err := s.flushCheckLog(ctx, ""); err != nil { // checks still in a check journal
		return nil, err
	}
	fbDue := now.AddDate(0, 0, -o.FeedbackDays)
	err = s.each(ctx, `SELECT dept, COUNT(*), SUM(CASE WHEN measures <> '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN measures <> '' AND feedback_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN measures <> '' AND feedback_at IS NULL AND at < ? THEN 1 ELSE 0 END)
		FROM check_log WHERE at >= ? AND at < ? AND dept <> '' GROUP BY dept`,
		[]any{micros(fbDue), micros(from), micros(to)}, func(sc func(...any) error) error {
			var d string
			var n, wm, fb, od int64
			if err := sc(&d, &n, &wm, &fb, &od); err != nil {
				return err
			}
			x := dept(d)
			x.Checks, x.WithMeasures, x.FedBack, x.FeedbackOverdue = n, wm, fb, od
			if od > 0 {
				f.Overdue = append(f.Overdue, tracking.Overdue{Kind: "feedback", Label: fmt.Sprintf("超过 %d 天未反馈执行情况的核查", o.FeedbackDays), Dept: d, Count: od})
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	clean, err := s.blockCheckCounts(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for d, n := range clean {
		if d != "" {
			dept(d).Checks += n
		}
	}
	if f.Remedies, err = s.remedyOutcomes(ctx, from, to, now, dept, f); err != nil {
		return nil, err
	}
	if f.Lists, err = s.ListMonths(ctx, p); err != nil {
		return nil, err
	}
	for _, d := range depts {
		f.Depts = append(f.Depts, *d)
	}
	f.Finish()
	return f, nil
}

// remedyOutcomes counts objections and repairs opened in the period by
// department, outcome and timeliness (closed by the due date or not).
func (s *Store) remedyOutcomes(ctx context.Context, from, to, now time.Time, dept func(string) *tracking.Dept, f *tracking.Figures) (bool, error) {
	type key struct{ dept, kind, state string }
	agg := map[key]*tracking.Outcome{}
	var order []key
	today := now.In(catalog.Shanghai).Format(time.DateOnly)
	overdue := map[[2]string]int64{}
	err := s.each(ctx, `SELECT dept, kind, state, due_date, closed_at FROM remedy_cases WHERE kind IN ('objection','repair') AND created_at >= ? AND created_at < ?`,
		[]any{micros(from), micros(to)}, func(sc func(...any) error) error {
			var k key
			var due string
			var closed sql.NullInt64
			if err := sc(&k.dept, &k.kind, &k.state, &due, &closed); err != nil {
				return err
			}
			o := agg[k]
			if o == nil {
				o = &tracking.Outcome{Kind: k.kind, State: k.state, Label: remedy.Kind(k.kind).Label() + "·" + remedy.State(k.state).Label()}
				agg[k] = o
				order = append(order, k)
			}
			o.Count++
			closedDay := ""
			if closed.Valid {
				closedDay = fromMicros(closed.Int64).In(catalog.Shanghai).Format(time.DateOnly)
			}
			switch {
			case due == "":
			case closedDay != "" && closedDay <= due:
				o.OnTime++
			case closedDay != "" || today > due:
				o.Overdue++
				if closedDay == "" {
					overdue[[2]string{k.dept, k.kind}]++
				}
			}
			return nil
		})
	if err != nil {
		return true, err
	}
	for _, k := range order {
		x := dept(k.dept)
		x.Remedies = append(x.Remedies, *agg[k])
	}
	for k, n := range overdue {
		f.Overdue = append(f.Overdue, tracking.Overdue{Kind: k[1], Label: remedy.Kind(k[1]).Label() + "逾期未办结", Dept: k[0], Count: n})
	}
	return true, nil
}

// ListMonths counts list entries in force at each month's end of the
// period, and those entering and leaving during the month.
func (s *Store) ListMonths(ctx context.Context, p tracking.Period) ([]tracking.ListMonth, error) {
	out := []tracking.ListMonth{}
	for _, m := range p.Months() {
		start, end := m.Bounds()
		lm := tracking.ListMonth{Month: m.Key}
		err := s.queryRow(ctx, `SELECT
			COALESCE(SUM(CASE WHEN kind = 'black' AND activated_at < ? AND (exited_at IS NULL OR exited_at >= ?) THEN 1 ELSE 0 END),0),
			COALESCE(SUM(CASE WHEN kind = 'red' AND activated_at < ? AND (exited_at IS NULL OR exited_at >= ?) THEN 1 ELSE 0 END),0),
			COALESCE(SUM(CASE WHEN activated_at >= ? AND activated_at < ? THEN 1 ELSE 0 END),0),
			COALESCE(SUM(CASE WHEN exited_at >= ? AND exited_at < ? THEN 1 ELSE 0 END),0)
			FROM list_entries WHERE activated_at IS NOT NULL`,
			micros(end), micros(end), micros(end), micros(end), micros(start), micros(end), micros(start), micros(end)).
			Scan(&lm.Black, &lm.Red, &lm.Entered, &lm.Exited)
		if err != nil {
			return nil, fmt.Errorf("list months: %w", err)
		}
		out = append(out, lm)
	}
	return out, nil
}

// each runs a query and calls fn with a scanner per row.
func (s *Store) each(ctx context.Context, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("tracking: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
