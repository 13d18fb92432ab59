package main

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// buildTTC makes a collection of faces, each a map of tag to table data;
// tables are laid out after all directories, unaligned on purpose.
func buildTTC(faces []map[string][]byte, tags [][]string) []byte {
	be := binary.BigEndian
	hdr := 12 + 4*len(faces)
	dirs := make([]int, len(faces))
	pos := hdr
	for i, t := range tags {
		dirs[i] = pos
		pos += 12 + 16*len(t)
	}
	out := make([]byte, pos)
	copy(out, "ttcf")
	be.PutUint32(out[4:], 0x00010000)
	be.PutUint32(out[8:], uint32(len(faces)))
	for i, f := range faces {
		be.PutUint32(out[12+4*i:], uint32(dirs[i]))
		d := dirs[i]
		be.PutUint32(out[d:], 0x00010000)
		be.PutUint16(out[d+4:], uint16(len(tags[i])))
		for j, tag := range tags[i] {
			rec := out[d+12+16*j:]
			copy(rec, tag)
			be.PutUint32(rec[8:], uint32(len(out)))
			be.PutUint32(rec[12:], uint32(len(f[tag])))
			out = append(out, f[tag]...)
			out = append(out, 0xEE) // misalign the next table
		}
	}
	return out
}

func TestExtract(t *testing.T) {
	head := make([]byte, 54)
	copy(head[12:], []byte{0x5F, 0x0F, 0x3C, 0xF5})
	faces := []map[string][]byte{
		{"head": head, "name": []byte("face zero"), "cmap": []byte{1, 2, 3}},
		{"head": head, "name": []byte("face one!!"), "glyf": bytes.Repeat([]byte{9}, 13)},
	}
	tags := [][]string{{"name", "head", "cmap"}, {"glyf", "name", "head"}}
	ttc := buildTTC(faces, tags)
	for i := range faces {
		out, err := Extract(ttc, i)
		if err != nil {
			t.Fatal(err)
		}
		be := binary.BigEndian
		if be.Uint32(out) != 0x00010000 || int(be.Uint16(out[4:])) != len(faces[i]) {
			t.Fatalf("face %d: bad offset table", i)
		}
		prev := ""
		for j := 0; j < len(faces[i]); j++ {
			rec := out[12+16*j:]
			tag := string(rec[:4])
			off, ln := be.Uint32(rec[8:]), be.Uint32(rec[12:])
			if tag <= prev {
				t.Errorf("face %d: tables not sorted: %q after %q", i, tag, prev)
			}
			prev = tag
			if off%4 != 0 {
				t.Errorf("face %d: %s at unaligned offset %d", i, tag, off)
			}
			data := out[off : off+ln]
			want := faces[i][tag]
			if tag == "head" {
				if checksum(data[:8]) != checksum(want[:8]) || !bytes.Equal(data[12:], want[12:]) {
					t.Errorf("face %d: head changed beyond checkSumAdjustment", i)
				}
			} else if !bytes.Equal(data, want) {
				t.Errorf("face %d: table %s = %q, want %q", i, tag, data, want)
			}
			if tag != "head" && be.Uint32(rec[4:]) != checksum(data) {
				t.Errorf("face %d: %s checksum wrong", i, tag)
			}
		}
		if checksum(out) != 0xB1B0AFBA {
			t.Errorf("face %d: whole-file checksum %#x, want 0xB1B0AFBA", i, checksum(out))
		}
	}
	if _, err := Extract(ttc, 2); err == nil {
		t.Error("face 2 of 2: no error")
	}
	if _, err := Extract([]byte("OTTO...."), 0); err == nil {
		t.Error("non-TTC input: no error")
	}
}
