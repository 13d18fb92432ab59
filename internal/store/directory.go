package store

import (
	"context"
	"fmt"
	"strings"

	"xinyong/internal/subject"
)

// DirEntry is one subject as the in-memory name index needs it: codes,
// names (normalised current and former) and a few facts for result lists.
type DirEntry struct {
	ID       int64
	Code     string
	Name     string
	NameNorm string
	Type     string
	Region   string
	Former   []string // normalised former names
}

// EachDirEntry streams the subjects with fromID <= id <= toID (toID 0: no
// upper bound) in id order. Former names of the range are read first (they
// are few), then subjects in pages of 50,000 so that no read transaction
// stays open for long on a large table. The text columns of a subject are
// read as one (joined with the unit separator and split here): one string
// per row instead of five, which is most of the cost of reading a million
// rows at start. A subject whose text holds the separator itself is read
// again on its own, after the rest of its page.
func (s *Store) EachDirEntry(ctx context.Context, fromID, toID int64, fn func(DirEntry) error) error {
	if toID == 0 {
		toID = 1<<63 - 1
	}
	former := map[int64][]string{}
	rows, err := s.query(ctx, `SELECT subject_id, name_norm FROM subject_names WHERE subject_id >= ? AND subject_id <= ? ORDER BY id`, fromID, toID)
	if err != nil {
		return fmt.Errorf("directory former names: %w", err)
	}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return err
		}
		former[id] = append(former[id], n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	const page = 50000
	last := fromID - 1
	var odd []int64 // rows whose text holds the separator itself
	for {
		rows, err := s.query(ctx, `SELECT id, `+dirText+` FROM subjects WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`, last, toID, page)
		if err != nil {
			return fmt.Errorf("directory subjects: %w", err)
		}
		n := 0
		for rows.Next() {
			var e DirEntry
			var text string
			if err := rows.Scan(&e.ID, &text); err != nil {
				rows.Close()
				return err
			}
			n++
			last = e.ID
			if !e.split(text) {
				odd = append(odd, e.ID)
				continue
			}
			e.Former = former[e.ID]
			if err := fn(e); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range odd {
			e := DirEntry{ID: id, Former: former[id]}
			if err := s.queryRow(ctx, `SELECT code, name, name_norm, type, region FROM subjects WHERE id = ?`, id).Scan(&e.Code, &e.Name, &e.NameNorm, &e.Type, &e.Region); err != nil {
				return fmt.Errorf("directory subject %d: %w", id, err)
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		odd = odd[:0]
		if n < page {
			return nil
		}
	}
}

// dirText is code, name, name_norm ("=" when equal to the name, else "+"
// and the normalised name), type and region joined by the unit separator.
const dirText = "code || '\x1f' || name || '\x1f' || CASE WHEN name_norm = name THEN '=' ELSE '+' || name_norm END || '\x1f' || type || '\x1f' || region"

// split fills e from a dirText value (false when it does not have exactly
// five fields). The fields share the value's memory.
func (e *DirEntry) split(text string) bool {
	var f [5]string
	for i := range 4 {
		j := strings.IndexByte(text, '\x1f')
		if j < 0 {
			return false
		}
		f[i], text = text[:j], text[j+1:]
	}
	if strings.IndexByte(text, '\x1f') >= 0 || f[2] == "" {
		return false
	}
	f[4] = text
	e.Code, e.Name, e.Type, e.Region = f[0], f[1], f[3], f[4]
	if f[2] == "=" {
		e.NameNorm = e.Name
	} else {
		e.NameNorm = f[2][1:]
	}
	return true
}

// ChangeHead returns the sequence number of the newest change event (0 when
// the feed is empty); a follower that loaded state after reading it tails
// the feed from there.
func (s *Store) ChangeHead(ctx context.Context) (int64, error) {
	var seq int64
	err := s.queryRow(ctx, headSQL).Scan(&seq)
	return seq, err
}

// SubjectsByIDs returns the subjects with the given ids in the given order
// (ids not found are skipped). Relations and former names are not filled.
func (s *Store) SubjectsByIDs(ctx context.Context, ids []int64) ([]subject.Subject, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := `SELECT ` + subjectCols + ` FROM subjects WHERE id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + `)`
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("subjects by id: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]subject.Subject, len(ids))
	for rows.Next() {
		sub, err := scanSubject(rows)
		if err != nil {
			return nil, err
		}
		byID[sub.ID] = sub
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]subject.Subject, 0, len(ids))
	for _, id := range ids {
		if sub, ok := byID[id]; ok {
			out = append(out, sub)
		}
	}
	return out, nil
}
