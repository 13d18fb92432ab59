package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// A bulk import writes one change-feed row per chunk instead of one per
// record: kind kindRecordsBulk, object "records:FIRST-LAST" (the chunk's
// contiguous record ids), data {"kinds": "..."} with one letter per id
// (spanKinds; '-' = no event, e.g. held for review) and span = the number
// of events. Changes expands it into the same events the per-record path
// writes, numbered seq, seq+1, …, built from the immutable columns of the
// record versions, so cursors, push and the public feed are unchanged.
// Subjects created by an import are written the same way: kind
// kindSubjectsBulk, object "subjects:FIRST-LAST", one 'S' per subject.
const (
	kindRecordsBulk  = "records.bulk"
	kindSubjectsBulk = "subjects.bulk"
)

func spanning(kind string) bool { return kind == kindRecordsBulk || kind == kindSubjectsBulk }

var spanKinds = map[byte]string{'P': "record.published", 'C': "record.corrected", 'R': "record.revoked", 'S': "subject.created"}

func spanLetter(kind string) byte {
	for b, k := range spanKinds {
		if k == kind {
			return b
		}
	}
	panic("store: no span letter for " + kind)
}

// bulkEvents is what the committing node keeps of a bulk row to notify its
// own listeners without reading the rows back.
type bulkEvents struct {
	kind     string   // kindRecordsBulk or kindSubjectsBulk
	first    int64    // record (subject) id of kinds[0]
	kinds    []byte   // one letter per id
	subjects []int64  // subject id per id
	codes    []string // subject code per id (subjects only)
}

// each calls fn with the events of the row c, in order (no Data: local
// listeners act on kind and subject only; readers of the feed get Data).
func (b *bulkEvents) each(c Change, fn func(Change)) {
	seq := c.Seq
	for i, k := range b.kinds {
		if k == '-' {
			continue
		}
		e := Change{Seq: seq, At: c.At, Kind: spanKinds[k], SubjectID: b.subjects[i], Object: "record:" + strconv.FormatInt(b.first+int64(i), 10)}
		if b.kind == kindSubjectsBulk {
			e.Subject, e.Object = b.codes[i], "subject:"+b.codes[i]
		}
		fn(e)
		seq++
	}
}

var changeSpanCols = []string{"seq", "at", "kind", "subject_id", "subject", "object", "data", "span"}

// emitBulk appends one spanning row for a chunk's events.
func (t *Tx) emitBulk(b *bulkEvents) error {
	n := 0
	for _, k := range b.kinds {
		if k != '-' {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if err := t.serialize(); err != nil {
		return err
	}
	head, err := t.changeHead()
	if err != nil {
		return fmt.Errorf("change head: %w", err)
	}
	data, _ := json.Marshal(map[string]string{"kinds": string(b.kinds)})
	c := Change{Seq: head + 1, At: t.s.Now(), Kind: b.kind,
		Object: fmt.Sprintf("%s:%d-%d", strings.TrimSuffix(b.kind, ".bulk"), b.first, b.first+int64(len(b.kinds))-1), Data: data, Span: n, bulk: b}
	if err := t.insertRow("changes", changeSpanCols,
		c.Seq, micros(c.At), c.Kind, 0, "", c.Object, string(data), n); err != nil {
		t.feedKnown = false
		return fmt.Errorf("emit %s: %w", c.Kind, err)
	}
	t.feedHead, t.feedKnown = c.Seq+int64(n)-1, true
	t.changes = append(t.changes, c)
	return nil
}

// expandChange turns a bulk row into its events.
func (s *Store) expandChange(ctx context.Context, c Change) ([]Change, error) {
	_, rng, _ := strings.Cut(c.Object, ":")
	a, b, _ := strings.Cut(rng, "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	var d struct {
		Kinds string `json:"kinds"`
	}
	if err1 != nil || err2 != nil || json.Unmarshal(c.Data, &d) != nil || int64(len(d.Kinds)) != last-first+1 {
		return nil, fmt.Errorf("change %d: unreadable bulk row %q", c.Seq, c.Object)
	}
	if c.Kind == kindSubjectsBulk {
		return s.expandSubjects(ctx, c, first, last, d.Kinds)
	}
	rows, err := s.query(ctx, `SELECT r.id, r.subject_id, s.code, r.type, r.dept, r.doc_no, r.version, r.nature, r.severity, r.disclosure,
		r.decision_date, r.publicity_end, r.late_days FROM records r JOIN subjects s ON s.id = r.subject_id
		WHERE r.id BETWEEN ? AND ? ORDER BY r.id`, first, last)
	if err != nil {
		return nil, fmt.Errorf("expand change %d: %w", c.Seq, err)
	}
	defer rows.Close()
	out := make([]Change, 0, c.Span)
	seq := c.Seq
	for rows.Next() {
		var id, sid int64
		var code string
		var v recordEvent
		if err := rows.Scan(&id, &sid, &code, &v.Type, &v.Dept, &v.DocNo, &v.Version, &v.Nature, &v.Severity, &v.Disclosure,
			&v.DecisionDate, &v.PublicityEnd, &v.LateDays); err != nil {
			return nil, err
		}
		k := d.Kinds[id-first]
		if k == '-' {
			continue
		}
		v.ID = id
		data, _ := json.Marshal(v)
		out = append(out, Change{Seq: seq, At: c.At, Kind: spanKinds[k], SubjectID: sid, Subject: code, Object: "record:" + strconv.FormatInt(id, 10), Data: data, Span: 1})
		seq++
	}
	return spanDone(c, out, rows.Err())
}

func (s *Store) expandSubjects(ctx context.Context, c Change, first, last int64, kinds string) ([]Change, error) {
	rows, err := s.query(ctx, `SELECT id, code, name, type FROM subjects WHERE id BETWEEN ? AND ? ORDER BY id`, first, last)
	if err != nil {
		return nil, fmt.Errorf("expand change %d: %w", c.Seq, err)
	}
	defer rows.Close()
	out := make([]Change, 0, c.Span)
	seq := c.Seq
	for rows.Next() {
		var id int64
		var v subjectEvent
		var code string
		if err := rows.Scan(&id, &code, &v.Name, &v.Type); err != nil {
			return nil, err
		}
		if kinds[id-first] == '-' {
			continue
		}
		v.Source = "import"
		data, _ := json.Marshal(v)
		out = append(out, Change{Seq: seq, At: c.At, Kind: "subject.created", SubjectID: id, Subject: code, Object: "subject:" + code, Data: data, Span: 1})
		seq++
	}
	return spanDone(c, out, rows.Err())
}

// spanDone checks that a bulk row expanded to exactly its span.
func spanDone(c Change, out []Change, err error) ([]Change, error) {
	if err != nil {
		return nil, err
	}
	if len(out) != c.Span {
		return nil, fmt.Errorf("change %d: bulk row expands to %d events, want %d", c.Seq, len(out), c.Span)
	}
	return out, nil
}

// subjectEvent is the data of a subject.created event written by an import.
type subjectEvent struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	Type   string `json:"type"`
}

// recordEvent is the data of a record event (fields in key order: the bytes
// equal json.Marshal of the same map).
type recordEvent struct {
	DecisionDate string `json:"decision_date"`
	Dept         string `json:"dept"`
	Disclosure   string `json:"disclosure"`
	DocNo        string `json:"doc_no"`
	ID           int64  `json:"id"`
	LateDays     int    `json:"late_days"`
	Nature       string `json:"nature"`
	PublicityEnd string `json:"publicity_end"`
	Severity     string `json:"severity"`
	Type         string `json:"type"`
	Version      int    `json:"version"`
}
