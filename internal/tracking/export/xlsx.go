// Package export renders the tracking figures (quarterly 跟踪问效 report)
// and the 信易贷 recommendation list as XLSX workbooks, one sheet per topic.
// Every text cell that a spreadsheet would read as a formula (= + - @) is
// neutralised with a leading apostrophe.
package export

import (
	"bytes"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"xinyong/internal/tracking"
)

// Safe neutralises a cell text that would start a formula.
func Safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type book struct {
	f     *excelize.File
	first bool
	head  int
}

func newBook() *book {
	f := excelize.NewFile()
	st, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#DDE7F3"}}})
	return &book{f: f, first: true, head: st}
}

// sheet adds a sheet with a header row and rows; strings are neutralised.
func (b *book) sheet(name string, header []string, rows [][]any) error {
	if b.first {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
		b.first = false
	} else if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	for c, h := range header {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		b.f.SetCellValue(name, cell, h)
	}
	last, _ := excelize.CoordinatesToCellName(len(header), 1)
	b.f.SetCellStyle(name, "A1", last, b.head)
	b.f.SetColWidth(name, "A", "A", 28)
	for r, row := range rows {
		for c, v := range row {
			if s, ok := v.(string); ok {
				v = Safe(s)
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if err := b.f.SetCellValue(name, cell, v); err != nil {
				return err
			}
		}
	}
	if len(rows) == 0 {
		b.f.SetCellValue(name, "A2", "本期暂无数据")
	}
	return nil
}

func (b *book) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := b.f.Write(&buf); err != nil {
		return nil, err
	}
	b.f.Close()
	return buf.Bytes(), nil
}

func pct(v tracking.Rate) string { return v.Percent() }

// Quarterly renders a period's figures: an overview, then a sheet per topic.
// scope names the department ("" = overall).
func Quarterly(f *tracking.Figures, scope string, index []tracking.IndexMonth, generated time.Time) ([]byte, error) {
	b := newBook()
	title := "全市"
	if scope != "" {
		title = scope
	}
	t := f.Total
	err := b.sheet("概况", []string{"项目", "数值"}, [][]any{
		{"报告", title + " 跟踪问效报告（" + f.Period.Label() + "）"},
		{"统计期", f.Period.From + " 至 " + f.Period.To},
		{"生成时间", generated.In(tracking.Shanghai).Format("2006-01-02 15:04")},
		{"归集信用记录（条）", t.Records},
		{"双公示按时率", pct(t.Timeliness)},
		{"报送差错率", pct(t.ErrorRate)},
		{"待审核积压（条）", t.Backlog},
		{"核查次数", t.Checks},
		{"执行反馈率", pct(t.FeedbackRate)},
	})
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for _, d := range f.Depts {
		rows = append(rows, []any{d.Rank, d.Name, d.Dept, d.Points, pct(d.Timeliness), pct(d.ErrorRate), pct(d.FeedbackRate), d.Records, d.Backlog})
	}
	if err := b.sheet("部门排名", []string{"名次", "部门", "代码", "综合得分", "按时率", "差错率", "反馈率", "归集量", "待审核"}, rows); err != nil {
		return nil, err
	}
	rows = nil
	for _, d := range f.Depts {
		for _, c := range d.ByType {
			rows = append(rows, []any{d.Name, d.Dept, c.Name, c.Type, c.Count})
		}
	}
	if err := b.sheet("信用记录归集", []string{"部门", "代码", "信息类别", "类别代码", "条数"}, rows); err != nil {
		return nil, err
	}
	rows = nil
	for _, d := range f.Depts {
		rows = append(rows, []any{d.Name, d.Dept, d.Published, d.Late, pct(d.Timeliness), d.RowsTotal, d.RowsRejected, pct(d.ErrorRate), d.Backlog, d.BacklogOverdue})
	}
	if err := b.sheet("时效与质量", []string{"部门", "代码", "双公示条数", "超时条数", "按时率", "报送行数", "退回行数", "差错率", "待审核", "超期未审核"}, rows); err != nil {
		return nil, err
	}
	rows = nil
	for _, d := range f.Depts {
		if d.Checks > 0 {
			rows = append(rows, []any{d.Name, d.Dept, d.Checks, d.WithMeasures, d.FedBack, d.FeedbackOverdue, pct(d.FeedbackRate)})
		}
	}
	if err := b.sheet("核查与反馈", []string{"实施部门", "代码", "核查次数", "返回措施", "已反馈", "逾期未反馈", "反馈率"}, rows); err != nil {
		return nil, err
	}
	rows = nil
	for _, d := range f.Depts {
		for _, o := range d.Remedies {
			rows = append(rows, []any{d.Name, d.Dept, o.Label, o.Count, o.OnTime, o.Overdue})
		}
	}
	if err := b.sheet("异议与修复", []string{"部门", "代码", "类型与结果", "件数", "按期办结", "逾期"}, rows); err != nil {
		return nil, err
	}
	rows = nil
	for _, l := range f.Lists {
		rows = append(rows, []any{l.Month, l.Black, l.Red, l.Entered, l.Exited})
	}
	if err := b.sheet("红黑名单", []string{"月份", "黑名单在列", "红名单在列", "当月列入", "当月移出"}, rows); err != nil {
		return nil, err
	}
	rows = nil
	for _, o := range f.Overdue {
		rows = append(rows, []any{o.Label, o.Dept, o.Count})
	}
	if err := b.sheet("逾期事项", []string{"事项", "部门", "件数"}, rows); err != nil {
		return nil, err
	}
	if scope == "" {
		rows = nil
		for _, m := range index {
			row := []any{m.Month, m.Value}
			for _, c := range m.Components {
				row = append(row, c.Score)
			}
			rows = append(rows, row)
		}
		header := []string{"月份", "信用环境指数"}
		if len(index) > 0 {
			for _, c := range index[0].Components {
				header = append(header, c.Name+"（得分）")
			}
		}
		if err := b.sheet("信用环境指数", header, rows); err != nil {
			return nil, err
		}
	}
	return b.bytes()
}

// RecommendRow is one line of the 信易贷 list.
type RecommendRow struct {
	Code, Name, Region, Grade, RedLists, Reason string
	Total                                       float64
}

// Recommendations renders the 信易贷推荐名单.
func Recommendations(period string, items []RecommendRow, generated time.Time) ([]byte, error) {
	b := newBook()
	rows := make([][]any, len(items))
	for i, r := range items {
		rows[i] = []any{i + 1, r.Code, r.Name, r.Region, r.Grade, r.Total, r.RedLists, r.Reason}
	}
	if err := b.sheet("信易贷推荐名单", []string{"序号", "统一社会信用代码", "企业名称", "区划", "信用等级", "评价得分", "红名单", "推荐理由"}, rows); err != nil {
		return nil, err
	}
	if err := b.sheet("说明", []string{"项目", "内容"}, [][]any{
		{"名单期", period},
		{"生成时间", generated.In(tracking.Shanghai).Format("2006-01-02 15:04")},
		{"入选条件", "红名单在列或信用等级达到推荐等级，且无有效失信记录、不在黑名单"},
		{"使用范围", "仅供授权金融机构开展信易贷业务参考，不得对外公开"},
	}); err != nil {
		return nil, err
	}
	return b.bytes()
}
