// Package directory holds one compact in-memory copy of every credit
// subject's code, name, normalised name, type, region and former names,
// shared by the components of a node that need them (the check index in
// internal/engine and the name index in internal/search), so that the
// subjects table is read once at start and each name is kept once.
//
// Subjects are kept pointer-free: a fixed-size record per id (in pages) and
// the strings in an append-only arena of 1 MiB chunks, so the garbage
// collector never scans a million strings. Strings handed out share the
// arena's memory (it is never written over, so they stay valid and
// immutable). Codes are found through an open-addressing table of ids.
//
// The directory reflects the store at least up to Cursor in the change
// feed; components that follow the feed call SyncTo before acting on a
// change, so the subjects it names are current in the directory.
package directory

import (
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Entry is what the directory knows of a subject.
type Entry struct {
	ID       int64
	Code     string
	Name     string
	NameNorm string // subject.NormalizeName(Name)
	Type     string
	Region   string
}

const (
	pageBits  = 12
	pageSize  = 1 << pageBits
	chunkBits = 20
	chunkSize = 1 << chunkBits // arena chunk; a record's strings never span two
	// MaxID is the highest subject id the directory holds (ids are int32 in
	// the indexes built over it).
	MaxID = math.MaxInt32
)

const (
	flagPresent = 1 << iota
	flagNormSame
	flagBig // the strings did not fit the compact form: see big
)

// rec is a subject in compact form: its code, name and (when it differs)
// normalised name stored one after the other in the arena at off.
type rec struct {
	off     uint32
	nameLen uint16
	normLen uint16
	region  uint16
	codeLen uint8
	typ     uint8
	flags   uint8
}

// Directory is safe for concurrent use: many readers, occasional writers.
type Directory struct {
	mu      sync.RWMutex
	pages   [][]rec // by id >> pageBits
	chunks  [][]byte
	slots   []uint32 // open addressing: code → id (0 = empty)
	seed    maphash.Seed
	n       int
	maxID   int64
	types   []string
	typeIx  map[string]uint8
	regions []string
	regIx   map[string]uint16
	former  map[int64][]string // normalised former names
	big     map[int64]Entry

	syncMu sync.Mutex   // one SyncTo at a time
	cursor atomic.Int64 // change-feed position reflected at least
}

// New returns an empty directory.
func New() *Directory {
	return &Directory{seed: maphash.MakeSeed(), typeIx: map[string]uint8{}, regIx: map[string]uint16{},
		former: map[int64][]string{}, big: map[int64]Entry{}, slots: make([]uint32, 1024)}
}

// Cursor is the change-feed sequence number the directory reflects at least.
func (d *Directory) Cursor() int64 { return d.cursor.Load() }

// Len is the number of subjects held.
func (d *Directory) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.n
}

// MaxID is the highest id held (0 when empty).
func (d *Directory) MaxID() int64 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.maxID
}

// Reserve prepares room for about n subjects (ids up to n).
func (d *Directory) Reserve(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n > MaxID {
		n = MaxID
	}
	for len(d.slots)*3 < n*4 {
		d.rehash(len(d.slots) * 2)
	}
	if p := n>>pageBits + 1; p > len(d.pages) {
		d.pages = slices.Grow(d.pages, p-len(d.pages))
	}
}

// Get returns the subject with the given id.
func (d *Directory) Get(id int64) (Entry, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.get(id)
}

// ID returns the id of the subject with the given code.
func (d *Directory) ID(code string) (int64, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	id := d.find(code)
	return id, id != 0
}

// Lookup returns the subject with the given code.
func (d *Directory) Lookup(code string) (Entry, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	id := d.find(code)
	if id == 0 {
		return Entry{}, false
	}
	return d.get(id)
}

// Formers returns the normalised former names of a subject.
func (d *Directory) Formers(id int64) []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return slices.Clone(d.former[id])
}

// View reads the directory without locking; it is valid only inside Read.
type View struct{ d *Directory }

// Read calls fn with a consistent view of the directory (writers wait).
// fn must not call other methods of the directory.
func (d *Directory) Read(fn func(View)) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	fn(View{d})
}

// Get returns the subject with the given id.
func (v View) Get(id int64) (Entry, bool) { return v.d.get(id) }

// Has reports whether a subject with the given id is held.
func (v View) Has(id int64) bool {
	r := v.d.rec(id)
	return r != nil && r.flags&flagPresent != 0
}

// Norm returns the normalised name of a subject ("" when unknown).
func (v View) Norm(id int64) string {
	e, _ := v.d.get(id)
	return e.NameNorm
}

// Formers returns the normalised former names of a subject (not to be modified).
func (v View) Formers(id int64) []string { return v.d.former[id] }

// MaxID is the highest id held.
func (v View) MaxID() int64 { return v.d.maxID }

func (d *Directory) rec(id int64) *rec {
	if id <= 0 || id > d.maxID {
		return nil
	}
	p := d.pages[id>>pageBits]
	if p == nil {
		return nil
	}
	return &p[id&(pageSize-1)]
}

func (d *Directory) str(off uint32, n int) string {
	if n == 0 {
		return ""
	}
	c := d.chunks[off>>chunkBits]
	return unsafe.String(&c[off&(chunkSize-1)], n)
}

func (d *Directory) get(id int64) (Entry, bool) {
	r := d.rec(id)
	if r == nil || r.flags&flagPresent == 0 {
		return Entry{}, false
	}
	if r.flags&flagBig != 0 {
		return d.big[id], true
	}
	e := Entry{ID: id, Type: d.types[r.typ], Region: d.regions[r.region]}
	off := r.off
	e.Code = d.str(off, int(r.codeLen))
	off += uint32(r.codeLen)
	e.Name = d.str(off, int(r.nameLen))
	off += uint32(r.nameLen)
	if r.flags&flagNormSame != 0 {
		e.NameNorm = e.Name
	} else {
		e.NameNorm = d.str(off, int(r.normLen))
	}
	return e, true
}

