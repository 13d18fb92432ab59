package report

import (
	"bytes"
	"crypto/ed25519"
	"encoding/xml"
	"image/png"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"rsc.io/qr"

	"xinyong/internal/errs"
)

var pageObj = regexp.MustCompile(`/Type /Page\b[^s]`)

func pageCount(t *testing.T, pdf []byte) int {
	t.Helper()
	return len(pageObj.FindAll(pdf, -1))
}

func mustRender(t *testing.T, r Report) []byte {
	t.Helper()
	pdf, err := RenderPDF(r)
	if err != nil {
		t.Fatalf("RenderPDF: %v", err)
	}
	return pdf
}

func TestRenderPDFValidAndDeterministic(t *testing.T) {
	r := sampleReport(20)
	pdf := mustRender(t, r)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("output starts with %q, want %%PDF-", pdf[:min(8, len(pdf))])
	}
	if !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Error("output does not end with the EOF marker")
	}
	for _, want := range []string{"/FontFile2", "/BaseFont /utf8" + fontFamily, "/Identity-H", "/ToUnicode"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if n := pageCount(t, pdf); n != 3 {
		t.Errorf("pages = %d, want 3", n)
	}
	for i := 0; i < 3; i++ {
		again := mustRender(t, r)
		if !bytes.Equal(pdf, again) {
			t.Fatalf("render %d differs from the first (len %d vs %d)", i+2, len(again), len(pdf))
		}
	}
	// Any change in content changes the bytes (and so the digest).
	r2 := sampleReport(20)
	r2.Sections[1].Rows[3][3] = "罚款人民币1元"
	if Digest(mustRender(t, r2)) == Digest(pdf) {
		t.Error("changed content rendered to the same digest")
	}
}

func TestRenderPDFConcurrent(t *testing.T) {
	want := Digest(mustRender(t, sampleReport(10)))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			pdf, err := RenderPDF(sampleReport(10))
			if err != nil || Digest(pdf) != want {
				t.Errorf("concurrent render differs (err %v)", err)
			}
		})
	}
	wg.Wait()
}

func TestRenderPDFLongTableSpansPages(t *testing.T) {
	r := sampleReport(120)
	pdf := mustRender(t, r)
	if n := pageCount(t, pdf); n < 8 {
		t.Errorf("120 records gave %d pages, want at least 8", n)
	}
}

func TestRenderPDFRowTallerThanPage(t *testing.T) {
	r := sampleReport(1)
	long := strings.Repeat("该主体未按照规定履行法定义务，情节严重，社会影响恶劣。ABCDEFG 0123456789 ", 150)
	r.Sections[1].Rows[0][2] = long
	pdf := mustRender(t, r)
	if n := pageCount(t, pdf); n < 4 {
		t.Errorf("a cell of %d characters gave %d pages, want it split over several", utf8.RuneCountInString(long), n)
	}
}

func TestRenderPDFMinimalAndOddText(t *testing.T) {
	r := Report{
		Number:      "XY20260101-000001",
		GeneratedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Subject:     Header{Name: "张𠀀（生僻字）😀\t\x07", CodeLabel: "身份证号码", Code: "3501**********123X"},
		Sections: []Section{
			{Title: "无表头", Columns: nil},
			{Title: "多列", Columns: strings.Split("一二三四五六七八九十甲乙丙丁", ""), Rows: [][]string{{"1", "2"}}},
			{Title: "换行", Columns: []string{"内容"}, Rows: [][]string{{"第一行\r\n第二行\n\n第四行"}}},
		},
	}
	pdf := mustRender(t, r)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || pageCount(t, pdf) != 1 {
		t.Errorf("minimal report: %d pages", pageCount(t, pdf))
	}
}

