package engine

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"xinyong/internal/check"
	"xinyong/internal/directory"
)

// table is one shard of the index: the subjects whose id is the shard's
// number modulo shardCount. Codes, names and types are not kept here but
// in the subject directory shared with the name index. Most subjects have
// nothing the check acts on (no entries, bindings or negative records):
// they are kept as a pointer-free row (their current related persons, as
// directory ids) that the garbage collector does not scan, and turned into
// a snapshot only when checked. Subjects with something to act on keep
// their full snapshot, encoded (snapcodec.go) into the shard's arena: the
// map from id to position holds no pointers either, so the collector
// neither scans it nor marks one object per listed subject.
type table struct {
	rows   []row // by id / shardCount
	rels   []rel
	roles  []string // relation roles, interned
	roleIx map[string]uint32
	rich   map[int64]span
	arena  []byte // encoded snapshots; bytes once written are never changed
	dead   int    // bytes of arena no longer referenced by rich
}

// span is the place of an encoded snapshot in the arena.
type span struct{ off, n uint32 }

// row is a subject in pointer-free form.
type row struct {
	seq             int64 // change-feed position the row reflects at least
	relFrom, relLen uint32
}

// rel is a current related person: a directory id and a role.
type rel struct{ person, role uint32 }

func newTable() table {
	return table{roleIx: map[string]uint32{}, rich: map[int64]span{}}
}

func (t *table) row(id int64) row {
	if i := id / shardCount; i < int64(len(t.rows)) {
		return t.rows[i]
	}
	return row{}
}

func (t *table) setRow(id int64, r row) {
	i := int(id / shardCount)
	if i >= len(t.rows) {
		t.rows = slices.Grow(t.rows, i+1-len(t.rows))[:i+1]
	}
	t.rows[i] = r
}

func (t *table) role(s string) uint32 {
	i, ok := t.roleIx[s]
	if !ok {
		i = uint32(len(t.roles))
		t.roles = append(t.roles, s)
		t.roleIx[s] = i
	}
	return i
}

// plain is a subject without anything the check acts on: its related
// persons by directory id.
type plain struct {
	persons []int64
	roles   []string
}

// store places the state of subject id (reflecting the feed up to seq)
// unless a newer version is already there: rich when s is not nil, else p.
func (t *table) store(id int64, s *check.Snapshot, p plain, seq int64) {
	r := t.row(id)
	if seq < r.seq {
		return
	}
	r.seq = seq
	if old, ok := t.rich[id]; ok {
		t.dead += int(old.n)
		delete(t.rich, id)
	}
	if s != nil {
		r.relFrom, r.relLen = 0, 0
		off := len(t.arena)
		t.arena = appendSnapshot(t.arena, s)
		if len(t.arena) > math.MaxUint32 {
			panic("check index: shard arena over 4 GB")
		}
		t.rich[id] = span{uint32(off), uint32(len(t.arena) - off)}
		t.compact()
	} else {
		if !t.same(r, p) { // unchanged (a rebuild, mostly): rels does not grow
			r.relFrom, r.relLen = uint32(len(t.rels)), uint32(len(p.persons))
			for j, pid := range p.persons {
				t.rels = append(t.rels, rel{uint32(pid), t.role(p.roles[j])})
			}
		}
	}
	t.setRow(id, r)
}

// compact copies the live snapshots into a new arena once more than half
// of it (and over 1 MB) is dead. Readers still holding strings of the old
// arena keep it alive until they are done; it is never modified.
func (t *table) compact() {
	if t.dead < 1<<20 || t.dead < len(t.arena)/2 {
		return
	}
	a := make([]byte, 0, len(t.arena)-t.dead+len(t.arena)/8)
	for id, sp := range t.rich {
		off := len(a)
		a = append(a, t.arena[sp.off:sp.off+sp.n]...)
		t.rich[id] = span{uint32(off), sp.n}
	}
	t.arena, t.dead = a, 0
}

// same reports whether r's related persons are those of p.
func (t *table) same(r row, p plain) bool {
	if int(r.relLen) != len(p.persons) {
		return false
	}
	for j, x := range t.rels[r.relFrom : r.relFrom+r.relLen] {
		if int64(x.person) != p.persons[j] || t.roles[x.role] != p.roles[j] {
			return false
		}
	}
	return true
}

// load returns what the shard holds of subject id: its encoded rich
// snapshot, or its related persons (ids and roles) appended to persons.
func (t *table) load(id int64, persons []rel) ([]byte, []rel) {
	if sp, ok := t.rich[id]; ok {
		return t.arena[sp.off : sp.off+sp.n : sp.off+sp.n], persons
	}
	r := t.row(id)
	return nil, append(persons, t.rels[r.relFrom:r.relFrom+r.relLen]...)
}

