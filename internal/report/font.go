package report

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sort"
	"sync"
)

// fontTTF is WenQuanYi Micro Hei Regular (Apache-2.0; see font/LICENSE):
// CJK, Latin letters and digits in one face, about 49,000 glyphs.
//
//go:embed font/wqy-microhei.ttf
var fontTTF []byte

// fontFamily is the fpdf family name of the font; the PDF names it
// "utf8" + fontFamily.
const fontFamily = "wqymicrohei"

// Handing fpdf the whole 4.6 MB face costs ~40 ms per document (it parses
// every cmap entry and metric on load and again on output). Instead each
// render gives fpdf a small TrueType subset holding only the characters that
// document uses, cut from a face parsed once per process.

// face is a parsed TrueType font, read-only after parseFace.
type face struct {
	tables    map[string][]byte
	gid       []uint16 // BMP rune -> glyph id (0: none)
	loca      []uint32 // numGlyphs+1 glyph offsets into glyf
	glyf      []byte
	hmtx      []byte
	numHM     int // numberOfHMetrics
	numGlyphs int
}

var (
	faceOnce sync.Once
	theFace  *face
	faceErr  error
)

func embeddedFace() (*face, error) {
	faceOnce.Do(func() { theFace, faceErr = parseFace(fontTTF) })
	return theFace, faceErr
}

// covered reports whether the embedded font has a glyph for r.
func covered(r rune) bool {
	f, err := embeddedFace()
	return err == nil && r > 0 && r <= 0xFFFF && f.gid[r] != 0
}

var errFont = errors.New("report: malformed font")

