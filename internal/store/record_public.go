package store

import (
	"context"

	"xinyong/internal/record"
	"xinyong/internal/subject"
)

// PublicFilter selects records for the public 双公示 view.
type PublicFilter struct {
	AsOf    string // civil date; the view is as of this day
	Type    string
	Dept    string
	Subject string // subject code
	Text    string // substring of the subject name, or a document number
	From    string // decision date range (inclusive)
	To      string
	Before  int64 // cursor: ids below
	Limit   int
}

// ListedRecord is a record in the public view with its subject's type.
type ListedRecord struct {
	record.Record
	SubjectType subject.Type
}

// PublicListing lists the records in the public view as of f.AsOf: current,
// published (so never revoked), public disclosure, decided on or before the
// day and within their publicity window. No job is needed for a record to
// leave the view at its window's end.
func (s *Store) PublicListing(ctx context.Context, f PublicFilter) ([]ListedRecord, error) {
	q := recordSelect + ` WHERE r.is_current AND r.state = 'published' AND r.disclosure = 'public' AND r.decision_date <= ? AND (r.publicity_end = '' OR r.publicity_end >= ?)`
	args := []any{f.AsOf, f.AsOf}
	add := func(cond string, v ...any) { q += ` AND ` + cond; args = append(args, v...) }
	if f.Type != "" {
		add(`r.type = ?`, f.Type)
	}
	if f.Dept != "" {
		add(`r.dept = ?`, f.Dept)
	}
	if f.Subject != "" {
		add(`s.code = ?`, f.Subject)
	}
	if f.Text != "" {
		add(`(s.name_norm LIKE ? ESCAPE '\' OR r.doc_no = ?)`, "%"+escapeLike(subject.NormalizeName(f.Text))+"%", f.Text)
	}
	if f.From != "" {
		add(`r.decision_date >= ?`, f.From)
	}
	if f.To != "" {
		add(`r.decision_date <= ?`, f.To)
	}
	if f.Before > 0 {
		add(`r.id < ?`, f.Before)
	}
	q += ` ORDER BY r.id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var scanned []scannedRecord
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		scanned = append(scanned, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]ListedRecord, 0, len(scanned))
	for i := range scanned {
		r := &scanned[i]
		if err := s.decodeContent(ctx, r); err != nil {
			return nil, err
		}
		out = append(out, ListedRecord{Record: r.Record, SubjectType: subject.Type(r.SubjectType)})
	}
	return out, nil
}

// SampleOrganisations returns up to limit organisations (code, name) in id
// order, for demo data that attaches records to existing subjects.
func (s *Store) SampleOrganisations(ctx context.Context, limit int) ([][2]string, error) {
	rows, err := s.query(ctx, `SELECT code, name FROM subjects WHERE type <> 'natural' ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out = append(out, [2]string{c, n})
	}
	return out, rows.Err()
}