func TestRenderPDFInvalid(t *testing.T) {
	ok := sampleReport(2)
	tests := []struct {
		name   string
		mutate func(*Report)
		fields []string
	}{
		{"no number", func(r *Report) { r.Number = " " }, []string{"number"}},
		{"no time", func(r *Report) { r.GeneratedAt = time.Time{} }, []string{"generated_at"}},
		{"url too long", func(r *Report) { r.VerifyURL = strings.Repeat("x", 4000) }, []string{"verify_url"}},
		{"row too wide", func(r *Report) { r.Sections[1].Rows[1] = append(r.Sections[1].Rows[1], "x") }, []string{"sections[1].rows[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			r.Sections = append([]Section(nil), ok.Sections...)
			r.Sections[1].Rows = append([][]string(nil), ok.Sections[1].Rows...)
			r.Sections[1].Rows[1] = append([]string(nil), ok.Sections[1].Rows[1]...)
			tt.mutate(&r)
			_, err := RenderPDF(r)
			if !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("err = %v, want invalid", err)
			}
			var got []string
			for _, f := range errs.As(err).Fields {
				got = append(got, f.Field)
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// The font subset must hold every character drawn on the first pass.
func TestReportRunesCoverDrawnText(t *testing.T) {
	fc, err := embeddedFace()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Report{sampleReport(30), {Number: "1", GeneratedAt: time.Unix(0, 0)}} {
		if err := normalize(&r); err != nil {
			t.Fatal(err)
		}
		d := render(&r, fc, reportRunes(&r))
		if m := d.missing.runes(); m != nil {
			t.Errorf("drawn but not in the subset: %q (add them to staticText)", string(m))
		}
	}
}

func TestFontSubset(t *testing.T) {
	fc, err := embeddedFace()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range "统一社会信用代码ABCxyz0123456789" {
		if !covered(c) {
			t.Errorf("font lacks %q", c)
		}
	}
	if sum := sfntChecksum(fontTTF); sum != 0xB1B0AFBA {
		t.Errorf("embedded font checksum %#x, want 0xB1B0AFBA", sum)
	}
	text := "统一社会信用代码 91350100M000100Y43 ABC 0123456789 Ééü"
	var set runeSet
	set.addString(text)
	sub := fc.subset(set.runes())
	got, err := parseFace(sub)
	if err != nil {
		t.Fatalf("subset does not parse: %v", err)
	}
	if got.numGlyphs > 60 || len(sub) > 64<<10 {
		t.Errorf("subset has %d glyphs, %d bytes", got.numGlyphs, len(sub))
	}
	for _, c := range text {
		og, ng := fc.gid[c], got.gid[c]
		if ng == 0 {
			t.Errorf("subset lacks %q", c)
			continue
		}
		a := fc.glyf[fc.loca[og]:fc.loca[og+1]]
		b := got.glyf[got.loca[ng]:got.loca[ng+1]]
		if components(a) == nil && !bytes.Equal(a, bytes.TrimRight(b, "\x00")[:len(a)]) {
			t.Errorf("glyph data for %q differs", c)
		}
	}
	if sum := sfntChecksum(sub); sum != 0xB1B0AFBA {
		t.Errorf("subset checksum %#x, want 0xB1B0AFBA", sum)
	}
	if got.gid['啊'] != 0 {
		t.Error("subset maps a character that was not asked for")
	}
}

func TestWrap(t *testing.T) {
	fc, _ := embeddedFace()
	var set runeSet
	d := newDoc(&Report{Number: "1", GeneratedAt: time.Unix(0, 0)}, fc.subset(set.runes()), &set)
	d.pdf.AddPage()
	d.font(bodyPt)
	// Widths come from the subset, so give it the characters first.
	text := "未按规定公示年度报告，且在责令限期改正期间逾期未改正。统一社会信用代码91350100M000100Y43，罚款人民币5000元。"
	set.addString(text)
	d = newDoc(&Report{Number: "1", GeneratedAt: time.Unix(0, 0)}, fc.subset(set.runes()), &set)
	d.pdf.AddPage()
	d.font(bodyPt)
	for _, w := range []float64{20, 33, 50, 80, 400} {
		lines := d.wrap(text, w)
		if strings.Join(lines, "") != text {
			t.Errorf("w=%v: lines %q do not join back to the text", w, lines)
		}
		for i, ln := range lines {
			if i > 0 && ln != "" && noLineStart([]rune(ln)[0]) {
				t.Errorf("w=%v: line %q starts with closing punctuation", w, ln)
			}
			if lw := d.strW(ln); lw > w+0.01 && !strings.Contains(ln, "91350100M000100Y43") {
				t.Errorf("w=%v: line %q is %.1f mm wide", w, ln, lw)
			}
		}
	}
	if lines := d.wrap("91350100M000100Y43", 10); len(lines) < 2 {
		t.Errorf("an over-long code was not broken: %q", lines)
	}
	if got := d.wrap("", 50); !cmp.Equal(got, []string{""}) {
		t.Errorf("wrap(\"\") = %q", got)
	}
}

func TestCNNumber(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 99: "九十九", 100: "100"} {
		if got := cnNumber(n); got != want {
			t.Errorf("cnNumber(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestQRPNG(t *testing.T) {
	const text = "https://credit.example.gov.cn/verify?no=XY20261123-000123&code=FH93VSETH8MX"
	code, err := qr.Encode(text, qrLevel)
	if err != nil {
		t.Fatal(err)
	}
	for _, scale := range []int{1, 4, 8} {
		b, err := QRPNG(text, scale)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("scale %d: not a PNG: %v", scale, err)
		}
		want := (code.Size + 2*qrQuiet) * scale
		if got := img.Bounds(); got.Dx() != want || got.Dy() != want {
			t.Errorf("scale %d: size %v, want %dx%d", scale, got, want, want)
		}
		dark := func(x, y int) bool { r, _, _, _ := img.At(x, y).RGBA(); return r < 0x8000 }
		q := qrQuiet * scale
		if dark(0, 0) || dark(q-1, q-1) {
			t.Errorf("scale %d: quiet zone is not white", scale)
		}
		if !dark(q, q) || !dark(want-q-1, q) || !dark(q, want-q-1) {
			t.Errorf("scale %d: finder pattern corners are not dark", scale)
		}
		for y := 0; y < code.Size; y++ {
			for x := 0; x < code.Size; x++ {
				if dark(q+x*scale, q+y*scale) != code.Black(x, y) {
					t.Fatalf("scale %d: module (%d,%d) wrong", scale, x, y)
				}
			}
		}
	}
	if _, err := QRPNG(text, 0); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("scale 0: err = %v, want invalid", err)
	}
	if _, err := QRPNG("", 4); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("empty text: err = %v, want invalid", err)
	}
	if _, err := QRPNG(strings.Repeat("x", 5000), 4); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("too long: err = %v, want invalid", err)
	}
}

func TestQRSVG(t *testing.T) {
	const text = "https://credit.example.gov.cn/s/91350100M000100Y43"
	s, err := QRSVG(text)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		ViewBox string   `xml:"viewBox,attr"`
		Paths   []struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	code, _ := qr.Encode(text, qrLevel)
	n := code.Size + 2*qrQuiet
	if want := "0 0 " + strconv.Itoa(n) + " " + strconv.Itoa(n); doc.ViewBox != want {
		t.Errorf("viewBox %q, want %q", doc.ViewBox, want)
	}
	if len(doc.Paths) != 1 || !strings.HasPrefix(doc.Paths[0].D, "M4 4h7") {
		t.Errorf("want one path starting with the finder pattern, got %d paths", len(doc.Paths))
	}
	// Count dark modules in the path against the bitmap.
	dark := 0
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if code.Black(x, y) {
				dark++
			}
		}
	}
	sum := 0
	for _, m := range regexp.MustCompile(`h(\d+)v`).FindAllStringSubmatch(doc.Paths[0].D, -1) {
		w, _ := strconv.Atoi(m[1])
		sum += w
	}
	if sum != dark {
		t.Errorf("path covers %d modules, bitmap has %d", sum, dark)
	}
}

