package engine

import (
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

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
	b = appendStr(b, s.Code)
	b = appendStr(b, s.Name)
	b = appendStr(b, s.Type)
	b = appendStr(b, s.TypeLabel)
	b = appendLen(b, s.Entries == nil, len(s.Entries))
	for i := range s.Entries {
		b = appendEntry(b, &s.Entries[i])
	}
	b = appendLen(b, s.Bound == nil, len(s.Bound))
	for i := range s.Bound {
		x := &s.Bound[i]
		b = appendEntry(b, &x.Entry)
		b = appendStr(b, x.OrgCode)
		b = appendStr(b, x.OrgName)
		b = appendStr(b, x.Role)
	}
	b = appendLen(b, s.Bad == nil, len(s.Bad))
	for i := range s.Bad {
		r := &s.Bad[i]
		b = appendStr(b, r.Type)
		b = appendStr(b, r.Dept)
		b = appendStr(b, r.DocNo)
		b = appendStr(b, r.DecisionDate)
		b = appendBool(b, r.Current)
		b = appendBool(b, r.Published)
		b = appendTime(b, r.RevokedAt)
	}
	b = appendLen(b, s.Persons == nil, len(s.Persons))
	for _, p := range s.Persons {
		b = appendStr(b, p.Code)
		b = appendStr(b, p.Name)
		b = appendStr(b, p.Role)
	}
	return b
}

func appendEntry(b []byte, e *list.Entry) []byte {
	b = binary.AppendVarint(b, e.ID)
	b = binary.AppendVarint(b, e.SubjectID)
	for _, s := range [...]string{e.SubjectCode, e.SubjectName, e.ListType, e.ListName, string(e.Kind),
		e.Domain, e.Dept, e.Facts, e.BasisDoc, e.Start, e.End, string(e.State), e.StateLabel} {
		b = appendStr(b, s)
	}
	b = appendBool(b, e.Paused)
	for _, s := range [...]string{string(e.ExitReason), e.ExitNote, e.ExitDate, e.MonitorUntil, e.Notice, e.ProposedBy} {
		b = appendStr(b, s)
	}
	for _, t := range [...]time.Time{e.RecordedAt, e.NotifiedAt, e.ActivatedAt, e.ExitedAt} {
		b = appendTime(b, t)
	}
	b = appendLen(b, e.Persons == nil, len(e.Persons))
	for _, p := range e.Persons {
		b = binary.AppendVarint(b, p.SubjectID)
		b = appendStr(b, p.Code)
		b = appendStr(b, p.Name)
		b = appendStr(b, p.Role)
		b = appendStr(b, p.RoleLabel)
	}
	b = appendLen(b, e.Pauses == nil, len(e.Pauses))
	for _, p := range e.Pauses {
		b = appendTime(b, p.From)
		b = appendTime(b, p.To)
		b = appendStr(b, p.Reason)
	}
	return binary.AppendVarint(b, int64(e.Version))
}

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
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
// strings share the encoded bytes.
type snapReader struct {
	b   []byte
	err error
}

func (r *snapReader) fail() {
	if r.err == nil {
		r.err = errCorrupt
	}
	r.b = nil
}

func (r *snapReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapReader) str() string {
	n := r.uvarint()
	if n == 0 {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := unsafe.String(&r.b[0], int(n))
	r.b = r.b[n:]
	return s
}

// count reads a slice length: -1 for a nil slice.
func (r *snapReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b))+1 { // every element takes at least one byte
		r.fail()
		return -1
	}
	return int(n) - 1
}

func (r *snapReader) bool() bool {
	if len(r.b) == 0 {
		r.fail()
		return false
	}
	v := r.b[0] != 0
	r.b = r.b[1:]
	return v
}

func (r *snapReader) time() time.Time {
	li := r.uvarint()
	if li == 0 {
		return time.Time{}
	}
	sec, nsec := r.varint(), r.uvarint()
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
	r.fail()
	return time.Time{}
}

// decodeSnapshot decodes an encoded snapshot.
func decodeSnapshot(b []byte) (*check.Snapshot, error) {
	r := &snapReader{b: b}
	s := &check.Snapshot{SubjectID: r.varint(), Code: r.str(), Name: r.str(), Type: r.str(), TypeLabel: r.str()}
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
			x.OrgCode, x.OrgName, x.Role = r.str(), r.str(), r.str()
		}
	}
	if n := r.count(); n >= 0 {
		s.Bad = make([]list.BadRecord, n)
		for i := range s.Bad {
			x := &s.Bad[i]
			x.Type, x.Dept, x.DocNo, x.DecisionDate = r.str(), r.str(), r.str(), r.str()
			x.Current, x.Published, x.RevokedAt = r.bool(), r.bool(), r.time()
		}
	}
	if n := r.count(); n >= 0 {
		s.Persons = make([]check.PersonRef, n)
		for i := range s.Persons {
			s.Persons[i] = check.PersonRef{Code: r.str(), Name: r.str(), Role: r.str()}
		}
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail()
	}
	if r.err != nil {
		return nil, r.err
	}
	return s, nil
}

func (r *snapReader) entry(e *list.Entry) {
	e.ID, e.SubjectID = r.varint(), r.varint()
	e.SubjectCode, e.SubjectName, e.ListType, e.ListName = r.str(), r.str(), r.str(), r.str()
	e.Kind, e.Domain, e.Dept, e.Facts, e.BasisDoc = list.Kind(r.str()), r.str(), r.str(), r.str(), r.str()
	e.Start, e.End, e.State, e.StateLabel = r.str(), r.str(), list.State(r.str()), r.str()
	e.Paused = r.bool()
	e.ExitReason, e.ExitNote, e.ExitDate = list.ExitReason(r.str()), r.str(), r.str()
	e.MonitorUntil, e.Notice, e.ProposedBy = r.str(), r.str(), r.str()
	e.RecordedAt, e.NotifiedAt, e.ActivatedAt, e.ExitedAt = r.time(), r.time(), r.time(), r.time()
	if n := r.count(); n >= 0 {
		e.Persons = make([]list.Person, n)
		for i := range e.Persons {
			e.Persons[i] = list.Person{SubjectID: r.varint(), Code: r.str(), Name: r.str(), Role: r.str(), RoleLabel: r.str()}
		}
	}
	if n := r.count(); n >= 0 {
		e.Pauses = make([]list.Pause, n)
		for i := range e.Pauses {
			e.Pauses[i] = list.Pause{From: r.time(), To: r.time(), Reason: r.str()}
		}
	}
	e.Version = int(r.varint())
}
