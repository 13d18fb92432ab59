package engine

import (
	"hash/maphash"

	"xinyong/internal/check"
)

// table is one shard of the index. Most subjects have nothing the check
// acts on (no entries, bindings or negative records): they are kept in a
// pointer-free form (fixed-size rows and a byte arena) that the garbage
// collector does not scan, and turned into a snapshot only when checked.
// Subjects with something to act on keep their full snapshot in rich.
type table struct {
	pos      map[uint64]int32 // maphash(code) → row; noscan
	overflow map[string]int32 // codes whose hash collided with another code's
	rows     []row
	rels     []rel
	arena    []byte
	rich     map[int32]*check.Snapshot
}

// row is a subject in pointer-free form.
type row struct {
	id              int64
	seq             int64 // change-feed position the row reflects at least
	code, name      span
	typ             span
	relFrom, relLen int32 // current related persons in rels
}

type rel struct{ code, name, role span }

type span struct{ off, n uint32 }

func newTable() table {
	return table{pos: map[uint64]int32{}, overflow: map[string]int32{}, rich: map[int32]*check.Snapshot{}}
}

func (t *table) str(s span) string { return string(t.arena[s.off : s.off+s.n]) }

func (t *table) put(s string) span {
	sp := span{uint32(len(t.arena)), uint32(len(s))}
	t.arena = append(t.arena, s...)
	return sp
}

func (t *table) find(seed maphash.Seed, code string) (int32, bool) {
	h := maphash.String(seed, code)
	if i, ok := t.pos[h]; ok && t.str(t.rows[i].code) == code {
		return i, true
	}
	i, ok := t.overflow[code]
	return i, ok
}

// rich reports whether the check needs the full snapshot of s.
func isRich(s *check.Snapshot) bool {
	return len(s.Entries) > 0 || len(s.Bound) > 0 || len(s.Bad) > 0
}

// store places s (reflecting the feed up to seq) unless a newer version is
// already there; it reports whether the code is new.
func (t *table) store(seed maphash.Seed, s *check.Snapshot, seq int64) (added bool) {
	i, ok := t.find(seed, s.Code)
	if ok && seq < t.rows[i].seq {
		return false
	}
	r := row{id: s.SubjectID, seq: seq}
	if ok {
		r = t.rows[i]
		r.id, r.seq = s.SubjectID, seq
	} else {
		r.code = t.put(s.Code)
	}
	if !ok || t.str(r.name) != s.Name {
		r.name = t.put(s.Name)
	}
	if !ok || t.str(r.typ) != s.Type {
		r.typ = t.put(s.Type)
	}
	if isRich(s) {
		r.relFrom, r.relLen = 0, 0
	} else if len(s.Persons) > 0 || r.relLen > 0 {
		r.relFrom, r.relLen = int32(len(t.rels)), int32(len(s.Persons))
		for _, p := range s.Persons {
			t.rels = append(t.rels, rel{t.put(p.Code), t.put(p.Name), t.put(p.Role)})
		}
	}
	if !ok {
		i = int32(len(t.rows))
		t.rows = append(t.rows, r)
		h := maphash.String(seed, s.Code)
		if _, taken := t.pos[h]; taken {
			t.overflow[s.Code] = i
		} else {
			t.pos[h] = i
		}
	} else {
		t.rows[i] = r
	}
	if isRich(s) {
		t.rich[i] = s
	} else {
		delete(t.rich, i)
	}
	return !ok
}

// load returns the snapshot of a code: the stored one for rich subjects, a
// fresh one (immutable to its callers) for the others; nil when unknown.
func (t *table) load(seed maphash.Seed, code string) *check.Snapshot {
	i, ok := t.find(seed, code)
	if !ok {
		return nil
	}
	if s := t.rich[i]; s != nil {
		return s
	}
	r := t.rows[i]
	s := &check.Snapshot{SubjectID: r.id, Code: code, Name: t.str(r.name), Type: t.str(r.typ)}
	if r.relLen > 0 {
		s.Persons = make([]check.PersonRef, r.relLen)
		for j := range s.Persons {
			p := t.rels[r.relFrom+int32(j)]
			s.Persons[j] = check.PersonRef{Code: t.str(p.code), Name: t.str(p.name), Role: t.str(p.role)}
		}
	}
	return s
}
