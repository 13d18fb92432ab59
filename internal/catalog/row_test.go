package catalog

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"xinyong/internal/errs"
)

func mustType(t testing.TB, code string) *Type {
	t.Helper()
	typ, ok := Seed().Lookup(code)
	if !ok {
		t.Fatalf("no type %s", code)
	}
	return typ
}

func goodLicense() map[string]string {
	return map[string]string{
		"XK_XDR_MC":    "示例科技有限公司",
		"XK_XDR_LB":    "法人及非法人组织",
		"XK_XDR_SHXYM": " 91350100m000100y43 ",
		"XK_FRDB":      "张三",
		"XK_XKWS":      "关于准予示例科技有限公司食品经营许可的决定",
		"XK_WSH":       "示食许〔2024〕1号",
		"XK_XKLB":      "普通",
		"XK_XKZS":      "食品经营许可证",
		"XK_XKBH":      "JY13501000000001",
		"XK_NR":        "预包装食品销售",
		"XK_JDRQ":      "2024/3/1",
		"XK_YXQZ":      "20240301",
		"XK_YXQZI":     "2029-02-28",
		"XK_XKJG":      "示例市市场监督管理局",
		"XK_XKJGDM":    "11350100MB0000000X",
		"XK_LYDW":      "示例市市场监督管理局",
		"XK_LYDWDM":    "11350100MB0000000X",
	}
}

// goodPenaltyZh is a penalty row keyed by Chinese header names.
func goodPenaltyZh() map[string]string {
	return map[string]string{
		"行政相对人名称":             "示例科技有限公司",
		"行政相对人类别":             "法人及非法人组织",
		"行政相对人代码_1（统一社会信用代码）": "91350100M000100Y43",
		"法定代表人":               "张三",
		"行政处罚决定书文号":           "示市监罚〔2024〕1号",
		"违法行为类型":              "销售超过保质期的食品",
		"违法事实":                "当事人在经营场所销售超过保质期的食品",
		"处罚依据":                "《中华人民共和国食品安全法》第一百二十四条",
		"处罚类别":                "警告;罚款",
		"处罚内容":                "警告，并处罚款5000元",
		"罚款金额（万元）":            "0.5",
		"处罚决定日期":              "2024-03-01",
		"处罚有效期":               "2025-03-01",
		"处罚机关":                "示例市市场监督管理局",
		"处罚机关统一社会信用代码":        "11350100MB0000000X",
		"数据来源单位":              "示例市市场监督管理局",
		"数据来源单位统一社会信用代码":      "11350100MB0000000X",
	}
}

func with(m map[string]string, kv ...string) map[string]string {
	m = maps.Clone(m)
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "\x00" {
			delete(m, kv[i])
		} else {
			m[kv[i]] = kv[i+1]
		}
	}
	return m
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Shanghai) }

func TestValidateRowGoodLicense(t *testing.T) {
	lic := mustType(t, "license")
	r, problems := lic.ValidateRow(goodLicense())
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if r.SubjectCode != "91350100M000100Y43" || r.SubjectName != "示例科技有限公司" || r.DocNo != "示食许〔2024〕1号" {
		t.Errorf("roles: %+v", r)
	}
	if !r.DecisionDate.Equal(day(2024, 3, 1)) || !r.ValidFrom.Equal(day(2024, 3, 1)) || !r.ValidTo.Equal(day(2029, 2, 28)) {
		t.Errorf("dates: %v %v %v", r.DecisionDate, r.ValidFrom, r.ValidTo)
	}
	if r.DecisionDate.Location() != Shanghai {
		t.Errorf("location %v", r.DecisionDate.Location())
	}
	if r.OpenEnded || r.Status != "0" || r.SubjectType != SubjectOrg || r.IsPerson() {
		t.Errorf("OpenEnded %v Status %q SubjectType %q", r.OpenEnded, r.Status, r.SubjectType)
	}
	if got := r.Value("XK_JDRQ") + " " + r.Value("XK_YXQZ"); got != "2024-03-01 2024-03-01" {
		t.Errorf("normalised dates %q", got)
	}
	if _, ok := r.Values()["XK_XDR_ZJHM"]; ok {
		t.Error("empty field stored in Values")
	}
	if len(r.Values()) != 17 {
		t.Errorf("len(Values) = %d, want 17", len(r.Values()))
	}
}

