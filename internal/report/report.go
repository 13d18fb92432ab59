// Package report renders public credit information reports (公共信用信息报告)
// as PDF, draws verification QR codes and signs report digests.
//
// It is pure rendering: no database and no clock (GeneratedAt and AsOf come
// from the caller). The same Report always renders to the same bytes, so the
// SHA-256 Digest of a PDF can be stored, signed with a Signer and compared
// when someone presents a downloaded report for verification. The
// verification code printed in the PDF cannot depend on the PDF's own
// digest; derive it from ContentDigest (see there for the whole flow).
//
// Text is set in the embedded WenQuanYi Micro Hei face (font/LICENSE); only
// the glyphs used are embedded in each PDF.
package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"

	"xinyong/internal/errs"
)

// Header identifies the report's subject.
type Header struct {
	Name      string // 主体名称
	CodeLabel string // label of Code; default 统一社会信用代码 (e.g. 身份证号码 for a person)
	Code      string // USCC, or a masked ID number
	Type      string // subject type label, e.g. 企业法人
	Region    string // 所属地区
	LegalRep  string // 法定代表人 / 负责人
	Status    string // 登记状态, e.g. 存续
}

// Section is one titled table of the report, e.g. 行政处罚信息.
type Section struct {
	Title   string
	Empty   string // shown in place of rows when there are none; default 无
	Columns []string
	Rows    [][]string // each row has at most len(Columns) cells; missing cells are blank
}

// Report is everything a credit report PDF shows.
type Report struct {
	Number      string    // report number, see NewNumber
	GeneratedAt time.Time // when the report was produced; also the PDF's creation date
	AsOf        time.Time // the data is as of this time; default GeneratedAt
	Title       string    // default 公共信用信息报告
	Subject     Header
	Sections    []Section
	VerifyURL   string // encoded in the QR code on page 1; no QR code when empty
	VerifyCode  string // printed under the QR code, see VerifyCode
	Issuer      string // issuing office, e.g. 市社会信用体系建设联席会议办公室（信用办）
	Notes       []string
}

// Defaults applied by RenderPDF to empty fields.
const (
	DefaultTitle     = "公共信用信息报告"
	DefaultEmpty     = "无"
	DefaultCodeLabel = "统一社会信用代码"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW     = 210.0
	pageH     = 297.0
	marginX   = 15.0
	firstTop  = 14.0 // top of page 1
	top       = 19.0 // top of the body on later pages, below the running header
	bottom    = 279.0
	contentW  = pageW - 2*marginX
	padH      = 1.6 // cell padding, horizontal
	padV      = 1.1 // cell padding, vertical
	lineRatio = 1.45
	qrBox     = 30.0 // QR code side including its quiet zone

	titlePt   = 20.0
	metaPt    = 9.5
	headingPt = 12.0
	bodyPt    = 9.0
	notePt    = 8.5
	smallPt   = 8.0
)

// Colours (RGB).
var (
	colAccent = [3]int{0x1f, 0x4e, 0x79} // navy
	colRule   = [3]int{0x99, 0xa4, 0xb3}
	colShade  = [3]int{0xe8, 0xee, 0xf5}
	colText   = [3]int{0x1a, 0x1a, 0x1a}
	colMuted  = [3]int{0x59, 0x59, 0x59}
)

// RenderPDF renders r as an A4 PDF in Chinese. The output depends only on r.
func RenderPDF(r Report) (out []byte, err error) {
	if err := normalize(&r); err != nil {
		return nil, err
	}
	fc, err := embeddedFace()
	if err != nil {
		return nil, errs.Internal(err)
	}
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, errs.Internal(fmt.Errorf("report: render: %v", p))
		}
	}()
	set := reportRunes(&r)
	d := render(&r, fc, set)
	if d.missing.runes() != nil {
		// Some text was not foreseen by reportRunes (a bug, but not one to
		// fail on): render again with every character the first pass drew.
		set.union(&d.missing)
		d = render(&r, fc, set)
	}
	var buf bytes.Buffer
	buf.Grow(128 << 10)
	if err := d.pdf.Output(&buf); err != nil {
		return nil, errs.Internal(fmt.Errorf("report: render: %w", err))
	}
	return buf.Bytes(), nil
}

