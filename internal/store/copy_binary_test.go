package store

import (
	"bytes"
	"strings"
	"testing"
)

// The binary COPY stream of two rows, byte for byte, and the values it
// refuses rather than letting the server misread them.
func TestCopyEncoding(t *testing.T) {
	e := &copyEncoder{types: map[string]map[string]uint32{"t": {"id": oidInt8, "n": oidInt4, "s": oidText, "b": oidBool}}}
	got, err := e.encode("t", []string{"id", "n", "s", "b"}, [][]any{{int64(1), 2, "甲", true}, {int64(-1), nil, "", false}})
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		0, 4, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 3, 0xe7, 0x94, 0xb2, 0, 0, 0, 1, 1,
		0, 4, 0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0,
		0xff, 0xff)
	if !bytes.Equal(got, want) {
		t.Fatalf("encoded\n%v\nwant\n%v", got, want)
	}
	for _, bad := range []struct {
		cols []string
		row  []any
		why  string
	}{
		{[]string{"n"}, []any{int64(1) << 40}, "out of range"},
		{[]string{"s"}, []any{3}, "integer for type"},
		{[]string{"id"}, []any{"1"}, "text for type"},
		{[]string{"id"}, []any{1.5}, "unsupported"},
		{[]string{"x"}, []any{1}, "no column"},
		{[]string{"id", "n"}, []any{1}, "values for"},
	} {
		if _, err := e.encode("t", bad.cols, [][]any{bad.row}); err == nil || !strings.Contains(err.Error(), bad.why) {
			t.Errorf("%v %v: error %v, want %q", bad.cols, bad.row, err, bad.why)
		}
	}
}
