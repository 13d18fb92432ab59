package bincode

import (
	"encoding/binary"
	"errors"
	"testing"
)

func TestReader(t *testing.T) {
	b := AppendString(nil, "信用")
	b = binary.AppendVarint(b, -42)
	b = binary.AppendUvarint(b, 300)
	b = AppendString(b, "")
	r := &Reader{B: b}
	if s, v, u, e := r.View(), r.Varint(), r.Uvarint(), r.String(); s != "信用" || v != -42 || u != 300 || e != "" || r.Err != nil || len(r.B) != 0 {
		t.Fatalf("read %q %d %d %q, err %v, %d left", s, v, u, e, r.Err, len(r.B))
	}
	bad := errors.New("bad")
	r = &Reader{B: AppendString(nil, "abc")[:3], Bad: bad}
	if s := r.String(); s != "" || r.Err != bad || r.B != nil {
		t.Errorf("truncated string: %q %v", s, r.Err)
	}
	if r.Uvarint(); r.Err != bad { // the first error sticks
		t.Errorf("error after failure: %v", r.Err)
	}
	r = &Reader{B: []byte{0x80}}
	if r.Varint(); r.Err != ErrMalformed {
		t.Errorf("truncated varint: %v", r.Err)
	}
}
