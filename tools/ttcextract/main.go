// Command ttcextract copies one face out of a TrueType Collection (.ttc)
// into a standalone sfnt (.ttf) file.
//
//	go run ./tools/ttcextract -face 0 /usr/share/fonts/truetype/wqy/wqy-microhei.ttc out.ttf
//
// It reads the TTC header, takes the chosen face's table directory, copies
// each table into a new file (4-byte aligned, tables sorted by tag), then
// recomputes every table checksum and head.checkSumAdjustment.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
)

func main() {
	face := flag.Int("face", 0, "index of the face to extract")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: ttcextract [-face N] in.ttc out.ttf")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	in, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	out, err := Extract(in, *face)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(flag.Arg(1), out, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ttcextract:", err)
	os.Exit(1)
}

type table struct {
	tag  string
	data []byte
}

// Extract returns face number face of the collection ttc as an sfnt file.
func Extract(ttc []byte, face int) ([]byte, error) {
	be := binary.BigEndian
	if len(ttc) < 12 || string(ttc[:4]) != "ttcf" {
		return nil, errors.New("not a TrueType Collection (missing ttcf tag)")
	}
	numFonts := int(be.Uint32(ttc[8:12]))
	if face < 0 || face >= numFonts {
		return nil, fmt.Errorf("face %d out of range (collection has %d)", face, numFonts)
	}
	if len(ttc) < 12+4*numFonts {
		return nil, errors.New("truncated TTC header")
	}
	off := int(be.Uint32(ttc[12+4*face:]))
	if off+12 > len(ttc) {
		return nil, errors.New("face offset out of range")
	}
	sfntVersion := be.Uint32(ttc[off:])
	numTables := int(be.Uint16(ttc[off+4:]))
	if off+12+16*numTables > len(ttc) {
		return nil, errors.New("truncated table directory")
	}
	tables := make([]table, 0, numTables)
	for i := 0; i < numTables; i++ {
		rec := ttc[off+12+16*i:]
		tag := string(rec[:4])
		toff := int(be.Uint32(rec[8:]))
		tlen := int(be.Uint32(rec[12:]))
		if toff < 0 || tlen < 0 || toff+tlen > len(ttc) {
			return nil, fmt.Errorf("table %q out of range", tag)
		}
		data := make([]byte, tlen)
		copy(data, ttc[toff:toff+tlen])
		tables = append(tables, table{tag, data})
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].tag < tables[j].tag })

	// Offset table.
	es := 0
	for 1<<(es+1) <= numTables {
		es++
	}
	searchRange := (1 << es) * 16
	hdr := make([]byte, 12+16*numTables)
	be.PutUint32(hdr[0:], sfntVersion)
	be.PutUint16(hdr[4:], uint16(numTables))
	be.PutUint16(hdr[6:], uint16(searchRange))
	be.PutUint16(hdr[8:], uint16(es))
	be.PutUint16(hdr[10:], uint16(numTables*16-searchRange))

	out := hdr
	headAt := -1
	for i, t := range tables {
		pos := len(out)
		if t.tag == "head" {
			if len(t.data) < 12 {
				return nil, errors.New("head table too short")
			}
			be.PutUint32(t.data[8:], 0) // checkSumAdjustment, recomputed below
			headAt = pos
		}
		out = append(out, t.data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		rec := out[12+16*i:]
		copy(rec[:4], t.tag)
		be.PutUint32(rec[4:], checksum(t.data))
		be.PutUint32(rec[8:], uint32(pos))
		be.PutUint32(rec[12:], uint32(len(t.data)))
	}
	if headAt >= 0 {
		be.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out, nil
}

// checksum is the sfnt table checksum: the sum of big-endian uint32 words,
// the data zero-padded to a multiple of four bytes.
func checksum(b []byte) uint32 {
	var sum uint32
	n := len(b) &^ 3
	for i := 0; i < n; i += 4 {
		sum += binary.BigEndian.Uint32(b[i:])
	}
	if n < len(b) {
		var last [4]byte
		copy(last[:], b[n:])
		sum += binary.BigEndian.Uint32(last[:])
	}
	return sum
}
