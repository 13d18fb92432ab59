// Package importer reads department files (CSV in UTF-8 or GBK, Excel
// .xlsx) into rows for store.Ingest, and writes the XLSX files the platform
// hands out: the upload template of a record type and the row report of a
// batch. Every cell the platform writes is neutralised against formula
// injection.
package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

// Format of an uploaded file.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Table is an opened file: its header resolved against a record type, and
// a row source for store.Ingest.
type Table struct {
	Format   string
	Encoding string   // utf-8 or gbk (CSV)
	Header   []string // as given
	Codes    []string // field code per column, "" = ignored
	Warnings []store.Issue

	next   func() ([]string, int, error) // next raw row and its line/row number, io.EOF at the end
	line   int
	sample map[string]string // the template's sample row by code, skipped when found
	idCols map[int]bool      // columns holding identity numbers (masked in Raw)

	// Mask masks identity numbers kept in the cells of the report
	// (default: first and last four characters shown).
	Mask func(string) string

	// cells is what is left of the block the rows' cells are cut from.
	cells []string
}

// cellBlockRows is how many rows' cells one allocation holds: a million
// small slices cost more to allocate and collect than their contents,
// and a block stays small enough that the rejected rows a report keeps
// do not hold much more than themselves.
const cellBlockRows = 64

// Open detects the format (XLSX by its zip signature; old .xls refused;
// otherwise CSV, UTF-8 with or without BOM, else GBK/GB18030), reads the
// header row and resolves it against t: by field code, Chinese name or
// alias. Unknown columns are ignored and reported once as a warning; a
// header with no known column is an error.
func Open(r io.Reader, t *catalog.Type) (*Table, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(8)
	tb := &Table{}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if err := tb.openXLSX(br); err != nil {
			return nil, err
		}
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, errs.Field("file", "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后上传")
	case len(head) == 0:
		return nil, errs.Field("file", "文件为空")
	default:
		if err := tb.openCSV(br); err != nil {
			return nil, err
		}
	}
	if err := tb.readHeader(t); err != nil {
		return nil, err
	}
	return tb, nil
}

func (tb *Table) openCSV(br *bufio.Reader) error {
	peek, _ := br.Peek(1 << 16)
	if bytes.IndexByte(peek, 0) >= 0 {
		return errs.Field("file", "文件不是 CSV 或 XLSX 格式（含二进制内容）")
	}
	var src io.Reader = br
	tb.Format, tb.Encoding = FormatCSV, "utf-8"
	if bytes.HasPrefix(peek, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
		peek = peek[3:]
	} else if !validUTF8Prefix(peek) {
		tb.Encoding = "gbk"
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	firstLine, _, _ := bytes.Cut(peek, []byte("\n"))
	if bytes.Count(firstLine, []byte("\t")) > bytes.Count(firstLine, []byte(",")) {
		cr.Comma = '\t'
	}
	tb.next = func() ([]string, int, error) {
		rec, err := cr.Read()
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
			return nil, pe.StartLine, &rowError{fmt.Sprintf("第 %d 行 CSV 格式错误：%v", pe.Line, pe.Err)}
		}
		if err != nil {
			return nil, 0, err
		}
		line, _ := cr.FieldPos(0) // file line (blank lines count, as in a spreadsheet)
		return rec, line, nil
	}
	return nil
}

// rowError is a problem confined to one row; reading continues.
type rowError struct{ reason string }

func (e *rowError) Error() string { return e.reason }

// validUTF8Prefix reports whether b is valid UTF-8, ignoring a rune cut at
// the end of the buffer.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		r, _ := utf8.DecodeLastRune(b)
		if r != utf8.RuneError {
			return false
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

func (tb *Table) openXLSX(br *bufio.Reader) error {
	f, err := excelize.OpenReader(br)
	if err != nil {
		return errs.Field("file", "无法读取 XLSX 文件："+err.Error())
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return errs.Field("file", "XLSX 文件没有工作表")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return errs.Field("file", "无法读取 XLSX 工作表："+err.Error())
	}
	tb.Format = FormatXLSX
	n := 0
	tb.next = func() ([]string, int, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, 0, err
			}
			rows.Close()
			f.Close()
			return nil, 0, io.EOF
		}
		n++ // Next also yields the empty rows between stored ones
		cols, err := rows.Columns()
		return cols, n, err
	}
	return nil
}

