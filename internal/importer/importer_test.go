package importer

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"xinyong/internal/catalog"
	"xinyong/internal/errs"
	"xinyong/internal/store"
)

func penaltyType(t *testing.T) *catalog.Type {
	t.Helper()
	ty, ok := catalog.Seed().Lookup("penalty")
	if !ok {
		t.Fatal("no penalty type")
	}
	return ty
}

func readAll(t *testing.T, tb *Table) []store.IngestRow {
	t.Helper()
	var out []store.IngestRow
	for {
		r, err := tb.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
}

func TestNeutralize(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+86": "'+86", "-5": "'-5", "@SUM(A1)": "'@SUM(A1)", "\t=x": "'\t=x", "正常": "正常", "": ""} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOpenCSVEncodingsAndHeaders(t *testing.T) {
	ty := penaltyType(t)
	text := "ID,行政处罚决定书文号,行政相对人名称,CHECK_FLAG\n1,罚1,甲公司,Y\n\n2,罚2,乙公司,N\n"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(text)
	for name, data := range map[string][]byte{
		"utf-8":     []byte(text),
		"utf-8 bom": append([]byte("\xEF\xBB\xBF"), text...),
		"gbk":       []byte(gbk),
		"tab":       []byte(strings.ReplaceAll(text, ",", "\t")),
	} {
		t.Run(name, func(t *testing.T) {
			tb, err := Open(bytes.NewReader(data), ty)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"", "CF_WSH", "CF_XDR_MC", ""}, tb.Codes); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
			rows := readAll(t, tb)
			if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 4 || rows[1].Value("CF_XDR_MC") != "乙公司" {
				t.Fatalf("rows: %+v", rows)
			}
			if _, problems := rows[0].Validate(ty); rows[0].Value("ID") != "" || len(problems) > 0 && strings.Contains(problems[len(problems)-1].Reason, "未知字段") {
				t.Error("unknown column passed through")
			}
			w := tb.ReadWarnings()
			if len(w) != 1 || !strings.Contains(w[0].Reason, "ID、CHECK_FLAG") {
				t.Errorf("warnings: %+v", w)
			}
		})
	}
}

func TestOpenRefusesBadFiles(t *testing.T) {
	ty := penaltyType(t)
	for name, data := range map[string]string{
		"empty":          "",
		"binary":         "abc\x00def",
		"xls":            "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
		"unknown header": "foo,bar\n1,2\n",
		"blank":          "\n\n",
	} {
		if _, err := Open(strings.NewReader(data), ty); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

func TestTemplateRoundTrip(t *testing.T) {
	ty := penaltyType(t)
	b, err := Template(ty)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if dv, _ := f.GetDataValidations("数据"); len(dv) == 0 {
		t.Error("template has no drop-down lists")
	}
	// Unchanged template: the code row and the sample row are skipped.
	tb, err := Open(bytes.NewReader(b), ty)
	if err != nil {
		t.Fatal(err)
	}
	if rows := readAll(t, tb); len(rows) != 0 {
		t.Errorf("unchanged template yields rows: %+v", rows)
	}
	if w := tb.ReadWarnings(); len(w) != 1 || !strings.Contains(w[0].Reason, "示例") {
		t.Errorf("warnings: %+v", w)
	}
}

func TestReportXLSXNeutralises(t *testing.T) {
	rep := &store.BatchReport{BatchID: 7, Status: "committed", Header: []string{"CF_WSH", "=cmd"},
		RejectedRows: []store.RejectedRow{{Row: 3, Cells: []string{"@evil", "+1"}, Errors: "=bad"}},
		Issues:       []store.Issue{{Row: 3, Field: "CF_WSH", Reason: "-x"}}}
	b, err := ReportXLSX(rep)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("被拒行")
	want := [][]string{{"行号", "错误原因", "CF_WSH", "'=cmd"}, {"3", "'=bad", "'@evil", "'+1"}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rejected sheet (-want +got):\n%s", diff)
	}
	issues, _ := f.GetRows("问题明细")
	if len(issues) != 2 || issues[1][3] != "'-x" {
		t.Errorf("issues sheet: %q", issues)
	}
}

func TestRawCellsMaskIdentityNumbers(t *testing.T) {
	tb, err := Open(strings.NewReader("CF_WSH,CF_XDR_ZJHM\n罚1,11010519491231002X\n"), penaltyType(t))
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, tb)
	if rows[0].Value("CF_XDR_ZJHM") != "11010519491231002X" || rows[0].Raw[1] != "1101**********002X" || rows[0].Cells[1] != "11010519491231002X" {
		t.Errorf("cells %v raw %v", rows[0].Cells, rows[0].Raw)
	}
}
