package store

import (
	"fmt"
	"strings"
	"testing"
)

// fakeStmts records the statements insertRows prepares and the arguments
// each row is executed with.
type fakeStmts struct {
	prepared map[string]bool
	ran      []string // statement text | arguments, per row
}

func (f *fakeStmts) stmt(query string) (func([]any) error, error) {
	f.prepared[query] = true
	return func(args []any) error {
		f.ran = append(f.ran, query+" | "+fmt.Sprint(args))
		return nil
	}, nil
}

func (f *fakeStmts) has(query string) bool { return f.prepared[query] }

func (f *fakeStmts) count(prefix string) int { return countPrefix(f.prepared, prefix) }

// Inlined columns become literals per combination of values; NULL-only
// columns are inlined only when NULL; past maxInlineVariants statements a
// row binds every column.
func TestInsertRowsInlines(t *testing.T) {
	f := &fakeStmts{prepared: map[string]bool{}}
	lits := inline{fixed: []int{1, 2}, nulls: []int{3}}
	rows := [][]any{
		{int64(1), "a", true, nil},
		{int64(2), "b", false, "h2"},
		{int64(3), "a", true, nil},
		{int64(4), "it's", 7, nil},
	}
	for i := range maxInlineVariants + 2 {
		rows = append(rows, []any{int64(10 + i), fmt.Sprint("v", i), true, nil})
	}
	if err := insertRows(f, "INSERT INTO t (id, k, b, h) VALUES (", []string{"id", "k", "b", "h"}, rows, lits); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"INSERT INTO t (id, k, b, h) VALUES (?,'a',1,NULL) | [1]",
		"INSERT INTO t (id, k, b, h) VALUES (?,'b',0,?) | [2 h2]",
		"INSERT INTO t (id, k, b, h) VALUES (?,'a',1,NULL) | [3]",
		"INSERT INTO t (id, k, b, h) VALUES (?,'it''s',7,NULL) | [4]",
	}
	for i, w := range want {
		if f.ran[i] != w {
			t.Errorf("row %d: %s, want %s", i, f.ran[i], w)
		}
	}
	last := f.ran[len(f.ran)-1]
	if !strings.HasPrefix(last, "INSERT INTO t (id, k, b, h) VALUES (?,?,?,?) | ") || len(f.prepared) != maxInlineVariants+1 {
		t.Errorf("past %d variants: %s (%d statements)", maxInlineVariants, last, len(f.prepared))
	}
}
