package ui_test

import (
	"strings"
	"testing"
)

func TestPortalPages(t *testing.T) {
	f := newFixture(t)
	escaped := "&lt;script&gt;alert(1)&lt;/script&gt;有限公司"
	tests := []struct {
		name     string
		path     string
		status   int
		location string
		want     []string
		not      []string
	}{
		{name: "home", path: "/", status: 200, want: []string{"公共信用信息查询", "信用主体", "已出具信用报告", `name="viewport"`}},
		{name: "two-character search", path: "/search?q=" + "华信", status: 200, want: []string{"福州华信建材贸易有限公司", "/subjects/" + f.org.Code}, not: []string{"鑫源"}},
		{name: "full-width brackets normalised", path: "/search?q=" + "鑫源物流", status: 200, want: []string{"福建鑫源物流有限公司"}},
		{name: "search by USCC opens subject", path: "/search?q=" + strings.ToLower(f.org.Code), status: 303, location: "/subjects/" + f.org.Code},
		{name: "no match", path: "/search?q=" + "不存在的企业", status: 200, want: []string{"未找到匹配的信用主体"}},
		{name: "too long query", path: "/search?q=" + strings.Repeat("华", 101), status: 200, want: []string{"不能超过 100 个字符"}},
		{name: "search escapes names", path: "/search?q=script", status: 200, want: []string{escaped}, not: []string{"<script>alert(1)"}},
		{name: "subject page", path: "/subjects/" + f.org.Code, status: 200, want: []string{"福州华信建材贸易有限公司", "关联人员", "法定代表人", "张**", "信用二维码", "qr.svg", "report.pdf", "1</b> 条失信信息"}, not: []string{"张三丰</td>"}},
		{name: "subject page escapes names", path: "/subjects/" + f.xss.Code, status: 200, want: []string{escaped}, not: []string{"<script>alert(1)"}},
		{name: "person page has no public report", path: "/subjects/" + f.person.Code, status: 200, want: []string{"须经本人授权", f.person.IDMasked, "张**"}, not: []string{"report.pdf", "qr.svg", "张三丰"}},
		{name: "person masked in search", path: "/search?q=" + "三丰", status: 200, want: []string{"张**", f.person.IDMasked}, not: []string{"张三丰", f.person.Code + " "}},
		{name: "unknown subject", path: "/subjects/91350100MA00000000", status: 404, want: []string{"页面不存在", "返回首页"}},
		{name: "rights", path: "/rights", status: 200, want: []string{"信用主体的权利", "查询", "异议", "信用修复", "信用承诺"}},
		{name: "verify form", path: "/verify", status: 200, want: []string{"按编号和验证码核验", "上传报告文件核验"}},
		{name: "verify unknown number", path: "/verify?no=XY20200101-000001&code=ABCDEFGHJKLM", status: 200, want: []string{"核验未通过", "报告编号或验证码不正确"}},
		{name: "verify missing code", path: "/verify?no=XY20200101-000001", status: 400, want: []string{"请填写验证码"}},
		{name: "chinese 404", path: "/no/such/page", status: 404, want: []string{"页面不存在", "您访问的页面不存在"}},
		{name: "console asks to sign in", path: "/console/tokens", status: 303, location: "/console/login?next=/console/tokens"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := do(t, public, "GET", f.srv.URL+tc.path, nil, "")
			if status != tc.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tc.path, status, tc.status, body)
			}
			if tc.location != "" && h.Get("Location") != tc.location {
				t.Errorf("Location %q, want %q", h.Get("Location"), tc.location)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tc.path, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("GET %s: body contains %q", tc.path, n)
				}
			}
		})
	}
}
