// Package bincode holds what the compact binary encodings share (check
// journal frames, check blocks, check-index snapshots): varints,
// length-prefixed strings, and a reader whose first error sticks.
package bincode

import (
	"encoding/binary"
	"errors"
	"unsafe"
)

// ErrMalformed is a Reader's error when its user set none.
var ErrMalformed = errors.New("malformed binary encoding")

// Reader reads from B. The first failure sets Err (to Bad, or
// ErrMalformed) and empties B, so later reads return zero values; callers
// check Err once at the end.
type Reader struct {
	B   []byte
	Err error
	Bad error
}

// Fail records a malformed input.
func (r *Reader) Fail() {
	if r.Err == nil {
		r.Err = r.Bad
		if r.Err == nil {
			r.Err = ErrMalformed
		}
	}
	r.B = nil
}

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.B)
	if n <= 0 {
		r.Fail()
		return 0
	}
	r.B = r.B[n:]
	return v
}

// Varint reads a signed varint.
func (r *Reader) Varint() int64 {
	v, n := binary.Varint(r.B)
	if n <= 0 {
		r.Fail()
		return 0
	}
	r.B = r.B[n:]
	return v
}

// Next returns the next n bytes (sharing B), or nil after a failure.
func (r *Reader) Next(n uint64) []byte {
	if n > uint64(len(r.B)) {
		r.Fail()
		return nil
	}
	p := r.B[:n:n]
	r.B = r.B[n:]
	return p
}

// Bytes reads a length-prefixed byte string (sharing B).
func (r *Reader) Bytes() []byte { return r.Next(r.Uvarint()) }

// String reads a length-prefixed string, copied.
func (r *Reader) String() string { return string(r.Bytes()) }

// View reads a length-prefixed string that shares B's memory: B must not
// change while the string is in use.
func (r *Reader) View() string {
	b := r.Bytes()
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// AppendString appends s with its length as an unsigned varint.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
