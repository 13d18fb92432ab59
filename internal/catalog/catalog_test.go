package catalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"xinyong/internal/errs"
)

func TestSeedValidates(t *testing.T) {
	c := Seed()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []string{"license", "penalty", "enforcement", "confirmation", "award", "judgment", "court_defaulter",
		"abnormal", "serious_list", "contract", "commitment", "commitment_breach", "evaluation", "honor", "voluntary"}
	if diff := cmp.Diff(want, c.Codes()); diff != "" {
		t.Errorf("type codes (-want +got):\n%s", diff)
	}
	if _, ok := c.Lookup("nope"); ok {
		t.Error("Lookup(nope) found a type")
	}
	for _, code := range []string{"license", "penalty"} {
		typ, ok := c.Lookup(code)
		if !ok || !typ.DualPublicity {
			t.Errorf("%s: want a 双公示 type", code)
		}
	}
	for _, typ := range c.Types {
		for i := range typ.Fields {
			f := &typ.Fields[i]
			if f.Type == FieldIDNumber && typ.FieldDisclosure(f) == DisclosurePublic {
				t.Errorf("%s.%s: ID number is public", typ.Code, f.Code)
			}
		}
	}
}

func fieldCodes(t *Type) []string {
	var out []string
	for _, f := range t.Fields {
		out = append(out, f.Code)
	}
	return out
}

func requiredCodes(t *Type) []string {
	var out []string
	for _, f := range t.Fields {
		if f.Required {
			out = append(out, f.Code)
		}
	}
	return out
}

func TestNationalFieldLists(t *testing.T) {
	c := Seed()
	lic, _ := c.Lookup("license")
	pen, _ := c.Lookup("penalty")

	wantXK := []string{"XK_XDR_MC", "XK_XDR_LB", "XK_XDR_SHXYM", "XK_XDR_GSZC", "XK_XDR_ZZJG", "XK_XDR_SWDJ",
		"XK_XDR_SYDW", "XK_XDR_SHZZ", "XK_FRDB", "XK_FR_ZJLX", "XK_FR_ZJHM", "XK_XDR_ZJLX", "XK_XDR_ZJHM",
		"XK_XKWS", "XK_WSH", "XK_XKLB", "XK_XKZS", "XK_XKBH", "XK_NR", "XK_JDRQ", "XK_YXQZ", "XK_YXQZI",
		"XK_XKJG", "XK_XKJGDM", "XK_ZT", "XK_LYDW", "XK_LYDWDM", "BZ"}
	if diff := cmp.Diff(wantXK, fieldCodes(lic)); diff != "" {
		t.Errorf("XK fields (-want +got):\n%s", diff)
	}
	wantCF := []string{"CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_GSZC", "CF_XDR_ZZJG", "CF_XDR_SWDJ",
		"CF_XDR_SYDW", "CF_XDR_SHZZ", "CF_FRDB", "CF_FR_ZJLX", "CF_FR_ZJHM", "CF_XDR_ZJLX", "CF_XDR_ZJHM",
		"CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_NR_WFFF", "CF_NR_ZKDX",
		"CF_JDRQ", "CF_YXQ", "CF_GSJZQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM", "BZ"}
	if diff := cmp.Diff(wantCF, fieldCodes(pen)); diff != "" {
		t.Errorf("CF fields (-want +got):\n%s", diff)
	}
	wantCFReq := []string{"CF_XDR_MC", "CF_XDR_LB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR",
		"CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"}
	if diff := cmp.Diff(wantCFReq, requiredCodes(pen)); diff != "" {
		t.Errorf("CF required (-want +got):\n%s", diff)
	}
	wantXKReq := []string{"XK_XDR_MC", "XK_XDR_LB", "XK_XKWS", "XK_WSH", "XK_XKLB", "XK_NR", "XK_JDRQ",
		"XK_YXQZ", "XK_YXQZI", "XK_XKJG", "XK_XKJGDM", "XK_LYDW", "XK_LYDWDM"}
	if diff := cmp.Diff(wantXKReq, requiredCodes(lic)); diff != "" {
		t.Errorf("XK required (-want +got):\n%s", diff)
	}

	names := map[string]string{
		"CF_WSH": "行政处罚决定书文号", "CF_NR_FK": "罚款金额（万元）",
		"CF_NR_WFFF": "没收违法所得、没收非法财物的金额（万元）", "CF_YXQ": "处罚有效期", "CF_GSJZQ": "公示截止期",
	}
	for code, name := range names {
		if f, ok := pen.Field(code); !ok || f.Name != name {
			t.Errorf("%s: name %q, want %q", code, f.Name, name)
		}
	}
	for _, code := range []string{"XK_WSH", "XK_YXQZI", "XK_XKLB"} {
		if _, ok := lic.Field(code); !ok {
			t.Errorf("missing %s", code)
		}
	}

	cflb, _ := pen.Field("CF_CFLB")
	if cflb.Type != FieldEnumMulti {
		t.Errorf("CF_CFLB type %s, want enum_multi", cflb.Type)
	}
	for _, v := range strings.Split("警告、通报批评、罚款、没收违法所得、没收非法财物、暂扣许可证件、降低资质等级、吊销许可证件、限制开展生产经营活动、责令停产停业、责令关闭、限制从业、行政拘留、其他、暂扣或者吊销许可证、暂扣或者吊销执照", "、") {
		if !hasValue(cflb.Values, v) {
			t.Errorf("CF_CFLB lacks %s", v)
		}
	}
	for _, code := range []string{"CF_NR_FK", "CF_NR_WFFF"} {
		if f, _ := pen.Field(code); f.Type != FieldDecimal {
			t.Errorf("%s type %s, want decimal", code, f.Type)
		}
	}
}