func TestSignVerify(t *testing.T) {
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	s, err := NewSigner(seed)
	if err != nil {
		t.Fatal(err)
	}
	pdf := mustRender(t, sampleReport(3))
	d := Digest(pdf)
	sig := s.Sign(d[:])
	if !Verify(s.PublicKey(), d[:], sig) {
		t.Fatal("signature of the digest does not verify")
	}
	// Tampering with one byte of the PDF changes the digest.
	bad := append([]byte(nil), pdf...)
	bad[len(bad)/2] ^= 1
	bd := Digest(bad)
	if Verify(s.PublicKey(), bd[:], sig) {
		t.Error("tampered PDF verified")
	}
	badSig := append([]byte(nil), sig...)
	badSig[0] ^= 0x80
	if Verify(s.PublicKey(), d[:], badSig) {
		t.Error("tampered signature verified")
	}
	other, _ := NewSigner(bytes.Repeat([]byte{8}, ed25519.SeedSize))
	if Verify(other.PublicKey(), d[:], sig) {
		t.Error("verified under another key")
	}
	if Verify(nil, d[:], sig) || Verify(s.PublicKey(), d[:], sig[:10]) {
		t.Error("malformed key or signature verified")
	}
	again, _ := NewSigner(seed)
	if !bytes.Equal(again.Sign(d[:]), sig) || !again.PublicKey().Equal(s.PublicKey()) {
		t.Error("same seed gave a different key")
	}
	if _, err := NewSigner(seed[:31]); !errs.Is(err, errs.KindInvalid) {
		t.Errorf("short seed: err = %v, want invalid", err)
	}
}

