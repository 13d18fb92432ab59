package engine

import (
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"xinyong/internal/bincode"
	"xinyong/internal/check"
	"xinyong/internal/list"
)

// The snapshots of subjects with something the check acts on (entries,
// bindings, negative records) are kept encoded in each shard's byte arena
// instead of as a tree of structs and strings. The garbage collector does
// not scan the bytes, so a collection no longer has to mark hundreds of
// megabytes of snapshot objects (docs/architecture.md, check index). A check decodes the snapshot it needs; the decoded strings point
// into the encoded bytes, which are never modified.
//
// Format: integers as (zig-zag) varints, strings and slices length-prefixed
// (slices with length+1, 0 meaning nil), times as a location index
// (0 zero time, 1 UTC, 2 Local, 3+ an interned location) followed by the
// Unix seconds and nanoseconds.

// appendSnapshot appends the encoding of s to b.
func appendSnapshot(b []byte, s *check.Snapshot) []byte {
	b = binary.AppendVarint(b, s.SubjectID)
	b = bincode.AppendString(b, s.Code)
	b = bincode.AppendString(b, s.Name)
	b = bincode.AppendString(b, s.Type)
	b = bincode.AppendString(b, s.TypeLabel)
	b = appendLen(b, s.Entries == nil, len(s.Entries))
	for i := range s.Entries {
		b = appendEntry(b, &s.Entries[i])
	}
	b = appendLen(b, s.Bound == nil, len(s.Bound))
	for i := range s.Bound {
		x := &s.Bound[i]
		b = appendEntry(b, &x.Entry)
		b = bincode.AppendString(b, x.OrgCode)
		b = bincode.AppendString(b, x.OrgName)
		b = bincode.AppendString(b, x.Role)
	}
	b = appendLen(b, s.Bad == nil, len(s.Bad))
	for i := range s.Bad {
		r := &s.Bad[i]
		b = bincode.AppendString(b, r.Type)
		b = bincode.AppendString(b, r.Dept)
		b = bincode.AppendString(b, r.DocNo)
		b = bincode.AppendString(b, r.DecisionDate)
		b = appendBool(b, r.Current)
		b = appendBool(b, r.Published)
		b = appendTime(b, r.RevokedAt)
	}
	b = appendLen(b, s.Persons == nil, len(s.Persons))
	for _, p := range s.Persons {
		b = bincode.AppendString(b, p.Code)
		b = bincode.AppendString(b, p.Name)
		b = bincode.AppendString(b, p.Role)
	}
	return b
}

func appendEntry(b []byte, e *list.Entry) []byte {
	b = binary.AppendVarint(b, e.ID)
	b = binary.AppendVarint(b, e.SubjectID)
	for _, s := range [...]string{e.SubjectCode, e.SubjectName, e.ListType, e.ListName, string(e.Kind),
		e.Domain, e.Dept, e.Facts, e.BasisDoc, e.Start, e.End, string(e.State), e.StateLabel} {
		b = bincode.AppendString(b, s)
	}
	b = appendBool(b, e.Paused)
	for _, s := range [...]string{string(e.ExitReason), e.ExitNote, e.ExitDate, e.MonitorUntil, e.Notice, e.ProposedBy} {
		b = bincode.AppendString(b, s)
	}
	for _, t := range [...]time.Time{e.RecordedAt, e.NotifiedAt, e.ActivatedAt, e.ExitedAt} {
		b = appendTime(b, t)
	}
	b = appendLen(b, e.Persons == nil, len(e.Persons))
	for _, p := range e.Persons {
		b = binary.AppendVarint(b, p.SubjectID)
		b = bincode.AppendString(b, p.Code)
		b = bincode.AppendString(b, p.Name)
		b = bincode.AppendString(b, p.Role)
		b = bincode.AppendString(b, p.RoleLabel)
	}
	b = appendLen(b, e.Pauses == nil, len(e.Pauses))
	for _, p := range e.Pauses {
		b = appendTime(b, p.From)
		b = appendTime(b, p.To)
		b = bincode.AppendString(b, p.Reason)
	}
	return binary.AppendVarint(b, int64(e.Version))
}

func appendLen(b []byte, isNil bool, n int) []byte {
	if isNil {
		return append(b, 0)
	}
	return binary.AppendUvarint(b, uint64(n)+1)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(locIndex(t.Location())))
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// Locations other than UTC and Local are interned once per process
// (time.Time keeps a pointer to its location; decoding gives it back).
var locs struct {
	mu   sync.Mutex
	ix   map[*time.Location]uint64
	list atomic.Pointer[[]*time.Location]
}