// lookup builds the snapshot of a code: the stored one for rich subjects,
// a fresh one (immutable to its callers) for the others; nil when unknown.
func (e *Engine) lookup(code string) *check.Snapshot {
	d := e.dir
	ent, ok := d.Lookup(code)
	if !ok {
		return nil
	}
	sh := e.shard(ent.ID)
	var buf [4]rel
	sh.mu.RLock()
	enc, rels := sh.t.load(ent.ID, buf[:0])
	var roles []string
	if enc == nil && len(rels) > 0 {
		roles = make([]string, len(rels))
		for j, r := range rels {
			roles[j] = sh.t.roles[r.role]
		}
	}
	sh.mu.RUnlock()
	if enc != nil {
		s, err := decodeSnapshot(enc)
		if err != nil {
			// Never answer "nothing applies" for a subject we hold entries of.
			panic(fmt.Sprintf("subject %d: %v", ent.ID, err))
		}
		return s
	}
	s := &check.Snapshot{SubjectID: ent.ID, Code: code, Name: ent.Name, Type: ent.Type}
	if len(rels) > 0 {
		s.Persons = make([]check.PersonRef, len(rels))
		for j, r := range rels {
			p, _ := d.Get(int64(r.person))
			s.Persons[j] = check.PersonRef{Code: p.Code, Name: p.Name, Role: roles[j]}
		}
	}
	return s
}

// isRich reports whether the check needs the full snapshot of s.
func isRich(s *check.Snapshot) bool {
	return len(s.Entries) > 0 || len(s.Bound) > 0 || len(s.Bad) > 0
}

// put stores a snapshot read from the store (refresh of one subject).
// A subject whose related persons are not all in the directory keeps its
// full snapshot.
func (e *Engine) put(s *check.Snapshot, seq int64) {
	id, keep := s.SubjectID, s
	var p plain
	if !isRich(s) {
		keep = nil
		for _, pr := range s.Persons {
			pid, ok := e.dir.ID(pr.Code)
			if !ok {
				keep, p = s, plain{}
				break
			}
			p.persons, p.roles = append(p.persons, pid), append(p.roles, pr.Role)
		}
	}
	sh := e.shard(id)
	sh.mu.Lock()
	sh.t.store(id, keep, p, seq)
	sh.mu.Unlock()
}

// relation is a current relation read at build.
type relation struct {
	subject, person uint32
	role            uint16
}

// build loads the index: the subject directory (shared, read once per
// process) and, concurrently, the current relations and the rich
// snapshots; then every subject's row is placed as of seq.
func (e *Engine) build(ctx context.Context, seq int64) error {
	dirc := make(chan error, 1)
	if e.dir == nil {
		go func() {
			d, err := directory.Of(ctx, e.st)
			e.dir = d
			dirc <- err
		}()
	} else {
		dirc <- nil
	}
	var rels []relation
	var roles []string
	roleIx := map[string]uint16{}
	err := e.st.EachCurrentRelation(ctx, func(sid, pid int64, role string) error {
		if sid > directory.MaxID || pid > directory.MaxID {
			return fmt.Errorf("subject id out of range")
		}
		ri, ok := roleIx[role]
		if !ok {
			ri = uint16(len(roles))
			roles = append(roles, role)
			roleIx[role] = ri
		}
		rels = append(rels, relation{uint32(sid), uint32(pid), ri})
		return nil
	})
	var rich map[int64]*check.Snapshot
	if err == nil {
		rich, err = e.st.RichSnapshots(ctx)
	}
	if derr := <-dirc; err == nil {
		err = derr
	}
	if err == nil {
		err = e.dir.SyncTo(ctx, e.st, seq)
	}
	if err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	slices.SortStableFunc(rels, func(a, b relation) int { return cmp.Compare(a.subject, b.subject) })
	d := e.dir
	maxID := d.MaxID()
	for i := range e.shards {
		sh := &e.shards[i]
		sh.mu.Lock()
		if n := int(maxID/shardCount) + 1; n > len(sh.t.rows) {
			sh.t.rows = slices.Grow(sh.t.rows, n-len(sh.t.rows))
		}
		sh.mu.Unlock()
	}
	var p plain
	var stale []int64 // related persons missing from the directory
	for id, k := int64(1), 0; id <= maxID; id++ {
		p.persons, p.roles = p.persons[:0], p.roles[:0]
		for ; k < len(rels) && int64(rels[k].subject) < id; k++ {
		}
		for ; k < len(rels) && int64(rels[k].subject) == id; k++ {
			p.persons, p.roles = append(p.persons, int64(rels[k].person)), append(p.roles, roles[rels[k].role])
		}
		ent, ok := d.Get(id)
		if !ok {
			continue
		}
		s := rich[id]
		for j, pid := range p.persons {
			pe, ok := d.Get(pid)
			if !ok {
				stale = append(stale, id)
				break
			}
			if s != nil {
				s.Persons = append(s.Persons, check.PersonRef{Code: pe.Code, Name: pe.Name, Role: p.roles[j]})
			}
		}
		if s != nil {
			s.Code, s.Name, s.Type = ent.Code, ent.Name, ent.Type
		}
		sh := e.shard(id)
		sh.mu.Lock()
		sh.t.store(id, s, p, seq)
		sh.mu.Unlock()
		if s != nil {
			delete(rich, id) // encoded now: let the collector have the structs
		}
	}
	for _, id := range stale {
		s, err := e.st.SnapshotByID(ctx, id)
		if err != nil {
			return fmt.Errorf("build index: %w", err)
		}
		e.put(s, seq)
	}
	return nil
}