func parseFace(ttf []byte) (*face, error) {
	be := binary.BigEndian
	if len(ttf) < 12 {
		return nil, errFont
	}
	f := &face{tables: map[string][]byte{}}
	n := int(be.Uint16(ttf[4:]))
	if len(ttf) < 12+16*n {
		return nil, errFont
	}
	for i := 0; i < n; i++ {
		rec := ttf[12+16*i:]
		off, ln := int(be.Uint32(rec[8:])), int(be.Uint32(rec[12:]))
		if off < 0 || ln < 0 || off+ln > len(ttf) {
			return nil, fmt.Errorf("%w: table %q out of range", errFont, rec[:4])
		}
		f.tables[string(rec[:4])] = ttf[off : off+ln : off+ln]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "name", "OS/2", "post"} {
		if f.tables[t] == nil {
			return nil, fmt.Errorf("%w: no %s table", errFont, t)
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 || len(f.tables["post"]) < 32 {
		return nil, errFont
	}
	f.numGlyphs = int(be.Uint16(maxp[4:]))
	f.numHM = int(be.Uint16(hhea[34:]))
	f.hmtx, f.glyf = f.tables["hmtx"], f.tables["glyf"]
	if f.numHM < 1 || f.numHM > f.numGlyphs || len(f.hmtx) < 4*f.numHM+2*(f.numGlyphs-f.numHM) {
		return nil, fmt.Errorf("%w: hmtx", errFont)
	}
	loca := f.tables["loca"]
	f.loca = make([]uint32, f.numGlyphs+1)
	if be.Uint16(head[50:]) == 0 {
		if len(loca) < 2*(f.numGlyphs+1) {
			return nil, fmt.Errorf("%w: loca", errFont)
		}
		for i := range f.loca {
			f.loca[i] = 2 * uint32(be.Uint16(loca[2*i:]))
		}
	} else {
		if len(loca) < 4*(f.numGlyphs+1) {
			return nil, fmt.Errorf("%w: loca", errFont)
		}
		for i := range f.loca {
			f.loca[i] = be.Uint32(loca[4*i:])
		}
	}
	for i := 0; i < f.numGlyphs; i++ {
		if f.loca[i] > f.loca[i+1] || int(f.loca[i+1]) > len(f.glyf) {
			return nil, fmt.Errorf("%w: loca entry %d", errFont, i)
		}
	}
	gid, err := cmap4(f.tables["cmap"], f.numGlyphs)
	if err != nil {
		return nil, err
	}
	f.gid = gid
	return f, nil
}

// cmap4 reads the Unicode BMP (3,1 or 0,x) format-4 subtable of a cmap.
func cmap4(cmap []byte, numGlyphs int) ([]uint16, error) {
	be := binary.BigEndian
	in := func(off, n int) bool { return off >= 0 && off+n <= len(cmap) }
	if !in(0, 4) {
		return nil, errFont
	}
	sub := -1
	for i := 0; i < int(be.Uint16(cmap[2:])); i++ {
		e := 4 + 8*i
		if !in(e, 8) {
			return nil, errFont
		}
		pid, eid := be.Uint16(cmap[e:]), be.Uint16(cmap[e+2:])
		off := int(be.Uint32(cmap[e+4:]))
		if (pid == 3 && eid == 1 || pid == 0) && in(off, 14) && be.Uint16(cmap[off:]) == 4 {
			sub = off
			break
		}
	}
	if sub < 0 {
		return nil, fmt.Errorf("%w: no format 4 Unicode cmap", errFont)
	}
	segX2 := int(be.Uint16(cmap[sub+6:]))
	ends := sub + 14
	starts := ends + segX2 + 2
	deltas := starts + segX2
	ranges := deltas + segX2
	if !in(ranges, segX2) {
		return nil, errFont
	}
	gid := make([]uint16, 0x10000)
	for s := 0; s < segX2; s += 2 {
		end := int(be.Uint16(cmap[ends+s:]))
		start := int(be.Uint16(cmap[starts+s:]))
		delta := int(be.Uint16(cmap[deltas+s:]))
		ro := int(be.Uint16(cmap[ranges+s:]))
		for c := start; c <= end && c < 0xFFFF; c++ {
			g := 0
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else if at := ranges + s + ro + 2*(c-start); in(at, 2) {
				if g = int(be.Uint16(cmap[at:])); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g < numGlyphs {
				gid[c] = uint16(g)
			}
		}
	}
	return gid, nil
}

// Composite glyph flags (OpenType glyf table).
const (
	argWords      = 0x0001
	haveScale     = 0x0008
	moreComps     = 0x0020
	haveXYScale   = 0x0040
	haveTwoByTwo  = 0x0080
	glyphHdrBytes = 10
)

// components returns the byte offsets, within glyph data g, of the glyph
// indices of a composite glyph's components (none for a simple glyph).
func components(g []byte) []int {
	if len(g) < glyphHdrBytes || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil
	}
	var at []int
	p := glyphHdrBytes
	for p+4 <= len(g) {
		flags := binary.BigEndian.Uint16(g[p:])
		at = append(at, p+2)
		p += 4
		if flags&argWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComps == 0 {
			break
		}
	}
	return at
}

type runeGlyph struct {
	r rune
	g uint16
}

// runeSet is a set of BMP runes.
type runeSet [0x10000 / 64]uint64

func (s *runeSet) add(r rune) {
	if r >= 0 && r <= 0xFFFF {
		s[r>>6] |= 1 << (uint(r) & 63)
	}
}

func (s *runeSet) has(r rune) bool {
	return r >= 0 && r <= 0xFFFF && s[r>>6]&(1<<(uint(r)&63)) != 0
}

func (s *runeSet) addString(t string) {
	for _, r := range t {
		s.add(r)
	}
}

func (s *runeSet) union(o *runeSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s *runeSet) runes() []rune {
	var out []rune
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			out = append(out, rune(i*64+b))
			w &= w - 1
		}
	}
	return out
}