func TestValidateRowGoodPenaltyChineseHeaders(t *testing.T) {
	pen := mustType(t, "penalty")
	r, problems := pen.ValidateRow(goodPenaltyZh())
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := map[string]string{
		"CF_XDR_MC": "示例科技有限公司", "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": "91350100M000100Y43",
		"CF_FRDB": "张三", "CF_WSH": "示市监罚〔2024〕1号", "CF_WFXW": "销售超过保质期的食品",
		"CF_SY": "当事人在经营场所销售超过保质期的食品", "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
		"CF_CFLB": "警告;罚款", "CF_NR": "警告，并处罚款5000元", "CF_NR_FK": "0.5", "CF_JDRQ": "2024-03-01",
		"CF_YXQ": "2025-03-01", "CF_CFJG": "示例市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X",
		"CF_SJLY": "示例市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X",
	}
	if diff := cmp.Diff(want, r.Values()); diff != "" {
		t.Errorf("Values (-want +got):\n%s", diff)
	}
	if !r.HasAmount || r.Amount != 500000 || r.HasConfiscated {
		t.Errorf("amount %v %v", r.HasAmount, r.Amount)
	}
	if r.AuthorityName != "示例市市场监督管理局" || r.DeptCode != "11350100MB0000000X" || r.SeverityHint != "警告;罚款" {
		t.Errorf("roles: %+v", r)
	}
}

func problemMap(ps []errs.FieldError) map[string]string {
	m := map[string]string{}
	for _, p := range ps {
		m[p.Field] = p.Reason
	}
	return m
}

