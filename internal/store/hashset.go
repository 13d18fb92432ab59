package store

// hashSet is a set of 64-bit hashes with open addressing and linear
// probing: an import adds one per record (a million for a large file), and
// a Go map of that size cost several times more per operation, in rehashing
// and probing (docs/benchmarks.md, Ingest, session 9). 0 stands for an
// empty slot, so the hash 0 is kept apart.
type hashSet struct {
	slots []uint64 // power of two long
	n     int
	zero  bool
}

// has reports whether h was added.
func (s *hashSet) has(h uint64) bool {
	if h == 0 {
		return s.zero
	}
	if len(s.slots) == 0 {
		return false
	}
	mask := uint64(len(s.slots) - 1)
	for i := mix(h) & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// add adds h.
func (s *hashSet) add(h uint64) {
	if h == 0 {
		s.zero = true
		return
	}
	if (s.n+1)*4 > len(s.slots)*3 { // keep the load under 3/4
		s.grow()
	}
	if s.insert(h) {
		s.n++
	}
}

func (s *hashSet) insert(h uint64) bool {
	mask := uint64(len(s.slots) - 1)
	for i := mix(h) & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return false
		case 0:
			s.slots[i] = h
			return true
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	s.slots = make([]uint64, max(1024, 2*len(old)))
	for _, h := range old {
		if h != 0 {
			s.insert(h)
		}
	}
}

// len returns the number of hashes added.
func (s *hashSet) len() int {
	if s.zero {
		return s.n + 1
	}
	return s.n
}

// mix spreads the bits of h over the low ones the slot index is taken from
// (the hashes are from maphash, but a set of sequential values must not
// cluster either).
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}