// staticText holds every character of the fixed text drawn by this file.
const staticText = " 0123456789.:-—：、（）□?年月日" +
	"零一二三四五六七八九十第页共" +
	"报告编号生成时间信息截止出具单位验证码扫核本可通过描右侧二维或登录信用网站输入和真伪；内容以结果为准。" +
	"主体基本名称类型法定代表人所属地区登记状态说明正文结束"

// reportRunes is the set of characters a rendering of r can draw.
func reportRunes(r *Report) *runeSet {
	s := new(runeSet)
	s.addString(staticText)
	s.addString(r.Number)
	s.addString(r.Title)
	s.addString(r.VerifyCode)
	s.addString(r.Issuer)
	h := r.Subject
	for _, v := range []string{h.Name, h.CodeLabel, h.Code, h.Type, h.Region, h.LegalRep, h.Status} {
		s.addString(v)
	}
	for _, sec := range r.Sections {
		s.addString(sec.Title)
		s.addString(sec.Empty)
		for _, c := range sec.Columns {
			s.addString(c)
		}
		for _, row := range sec.Rows {
			for _, c := range row {
				s.addString(c)
			}
		}
	}
	for _, n := range r.Notes {
		s.addString(n)
	}
	return s
}

func render(r *Report, fc *face, set *runeSet) *doc {
	d := newDoc(r, fc.subset(set.runes()), set)
	d.render()
	return d
}

// normalize validates r and fills defaults in place (r is RenderPDF's copy;
// sections are copied before they are changed).
func normalize(r *Report) error {
	var fields []errs.FieldError
	if strings.TrimSpace(r.Number) == "" {
		fields = append(fields, errs.FieldError{Field: "number", Reason: "报告编号不能为空"})
	}
	if r.GeneratedAt.IsZero() {
		fields = append(fields, errs.FieldError{Field: "generated_at", Reason: "报告生成时间不能为空"})
	}
	for i, s := range r.Sections {
		for j, row := range s.Rows {
			if len(row) > len(s.Columns) {
				fields = append(fields, errs.FieldError{
					Field:  fmt.Sprintf("sections[%d].rows[%d]", i, j),
					Reason: fmt.Sprintf("列数（%d）超过表头列数（%d）", len(row), len(s.Columns)),
				})
				break
			}
		}
	}
	if r.VerifyURL != "" {
		if _, err := encodeQR(r.VerifyURL); err != nil {
			fields = append(fields, errs.FieldError{Field: "verify_url", Reason: "核验网址过长，无法生成二维码"})
		}
	}
	if len(fields) > 0 {
		return errs.Invalid("report.invalid", "信用报告内容不完整", fields...)
	}
	if r.AsOf.IsZero() {
		r.AsOf = r.GeneratedAt
	}
	if r.Title == "" {
		r.Title = DefaultTitle
	}
	if r.Subject.CodeLabel == "" {
		r.Subject.CodeLabel = DefaultCodeLabel
	}
	secs := make([]Section, len(r.Sections))
	copy(secs, r.Sections)
	for i := range secs {
		if secs[i].Empty == "" {
			secs[i].Empty = DefaultEmpty
		}
	}
	r.Sections = secs
	return nil
}

type widthKey struct {
	pt float64
	r  rune
}

type doc struct {
	pdf     *fpdf.Fpdf
	have    *runeSet // characters in the font subset
	missing runeSet  // characters drawn but not in the subset
	r       *Report
	y       float64
	pt      float64 // current font size
	widths  map[widthKey]float64
	repl    rune // stand-in for characters the font lacks
}