func TestValidateRowProblems(t *testing.T) {
	lic := mustType(t, "license")
	pen := mustType(t, "penalty")
	person := with(goodPenaltyZh(), "行政相对人类别", "自然人", "行政相对人名称", "李四",
		"行政相对人代码_1（统一社会信用代码）", "\x00", "法定代表人", "\x00")

	tests := []struct {
		name string
		typ  *Type
		row  map[string]string
		want map[string]string // field → substring of the reason
	}{
		{"missing required", pen, with(goodPenaltyZh(), "行政处罚决定书文号", "\x00"),
			map[string]string{"CF_WSH": "行政处罚决定书文号（CF_WSH）：必填"}},
		{"blank required", pen, with(goodPenaltyZh(), "行政处罚决定书文号", "  　"),
			map[string]string{"CF_WSH": "必填"}},
		{"impossible date", pen, with(goodPenaltyZh(), "处罚决定日期", "2023-02-30"),
			map[string]string{"CF_JDRQ": "处罚决定日期（CF_JDRQ）：日期不存在：2023-02-30"}},
		{"bad date format", lic, with(goodLicense(), "XK_JDRQ", "3/1/2024"),
			map[string]string{"XK_JDRQ": "日期格式不正确"}},
		{"year out of range", lic, with(goodLicense(), "XK_JDRQ", "1024-03-01"),
			map[string]string{"XK_JDRQ": "年份超出范围"}},
		{"valid_to before valid_from", lic, with(goodLicense(), "XK_YXQZI", "2023-12-31"),
			map[string]string{"XK_YXQZI": "有效期至（XK_YXQZI）：2023-12-31早于有效期自（XK_YXQZ）2024-03-01"}},
		{"valid_to before decision", pen, with(goodPenaltyZh(), "处罚有效期", "2024-02-01"),
			map[string]string{"CF_YXQ": "早于处罚决定日期（CF_JDRQ）"}},
		{"publicity before decision", pen, with(goodPenaltyZh(), "公示截止期", "2024-02-01"),
			map[string]string{"CF_GSJZQ": "早于处罚决定日期"}},
		{"unknown field", pen, with(goodPenaltyZh(), "违法金额", "3"),
			map[string]string{"违法金额": "未知字段：违法金额"}},
		{"value set", pen, with(goodPenaltyZh(), "处罚类别", "警告;打板子"),
			map[string]string{"CF_CFLB": "取值“打板子”不在允许范围内，允许值：警告、通报批评、罚款"}},
		{"enum value set", lic, with(goodLicense(), "XK_XKLB", "特别"),
			map[string]string{"XK_XKLB": "允许值：普通、特许、认可、核准、登记、其他"}},
		{"too long", lic, with(goodLicense(), "XK_XDR_SHXYM", "91350100M000100Y431"),
			map[string]string{"XK_XDR_SHXYM": "长度不能超过18个字符（当前19个）"}},
		{"fine amount required", pen, with(goodPenaltyZh(), "罚款金额（万元）", "\x00"),
			map[string]string{"CF_NR_FK": "处罚类别（CF_CFLB）包含“罚款”时必填"}},
		{"confiscation amount required", pen, with(goodPenaltyZh(), "处罚类别", "没收违法所得"),
			map[string]string{"CF_NR_WFFF": "必填"}},
		{"licence revoked needs licence", pen, with(goodPenaltyZh(), "处罚类别", "吊销许可证件"),
			map[string]string{"CF_NR_ZKDX": "必填"}},
		{"amount with unit", pen, with(goodPenaltyZh(), "罚款金额（万元）", "5000元"),
			map[string]string{"CF_NR_FK": "只填写数字，单位为万元"}},
		{"amount too precise", pen, with(goodPenaltyZh(), "罚款金额（万元）", "0.1234567"),
			map[string]string{"CF_NR_FK": "最多保留6位小数"}},
		{"org without code", pen, with(goodPenaltyZh(), "行政相对人代码_1（统一社会信用代码）", "\x00"),
			map[string]string{"CF_XDR_SHXYM": "行政相对人类别为法人及非法人组织时必填"}},
		{"placeholder without legacy code", pen, with(goodPenaltyZh(), "行政相对人代码_1（统一社会信用代码）", "00000000000000000X"),
			map[string]string{"CF_XDR_SHXYM": "17个0加X"}},
		{"person without ID", pen, person,
			map[string]string{"CF_XDR_ZJLX": "行政相对人类别为自然人时必填", "CF_XDR_ZJHM": "行政相对人类别为自然人时必填"}},
		{"ID number without kind", pen, with(person, "CF_XDR_ZJHM", "11010519491231002X"),
			map[string]string{"CF_XDR_ZJLX": "必填"}},
		{"conflicting duplicate", pen, with(goodPenaltyZh(), "CF_WSH", "另一个文号"),
			map[string]string{"CF_WSH": "同一字段出现多次且取值不一致"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := tc.typ.ValidateRow(tc.row)
			got := problemMap(problems)
			if len(got) != len(tc.want) {
				t.Errorf("problems %v, want fields %v", problems, tc.want)
			}
			for f, sub := range tc.want {
				if !strings.Contains(got[f], sub) {
					t.Errorf("%s: reason %q, want it to contain %q", f, got[f], sub)
				}
			}
		})
	}
}

