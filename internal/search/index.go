// Package search keeps an in-memory name index of all credit subjects so
// that substring search, including two-character Chinese queries such as
// "华为", answers in well under a millisecond over a million subjects.
//
// Names are indexed by character bigrams: every bigram of every normalised
// name (subject.NormalizeName, current and former) maps to the ascending list
// of subject ids holding it. A query of two or more characters intersects
// the lists of its bigrams (leapfrog join) and verifies each candidate with
// strings.Contains; a one-character query scans. The names themselves are
// read from the subject directory (internal/directory) the index is built
// over, shared with the check index. Results come out in id order, so a
// cursor ("after id") pages through them.
package search

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"xinyong/internal/directory"
	"xinyong/internal/subject"
)

// Entry is a subject given to Replace or Upsert.
type Entry struct {
	ID     int64
	Code   string
	Name   string
	Type   string
	Region string
	// Keys are the normalised names to match: the current one first, then
	// former names.
	Keys []string
}

// Hit is one search result.
type Hit struct {
	ID     int64
	Code   string
	Name   string
	Type   string
	Region string
}

// Index is safe for concurrent use: many searches, occasional updates.
type Index struct {
	mu      sync.RWMutex
	dir     *directory.Directory // nil until known (Start)
	own     bool                 // dir belongs to this index: Follower.Load loads it
	post    map[uint64][]int32   // bigram → ascending ids
	indexed []uint64             // bit set of the ids in post
	n       int
	ready   bool
}

// New returns an empty index over a directory of its own (not ready until
// Replace or a Follower's Load).
func New() *Index {
	return &Index{dir: directory.New(), own: true, post: map[uint64][]int32{}}
}

// NewOn returns an empty index over the subjects of d (see Build).
func NewOn(d *directory.Directory) *Index {
	return &Index{dir: d, post: map[uint64][]int32{}}
}

func (ix *Index) directory() *directory.Directory {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.dir
}

// Ready reports whether the initial load has completed.
func (ix *Index) Ready() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.ready
}

// Len is the number of subjects indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.n
}

func bigram(a, b rune) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// appendBigrams appends to buf the bigrams of s not yet in buf.
func appendBigrams(buf []uint64, s string) []uint64 {
	var prev rune = -1
	for _, r := range s {
		if prev >= 0 {
			if k := bigram(prev, r); !slices.Contains(buf, k) {
				buf = append(buf, k)
			}
		}
		prev = r
	}
	return buf
}

// keyBigrams returns the distinct bigrams of a subject's names.
func keyBigrams(buf []uint64, v directory.View, id int64) []uint64 {
	buf = appendBigrams(buf[:0], v.Norm(id))
	for _, f := range v.Formers(id) {
		buf = appendBigrams(buf, f)
	}
	return buf
}

func (ix *Index) isIndexed(id int64) bool {
	return int(id>>6) < len(ix.indexed) && ix.indexed[id>>6]&(1<<(id&63)) != 0
}

// mark records id as indexed and reports whether it was new.
func (ix *Index) mark(id int64) bool {
	for int(id>>6) >= len(ix.indexed) {
		ix.indexed = append(ix.indexed, 0)
	}
	if ix.isIndexed(id) {
		return false
	}
	ix.indexed[id>>6] |= 1 << (id & 63)
	ix.n++
	return true
}

// Replace puts entries (any order) into the index's directory and builds
// the index over it.
func (ix *Index) Replace(entries []Entry) {
	d := ix.directory()
	for _, e := range entries {
		_ = d.Put(dirEntry(e), formers(e)...) // ids out of range are left out
	}
	ix.Build()
}

func dirEntry(e Entry) directory.Entry {
	de := directory.Entry{ID: e.ID, Code: e.Code, Name: e.Name, Type: e.Type, Region: e.Region}
	if len(e.Keys) > 0 {
		de.NameNorm = e.Keys[0]
	}
	return de
}

func formers(e Entry) []string {
	if len(e.Keys) > 1 {
		return e.Keys[1:]
	}
	return nil
}

// Build indexes every subject of the directory and marks the index ready.
// The postings are counted first, so each list is allocated once at its
// size in one shared array, then filled; they are swapped in at the end.
// Subjects changed in the directory meanwhile are indexed by Add.
func (ix *Index) Build() {
	d := ix.directory()
	const step = 4096
	var buf []uint64
	count := map[uint64]int32{}
	maxID := d.MaxID()
	for lo := int64(1); lo <= maxID; lo += step {
		d.Read(func(v directory.View) {
			for id := lo; id < lo+step && id <= maxID; id++ {
				if v.Has(id) {
					buf = keyBigrams(buf, v, id)
					for _, b := range buf {
						count[b]++
					}
				}
			}
		})
	}
	var total int
	for _, c := range count {
		total += int(c)
	}
	all := make([]int32, total)
	post := make(map[uint64][]int32, len(count))
	off := 0
	for b, c := range count {
		post[b] = all[off : off : off+int(c)]
		off += int(c)
	}
	count = nil
	next := &Index{post: post}
	for lo := int64(1); lo <= maxID; lo += step {
		d.Read(func(v directory.View) {
			for id := lo; id < lo+step && id <= maxID; id++ {
				if v.Has(id) {
					buf = keyBigrams(buf, v, id)
					for _, b := range buf {
						// beyond the counted size (a name changed
						// meanwhile) append moves that list
						post[b] = append(post[b], int32(id))
					}
					next.mark(id)
				}
			}
		})
	}
	ix.mu.Lock()
	ix.post, ix.indexed, ix.n, ix.ready = next.post, next.indexed, next.n, true
	ix.mu.Unlock()
}