func locIndex(l *time.Location) uint64 {
	switch l {
	case time.UTC:
		return 1
	case time.Local:
		return 2
	}
	locs.mu.Lock()
	defer locs.mu.Unlock()
	if i, ok := locs.ix[l]; ok {
		return i
	}
	var list []*time.Location
	if p := locs.list.Load(); p != nil {
		list = *p
	}
	list = append(list[:len(list):len(list)], l)
	locs.list.Store(&list)
	if locs.ix == nil {
		locs.ix = map[*time.Location]uint64{}
	}
	i := uint64(len(list)) + 2
	locs.ix[l] = i
	return i
}

var errCorrupt = errors.New("check index: corrupt snapshot encoding")

// snapReader decodes what encodeSnapshot wrote. The first error sticks;
// strings share the encoded bytes (View).
type snapReader struct{ bincode.Reader }

// count reads a slice length: -1 for a nil slice.
func (r *snapReader) count() int {
	n := r.Uvarint()
	if n > uint64(len(r.B))+1 { // every element takes at least one byte
		r.Fail()
		return -1
	}
	return int(n) - 1
}

func (r *snapReader) bool() bool {
	if len(r.B) == 0 {
		r.Fail()
		return false
	}
	v := r.B[0] != 0
	r.B = r.B[1:]
	return v
}

func (r *snapReader) time() time.Time {
	li := r.Uvarint()
	if li == 0 {
		return time.Time{}
	}
	sec, nsec := r.Varint(), r.Uvarint()
	t := time.Unix(sec, int64(nsec))
	switch li {
	case 1:
		return t.UTC()
	case 2:
		return t
	}
	if p := locs.list.Load(); p != nil && li-3 < uint64(len(*p)) {
		return t.In((*p)[li-3])
	}
	r.Fail()
	return time.Time{}
}

// decodeSnapshot decodes an encoded snapshot.
func decodeSnapshot(b []byte) (*check.Snapshot, error) {
	r := &snapReader{bincode.Reader{B: b, Bad: errCorrupt}}
	s := &check.Snapshot{SubjectID: r.Varint(), Code: r.View(), Name: r.View(), Type: r.View(), TypeLabel: r.View()}
	if n := r.count(); n >= 0 {
		s.Entries = make([]list.Entry, n)
		for i := range s.Entries {
			r.entry(&s.Entries[i])
		}
	}
	if n := r.count(); n >= 0 {
		s.Bound = make([]check.Binding, n)
		for i := range s.Bound {
			x := &s.Bound[i]
			r.entry(&x.Entry)
			x.OrgCode, x.OrgName, x.Role = r.View(), r.View(), r.View()
		}
	}
	if n := r.count(); n >= 0 {
		s.Bad = make([]list.BadRecord, n)
		for i := range s.Bad {
			x := &s.Bad[i]
			x.Type, x.Dept, x.DocNo, x.DecisionDate = r.View(), r.View(), r.View(), r.View()
			x.Current, x.Published, x.RevokedAt = r.bool(), r.bool(), r.time()
		}
	}
	if n := r.count(); n >= 0 {
		s.Persons = make([]check.PersonRef, n)
		for i := range s.Persons {
			s.Persons[i] = check.PersonRef{Code: r.View(), Name: r.View(), Role: r.View()}
		}
	}
	if r.Err == nil && len(r.B) != 0 {
		r.Fail()
	}
	if r.Err != nil {
		return nil, r.Err
	}
	return s, nil
}

func (r *snapReader) entry(e *list.Entry) {
	e.ID, e.SubjectID = r.Varint(), r.Varint()
	e.SubjectCode, e.SubjectName, e.ListType, e.ListName = r.View(), r.View(), r.View(), r.View()
	e.Kind, e.Domain, e.Dept, e.Facts, e.BasisDoc = list.Kind(r.View()), r.View(), r.View(), r.View(), r.View()
	e.Start, e.End, e.State, e.StateLabel = r.View(), r.View(), list.State(r.View()), r.View()
	e.Paused = r.bool()
	e.ExitReason, e.ExitNote, e.ExitDate = list.ExitReason(r.View()), r.View(), r.View()
	e.MonitorUntil, e.Notice, e.ProposedBy = r.View(), r.View(), r.View()
	e.RecordedAt, e.NotifiedAt, e.ActivatedAt, e.ExitedAt = r.time(), r.time(), r.time(), r.time()
	if n := r.count(); n >= 0 {
		e.Persons = make([]list.Person, n)
		for i := range e.Persons {
			e.Persons[i] = list.Person{SubjectID: r.Varint(), Code: r.View(), Name: r.View(), Role: r.View(), RoleLabel: r.View()}
		}
	}
	if n := r.count(); n >= 0 {
		e.Pauses = make([]list.Pause, n)
		for i := range e.Pauses {
			e.Pauses[i] = list.Pause{From: r.time(), To: r.time(), Reason: r.View()}
		}
	}
	e.Version = int(r.Varint())
}