func (d *Directory) codeOf(id int64) string {
	r := d.rec(id)
	if r == nil || r.flags&flagPresent == 0 {
		return ""
	}
	if r.flags&flagBig != 0 {
		return d.big[id].Code
	}
	return d.str(r.off, int(r.codeLen))
}

// find returns the id of code, 0 when unknown.
func (d *Directory) find(code string) int64 {
	mask := uint64(len(d.slots) - 1)
	for i := maphash.String(d.seed, code) & mask; ; i = (i + 1) & mask {
		id := d.slots[i]
		if id == 0 {
			return 0
		}
		if d.codeOf(int64(id)) == code {
			return int64(id)
		}
	}
}

func (d *Directory) insertSlot(code string, id int64) {
	mask := uint64(len(d.slots) - 1)
	i := maphash.String(d.seed, code) & mask
	for d.slots[i] != 0 {
		i = (i + 1) & mask
	}
	d.slots[i] = uint32(id)
}

func (d *Directory) rehash(size int) {
	d.slots = make([]uint32, size)
	for id := int64(1); id <= d.maxID; id++ {
		if c := d.codeOf(id); c != "" {
			d.insertSlot(c, id)
		}
	}
}

// alloc returns room for n bytes in the arena.
func (d *Directory) alloc(n int) (uint32, []byte) {
	last := len(d.chunks) - 1
	if last < 0 || len(d.chunks[last])+n > chunkSize {
		d.chunks = append(d.chunks, make([]byte, 0, chunkSize))
		last++
	}
	c := d.chunks[last]
	off := uint32(last)<<chunkBits | uint32(len(c))
	d.chunks[last] = c[:len(c)+n]
	return off, d.chunks[last][len(c) : len(c)+n]
}

// Put adds or updates a subject and merges formers into its former names.
// A changed normalised name keeps the old one as a former name (the store
// keeps it too), so a renamed subject stays findable by it.
func (d *Directory) Put(e Entry, formers ...string) error {
	if e.ID <= 0 || e.ID > MaxID {
		return fmt.Errorf("directory: subject id %d out of range", e.ID)
	}
	if e.Code == "" {
		return fmt.Errorf("directory: subject %d without a code", e.ID)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	old, had := d.get(e.ID)
	if had && old.NameNorm != e.NameNorm && old.NameNorm != "" {
		d.addFormer(e.ID, old.NameNorm)
	}
	for _, f := range formers {
		d.addFormer(e.ID, f)
	}
	if had && old == e {
		return nil
	}
	for int(e.ID>>pageBits) >= len(d.pages) {
		d.pages = append(d.pages, nil)
	}
	if d.pages[e.ID>>pageBits] == nil {
		d.pages[e.ID>>pageBits] = make([]rec, pageSize)
	}
	if e.ID > d.maxID {
		d.maxID = e.ID
	}
	r := &d.pages[e.ID>>pageBits][e.ID&(pageSize-1)]
	delete(d.big, e.ID)
	if !d.compact(r, e) {
		*r = rec{flags: flagPresent | flagBig}
		d.big[e.ID] = Entry{ID: e.ID, Code: clone(e.Code), Name: clone(e.Name), NameNorm: clone(e.NameNorm), Type: clone(e.Type), Region: clone(e.Region)}
	}
	if !had {
		d.n++
		if (d.n+1)*4 > len(d.slots)*3 {
			d.rehash(len(d.slots) * 2) // inserts e's code too
		} else {
			d.insertSlot(e.Code, e.ID)
		}
	} else if old.Code != e.Code {
		// Codes do not change in the store; should one, the old slot
		// no longer matches and the new code is found.
		d.insertSlot(e.Code, e.ID)
	}
	return nil
}

func clone(s string) string { return string([]byte(s)) }

// compact stores e in r unless it does not fit the compact form.
func (d *Directory) compact(r *rec, e Entry) bool {
	same := e.NameNorm == e.Name
	n := len(e.Code) + len(e.Name)
	if !same {
		n += len(e.NameNorm)
	}
	if len(e.Code) > math.MaxUint8 || len(e.Name) > math.MaxUint16 || len(e.NameNorm) > math.MaxUint16 || n > chunkSize {
		return false
	}
	typ, ok := d.typeIx[e.Type]
	if !ok {
		if len(d.types) > math.MaxUint8 {
			return false
		}
		typ = uint8(len(d.types))
		d.types = append(d.types, clone(e.Type))
		d.typeIx[d.types[typ]] = typ
	}
	reg, ok := d.regIx[e.Region]
	if !ok {
		if len(d.regions) > math.MaxUint16 {
			return false
		}
		reg = uint16(len(d.regions))
		d.regions = append(d.regions, clone(e.Region))
		d.regIx[d.regions[reg]] = reg
	}
	off, b := d.alloc(n)
	k := copy(b, e.Code)
	k += copy(b[k:], e.Name)
	f := uint8(flagPresent)
	if same {
		f |= flagNormSame
	} else {
		copy(b[k:], e.NameNorm)
	}
	*r = rec{off: off, codeLen: uint8(len(e.Code)), nameLen: uint16(len(e.Name)), normLen: uint16(len(e.NameNorm)), typ: typ, region: reg, flags: f}
	return true
}

func (d *Directory) addFormer(id int64, f string) {
	if f == "" || slices.Contains(d.former[id], f) {
		return
	}
	d.former[id] = append(d.former[id], f)
}
