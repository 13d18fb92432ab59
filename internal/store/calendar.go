package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"xinyong/internal/audit"
	"xinyong/internal/calendar"
	"xinyong/internal/errs"
	"xinyong/internal/publicity"
)

// Calendar returns the working-day calendar the operator maintains in
// calendar_days, storing the shipped 2024–2026 arrangements the first time
// the table is found empty.
func (s *Store) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	ovs, err := s.calendarOverrides(ctx, 0)
	if err != nil {
		return nil, err
	}
	if len(ovs) == 0 {
		if err := s.InTx(ctx, func(tx *Tx) error { return tx.seedCalendar() }); err != nil {
			return nil, err
		}
		if ovs, err = s.calendarOverrides(ctx, 0); err != nil {
			return nil, err
		}
	}
	return calendar.New(ovs)
}

func (tx *Tx) seedCalendar() error {
	if err := tx.serialize(); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM calendar_days`).Scan(&n); err != nil || n > 0 {
		return err
	}
	rows := [][]any{}
	for _, o := range calendar.Seed() {
		rows = append(rows, []any{o.Date.String(), string(o.Kind), o.Name})
	}
	return tx.bulkInsert("calendar_days", []string{"day", "kind", "name"}, rows)
}

// CalendarYear lists the overrides of one year (0 = all years).
func (s *Store) CalendarYear(ctx context.Context, year int) ([]calendar.Override, error) {
	if _, err := s.Calendar(ctx); err != nil { // seeds when empty
		return nil, err
	}
	return s.calendarOverrides(ctx, year)
}

func (s *Store) calendarOverrides(ctx context.Context, year int) ([]calendar.Override, error) {
	q, args := `SELECT day, kind, name FROM calendar_days ORDER BY day`, []any{}
	if year > 0 {
		q, args = `SELECT day, kind, name FROM calendar_days WHERE day >= ? AND day < ? ORDER BY day`, []any{fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)}
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	defer rows.Close()
	var out []calendar.Override
	for rows.Next() {
		var day, kind string
		var o calendar.Override
		if err := rows.Scan(&day, &kind, &o.Name); err != nil {
			return nil, err
		}
		d, err := calendar.ParseDate(day)
		if err != nil {
			return nil, fmt.Errorf("calendar day %q: %w", day, err)
		}
		o.Date, o.Kind = d, calendar.DayKind(kind)
		out = append(out, o)
	}
	return out, rows.Err()
}

// ReplaceCalendarYear replaces the holidays and 调休 workdays of one year
// (the State Council's annual notice). Every override must fall in the year;
// the result must be a valid calendar.
func (s *Store) ReplaceCalendarYear(ctx context.Context, year int, ovs []calendar.Override, actor string) error {
	if year < 2000 || year > 2100 {
		return errs.Field("year", "年份应在 2000–2100 之间")
	}
	var bad []errs.FieldError
	for i, o := range ovs {
		if o.Date.Y != year {
			bad = append(bad, errs.FieldError{Field: "overrides[" + strconv.Itoa(i) + "].date", Reason: fmt.Sprintf("日期 %s 不在 %d 年", o.Date, year)})
		}
	}
	if len(bad) > 0 {
		return errs.Invalid("calendar.invalid", "工作日历数据有误", bad...)
	}
	if _, err := calendar.New(ovs); err != nil {
		return err
	}
	if _, err := s.Calendar(ctx); err != nil { // seed first so the year replaces seeded data
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
		if _, err := tx.exec(`DELETE FROM calendar_days WHERE day >= ? AND day < ?`, from, to); err != nil {
			return err
		}
		rows := make([][]any, len(ovs))
		for i, o := range ovs {
			rows[i] = []any{o.Date.String(), string(o.Kind), o.Name}
		}
		if err := tx.bulkInsert("calendar_days", []string{"day", "kind", "name"}, rows); err != nil {
			return err
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "calendar.replace_year", Object: "calendar:" + strconv.Itoa(year), After: ovs,
			Detail: fmt.Sprintf("%d 年节假日及调休 %d 天", year, len(ovs))})
	})
}

// PublicityRules returns the publicity-window rules, storing the national
// defaults the first time.
func (s *Store) PublicityRules(ctx context.Context) ([]publicity.Rule, error) {
	rules, err := s.publicityRules(ctx)
	if err != nil || len(rules) > 0 {
		return rules, err
	}
	if err := s.InTx(ctx, func(tx *Tx) error { return tx.putRules(publicity.DefaultRules(), true) }); err != nil {
		return nil, err
	}
	return s.publicityRules(ctx)
}

func (s *Store) publicityRules(ctx context.Context) ([]publicity.Rule, error) {
	rows, err := s.query(ctx, `SELECT body FROM publicity_rules ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("publicity rules: %w", err)
	}
	defer rows.Close()
	var out []publicity.Rule
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var r publicity.Rule
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, fmt.Errorf("publicity rule: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].EffectiveFrom.Before(out[j].EffectiveFrom) })
	return out, nil
}

func (tx *Tx) putRules(rules []publicity.Rule, onlyIfEmpty bool) error {
	if err := tx.serialize(); err != nil {
		return err
	}
	if onlyIfEmpty {
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM publicity_rules`).Scan(&n); err != nil || n > 0 {
			return err
		}
	} else if _, err := tx.exec(`DELETE FROM publicity_rules`); err != nil {
		return err
	}
	now := micros(tx.s.Now())
	rows := make([][]any, len(rules))
	for i, r := range rules {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		rows[i] = []any{r.ID, string(b), now}
	}
	return tx.bulkInsert("publicity_rules", []string{"id", "body", "created_at"}, rows)
}

// ReplacePublicityRules replaces the whole rule set (validated). Windows of
// stored records are not recomputed: a record keeps the window computed
// under the rules in force when it was accepted.
func (s *Store) ReplacePublicityRules(ctx context.Context, rules []publicity.Rule, actor string) error {
	if len(rules) == 0 {
		return errs.Field("rules", "至少需要一条公示期规则")
	}
	if err := publicity.ValidateRules(rules); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.putRules(rules, false); err != nil {
			return err
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "publicity.replace_rules", Object: "publicity_rules", After: rules,
			Detail: fmt.Sprintf("%d 条规则", len(rules))})
	})
}