func newDoc(r *Report, ttf []byte, have *runeSet) *doc {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	pdf.SetCreationDate(r.GeneratedAt)
	pdf.SetModificationDate(r.GeneratedAt)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	pdf.SetTitle(r.Title+" "+r.Number, true)
	pdf.SetSubject(r.Subject.Name, true)
	pdf.SetAuthor(r.Issuer, true)
	pdf.SetCreator("xinyong", true)
	pdf.SetLang("zh-CN")
	pdf.SetMargins(marginX, firstTop, marginX)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	pdf.AddUTF8FontFromBytes(fontFamily, "", ttf)
	d := &doc{pdf: pdf, have: have, r: r, widths: make(map[widthKey]float64, 512), repl: '?'}
	if covered('□') {
		d.repl = '□'
	}
	return d
}

func (d *doc) render() {
	d.newPage()
	d.firstPage()
	d.subject()
	for i, s := range d.r.Sections {
		d.section(i, s)
	}
	d.notes()
	d.closing()
	n := d.pdf.PageCount()
	for i := 1; i <= n; i++ {
		d.pdf.SetPage(i)
		d.footer(i, n)
	}
}

// --- text primitives ---

func mmOf(pt float64) float64 { return pt * 25.4 / 72 }

func (d *doc) lh() float64 { return mmOf(d.pt) * lineRatio }

func (d *doc) font(pt float64) {
	d.pdf.SetFont(fontFamily, "", pt)
	d.pt = pt
}

// resetState re-emits the graphics state into the current page's content
// stream; needed after SetPage, where fpdf's idea of the state is the last
// page's, not this one's.
func (d *doc) resetState(pt float64) {
	d.pdf.SetFont(fontFamily, "", pt+1)
	d.font(pt)
	d.pdf.SetLineWidth(0.2)
	d.color(colRule, colShade, colText)
}

func (d *doc) color(draw, fill, text [3]int) {
	d.pdf.SetDrawColor(draw[0], draw[1], draw[2])
	d.pdf.SetFillColor(fill[0], fill[1], fill[2])
	d.pdf.SetTextColor(text[0], text[1], text[2])
}

func (d *doc) textColor(c [3]int) { d.pdf.SetTextColor(c[0], c[1], c[2]) }

