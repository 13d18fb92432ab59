// Package search keeps an in-memory name index of all credit subjects so
// that substring search, including two-character Chinese queries such as
// "华为", answers in well under a millisecond over a million subjects.
//
// Names are indexed by character bigrams: every bigram of every normalised
// name (subject.NormalizeName, current and former) maps to the ascending list
// of entry positions holding it. A query of two or more characters
// intersects the lists of its bigrams (leapfrog join) and verifies each
// candidate with strings.Contains; a one-character query scans. Entries are
// kept in ascending id order, so results come out in id order and a cursor
// ("after id") pages through them.
package search

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"xinyong/internal/subject"
)

// Entry is what the index knows of a subject.
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
	mu    sync.RWMutex
	ents  []Entry
	pos   map[int64]int32
	post  map[uint64][]int32
	ready bool
}

// New returns an empty index (not ready until Replace or MarkReady).
func New() *Index {
	return &Index{pos: map[int64]int32{}, post: map[uint64][]int32{}}
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
	return len(ix.ents)
}

func bigram(a, b rune) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// bigrams calls fn for each distinct bigram of s.
func bigrams(s string, fn func(uint64)) {
	var prev rune = -1
	var seen []uint64
	for _, r := range s {
		if prev >= 0 {
			k := bigram(prev, r)
			if !slices.Contains(seen, k) {
				seen = append(seen, k)
				fn(k)
			}
		}
		prev = r
	}
}

// Replace builds the index from entries (any order) and marks it ready. The
// postings are built outside the lock, then swapped in.
func (ix *Index) Replace(entries []Entry) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].ID < entries[j].ID })
	entries = slices.CompactFunc(entries, func(a, b Entry) bool { return a.ID == b.ID })
	pos := make(map[int64]int32, len(entries))
	post := make(map[uint64][]int32, 1<<16)
	for i := range entries {
		pos[entries[i].ID] = int32(i)
		p := int32(i)
		for _, k := range entries[i].Keys {
			bigrams(k, func(b uint64) {
				l := post[b]
				if n := len(l); n == 0 || l[n-1] != p {
					post[b] = append(l, p)
				}
			})
		}
	}
	ix.mu.Lock()
	ix.ents, ix.pos, ix.post, ix.ready = entries, pos, post, true
	ix.mu.Unlock()
}

// Upsert adds or updates entries. Updated entries keep their old keys as
// well (a renamed subject stays findable by its former name, which the
// store keeps too). An entry whose id is lower than the highest indexed one
// and is not yet indexed forces a rebuild (rare: ids are assigned in order).
func (ix *Index) Upsert(entries ...Entry) {
	ix.mu.Lock()
	rebuild := false
	for _, e := range entries {
		if p, ok := ix.pos[e.ID]; ok {
			old := ix.ents[p]
			keys := old.Keys
			for _, k := range e.Keys {
				if !slices.Contains(keys, k) {
					keys = append(slices.Clip(keys), k)
					ix.addPostings(k, p)
				}
			}
			e.Keys = keys
			ix.ents[p] = e
			continue
		}
		if n := len(ix.ents); n > 0 && ix.ents[n-1].ID > e.ID {
			rebuild = true
			ix.ents = append(ix.ents, e)
			continue
		}
		p := int32(len(ix.ents))
		ix.ents = append(ix.ents, e)
		ix.pos[e.ID] = p
		for _, k := range e.Keys {
			ix.addPostings(k, p)
		}
	}
	if !rebuild {
		ix.mu.Unlock()
		return
	}
	all := slices.Clone(ix.ents)
	ix.mu.Unlock()
	ix.Replace(all)
}

// addPostings inserts p into the postings of k's bigrams, keeping them sorted.
func (ix *Index) addPostings(k string, p int32) {
	bigrams(k, func(b uint64) {
		l := ix.post[b]
		i, found := slices.BinarySearch(l, p)
		if !found {
			ix.post[b] = slices.Insert(l, i, p)
		}
	})
}

// Search returns up to limit subjects with id > after whose current or
// former normalised name contains q (normalised), in id order.
func (ix *Index) Search(q string, after int64, limit int) []Hit {
	norm := subject.NormalizeName(q)
	if norm == "" || limit <= 0 {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	start := int32(sort.Search(len(ix.ents), func(i int) bool { return ix.ents[i].ID > after }))
	var out []Hit
	emit := func(p int32) bool {
		e := &ix.ents[p]
		for _, k := range e.Keys {
			if strings.Contains(k, norm) {
				out = append(out, Hit{ID: e.ID, Code: e.Code, Name: e.Name, Type: e.Type, Region: e.Region})
				break
			}
		}
		return len(out) < limit
	}
	if utf8.RuneCountInString(norm) < 2 {
		for p := start; p < int32(len(ix.ents)); p++ {
			if !emit(p) {
				break
			}
		}
		return out
	}
	var lists [][]int32
	missing := false
	bigrams(norm, func(b uint64) {
		l, ok := ix.post[b]
		if !ok {
			missing = true
		}
		lists = append(lists, l)
	})
	if missing {
		return nil
	}
	slices.SortFunc(lists, func(a, b []int32) int { return len(a) - len(b) })
	leapfrog(lists, start, emit)
	return out
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
		if !emit(cand) {
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
