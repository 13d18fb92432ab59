package ui_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"xinyong/internal/store"
)

const formCT = "application/x-www-form-urlencoded"

// penaltyRow is a valid 行政处罚 row for subject code/name, decided today.
func penaltyRow(f *fixture, doc, code, name string) map[string]string {
	return map[string]string{
		"CF_XDR_MC": name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": code, "CF_FRDB": "张三丰",
		"CF_WSH": doc, "CF_WFXW": "销售超过保质期的食品", "CF_SY": "当事人销售超过保质期的食品", "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
		"CF_CFLB": "警告;罚款", "CF_NR": "警告，并处罚款5000元", "CF_NR_FK": "0.5", "CF_JDRQ": f.today, "CF_YXQ": "2099-12-31",
		"CF_CFJG": "福州市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X", "CF_SJLY": "福州市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X",
	}
}

// penaltyCSV is a file with one good and one bad row (unknown 处罚类别).
func penaltyCSV(f *fixture) []byte {
	cols := []string{"CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_FRDB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"}
	var b bytes.Buffer
	b.WriteString(strings.Join(cols, ",") + "\n")
	for i, doc := range []string{"榕市监罚〔2026〕101号", "榕市监罚〔2026〕102号"} {
		row := penaltyRow(f, doc, f.org.Code, f.org.Name)
		if i == 1 {
			row["CF_CFLB"] = "打板子"
		}
		vals := make([]string, len(cols))
		for j, c := range cols {
			vals[j] = row[c]
		}
		b.WriteString(strings.Join(vals, ",") + "\n")
	}
	return b.Bytes()
}

func uploadFile(t *testing.T, c *http.Client, url string, fields map[string]string, name string, file []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		w, _ := mw.CreateFormFile("file", name)
		w.Write(file)
	}
	mw.Close()
	status, _, b := do(t, c, "POST", url, &body, mw.FormDataContentType())
	return status, b
}

func TestConsoleWorkAccess(t *testing.T) {
	f := newFixture(t)
	admin, _ := f.session(t, f.user(t, "admin"))
	clerk, _ := f.session(t, f.user(t, "samr"))
	reviewer, _ := f.session(t, f.user(t, "samr_review"))
	self, _ := f.session(t, f.subjectUser(t, f.org))
	type tc struct {
		c      *http.Client
		status int
	}
	pages := map[string][]tc{
		"/console/records":             {{public, 303}, {self, 403}, {clerk, 200}, {reviewer, 200}, {admin, 200}},
		"/console/records/new":         {{public, 303}, {reviewer, 403}, {clerk, 200}, {admin, 200}},
		"/console/records/new?type=xx": {{clerk, 200}},
		"/console/reviews":             {{public, 303}, {clerk, 403}, {reviewer, 200}, {admin, 200}},
		"/console/entries":             {{public, 303}, {self, 403}, {clerk, 200}, {admin, 200}},
		"/console/check":               {{public, 303}, {self, 403}, {clerk, 200}, {admin, 200}},
		"/console":                     {{clerk, 200}},
	}
	for path, cases := range pages {
		for i, c := range cases {
			if status, h, _ := do(t, c.c, "GET", f.srv.URL+path, nil, ""); status != c.status {
				t.Errorf("case %d GET %s: %d, want %d", i, path, status, c.status)
			} else if status == 303 && !strings.HasPrefix(h.Get("Location"), "/console/login") {
				t.Errorf("GET %s redirects to %q", path, h.Get("Location"))
			}
		}
	}
	// POSTs: wrong role refused before anything happens
	for _, p := range []string{"/console/records/new", "/console/entries", "/console/records/1/revoke", "/console/records/1/review", "/console/entries/1/notify", "/console/checks/x/feedback"} {
		if status, _, body := do(t, self, "POST", f.srv.URL+p, form(map[string]string{"csrf": "x"}), formCT); status != 403 || !strings.Contains(body, "无权访问") {
			t.Errorf("subject POST %s: %d", p, status)
		}
		if status, _, _ := do(t, public, "POST", f.srv.URL+p, form(nil), formCT); status != 401 {
			t.Errorf("public POST %s: %d", p, status)
		}
	}
}