func (tb *Table) readHeader(t *catalog.Type) error {
	for {
		rec, line, err := tb.next()
		tb.line = line
		if errors.Is(err, io.EOF) {
			return errs.Field("file", "文件没有表头和数据行")
		} else if err != nil {
			return errs.Field("file", "无法读取表头："+err.Error())
		}
		if blank(rec) {
			continue
		}
		tb.Header = trimAll(rec)
		break
	}
	codes, unknown := t.ResolveHeader(tb.Header)
	known := 0
	for _, c := range codes {
		if c != "" {
			known++
		}
	}
	if known == 0 {
		return errs.Invalid("import.unknown_header", "表头无法识别：没有一列是“"+t.Name+"”的字段（请使用模板中的中文字段名或字段代码）",
			errs.FieldError{Field: "header", Reason: "未识别的列：" + strings.Join(unknown, "、")})
	}
	tb.Codes = codes
	tb.idCols = map[int]bool{}
	for i, c := range codes {
		if f, ok := t.Field(c); ok && f.Type == catalog.FieldIDNumber {
			tb.idCols[i] = true
		}
	}
	if len(unknown) > 0 {
		tb.Warnings = append(tb.Warnings, store.Issue{Row: tb.line, Field: "header",
			Reason: "以下列不属于“" + t.Name + "”，已忽略：" + strings.Join(unknown, "、")})
	}
	_, sc, sv := catalog.Catalog{Types: []catalog.Type{*t}}.Template(t.Code)
	tb.sample = make(map[string]string, len(sc))
	for i, c := range sc {
		tb.sample[c] = sv[i]
	}
	return nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func trimAll(rec []string) []string {
	out := make([]string, len(rec))
	for i, c := range rec {
		out[i] = strings.TrimSpace(c)
	}
	return out
}

// Next implements store.RowReader: the next non-empty data row. The
// template's field-code row and unchanged sample row are skipped.
func (tb *Table) Next() (store.IngestRow, error) {
	for {
		rec, line, err := tb.next()
		tb.line = line
		var re *rowError
		if errors.As(err, &re) {
			return store.IngestRow{Line: tb.line, Err: re.reason}, nil
		}
		if err != nil {
			return store.IngestRow{}, err
		}
		if blank(rec) {
			continue
		}
		if tb.isCodeRow(rec) {
			continue
		}
		if tb.isSample(rec) {
			tb.Warnings = append(tb.Warnings, store.Issue{Row: tb.line, Field: "", Reason: "模板示例行未修改，已忽略"})
			continue
		}
		// The reader reuses rec: the row keeps a copy, which is also its
		// report copy unless identity numbers must be masked there.
		if len(tb.cells) < len(rec) {
			tb.cells = make([]string, len(rec)*cellBlockRows)
		}
		cells := tb.cells[:len(rec):len(rec)]
		tb.cells = tb.cells[len(rec):]
		copy(cells, rec)
		row := store.IngestRow{Line: tb.line, Columns: tb.Codes, Cells: cells, Raw: cells}
		for i := range tb.idCols {
			if i < len(cells) && cells[i] != "" {
				if &row.Raw[0] == &cells[0] {
					row.Raw = append([]string(nil), cells...)
				}
				row.Raw[i] = tb.mask(cells[i])
			}
		}
		return row, nil
	}
}

func (tb *Table) isCodeRow(rec []string) bool {
	n := 0
	for i, c := range tb.Codes {
		if c == "" {
			continue
		}
		if i >= len(rec) || strings.TrimSpace(rec[i]) != c {
			return false
		}
		n++
	}
	return n > 0
}

func (tb *Table) isSample(rec []string) bool {
	cols := 0
	for i, c := range tb.Codes {
		if c == "" {
			continue
		}
		got := ""
		if i < len(rec) {
			got = strings.TrimSpace(rec[i])
		}
		if got != tb.sample[c] {
			return false
		}
		cols++
	}
	return cols > 0
}

func (tb *Table) mask(s string) string {
	if tb.Mask != nil {
		return tb.Mask(s)
	}
	return subject.MaskID(s, 4, 4)
}

// ReadWarnings returns the warnings found while reading (store.Ingest adds
// them to the report).
func (tb *Table) ReadWarnings() []store.Issue { return tb.Warnings }