// clean replaces characters the font cannot show and control characters.
func (d *doc) clean(s string) string {
	ok := true
	for _, c := range s {
		if c != '\n' && !covered(c) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, c := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case c == '\n':
			b.WriteRune(c)
		case c == '\t' || c == '\r' || c == '\u00a0' || c == '\u3000' && !covered(c):
			b.WriteByte(' ')
		case unicode.IsControl(c) || unicode.Is(unicode.Cf, c):
		case !covered(c):
			b.WriteRune(d.repl)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func (d *doc) runeW(c rune) float64 {
	k := widthKey{d.pt, c}
	if w, ok := d.widths[k]; ok {
		return w
	}
	w := d.pdf.GetStringWidth(string(c))
	d.widths[k] = w
	return w
}

func (d *doc) strW(s string) float64 {
	w := 0.0
	for _, c := range s {
		w += d.runeW(c)
	}
	return w
}

// text draws one line with its top at y; align is 'L', 'C' or 'R' within
// [x, x+w].
func (d *doc) text(x, y, w float64, s string, align byte) {
	switch align {
	case 'C':
		x += (w - d.strW(s)) / 2
	case 'R':
		x += w - d.strW(s)
	}
	for _, c := range s {
		if !d.have.has(c) {
			d.missing.add(c)
		}
	}
	d.pdf.Text(x, y+d.lh()/2+0.3*mmOf(d.pt), s)
}

// isWordRune reports whether c belongs to a run that should not be broken
// (Latin words, numbers, codes); CJK characters break anywhere.
func isWordRune(c rune) bool {
	return c < 0x2E80 && c != ' ' && c != '\n'
}

// noLineStart lists punctuation that must not begin a line (禁则).
func noLineStart(c rune) bool {
	return strings.ContainsRune("，。、；：？！）》」』”’〕】,.;:?!)%", c)
}

// wrap breaks s into lines no wider than w (mm) at the current font size.
// Latin words and codes stay whole unless wider than a line; CJK text breaks
// between any two characters, except before closing punctuation.
func (d *doc) wrap(s string, w float64) []string {
	var lines []string
	var line []rune
	lw := 0.0
	flush := func() {
		lines = append(lines, strings.TrimRight(string(line), " "))
		line, lw = line[:0], 0
	}
	for _, para := range strings.Split(s, "\n") {
		rs := []rune(para)
		for i := 0; i < len(rs); {
			j := i + 1
			if isWordRune(rs[i]) {
				for j < len(rs) && isWordRune(rs[j]) {
					j++
				}
			}
			tok := rs[i:j]
			tw := 0.0
			for _, c := range tok {
				tw += d.runeW(c)
			}
			switch {
			case lw+tw <= w:
				if len(line) > 0 || rs[i] != ' ' {
					line = append(line, tok...)
					lw += tw
				}
			case rs[i] == ' ':
				flush()
			case len(tok) == 1 && noLineStart(rs[i]) && len(line) > 1:
				// Carry the previous character down with the punctuation.
				last := line[len(line)-1]
				line = line[:len(line)-1]
				flush()
				line = append(line, last, rs[i])
				lw = d.runeW(last) + tw
			case len(line) > 0 && tw <= w:
				flush()
				line = append(line, tok...)
				lw = tw
			default:
				for _, c := range tok {
					cw := d.runeW(c)
					if lw+cw > w && len(line) > 0 {
						flush()
					}
					line = append(line, c)
					lw += cw
				}
			}
			i = j
		}
		flush()
	}
	return lines
}

// --- pages ---

func (d *doc) newPage() {
	d.pdf.AddPage()
	d.resetState(bodyPt)
	if d.pdf.PageNo() == 1 {
		d.y = firstTop
		return
	}
	d.font(smallPt)
	d.textColor(colMuted)
	d.text(marginX, 9, contentW, d.clean(d.r.Title), 'L')
	d.text(marginX, 9, contentW, d.clean("报告编号："+d.r.Number), 'R')
	d.pdf.SetDrawColor(colRule[0], colRule[1], colRule[2])
	d.pdf.Line(marginX, 14.5, pageW-marginX, 14.5)
	d.textColor(colText)
	d.font(bodyPt)
	d.y = top
}

func (d *doc) footer(page, total int) {
	d.resetState(smallPt)
	d.textColor(colMuted)
	d.pdf.Line(marginX, bottom+4, pageW-marginX, bottom+4)
	y := bottom + 5.5
	d.text(marginX, y, contentW, d.clean("报告编号："+d.r.Number), 'L')
	d.text(marginX, y, contentW, fmt.Sprintf("第 %d 页 共 %d 页", page, total), 'R')
	if d.r.Issuer != "" {
		d.text(marginX, y, contentW, d.clean(d.r.Issuer), 'C')
	}
}

func (d *doc) ensure(h float64) {
	if d.y+h > bottom {
		d.newPage()
	}
}

const cstLayout = "2006年01月02日 15:04:05"

func cst(t time.Time) string { return t.In(shanghai).Format(cstLayout) }

func (d *doc) firstPage() {
	r := d.r
	pdf := d.pdf
	// Title.
	d.font(titlePt)
	d.textColor(colAccent)
	d.text(marginX, d.y, contentW, d.clean(r.Title), 'C')
	d.y += d.lh() + 1
	pdf.SetDrawColor(colAccent[0], colAccent[1], colAccent[2])
	pdf.SetLineWidth(0.6)
	pdf.Line(marginX, d.y, pageW-marginX, d.y)
	pdf.SetLineWidth(0.2)
	d.y += 3

	// QR code and verification code at the right.
	qrTop := d.y
	textW := contentW
	qrEnd := d.y
	if r.VerifyURL != "" {
		c, err := encodeQR(r.VerifyURL)
		if err != nil {
			panic(err)
		}
		textW = contentW - qrBox - 4
		x0 := pageW - marginX - qrBox
		m := qrBox / float64(c.Size+2*qrQuiet)
		pdf.SetFillColor(0, 0, 0)
		qrRuns(c, func(x, y, w int) {
			pdf.Rect(x0+float64(x+qrQuiet)*m, qrTop+float64(y+qrQuiet)*m, float64(w)*m+0.01, m+0.01, "F")
		})
		qrEnd = qrTop + qrBox
		d.font(smallPt)
		d.textColor(colMuted)
		d.text(x0, qrEnd-1.5, qrBox, "扫码核验报告", 'C')
		qrEnd += d.lh() - 1.5
		if r.VerifyCode != "" {
			d.textColor(colText)
			d.text(x0-4, qrEnd, qrBox+4, d.clean("验证码 "+r.VerifyCode), 'C')
			qrEnd += d.lh()
		}
	}

	// Report metadata at the left.
	d.font(metaPt)
	d.textColor(colText)
	meta := [][2]string{
		{"报告编号", r.Number},
		{"报告生成时间", cst(r.GeneratedAt)},
		{"信息截止时间", cst(r.AsOf)},
	}
	if r.Issuer != "" {
		meta = append(meta, [2]string{"出具单位", r.Issuer})
	}
	if r.VerifyURL == "" && r.VerifyCode != "" {
		meta = append(meta, [2]string{"验证码", r.VerifyCode})
	}
	labelW := d.strW("报告生成时间：")
	y := qrTop + 2
	for _, kv := range meta {
		d.textColor(colMuted)
		d.text(marginX, y, labelW, kv[0]+"：", 'L')
		d.textColor(colText)
		for _, ln := range d.wrap(d.clean(kv[1]), textW-labelW) {
			d.text(marginX+labelW, y, textW-labelW, ln, 'L')
			y += d.lh()
		}
		y += 0.6
	}
	if r.VerifyURL != "" || r.VerifyCode != "" {
		d.font(smallPt)
		d.textColor(colMuted)
		for _, ln := range d.wrap("本报告可通过扫描右侧二维码，或登录信用网站输入报告编号和验证码核验真伪；内容以核验结果为准。", textW) {
			y += 0.8
			d.text(marginX, y, textW, ln, 'L')
			y += d.lh()
		}
	}
	d.textColor(colText)
	d.y = math.Max(y, qrEnd) + 4
}

// heading draws a section heading with an accent bar.
func (d *doc) heading(s string) {
	d.font(headingPt)
	h := d.lh()
	d.pdf.SetFillColor(colAccent[0], colAccent[1], colAccent[2])
	d.pdf.Rect(marginX, d.y+h*0.18, 1.2, h*0.64, "F")
	d.textColor(colAccent)
	d.text(marginX+3, d.y, contentW-3, d.clean(s), 'L')
	d.textColor(colText)
	d.y += h + 1
	d.font(bodyPt)
}

// --- tables ---

type cell struct {
	w     float64
	text  string
	shade bool // label or column-header cell
	align byte
}

func (d *doc) rowHeight(cells []cell) float64 {
	n := 1
	for _, c := range cells {
		n = max(n, len(d.wrap(c.text, c.w-2*padH)))
	}
	return float64(n)*d.lh() + 2*padV
}

// row draws a table row at d.y at the body size, moving it to a new page
// when it does not fit, or splitting it when it is taller than a page.
// repeat, if not nil, redraws the table header at the top of a new page.
func (d *doc) row(cells []cell, repeat func()) {
	d.font(bodyPt)
	lh := d.lh()
	lines := make([][]string, len(cells))
	for i, c := range cells {
		lines[i] = d.wrap(c.text, c.w-2*padH)
	}
	fresh := false
	for {
		n := 1
		for _, l := range lines {
			n = max(n, len(l))
		}
		need := float64(n)*lh + 2*padV
		if d.y+need <= bottom {
			d.drawRow(cells, lines, need)
			d.y += need
			return
		}
		fit := int((bottom - d.y - 2*padV) / lh)
		if !fresh && (fit < 2 || need <= bottom-top-30) {
			d.newPage()
			if repeat != nil {
				repeat()
			}
			fresh = true
			continue
		}
		fit = max(fit, 1)
		part := make([][]string, len(lines))
		for i, l := range lines {
			k := min(fit, len(l))
			part[i], lines[i] = l[:k], l[k:]
		}
		d.drawRow(cells, part, bottom-d.y)
		d.newPage()
		if repeat != nil {
			repeat()
		}
		fresh = true
	}
}

func (d *doc) drawRow(cells []cell, lines [][]string, h float64) {
	lh := d.lh()
	x := marginX
	for i, c := range cells {
		style := "D"
		if c.shade {
			style = "FD"
		}
		d.pdf.Rect(x, d.y, c.w, h, style)
		if c.shade {
			d.textColor(colAccent)
		}
		for j, ln := range lines[i] {
			d.text(x+padH, d.y+padV+float64(j)*lh, c.w-2*padH, ln, c.align)
		}
		if c.shade {
			d.textColor(colText)
		}
		x += c.w
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func (d *doc) subject() {
	s := d.r.Subject
	d.ensure(40)
	d.heading("主体基本信息")
	d.pdf.SetFillColor(colShade[0], colShade[1], colShade[2])
	const lw, vw = 30.0, contentW/2 - 30.0
	L := func(t string) cell { return cell{w: lw, text: d.clean(t), shade: true, align: 'L'} }
	V := func(t string, w float64) cell { return cell{w: w, text: d.clean(orDash(t)), align: 'L'} }
	d.row([]cell{L("主体名称"), V(s.Name, contentW-lw)}, nil)
	d.row([]cell{L(s.CodeLabel), V(s.Code, vw), L("主体类型"), V(s.Type, vw)}, nil)
	d.row([]cell{L("法定代表人"), V(s.LegalRep, vw), L("所属地区"), V(s.Region, vw)}, nil)
	d.row([]cell{L("登记状态"), V(s.Status, contentW-lw)}, nil)
	d.y += 5
}

var cnDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// cnNumber writes 1..99 in Chinese numerals (一, 十, 十一, 二十一).
func cnNumber(n int) string {
	switch {
	case n <= 0 || n >= 100:
		return fmt.Sprint(n)
	case n < 10:
		return cnDigits[n]
	case n < 20:
		return "十" + strings.TrimPrefix(cnDigits[n%10], "零")
	default:
		s := cnDigits[n/10] + "十"
		if n%10 != 0 {
			s += cnDigits[n%10]
		}
		return s
	}
}

func (d *doc) section(i int, s Section) {
	d.font(bodyPt)
	cols := make([]string, len(s.Columns))
	for j, c := range s.Columns {
		cols[j] = d.clean(c)
	}
	rows := make([][]string, len(s.Rows))
	for j, row := range s.Rows {
		rows[j] = make([]string, len(cols))
		for k, c := range row {
			rows[j][k] = d.clean(c)
		}
	}
	widths := d.columnWidths(cols, rows)
	var head []cell
	for j, c := range cols {
		head = append(head, cell{w: widths[j], text: c, shade: true, align: 'C'})
	}
	repeat := func() {
		d.pdf.SetFillColor(colShade[0], colShade[1], colShade[2])
		if len(head) > 0 {
			d.row(head, nil)
		}
	}
	// Keep the heading with the table header and the start of the first row.
	need := mmOf(headingPt)*lineRatio + 1
	if len(head) > 0 {
		need += d.rowHeight(head)
	}
	need += 3*d.lh() + 2*padV
	d.ensure(need)
	d.heading(cnNumber(i+1) + "、" + d.clean(s.Title))
	repeat()
	if len(rows) == 0 {
		d.row([]cell{{w: contentW, text: d.clean(s.Empty), align: 'C'}}, nil)
	}
	for _, row := range rows {
		cells := make([]cell, len(row))
		for k, t := range row {
			cells[k] = cell{w: widths[k], text: t, align: 'L'}
		}
		d.row(cells, repeat)
	}
	d.y += 5
}

// columnWidths shares contentW among the columns like an automatic HTML
// table: each column gets at least its minimum (its longest unbreakable word,
// within limits), and the rest goes in proportion to how much wider each
// column's longest cell would like to be.
func (d *doc) columnWidths(cols []string, rows [][]string) []float64 {
	n := len(cols)
	if n == 0 {
		return nil
	}
	nat := make([]float64, n)
	minW := make([]float64, n)
	measure := func(j int, s string, header bool) {
		for _, para := range strings.Split(s, "\n") {
			nat[j] = math.Max(nat[j], d.strW(para)+2*padH)
		}
		word, ww := 0.0, 0.0
		for _, c := range s {
			if isWordRune(c) {
				ww += d.runeW(c)
				word = math.Max(word, ww)
			} else {
				ww = 0
			}
		}
		if header {
			// Header text wraps to at most about two lines.
			word = math.Max(word, d.strW(s)/2)
		}
		minW[j] = math.Max(minW[j], math.Min(word, 40)+2*padH)
	}
	for j, c := range cols {
		measure(j, c, true)
	}
	for i, row := range rows {
		if i >= 500 {
			break
		}
		for j, c := range row {
			measure(j, c, false)
		}
	}
	const floor = 12.0
	sumMin, sumNat := 0.0, 0.0
	for j := range n {
		nat[j] = math.Min(math.Max(nat[j], floor), contentW)
		minW[j] = math.Min(math.Max(minW[j], floor), nat[j])
		sumMin += minW[j]
		sumNat += nat[j]
	}
	w := make([]float64, n)
	switch {
	case sumNat <= contentW:
		for j := range n {
			w[j] = nat[j] * contentW / sumNat
		}
	case sumMin >= contentW:
		for j := range n {
			w[j] = minW[j] * contentW / sumMin
		}
	default:
		extra := contentW - sumMin
		for j := range n {
			w[j] = minW[j] + extra*(nat[j]-minW[j])/(sumNat-sumMin)
		}
	}
	return w
}

func (d *doc) notes() {
	if len(d.r.Notes) == 0 {
		return
	}
	d.ensure(20)
	d.heading("说明")
	d.font(notePt)
	d.textColor(colMuted)
	lh := d.lh()
	const idxW = 6.0
	for i, n := range d.r.Notes {
		lines := d.wrap(d.clean(n), contentW-idxW)
		for j, ln := range lines {
			if d.y+lh > bottom {
				d.newPage()
				d.font(notePt)
				d.textColor(colMuted)
			}
			if j == 0 {
				d.text(marginX, d.y, idxW, fmt.Sprintf("%d.", i+1), 'L')
			}
			d.text(marginX+idxW, d.y, contentW-idxW, ln, 'L')
			d.y += lh
		}
		d.y += 0.8
	}
	d.textColor(colText)
	d.y += 3
}

func (d *doc) closing() {
	d.font(smallPt)
	d.ensure(d.lh())
	d.textColor(colMuted)
	d.text(marginX, d.y, contentW, "—— 报告正文结束 ——", 'C')
	d.textColor(colText)
	d.y += d.lh()
}