func TestConsoleWorkCSRF(t *testing.T) {
	f := newFixture(t)
	clerk, _ := f.session(t, f.user(t, "samr"))
	row := penaltyRow(f, "榕市监罚〔2026〕77号", f.org.Code, f.org.Name)
	row["type"] = "penalty"
	for _, tok := range []string{"", "forged-token"} {
		row["csrf"] = tok
		for _, p := range []string{"/console/records/new", "/console/entries", "/console/records/1/revoke", "/console/entries/1/exit", "/console/checks/x/feedback"} {
			if status, _, body := do(t, clerk, "POST", f.srv.URL+p, form(row), formCT); status != 403 || !strings.Contains(body, "CSRF") {
				t.Errorf("POST %s with csrf %q: %d", p, tok, status)
			}
		}
		if status, body := uploadFile(t, clerk, f.srv.URL+"/console/records/import", map[string]string{"csrf": tok, "type": "penalty"}, "a.csv", penaltyCSV(f)); status != 403 || !strings.Contains(body, "CSRF") {
			t.Errorf("upload with csrf %q: %d", tok, status)
		}
	}
	if recs, _ := f.st.Records(context.Background(), store.RecordFilter{DocNo: "榕市监罚〔2026〕77号", Limit: 5}); len(recs) != 0 {
		t.Errorf("refused form wrote a record")
	}
}

var idInPath = regexp.MustCompile(`/console/(?:records|entries|checks)/([A-Za-z0-9-]+)`)

func TestConsoleRecords(t *testing.T) {
	f := newFixture(t)
	clerk, csrf := f.session(t, f.user(t, "samr"))

	// upload: good row in, bad row reported, XLSX report downloadable
	status, body := uploadFile(t, clerk, f.srv.URL+"/console/records/import", map[string]string{"csrf": csrf, "type": "penalty"}, "处罚.csv", penaltyCSV(f))
	if status != 200 || !strings.Contains(body, `id="row-issues"`) || !strings.Contains(body, "CF_CFLB") || !strings.Contains(body, "未通过 <b>1</b>") {
		t.Fatalf("upload: %d %.2000s", status, body)
	}
	m := regexp.MustCompile(`/api/v1/batches/(\d+)/report.xlsx`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no report link")
	}
	if st, h, x := do(t, clerk, "GET", f.srv.URL+m[0], nil, ""); st != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") || !strings.HasPrefix(x, "PK") {
		t.Errorf("xlsx report: %d %s", st, h.Get("Content-Type"))
	}
	if st, _, b := do(t, clerk, "GET", f.srv.URL+"/console/batches/"+m[1], nil, ""); st != 200 || !strings.Contains(b, "CF_CFLB") {
		t.Errorf("batch page: %d", st)
	}
	// wrong file type / no file
	if st, b := uploadFile(t, clerk, f.srv.URL+"/console/records/import", map[string]string{"csrf": csrf, "type": "penalty"}, "a.pdf", []byte("%PDF-1.4")); st != 400 || !strings.Contains(b, "只接受 CSV 或 Excel") {
		t.Errorf("pdf upload: %d", st)
	}
	if st, b := uploadFile(t, clerk, f.srv.URL+"/console/records/import", map[string]string{"csrf": csrf, "type": "penalty"}, "", nil); st != 400 || !strings.Contains(b, "请选择要上传的文件") {
		t.Errorf("no file: %d", st)
	}
	if st, b := uploadFile(t, clerk, f.srv.URL+"/console/records/import", map[string]string{"csrf": csrf, "type": "penalty"}, "a.csv", []byte("foo,bar\n1,2\n")); st != 400 || !strings.Contains(b, "field-error") {
		t.Errorf("bad header: %d %.500s", st, b)
	}

	// the form: bad input comes back with the reason and the input kept
	row := penaltyRow(f, "榕市监罚〔2026〕201号", f.org.Code, f.org.Name)
	row["csrf"], row["type"], row["CF_CFLB"], row["CF_JDRQ"] = csrf, "penalty", "打板子", "2026-13-45"
	status, _, body = do(t, clerk, "POST", f.srv.URL+"/console/records/new", form(row), formCT)
	if status != 400 || !strings.Contains(body, `value="打板子"`) || strings.Count(body, `class="field-error"`) < 2 {
		t.Fatalf("bad form: %d %.3000s", status, body)
	}
	// happy path
	row["CF_CFLB"], row["CF_JDRQ"] = "警告;罚款", f.today
	status, h, body := do(t, clerk, "POST", f.srv.URL+"/console/records/new", form(row), formCT)
	if status != 303 || !strings.Contains(h.Get("Location"), "done=created_record") {
		t.Fatalf("submit: %d %s %.1000s", status, h.Get("Location"), body)
	}
	recURL := f.srv.URL + strings.Split(h.Get("Location"), "?")[0]
	if st, _, b := do(t, clerk, "GET", recURL, nil, ""); st != 200 || !strings.Contains(b, "榕市监罚〔2026〕201号") || !strings.Contains(b, `id="record-history"`) {
		t.Errorf("record page: %d", st)
	}
	// list with filters
	if _, _, b := do(t, clerk, "GET", f.srv.URL+"/console/records?type=penalty&subject="+f.org.Code, nil, ""); !strings.Contains(b, "榕市监罚〔2026〕201号") || !strings.Contains(b, "榕市监罚〔2026〕101号") {
		t.Errorf("record list lacks the new records")
	}
	if st, _, b := do(t, clerk, "GET", f.srv.URL+"/console/records?subject=91350100MA00000000", nil, ""); st != 400 || !strings.Contains(b, "未找到该主体代码") {
		t.Errorf("bad filter: %d", st)
	}
	// another department's clerk cannot open it
	court, _ := f.session(t, f.user(t, "court"))
	if st, _, _ := do(t, court, "GET", recURL, nil, ""); st != 403 {
		t.Errorf("court opens samr record: %d", st)
	}
	// revoke: reason required, then revoked
	if st, _, b := do(t, clerk, "POST", recURL+"/revoke", form(map[string]string{"csrf": csrf, "reason": " "}), formCT); st != 400 || !strings.Contains(b, "请填写撤销原因") {
		t.Errorf("revoke without reason: %d", st)
	}
	if st, h, _ := do(t, clerk, "POST", recURL+"/revoke", form(map[string]string{"csrf": csrf, "reason": "行政复议撤销原处罚决定"}), formCT); st != 303 {
		t.Errorf("revoke: %d", st)
	} else if _, _, b := do(t, clerk, "GET", f.srv.URL+h.Get("Location"), nil, ""); !strings.Contains(b, "已撤销") || !strings.Contains(b, "行政复议撤销原处罚决定") {
		t.Errorf("revoked record page lacks the state")
	}
}