func TestCatalogValidateRejects(t *testing.T) {
	base := func() Catalog {
		c := Seed()
		c.Types = append([]Type(nil), c.Types...)
		for i := range c.Types {
			c.Types[i].Fields = append([]Field(nil), c.Types[i].Fields...)
		}
		return c
	}
	tests := []struct {
		name      string
		mutate    func(c *Catalog)
		wantField string
		wantIn    string
	}{
		{"duplicate type", func(c *Catalog) { c.Types[1].Code = "license" }, "license.code", "类别代码重复"},
		{"bad nature without severity", func(c *Catalog) { c.Types[1].Severity = "" }, "penalty.severity", "失信信息必须设置默认严重程度"},
		{"no doc_no", func(c *Catalog) {
			f, _ := c.Types[1].Field("CF_WSH")
			f.Role = ""
		}, "penalty.fields", "文书号"},
		{"public ID number", func(c *Catalog) {
			f, _ := c.Types[1].Field("CF_XDR_ZJHM")
			f.Disclosure = DisclosurePublic
		}, "penalty.CF_XDR_ZJHM.disclosure", "证件号码不得公开"},
		{"header clash", func(c *Catalog) {
			f, _ := c.Types[1].Field("BZ")
			f.Aliases = []string{"处罚类别"}
		}, "penalty.BZ.aliases", "冲突"},
		{"separator in multi value", func(c *Catalog) {
			f, _ := c.Types[1].Field("CF_CFLB")
			f.Values = append(append([]string(nil), f.Values...), "没收违法所得、没收非法财物")
		}, "penalty.CF_CFLB.values", "分隔符"},
		{"severity map key", func(c *Catalog) {
			c.Types[1].SeverityMap = map[string]Severity{"打板子": SeveritySerious}
		}, "penalty.severity_map", "打板子"},
		{"role on wrong type", func(c *Catalog) {
			f, _ := c.Types[0].Field("XK_JDRQ")
			f.Type = FieldString
		}, "license.XK_JDRQ.role", "不匹配"},
		{"unknown publicity rule", func(c *Catalog) { c.Types[0].PublicityRule = "forever" }, "license.publicity_rule", "公示规则"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.mutate(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want error")
			}
			e := errs.As(err)
			if e.Kind != errs.KindInvalid {
				t.Fatalf("kind %v, want invalid", e.Kind)
			}
			for _, f := range e.Fields {
				if f.Field == tc.wantField && strings.Contains(f.Reason, tc.wantIn) {
					return
				}
			}
			t.Errorf("no problem %s containing %q in %v", tc.wantField, tc.wantIn, e.Fields)
		})
	}
}

func TestLoadRejectsBadJSON(t *testing.T) {
	for _, doc := range []string{`{`, `{"version":1,"types":[{"code":"x","nature":"坏"}]}`, `{"version":1,"bogus":1}`} {
		if _, err := Load([]byte(doc)); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("Load(%s) = %v, want invalid", doc, err)
		}
	}
}

func TestParseEnums(t *testing.T) {
	if n, err := ParseNature("失信"); err != nil || n != NatureBad || n.Label() != "失信" {
		t.Errorf("ParseNature(失信) = %v, %v", n, err)
	}
	if s, err := ParseSeverity("严重"); err != nil || s != SeveritySerious || s.Label() != "严重" {
		t.Errorf("ParseSeverity(严重) = %v, %v", s, err)
	}
	if d, err := ParseDisclosure("授权查询"); err != nil || d != DisclosureAuthorized || d.Label() != "授权查询" {
		t.Errorf("ParseDisclosure(授权查询) = %v, %v", d, err)
	}
	if d, err := ParseDisclosure(" shared "); err != nil || d != DisclosureShared {
		t.Errorf("ParseDisclosure(shared) = %v, %v", d, err)
	}
	if _, err := ParseNature("maybe"); err == nil {
		t.Error("ParseNature(maybe) = nil error")
	}
}

func TestAmount(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"1.5", "1.5", false},
		{"1.50", "1.5", false},
		{"001.500000", "1.5", false},
		{".5", "0.5", false},
		{"0", "0", false},
		{"１２", "12", false},
		{"0.000001", "0.000001", false},
		{"1.0000001", "", true},
		{"-1", "", true},
		{"1.5万元", "", true},
		{"abc", "", true},
		{".", "", true},
		{"1234567890123", "", true},
	}
	for _, tc := range tests {
		a, err := ParseAmount(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseAmount(%q) error %v, wantErr %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && a.String() != tc.want {
			t.Errorf("ParseAmount(%q) = %s, want %s", tc.in, a, tc.want)
		}
	}
	if a, _ := ParseAmount("0.5"); a.Yuan() != 5000 {
		t.Errorf("0.5 万元 = %v 元, want 5000", a.Yuan())
	}
}
