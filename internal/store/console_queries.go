package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// MeasureReach says how many subjects a measure binds through its
// triggering list types, before and after a change of those types: the
// subjects with an entry in force today on any of the lists.
type MeasureReach struct {
	Before  int `json:"before"`
	After   int `json:"after"`
	Added   int `json:"added"`   // bound after the change, not before
	Removed int `json:"removed"` // bound before the change, not after
}

// inForce is the condition of an entry in force on the civil date ? (alias e).
const inForce = `%[1]s.state = 'active' AND (%[1]s.end_date = '' OR %[1]s.end_date > ?)`

func inList(alias string, types []string) (string, []any) {
	ph := strings.TrimSuffix(strings.Repeat("?,", len(types)), ",")
	args := make([]any, len(types))
	for i, t := range types {
		args[i] = t
	}
	return alias + ".list_type IN (" + ph + ")", args
}

// countOnLists counts subjects in force on types and, when not is given,
// on none of not.
func (s *Store) countOnLists(ctx context.Context, types, not []string, today string) (int, error) {
	if len(types) == 0 {
		return 0, nil
	}
	cond, args := inList("e", types)
	q := `SELECT COUNT(DISTINCT e.subject_id) FROM list_entries e WHERE ` + fmt.Sprintf(inForce, "e") + ` AND ` + cond
	args = append([]any{today}, args...)
	if len(not) > 0 {
		xc, xa := inList("x", not)
		q += ` AND NOT EXISTS (SELECT 1 FROM list_entries x WHERE x.subject_id = e.subject_id AND ` + fmt.Sprintf(inForce, "x") + ` AND ` + xc + `)`
		args = append(append(args, today), xa...)
	}
	var n int
	if err := s.queryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count subjects on lists: %w", err)
	}
	return n, nil
}

// MeasureReach previews a change of a measure's triggering list types.
func (s *Store) MeasureReach(ctx context.Context, before, after []string, today string) (MeasureReach, error) {
	var r MeasureReach
	var err error
	if r.Before, err = s.countOnLists(ctx, before, nil, today); err != nil {
		return r, err
	}
	if r.After, err = s.countOnLists(ctx, after, nil, today); err != nil {
		return r, err
	}
	if r.Added, err = s.countOnLists(ctx, after, before, today); err != nil {
		return r, err
	}
	r.Removed, err = s.countOnLists(ctx, before, after, today)
	return r, err
}

var errPreview = errors.New("preview: roll back")

// PreviewBoard compiles the board of [start, end] as PublishBoard would,
// without publishing it.
func (s *Store) PreviewBoard(ctx context.Context, title, start, end string) (Board, error) {
	b := Board{Title: title, PeriodStart: start, PeriodEnd: end}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.compileBoard(&b); err != nil {
			return err
		}
		return errPreview
	})
	if errors.Is(err, errPreview) {
		err = nil
	}
	return b, err
}