// subset builds a standalone TrueType font with the glyphs for runes (plus
// .notdef and composite components), renumbered densely.
func (f *face) subset(runes []rune) []byte {
	be := binary.BigEndian
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })

	newID := map[uint16]uint16{0: 0}
	old := []uint16{0}
	add := func(g uint16) uint16 {
		if id, ok := newID[g]; ok {
			return id
		}
		id := uint16(len(old))
		newID[g] = id
		old = append(old, g)
		return id
	}
	var cm []runeGlyph
	for i, r := range runes {
		if r <= 0 || r > 0xFFFF || f.gid[r] == 0 || i > 0 && runes[i-1] == r {
			continue
		}
		cm = append(cm, runeGlyph{r, add(f.gid[r])})
	}
	// Glyph data, pulling in composite components as they are found.
	var glyf []byte
	loca := make([]byte, 0, 4*(len(old)+1))
	for i := 0; i < len(old); i++ {
		g := old[i]
		loca = be.AppendUint32(loca, uint32(len(glyf)))
		start := len(glyf)
		glyf = append(glyf, f.glyf[f.loca[g]:f.loca[g+1]]...)
		for _, p := range components(glyf[start:]) {
			c := be.Uint16(glyf[start+p:])
			if int(c) >= f.numGlyphs {
				c = 0
			}
			be.PutUint16(glyf[start+p:], add(c))
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	loca = be.AppendUint32(loca, uint32(len(glyf)))
	n := len(old)

	hmtx := make([]byte, 0, 4*n)
	for _, g := range old {
		var adv, lsb []byte
		if int(g) < f.numHM {
			adv, lsb = f.hmtx[4*int(g):4*int(g)+2], f.hmtx[4*int(g)+2:4*int(g)+4]
		} else {
			adv = f.hmtx[4*(f.numHM-1) : 4*(f.numHM-1)+2]
			at := 4*f.numHM + 2*(int(g)-f.numHM)
			lsb = f.hmtx[at : at+2]
		}
		hmtx = append(append(hmtx, adv...), lsb...)
	}

	head := append([]byte(nil), f.tables["head"]...)
	be.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	be.PutUint16(head[50:], 1) // long loca
	hhea := append([]byte(nil), f.tables["hhea"]...)
	be.PutUint16(hhea[34:], uint16(n))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	be.PutUint16(maxp[4:], uint16(n))
	post := append([]byte(nil), f.tables["post"][:32]...)
	be.PutUint32(post[0:], 0x00030000) // no glyph names

	tables := map[string][]byte{
		"OS/2": f.tables["OS/2"], "cmap": cmapTable(cm),
		"glyf": glyf, "head": head, "hhea": hhea, "hmtx": hmtx, "loca": loca,
		"maxp": maxp, "name": f.tables["name"], "post": post,
	}
	for _, t := range []string{"cvt ", "fpgm", "prep", "gasp"} {
		if f.tables[t] != nil {
			tables[t] = f.tables[t]
		}
	}
	return assembleSfnt(tables)
}

// cmapTable builds a cmap with one (3,1) format-4 subtable for the sorted
// mappings, one segment per run of consecutive runes and glyph ids.
func cmapTable(ms []runeGlyph) []byte {
	be := binary.BigEndian
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for _, m := range ms {
		r, g := m.r, m.g
		if k := len(segs) - 1; k >= 0 && rune(segs[k].end)+1 == r && uint16(r)+segs[k].delta == g {
			segs[k].end++
			continue
		}
		segs = append(segs, seg{uint16(r), uint16(r), g - uint16(r)})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	sr := 2 << es
	sub := make([]byte, 0, 16+8*n)
	sub = be.AppendUint16(sub, 4)
	sub = be.AppendUint16(sub, uint16(16+8*n))
	sub = be.AppendUint16(sub, 0) // language
	sub = be.AppendUint16(sub, uint16(2*n))
	sub = be.AppendUint16(sub, uint16(sr))
	sub = be.AppendUint16(sub, uint16(es))
	sub = be.AppendUint16(sub, uint16(2*n-sr))
	for _, s := range segs {
		sub = be.AppendUint16(sub, s.end)
	}
	sub = be.AppendUint16(sub, 0) // reservedPad
	for _, s := range segs {
		sub = be.AppendUint16(sub, s.start)
	}
	for _, s := range segs {
		sub = be.AppendUint16(sub, s.delta)
	}
	for range segs {
		sub = be.AppendUint16(sub, 0) // idRangeOffset
	}
	out := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(out, sub...)
}

// assembleSfnt writes a TrueType file from its tables (sorted by tag,
// 4-byte aligned, with checksums and head.checkSumAdjustment).
func assembleSfnt(tables map[string][]byte) []byte {
	be := binary.BigEndian
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for t, d := range tables {
		tags = append(tags, t)
		size += (len(d) + 3) &^ 3
	}
	sort.Strings(tags)
	n := len(tags)
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	out := make([]byte, 12+16*n, size)
	be.PutUint32(out[0:], 0x00010000)
	be.PutUint16(out[4:], uint16(n))
	be.PutUint16(out[6:], uint16(16<<es))
	be.PutUint16(out[8:], uint16(es))
	be.PutUint16(out[10:], uint16(16*n-16<<es))
	headAt := -1
	for i, t := range tags {
		d := tables[t]
		pos := len(out)
		if t == "head" {
			headAt = pos
		}
		out = append(out, d...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		rec := out[12+16*i:]
		copy(rec, t)
		be.PutUint32(rec[4:], sfntChecksum(d))
		be.PutUint32(rec[8:], uint32(pos))
		be.PutUint32(rec[12:], uint32(len(d)))
	}
	if headAt >= 0 {
		be.PutUint32(out[headAt+8:], 0xB1B0AFBA-sfntChecksum(out))
	}
	return out
}

func sfntChecksum(b []byte) uint32 {
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