func TestVerifyCode(t *testing.T) {
	r := sampleReport(5)
	cd := ContentDigest(r)
	code := VerifyCode(r.Number, cd)
	if len(code) != VerifyCodeLen || strings.Trim(code, codeAlphabet) != "" {
		t.Fatalf("code %q: want %d characters from %s", code, VerifyCodeLen, codeAlphabet)
	}
	if VerifyCode(r.Number, cd) != code {
		t.Error("not deterministic")
	}
	if VerifyCode("XY20261123-000124", cd) == code {
		t.Error("code ignores the number")
	}
	// ContentDigest covers content but not the verification fields.
	r2 := r
	r2.VerifyCode, r2.VerifyURL = "X", "Y"
	if ContentDigest(r2) != cd {
		t.Error("ContentDigest depends on VerifyCode/VerifyURL")
	}
	r2.Subject.Name += "分公司"
	if ContentDigest(r2) == cd || VerifyCode(r.Number, ContentDigest(r2)) == code {
		t.Error("ContentDigest ignores the subject name")
	}
	if got := NormalizeVerifyCode(" fh93-vset h8mx "); got != "FH93VSETH8MX" {
		t.Errorf("NormalizeVerifyCode = %q", got)
	}
}

func TestNewNumber(t *testing.T) {
	tests := []struct {
		t    time.Time
		seq  int64
		want string
	}{
		{time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 123, "XY20261123-000123"},
		{time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC), 1, "XY20261123-000001"}, // midnight in Shanghai
		{time.Date(2026, 11, 22, 15, 59, 59, 0, time.UTC), 0, "XY20261122-000000"},
		{time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC), 1234567, "XY20260102-1234567"},
	}
	for _, tt := range tests {
		if got := NewNumber(tt.t, tt.seq); got != tt.want {
			t.Errorf("NewNumber(%v, %d) = %q, want %q", tt.t, tt.seq, got, tt.want)
		}
	}
}

// TestWriteSample writes a sample PDF for eyeballing:
// REPORT_SAMPLE_PDF=/tmp/r.pdf go test -run WriteSample ./internal/report
func TestWriteSample(t *testing.T) {
	out := os.Getenv("REPORT_SAMPLE_PDF")
	if out == "" {
		t.Skip("set REPORT_SAMPLE_PDF to write a sample")
	}
	if err := os.WriteFile(out, mustRender(t, sampleReport(20)), 0o644); err != nil {
		t.Fatal(err)
	}
}