func TestConsoleReview(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.st.Department(ctx, "samr")
	if err != nil {
		t.Fatal(err)
	}
	d.ReviewRequired = true
	if err := f.st.UpsertDepartment(ctx, d, "test"); err != nil {
		t.Fatal(err)
	}
	clerk, csrf := f.session(t, f.user(t, "samr"))
	reviewer, rcsrf := f.session(t, f.user(t, "samr_review"))
	for _, doc := range []string{"榕市监罚〔2026〕301号", "榕市监罚〔2026〕302号"} {
		row := penaltyRow(f, doc, f.org.Code, f.org.Name)
		row["csrf"], row["type"] = csrf, "penalty"
		if st, _, b := do(t, clerk, "POST", f.srv.URL+"/console/records/new", form(row), formCT); st != 303 {
			t.Fatalf("submit: %d %.500s", st, b)
		}
	}
	_, _, body := do(t, reviewer, "GET", f.srv.URL+"/console/reviews", nil, "")
	ids := regexp.MustCompile(`href="/console/records/(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(ids) != 2 {
		t.Fatalf("queue: %.2000s", body)
	}
	one, two := f.srv.URL+"/console/records/"+ids[0][1], f.srv.URL+"/console/records/"+ids[1][1]
	if st, _, _ := do(t, clerk, "POST", one+"/review", form(map[string]string{"csrf": csrf, "action": "pass"}), formCT); st != 403 {
		t.Errorf("clerk reviews: %d", st)
	}
	if st, _, b := do(t, reviewer, "POST", one+"/review", form(map[string]string{"csrf": rcsrf, "action": "return", "reason": ""}), formCT); st != 400 || !strings.Contains(b, "退回时须填写原因") {
		t.Errorf("return without reason: %d", st)
	}
	if st, _, _ := do(t, reviewer, "POST", one+"/review", form(map[string]string{"csrf": rcsrf, "action": "return", "reason": "文书号与原件不符"}), formCT); st != 303 {
		t.Errorf("return: %d", st)
	}
	if st, _, _ := do(t, reviewer, "POST", two+"/review", form(map[string]string{"csrf": rcsrf, "action": "pass"}), formCT); st != 303 {
		t.Errorf("pass: %d", st)
	}
	if _, _, b := do(t, reviewer, "GET", f.srv.URL+"/console/reviews", nil, ""); !strings.Contains(b, "没有待审核的记录") {
		t.Errorf("queue not empty after review")
	}
	if _, _, b := do(t, reviewer, "GET", two, nil, ""); !strings.Contains(b, "已发布") {
		t.Errorf("passed record not published")
	}
}