func TestValidateRowNormalisation(t *testing.T) {
	lic := mustType(t, "license")
	pen := mustType(t, "penalty")
	tests := []struct {
		name  string
		typ   *Type
		row   map[string]string
		field string
		want  string
		check func(t *testing.T, r Row)
	}{
		{"open-ended 2099/12/31", lic, with(goodLicense(), "XK_YXQZI", "2099/12/31"), "XK_YXQZI", "2099-12-31",
			func(t *testing.T, r Row) {
				if !r.OpenEnded || !r.ValidTo.IsZero() {
					t.Errorf("OpenEnded %v ValidTo %v", r.OpenEnded, r.ValidTo)
				}
			}},
		{"长期", lic, with(goodLicense(), "XK_YXQZI", "长期"), "XK_YXQZI", "2099-12-31",
			func(t *testing.T, r Row) {
				if !r.OpenEnded {
					t.Error("not open-ended")
				}
			}},
		{"date YYYY/M/D", lic, with(goodLicense(), "XK_JDRQ", "2024/3/1"), "XK_JDRQ", "2024-03-01", nil},
		{"date YYYYMMDD", lic, with(goodLicense(), "XK_JDRQ", "20240301"), "XK_JDRQ", "2024-03-01", nil},
		{"date with time", lic, with(goodLicense(), "XK_JDRQ", "2024-03-01 00:00:00"), "XK_JDRQ", "2024-03-01", nil},
		{"date in Chinese", lic, with(goodLicense(), "XK_JDRQ", "2024年3月1日"), "XK_JDRQ", "2024-03-01", nil},
		{"full-width date", lic, with(goodLicense(), "XK_JDRQ", "２０２４－０３－０１"), "XK_JDRQ", "2024-03-01", nil},
		{"leap day", lic, with(goodLicense(), "XK_JDRQ", "2024-02-29", "XK_YXQZ", "2024-02-29"), "XK_JDRQ", "2024-02-29", nil},
		{"multi with Chinese separators", pen, with(goodPenaltyZh(), "处罚类别", "没收违法所得、罚款；警告，没收非法财物",
			"没收违法所得、没收非法财物的金额（万元）", "2"), "CF_CFLB", "警告;罚款;没收违法所得;没收非法财物",
			func(t *testing.T, r Row) {
				if !r.HasConfiscated || r.Confiscated != 2000000 {
					t.Errorf("confiscated %v", r.Confiscated)
				}
			}},
		{"multi old vocabulary", pen, with(goodPenaltyZh(), "处罚类别", "暂扣或吊销执照,罚款", "暂扣或吊销证照名称及编号", "营业执照 123"),
			"CF_CFLB", "罚款;暂扣或者吊销执照", nil},
		{"multi duplicate removed", pen, with(goodPenaltyZh(), "处罚类别", "罚款;罚款"), "CF_CFLB", "罚款", nil},
		{"multi other with detail", pen, with(goodPenaltyZh(), "处罚类别", "警告、其他（责令改正、没收工具）"),
			"CF_CFLB", "警告;其他（责令改正、没收工具）", nil},
		{"amount 1.5", pen, with(goodPenaltyZh(), "罚款金额（万元）", "1.5"), "CF_NR_FK", "1.5",
			func(t *testing.T, r Row) {
				if r.Amount != 1500000 || r.Amount.Yuan() != 15000 {
					t.Errorf("Amount %v", r.Amount)
				}
			}},
		{"amount canonical", pen, with(goodPenaltyZh(), "罚款金额（万元）", "01.500"), "CF_NR_FK", "1.5", nil},
		{"subject type code", lic, with(goodLicense(), "XK_XDR_LB", "02"), "XK_XDR_LB", "法人及非法人组织", nil},
		{"licence category other", lic, with(goodLicense(), "XK_XKLB", "其他-备案"), "XK_XKLB", "其他-备案", nil},
		{"status label", lic, with(goodLicense(), "XK_ZT", "撤销"), "XK_ZT", "1",
			func(t *testing.T, r Row) {
				if r.Status != "1" {
					t.Errorf("Status %q", r.Status)
				}
			}},
		{"lower-case key", lic, with(goodLicense(), "XK_WSH", "\x00", " xk_wsh ", "A-1"), "XK_WSH", "A-1", nil},
		{"individual with placeholder and legacy code", pen, with(goodPenaltyZh(), "行政相对人类别", "个体工商户",
			"行政相对人代码_1（统一社会信用代码）", "00000000000000000X", "工商注册号", "350100600000001"),
			"CF_XDR_GSZC", "350100600000001", nil},
		{"natural person", pen, with(goodPenaltyZh(), "行政相对人类别", "自然人", "行政相对人名称", "李四",
			"行政相对人代码_1（统一社会信用代码）", "\x00", "法定代表人", "\x00", "证件类型", "01", "证件号码", "11010519491231002x"),
			"CF_XDR_ZJHM", "11010519491231002X",
			func(t *testing.T, r Row) {
				if !r.IsPerson() || r.IDKind != "身份证" || r.IDNumber != "11010519491231002X" || r.SubjectCode != "" {
					t.Errorf("person: %+v", r)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, problems := tc.typ.ValidateRow(tc.row)
			if len(problems) > 0 {
				t.Fatalf("problems: %v", problems)
			}
			if got := r.Value(tc.field); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.field, got, tc.want)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestValidateRowUnknownSorted(t *testing.T) {
	pen := mustType(t, "penalty")
	_, problems := pen.ValidateRow(with(goodPenaltyZh(), "ZZ", "1", "AA", "2", "", ""))
	want := []errs.FieldError{{Field: "AA", Reason: "未知字段：AA"}, {Field: "ZZ", Reason: "未知字段：ZZ"}}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSeverityOf(t *testing.T) {
	pen := mustType(t, "penalty")
	tests := []struct {
		cats string
		want Severity
	}{
		{"警告", SeverityMinor},
		{"通报批评", SeverityMinor},
		{"警告;通报批评", SeverityMinor},
		{"警告;罚款", SeverityGeneral},
		{"罚款;没收违法所得", SeverityGeneral},
		{"责令停产停业", SeverityGeneral},
		{"暂扣或者吊销许可证", SeverityGeneral},
		{"罚款;吊销许可证件", SeveritySerious},
		{"责令关闭", SeveritySerious},
		{"限制从业", SeveritySerious},
		{"行政拘留", SeveritySerious},
		{"警告;其他（责令改正）", SeverityGeneral},
		{"", SeverityGeneral},
	}
	for _, tc := range tests {
		if got := pen.SeverityOf(Row{SeverityHint: tc.cats}); got != tc.want {
			t.Errorf("SeverityOf(%q) = %q, want %q", tc.cats, got, tc.want)
		}
	}
	// From a validated row.
	r, problems := pen.ValidateRow(with(goodPenaltyZh(), "处罚类别", "警告"))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if got := pen.SeverityOf(r); got != SeverityMinor {
		t.Errorf("warning-only row: %q", got)
	}
	// Other types use their default.
	if got := mustType(t, "court_defaulter").SeverityOf(Row{}); got != SeveritySerious {
		t.Errorf("court_defaulter: %q", got)
	}
	if got := mustType(t, "award").SeverityOf(Row{}); got != SeverityNone {
		t.Errorf("award: %q", got)
	}
	// Optional small-fine rule.
	small := *pen
	small.MinorAmountMax = "0.1"
	if got := small.SeverityOf(Row{SeverityHint: "警告;罚款", Amount: 50000, HasAmount: true}); got != SeverityMinor {
		t.Errorf("small fine: %q", got)
	}
	if got := small.SeverityOf(Row{SeverityHint: "罚款", Amount: 200000, HasAmount: true}); got != SeverityGeneral {
		t.Errorf("larger fine: %q", got)
	}
	if got := small.SeverityOf(Row{SeverityHint: "罚款;没收违法所得", Amount: 50000, HasAmount: true}); got != SeverityGeneral {
		t.Errorf("fine and confiscation: %q", got)
	}
}

func TestResolveHeader(t *testing.T) {
	pen := mustType(t, "penalty")
	headers := []string{"\uFEFF行政相对人名称", " CF_XDR_LB ", "cf_wsh", "罚款金额(万元)", "处罚类别*", "　处罚决定日期　",
		"违法金额", "", "行政处罚决定书文号", "统一社会信用代码", "ＣＦ＿ＮＲ", "行政处罚决定文书号"}
	codes, unknown := pen.ResolveHeader(headers)
	wantCodes := []string{"CF_XDR_MC", "CF_XDR_LB", "CF_WSH", "CF_NR_FK", "CF_CFLB", "CF_JDRQ", "", "", "", "CF_XDR_SHXYM", "CF_NR", ""}
	if diff := cmp.Diff(wantCodes, codes); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
	wantUnknown := []string{"违法金额", "行政处罚决定书文号", "行政处罚决定文书号"}
	if diff := cmp.Diff(wantUnknown, unknown); diff != "" {
		t.Errorf("unknown (-want +got):\n%s", diff)
	}
}

func TestTemplate(t *testing.T) {
	c := Seed()
	for _, typ := range c.Types {
		t.Run(typ.Code, func(t *testing.T) {
			zh, codes, sample := c.Template(typ.Code)
			if len(zh) != len(typ.Fields) || len(codes) != len(zh) || len(sample) != len(zh) {
				t.Fatalf("lengths %d %d %d, fields %d", len(zh), len(codes), len(sample), len(typ.Fields))
			}
			row := map[string]string{}
			for i := range zh {
				if zh[i] != typ.Fields[i].Name || codes[i] != typ.Fields[i].Code {
					t.Errorf("column %d: %s/%s", i, zh[i], codes[i])
				}
				row[zh[i]] = sample[i]
			}
			tp, _ := c.Lookup(typ.Code)
			if _, problems := tp.ValidateRow(row); len(problems) > 0 {
				t.Errorf("sample row: %v", problems)
			}
		})
	}
	if zh, codes, sample := c.Template("nope"); zh != nil || codes != nil || sample != nil {
		t.Error("unknown type gave a template")
	}
}

func TestValidateRowCacheFollowsChanges(t *testing.T) {
	typ := *mustType(t, "penalty")
	if _, problems := typ.ValidateRow(goodPenaltyZh()); len(problems) > 0 {
		t.Fatal(problems)
	}
	// Replace the fields: the compiled index must follow.
	typ.Fields = append([]Field(nil), typ.Fields...)
	for i := range typ.Fields {
		if typ.Fields[i].Code == "CF_FRDB" {
			typ.Fields[i].Required = true
		}
	}
	_, problems := typ.ValidateRow(with(goodPenaltyZh(), "法定代表人", "\x00"))
	if len(problems) != 1 || problems[0].Field != "CF_FRDB" {
		t.Errorf("problems %v, want CF_FRDB required", problems)
	}
}

func BenchmarkValidateRowPenalty(b *testing.B) {
	pen := mustType(b, "penalty")
	row := goodPenaltyZh()
	b.ReportAllocs()
	for b.Loop() {
		if _, problems := pen.ValidateRow(row); len(problems) > 0 {
			b.Fatal(problems)
		}
	}
}

func BenchmarkValidateRowLicenseCodes(b *testing.B) {
	lic := mustType(b, "license")
	row := goodLicense()
	b.ReportAllocs()
	for b.Loop() {
		if _, problems := lic.ValidateRow(row); len(problems) > 0 {
			b.Fatal(problems)
		}
	}
}

func TestValidateRowConcurrent(t *testing.T) {
	c := Seed()
	pen, _ := c.Lookup("penalty")
	lic, _ := c.Lookup("license")
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 200; i++ {
				if _, p := pen.ValidateRow(goodPenaltyZh()); len(p) > 0 {
					t.Error(p)
					return
				}
				if _, p := lic.ValidateRow(goodLicense()); len(p) > 0 {
					t.Error(p)
					return
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

// ValidateCells (a file's row by column) validates exactly as ValidateRow
// does the same values in a map.
func TestValidateCellsMatchesValidateRow(t *testing.T) {
	lic, pen := mustType(t, "license"), mustType(t, "penalty")
	for _, c := range []struct {
		typ *Type
		row map[string]string
	}{
		{lic, goodLicense()},
		{pen, goodPenaltyZh()},
		{pen, with(goodPenaltyZh(), "行政处罚决定书文号", "\x00")},
		{pen, with(goodPenaltyZh(), "处罚决定日期", "2023-02-30")},
		{pen, with(goodPenaltyZh(), "处罚类别", "警告;没有这种处罚")},
		{pen, with(goodPenaltyZh(), "行政相对人代码_1（统一社会信用代码）", "91350100M000100Y4")},
		{pen, with(goodPenaltyZh(), "违法行为类型", strings.Repeat("违", 3000))},
		{lic, with(goodLicense(), "XK_YXQZI", "长期", "XK_XDR_LB", "个体工商户")},
	} {
		header := make([]string, 0, len(c.row))
		cells := make([]string, 0, len(c.row))
		for k, v := range c.row {
			header, cells = append(header, k), append(cells, v)
		}
		codes, unknown := c.typ.ResolveHeader(header)
		if len(unknown) > 0 {
			t.Fatalf("unknown header %v", unknown)
		}
		wantRow, wantProblems := c.typ.ValidateRow(c.row)
		gotRow, gotProblems := c.typ.ValidateCells(codes, cells)
		if diff := cmp.Diff(wantRow, gotRow, cmpopts.IgnoreUnexported(Row{})); diff != "" {
			t.Errorf("row (-map +cells):\n%s", diff)
		}
		if diff := cmp.Diff(wantRow.Values(), gotRow.Values()); len(wantProblems) == 0 && diff != "" {
			t.Errorf("values (-map +cells):\n%s", diff)
		}
		if diff := cmp.Diff(wantProblems, gotProblems); diff != "" {
			t.Errorf("problems (-map +cells):\n%s", diff)
		}
	}
	// A column the header did not resolve is ignored; a field in two
	// columns takes the later one.
	r, problems := pen.ValidateCells([]string{"CF_WSH", "", "CF_WSH"}, []string{"罚1", "x", "罚2"})
	if r.DocNo != "罚2" {
		t.Errorf("doc no %q from two columns, want the later", r.DocNo)
	}
	for _, p := range problems {
		if strings.Contains(p.Reason, "未知字段") {
			t.Errorf("ignored column reported: %v", p)
		}
	}
}

func BenchmarkValidateCellsPenalty(b *testing.B) {
	pen := mustType(b, "penalty")
	var header, cells []string
	for k, v := range goodPenaltyZh() {
		header, cells = append(header, k), append(cells, v)
	}
	codes, _ := pen.ResolveHeader(header)
	b.ReportAllocs()
	for b.Loop() {
		if _, problems := pen.ValidateCells(codes, cells); len(problems) > 0 {
			b.Fatal(problems)
		}
	}
}

// trim's fast path (no space at either edge) returns what the full
// trimming would.
func TestTrimFastPath(t *testing.T) {
	slow := func(s string) string {
		s = strings.TrimSpace(s)
		if strings.HasPrefix(s, "\uFEFF") {
			s = strings.TrimSpace(s[len("\uFEFF"):])
		}
		return s
	}
	for _, s := range []string{"", " ", "a", " a", "a ", "\ta\n", "罚款", "\u3000罚款", "罚款\u3000", "\uFEFF罚款", "\uFEFF 罚款 ",
		"\u00a0x", "x\u0085", "\xff", "a\xff", "\xffa", "福州 市", "罚款\u2003", "\u200a甲", "x\r\n"} {
		if got, want := trim(s), slow(s); got != want {
			t.Errorf("trim(%q) = %q, want %q", s, got, want)
		}
	}
}
