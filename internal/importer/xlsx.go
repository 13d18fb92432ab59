package importer

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"xinyong/internal/catalog"
	"xinyong/internal/store"
)

// Neutralize defuses a cell value that a spreadsheet would run as a formula
// (starting with = + - @, or a tab / carriage return before one) by
// prefixing a single quote.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

func colName(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}

// Template returns the upload template of a record type: sheet 数据 with
// the Chinese header (required fields marked *), the field-code row and one
// sample row (skipped on import while unchanged), drop-downs for value
// lists; sheet 填写说明 documenting every field; a hidden 值列表 sheet holding
// the value lists.
func Template(t *catalog.Type) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const data, help, lists = "数据", "填写说明", "值列表"
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return nil, err
	}
	for _, s := range []string{help, lists} {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	zh, codes, sample := catalog.Catalog{Types: []catalog.Type{*t}}.Template(t.Code)
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	grey, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "808080"}})
	listCol := 0
	for i := range t.Fields {
		fd := &t.Fields[i]
		c := i + 1
		h := zh[i]
		if fd.Required {
			h = "*" + h
		}
		set := func(row int, v string) error { return f.SetCellStr(data, cellName(c, row), Neutralize(v)) }
		if err := set(1, h); err != nil {
			return nil, err
		}
		set(2, codes[i])
		set(3, sample[i])
		f.SetColWidth(data, colName(c), colName(c), float64(max(12, min(40, 2*len([]rune(h))+4))))
		vals := fd.Values
		if fd.Type == catalog.FieldIDKind && len(vals) == 0 {
			vals = []string{"身份证", "护照号", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"}
		}
		if len(vals) == 0 {
			continue
		}
		listCol++
		lc := colName(listCol)
		f.SetCellStr(lists, lc+"1", codes[i])
		for j, v := range vals {
			f.SetCellStr(lists, cellName(listCol, j+2), Neutralize(v))
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s4:%s100000", colName(c), colName(c))
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$2:$%s$%d", lists, lc, lc, len(vals)+1))
		if fd.Type == catalog.FieldEnumMulti {
			dv.SetError(excelize.DataValidationErrorStyleInformation, "多选", "可填写多个值，用分号分隔")
			dv.SetInput(fd.Name, "可多选，用分号（;）分隔："+strings.Join(vals, "、"))
		} else {
			dv.SetError(excelize.DataValidationErrorStyleStop, "取值无效", "请从下拉列表中选择")
		}
		if err := f.AddDataValidation(data, dv); err != nil {
			return nil, err
		}
	}
	f.SetRowStyle(data, 1, 1, bold)
	f.SetRowStyle(data, 2, 3, grey)
	f.SetPanes(data, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
	f.SetSheetVisible(lists, false)

	hdr := []string{"字段代码", "字段名称", "类型", "必填", "最大长度", "公开属性", "允许值", "说明"}
	for j, h := range hdr {
		f.SetCellStr(help, cellName(j+1, 1), h)
	}
	f.SetRowStyle(help, 1, 1, bold)
	for i := range t.Fields {
		fd := &t.Fields[i]
		req := ""
		if fd.Required {
			req = "是"
		} else if fd.RequiredWhen != nil {
			req = "条件必填：" + fd.RequiredWhen.Field + " 含 " + strings.Join(fd.RequiredWhen.AnyOf, "/")
		}
		ml := ""
		if fd.MaxLen > 0 {
			ml = strconv.Itoa(fd.MaxLen)
		}
		row := []string{fd.Code, fd.Name, fd.Type.Label(), req, ml, t.FieldDisclosure(fd).Label(), strings.Join(fd.Values, "、"), fd.Help}
		for j, v := range row {
			f.SetCellStr(help, cellName(j+1, i+2), Neutralize(v))
		}
	}
	note := fmt.Sprintf("“%s”导入模板（目录类别版本 %d）：第1行为中文字段名（*为必填），第2行为字段代码，第3行为示例（未修改时导入会忽略）。日期可写 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD；金额单位为万元；长期有效填 2099/12/31。", t.Name, t.Version)
	f.SetCellStr(help, cellName(1, len(t.Fields)+3), note)
	f.SetColWidth(help, "A", "A", 16)
	f.SetColWidth(help, "B", "B", 36)
	f.SetColWidth(help, "G", "H", 50)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReportXLSX renders a batch report: sheet 被拒行 repeats every rejected
// row as submitted with an error column; sheet 问题明细 lists every issue
// and warning (row, field, reason).
func ReportXLSX(rep *store.BatchReport) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const rejected, issues, summary = "被拒行", "问题明细", "概要"
	f.SetSheetName("Sheet1", summary)
	for _, s := range []string{rejected, issues} {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	sum := [][2]string{
		{"批次号", strconv.FormatInt(rep.BatchID, 10)}, {"状态", map[string]string{"committed": "已入库", "rejected": "整批未入库（严格模式）"}[rep.Status]},
		{"部门", rep.Dept}, {"信息类别", rep.Type}, {"模式", rep.Mode}, {"来源", rep.Source}, {"目录版本", strconv.Itoa(rep.CatalogVersion)},
		{"总行数", strconv.Itoa(rep.Total)}, {"接收", strconv.Itoa(rep.Accepted)}, {"新增", strconv.Itoa(rep.Created)}, {"更正（新版本）", strconv.Itoa(rep.Corrected)},
		{"重复（未变化）", strconv.Itoa(rep.Duplicate)}, {"拒收", strconv.Itoa(rep.Rejected)}, {"待审核", strconv.Itoa(rep.Pending)}, {"超期公示", strconv.Itoa(rep.Late)},
	}
	if rep.Truncated {
		sum = append(sum, [2]string{"说明", "问题过多，报告已截断"})
	}
	for i, kv := range sum {
		f.SetCellStr(summary, cellName(1, i+1), kv[0])
		f.SetCellStr(summary, cellName(2, i+1), Neutralize(kv[1]))
	}
	f.SetColWidth(summary, "A", "A", 16)
	f.SetColWidth(summary, "B", "B", 40)

	sw, err := f.NewStreamWriter(rejected)
	if err != nil {
		return nil, err
	}
	head := []any{"行号", "错误原因"}
	for _, h := range rep.Header {
		head = append(head, Neutralize(h))
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	for i, r := range rep.RejectedRows {
		row := []any{r.Row, Neutralize(r.Errors)}
		for _, c := range r.Cells {
			row = append(row, Neutralize(c))
		}
		if err := sw.SetRow(cellName(1, i+2), row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	iw, err := f.NewStreamWriter(issues)
	if err != nil {
		return nil, err
	}
	if err := iw.SetRow("A1", []any{"行号", "级别", "字段", "原因"}); err != nil {
		return nil, err
	}
	n := 2
	for _, group := range []struct {
		level string
		list  []store.Issue
	}{{"错误", rep.Issues}, {"提示", rep.Warnings}} {
		for _, is := range group.list {
			if err := iw.SetRow(cellName(1, n), []any{is.Row, group.level, Neutralize(is.Field), Neutralize(is.Reason)}); err != nil {
				return nil, err
			}
			n++
		}
	}
	if err := iw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
