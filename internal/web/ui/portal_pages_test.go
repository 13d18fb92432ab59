package ui_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"xinyong/internal/engine"
	"xinyong/internal/list"
	"xinyong/internal/remedy"
	"xinyong/internal/store"
	"xinyong/internal/web"
	"xinyong/internal/web/ui"
)

// portalFixture is the base fixture plus list entries, a published board, a
// commitment, an open objection and a running check engine, served by a
// second server whose dependencies include the engine.
type portalFixture struct {
	*fixture
	url   string
	board int64
}

func newPortalFixture(t testing.TB) *portalFixture {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now()
	day := func(d int) string { return now.AddDate(0, 0, d).Format("2006-01-02") }
	f.addRecord(t, f.xss.ID, "penalty", "bad", "public", "published", "榕市监罚〔2026〕77号", day(-3), day(300))
	f.addRecord(t, f.person.ID, "penalty", "bad", "public", "published", "榕市监罚〔2026〕88号", day(-4), day(300))
	black, _ := list.SeedByCode("court_dishonest_debtor")
	red, _ := list.SeedByCode("contract_honor")
	es := []store.BulkEntry{
		{SubjectID: f.org.ID, Type: black, Facts: "有履行能力而拒不履行", BasisDoc: "（2026）闽0102执123号", Start: day(-10), End: day(700), ActivatedAt: now.AddDate(0, 0, -10)},
		{SubjectID: f.person.ID, Type: black, Facts: "有履行能力而拒不履行", BasisDoc: "（2026）闽0102执124号", Start: day(-9), End: day(700), ActivatedAt: now.AddDate(0, 0, -9)},
		{SubjectID: f.xss.ID, Type: red, Facts: "守合同重信用", BasisDoc: "榕市监〔2026〕5号", Start: day(-8), End: day(700), ActivatedAt: now.AddDate(0, 0, -8)},
	}
	if err := f.st.InTx(ctx, func(tx *store.Tx) error { return tx.BulkEntries(es, "test") }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateCommitment(ctx, f.org.ID, f.org.Code, remedy.CommitmentInput{Kind: remedy.CommitGeneral, Dept: "samr",
		Matter: "食品经营许可申请", Content: "本单位承诺所报材料真实有效"}, "test"); err != nil {
		t.Fatal(err)
	}
	var recID int64
	if err := f.st.DB().QueryRow(`SELECT id FROM records WHERE doc_no = ?`, "榕市监罚〔2026〕1号").Scan(&recID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateCase(ctx, store.NewCase{Kind: remedy.Objection, SubjectID: f.org.ID, SubjectCode: f.org.Code, TargetKind: "record", TargetID: recID,
		TargetType: "penalty", Dept: "samr", Reason: "content_error", Body: "处罚金额记载有误", QueryHash: "portal-test-" + f.org.Code, Due: day(10)}, "test"); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Start(ctx, f.st, engine.Options{TailInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	b, err := f.st.PublishBoard(ctx, "2026年第一季度红黑榜", day(-30), day(0), "test")
	if err != nil {
		t.Fatal(err)
	}
	deps := f.deps
	deps.Engine = eng
	srv := httptest.NewServer(web.New(web.Options{API: deps, UI: ui.New(ui.Deps{API: deps})}))
	t.Cleanup(srv.Close)
	return &portalFixture{fixture: f, url: srv.URL, board: b.ID}
}

func TestPortalPublicPages(t *testing.T) {
	f := newPortalFixture(t)
	escaped := "&lt;script&gt;alert(1)&lt;/script&gt;有限公司"
	basis := "《最高人民法院关于公布失信被执行人名单信息的若干规定》"
	board := "/lists/boards/" + strconv.FormatInt(f.board, 10)
	tests := []struct {
		name, path string
		status     int
		want, not  []string
	}{
		{"publicity", "/publicity", 200, []string{"双公示", "榕市监罚〔2026〕1号", "JY13501020012345", "/subjects/" + f.org.Code, "行政处罚", "行政许可", "罚款人民币五千元"},
			[]string{"榕市监罚〔2020〕9号", "榕市监罚〔2026〕2号"}},
		{"publicity masks persons", "/publicity", 200, []string{"榕市监罚〔2026〕88号", "张**"}, []string{"张三丰"}},
		{"publicity escapes names", "/publicity", 200, []string{escaped}, []string{"<script>alert(1)"}},
		{"publicity by type", "/publicity?type=license", 200, []string{"JY13501020012345"}, []string{"榕市监罚〔2026〕1号"}},
		{"publicity by name", "/publicity?q=" + "华信", 200, []string{"榕市监罚〔2026〕1号"}, []string{"榕市监罚〔2026〕77号"}},
		{"publicity by code", "/publicity?q=" + strings.ToLower(f.org.Code), 200, []string{"榕市监罚〔2026〕1号"}, []string{"榕市监罚〔2026〕88号"}},
		{"publicity by dates", "/publicity?from=2025-01-01&dept=samr", 200, []string{"榕市监罚〔2026〕1号"}, []string{"JY13501020012345"}},
		{"publicity nothing", "/publicity?to=2000-01-01", 200, []string{"没有符合条件的公示信息"}, nil},
		{"publicity bad type", "/publicity?type=award", 400, []string{"查询条件有误", "类别只能是行政许可或行政处罚"}, nil},
		{"publicity bad date", "/publicity?from=2025-13-01", 400, []string{"日期格式应为 YYYY-MM-DD", `value="2025-13-01"`}, nil},
		{"publicity reversed dates", "/publicity?from=2025-06-01&to=2025-01-01", 400, []string{"结束日期不能早于开始日期"}, nil},
		{"publicity bad dept", "/publicity?dept=nosuch", 400, []string{"未知的部门"}, nil},
		{"publicity bad cursor", "/publicity?before=abc", 400, []string{"翻页参数无效"}, nil},
		{"lists", "/lists", 200, []string{"红黑榜", "失信被执行人", "守合同重信用", "2026年第一季度红黑榜", board, "福州华信建材贸易有限公司", "（2026）闽0102执123号", basis, "张**"},
			[]string{"张三丰"}},
		{"lists escapes names", "/lists", 200, []string{escaped}, []string{"<script>alert(1)"}},
		{"lists by type", "/lists?type=contract_honor", 200, []string{escaped}, []string{"（2026）闽0102执123号"}},
		{"lists by kind", "/lists?kind=black", 200, []string{"（2026）闽0102执123号"}, []string{"榕市监〔2026〕5号"}},
		{"lists bad type", "/lists?type=nosuch", 400, []string{"未知或不公开的名单类型"}, nil},
		{"lists bad kind", "/lists?kind=green", 400, []string{"只能选择红名单或黑名单"}, nil},
		{"lists bad cursor", "/lists?after=x", 400, []string{"翻页参数无效"}, nil},
		{"board", board, 200, []string{"2026年第一季度红黑榜", "司法领域", "福州华信建材贸易有限公司", "新增列入", escaped, "张**"}, []string{"张三丰", "<script>alert(1)"}},
		{"board bad id", "/lists/boards/abc", 404, []string{"红黑榜编号无效"}, nil},
		{"board unknown", "/lists/boards/9999", 404, []string{"未找到红黑榜"}, nil},
		{"measures", "/measures", 200, []string{"联合奖惩措施清单", "惩戒措施 · 行政性", "激励措施", "强制性", "发起部门", "实施部门", "依据", "P-COURT-"}, nil},
		{"measures by scenario", "/measures?scenario=" + "政府采购", 200, []string{"“政府采购”场景", `value="procurement" selected`}, nil},
		{"measures by list", "/measures?list_type=court_dishonest_debtor&kind=punish", 200, []string{"由“失信被执行人”触发的", "P-COURT-"}, []string{"激励措施 · "}},
		{"measures bad scenario", "/measures?scenario=" + "登月", 400, []string{"未知的应用场景", "筛选条件有误"}, nil},
		{"measures bad kind", "/measures?kind=x", 400, []string{"只能选择激励或惩戒"}, nil},
		{"measures bad list", "/measures?list_type=x", 400, []string{"未知的名单类型"}, nil},
		{"subject sections", "/subjects/" + f.org.Code, 200, []string{"红黑名单状态", "黑名单", "失信被执行人", "认定部门", basis, "（2026）闽0102执123号",
			"双公示信息", "榕市监罚〔2026〕1号", "异议处理中", "罚款人民币五千元", "JY13501020012345",
			"信用承诺", "综合信用承诺", "食品经营许可申请", "履行中",
			"当前适用的联合奖惩措施", "P-COURT-", "仅供参考", "政府采购"},
			[]string{"榕市监罚〔2020〕9号", "榕市监罚〔2026〕2号"}},
		{"subject red list", "/subjects/" + f.xss.Code, 200, []string{"红名单", "守合同重信用", escaped}, []string{"<script>alert(1)"}},
		{"person subject masked", "/subjects/" + f.person.Code, 200, []string{"张**", "失信被执行人", "榕市监罚〔2026〕88号"}, []string{"张三丰"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := do(t, public, "GET", f.url+tc.path, nil, "")
			if status != tc.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tc.path, status, tc.status, body)
			}
			if status == 200 && strings.HasPrefix(tc.path, "/subjects/") && h.Get("Cache-Control") != "no-store" {
				t.Errorf("subject page Cache-Control %q, want no-store (the QR code must show the live state)", h.Get("Cache-Control"))
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