// Upsert puts entries into the index's directory and indexes them.
// Updated entries keep their old keys as well (a renamed subject stays
// findable by its former name, which the store keeps too).
func (ix *Index) Upsert(entries ...Entry) {
	d := ix.directory()
	ids := make([]int64, 0, len(entries))
	for _, e := range entries {
		if d.Put(dirEntry(e), formers(e)...) == nil {
			ids = append(ids, e.ID)
		}
	}
	ix.Add(ids...)
}

// Add indexes the names the directory holds for the given ids (again:
// postings are only ever added, so former names stay findable). Ids the
// directory does not hold are skipped.
func (ix *Index) Add(ids ...int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var buf []uint64
	ix.dir.Read(func(v directory.View) {
		for _, id := range ids {
			if !v.Has(id) {
				continue
			}
			buf = keyBigrams(buf, v, id)
			for _, b := range buf {
				l := ix.post[b]
				if i, found := slices.BinarySearch(l, int32(id)); !found {
					ix.post[b] = slices.Insert(l, i, int32(id))
				}
			}
			ix.mark(id)
		}
	})
}

// AddRange indexes the ids from..to the directory holds.
func (ix *Index) AddRange(from, to int64) {
	const step = 4096
	ids := make([]int64, 0, min(step, to-from+1))
	for lo := from; lo <= to; lo += step {
		ids = ids[:0]
		for id := lo; id < lo+step && id <= to; id++ {
			ids = append(ids, id)
		}
		ix.Add(ids...)
	}
}

// Search returns up to limit subjects with id > after whose current or
// former normalised name contains q (normalised), in id order.
func (ix *Index) Search(q string, after int64, limit int) []Hit {
	norm := subject.NormalizeName(q)
	if norm == "" || limit <= 0 || after >= math.MaxInt32 {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.dir == nil {
		return nil
	}
	start := int32(max(after+1, 1))
	var out []Hit
	// Candidates are verified in batches, each under one read of the
	// directory (a long scan does not hold it throughout).
	cand := make([]int32, 0, min(max(limit, 16), 256))
	flush := func() bool {
		ix.dir.Read(func(v directory.View) {
			for _, id := range cand {
				if len(out) >= limit {
					break
				}
				if matches(v, int64(id), norm) {
					e, _ := v.Get(int64(id))
					out = append(out, Hit{ID: e.ID, Code: e.Code, Name: e.Name, Type: e.Type, Region: e.Region})
				}
			}
		})
		cand = cand[:0]
		return len(out) < limit
	}
	emit := func(id int32) bool {
		cand = append(cand, id)
		return len(cand) < cap(cand) || flush()
	}
	if utf8.RuneCountInString(norm) < 2 {
		last := int32(len(ix.indexed) * 64)
		for id := start; id < last; id++ {
			if ix.isIndexed(int64(id)) && !emit(id) {
				break
			}
		}
	} else {
		var lists [][]int32
		for _, b := range appendBigrams(nil, norm) {
			l, ok := ix.post[b]
			if !ok {
				return nil
			}
			lists = append(lists, l)
		}
		slices.SortFunc(lists, func(a, b []int32) int { return len(a) - len(b) })
		leapfrog(lists, start, emit)
	}
	if len(cand) > 0 {
		flush()
	}
	return out
}

// matches reports whether a current or former name of id contains norm.
func matches(v directory.View, id int64, norm string) bool {
	if strings.Contains(v.Norm(id), norm) {
		return true
	}
	for _, f := range v.Formers(id) {
		if strings.Contains(f, norm) {
			return true
		}
	}
	return false
}

// leapfrog walks the intersection of sorted lists from position start,
// calling emit for each common element until it returns false.
func leapfrog(lists [][]int32, start int32, emit func(int32) bool) {
	idx := make([]int, len(lists))
	cand := start
	for {
		agreed := 0
		for i := 0; agreed < len(lists); i = (i + 1) % len(lists) {
			l := lists[i]
			j := idx[i] + gallop(l[idx[i]:], cand)
			if j >= len(l) {
				return
			}
			idx[i] = j
			if l[j] == cand {
				agreed++
			} else {
				cand, agreed = l[j], 1
			}
		}
		if !emit(cand) || cand == math.MaxInt32 {
			return
		}
		cand++
	}
}

// gallop returns the first index i of sorted l with l[i] >= v.
func gallop(l []int32, v int32) int {
	if len(l) == 0 || l[0] >= v {
		return 0
	}
	hi := 1
	for hi < len(l) && l[hi] < v {
		hi *= 2
	}
	lo := hi / 2
	hi = min(hi+1, len(l))
	return lo + sort.Search(hi-lo, func(i int) bool { return l[lo+i] >= v })
}
