package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"xinyong/internal/auth"
	"xinyong/internal/store"
	"xinyong/internal/xtest"
)

const recOrg = "91350100M000100Y43" // GB 32100 worked example

// recDecision is the decision date of the test penalties: seven months ago,
// so that their one-year publicity window is open today (a fixed date
// expired under the test suite on 2026-12-02).
var recDecision = time.Now().AddDate(0, -7, 0)

func recRow(doc, code, name string) map[string]string {
	return map[string]string{
		"CF_XDR_MC": name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": code, "CF_FRDB": "张三",
		"CF_WSH": doc, "CF_WFXW": "销售超过保质期的食品", "CF_SY": "当事人销售超过保质期的食品", "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
		"CF_CFLB": "警告;罚款", "CF_NR": "警告，并处罚款5000元", "CF_NR_FK": "0.5", "CF_JDRQ": recDecision.Format("2006-01-02"), "CF_YXQ": "2099-12-31",
		"CF_CFJG": "示例市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X", "CF_SJLY": "示例市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X",
	}
}

type recReport struct {
	BatchID  int64         `json:"batch_id"`
	Status   string        `json:"status"`
	Accepted int           `json:"accepted"`
	Rejected int           `json:"rejected"`
	Issues   []store.Issue `json:"issues"`
	Warnings []store.Issue `json:"warnings"`
	Outcomes []struct {
		ID int64 `json:"id"`
	} `json:"outcomes"`
}

type recPublic struct {
	Items []struct {
		DocNo       string `json:"doc_no"`
		SubjectName string `json:"subject_name"`
		Fields      []struct {
			Code, Value string
		} `json:"fields"`
	} `json:"items"`
}

func publicDocNos(t *testing.T, srv *xtest.Server) []string {
	t.Helper()
	res := srv.Do(t, auth.RolePublic, "GET", "/api/v1/public/records?type=penalty", nil)
	if res.Status != 200 {
		t.Fatalf("public records: %d %s", res.Status, res.Body)
	}
	var p recPublic
	res.JSON(t, &p)
	var out []string
	for _, it := range p.Items {
		out = append(out, it.DocNo)
	}
	return out
}

func TestRecordSubmissionAPI(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		person := recRow("罚P", "", "李小明")
		delete(person, "CF_XDR_SHXYM")
		delete(person, "CF_FRDB")
		person["CF_XDR_LB"], person["CF_XDR_ZJLX"], person["CF_XDR_ZJHM"] = "自然人", "身份证", "11010519491231002X"
		bad := recRow("罚X", recOrg, "坏公司")
		bad["CF_CFLB"] = "打板子"
		res := srv.Do(t, auth.RoleClerk, "POST", "/api/v1/records", map[string]any{"type": "penalty", "rows": []map[string]string{recRow("罚1", recOrg, "示例科技有限公司"), person, bad}})
		if res.Status != 200 {
			t.Fatalf("submit: %d %s", res.Status, res.Body)
		}
		var rep recReport
		res.JSON(t, &rep)
		if rep.Accepted != 2 || rep.Rejected != 1 || len(rep.Issues) != 1 || rep.Issues[0].Row != 3 || rep.Issues[0].Field != "CF_CFLB" {
			t.Fatalf("report: %+v", rep)
		}
		res = srv.Do(t, auth.RolePublic, "GET", "/api/v1/public/records?type=penalty", nil)
		var pub recPublic
		res.JSON(t, &pub)
		if len(pub.Items) != 2 {
			t.Fatalf("public: %s", res.Body)
		}
		for _, it := range pub.Items {
			for _, f := range it.Fields {
				if f.Code == "CF_XDR_ZJHM" || strings.Contains(f.Value, "11010519491231002X") {
					t.Errorf("public view leaks the identity number: %+v", f)
				}
			}
			if it.DocNo == "罚P" && it.SubjectName != "测***" /* the registered person (xtest) is 测试本人 */ {
				t.Errorf("person name not masked: %q", it.SubjectName)
			}
		}

		// Bad input: a clear 4xx naming the field, nothing written.
		for _, c := range []struct {
			name  string
			role  auth.Role
			body  any
			code  string
			field string
		}{
			{"mode", auth.RoleClerk, map[string]any{"type": "penalty", "mode": "lenient", "rows": []map[string]string{recRow("罚9", recOrg, "甲")}}, "invalid", "mode"},
			{"no rows", auth.RoleClerk, map[string]any{"type": "penalty", "rows": []map[string]string{}}, "invalid", "rows"},
			{"type", auth.RoleClerk, map[string]any{"type": "nope", "rows": []map[string]string{recRow("罚9", recOrg, "甲")}}, "invalid", "type"},
			{"unknown json", auth.RoleClerk, map[string]any{"type": "penalty", "rowz": 1}, "request.unknown_field", "rowz"},
			{"operator without dept", auth.RoleOperator, map[string]any{"type": "penalty", "rows": []map[string]string{recRow("罚9", recOrg, "甲")}}, "invalid", "dept"},
			{"strict", auth.RoleClerk, map[string]any{"type": "penalty", "mode": "strict", "rows": []map[string]string{recRow("罚9", recOrg, "甲"), bad}}, "records.rejected", "rows[2].CF_CFLB"},
		} {
			res := srv.Do(t, c.role, "POST", "/api/v1/records", c.body)
			code, fields := res.Problem(t)
			if res.Status != 400 || code != c.code || len(fields) == 0 || fields[0] != c.field {
				t.Errorf("%s: %d %s %v", c.name, res.Status, code, fields)
			}
		}
		if got := publicDocNos(t, srv); len(got) != 2 {
			t.Errorf("bad input wrote records: %v", got)
		}
		// A court-only type refused to another department.
		res = srv.Do(t, auth.RoleClerk, "POST", "/api/v1/records", map[string]any{"type": "judgment", "rows": []map[string]string{{"x": "y"}}})
		if res.Status != 403 {
			t.Errorf("judgment by samr: %d %s", res.Status, res.Body)
		}

		// Revocation by another department is refused; by the owner withdraws at once.
		id := rep.Outcomes[0].ID
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/records/%d/revoke", srv.URL, id), strings.NewReader(`{"reason":"复议撤销"}`))
		req.Header.Set("Authorization", "Bearer "+srv.OtherClerk)
		req.Header.Set("Content-Type", "application/json")
		if res := srv.Send(t, req); res.Status != 403 {
			t.Errorf("other dept revoke: %d", res.Status)
		}
		if res := srv.Do(t, auth.RoleClerk, "POST", fmt.Sprintf("/api/v1/records/%d/revoke", id), map[string]string{"reason": ""}); res.Status != 400 {
			t.Errorf("revoke without reason: %d", res.Status)
		}
		if res := srv.Do(t, auth.RoleClerk, "POST", fmt.Sprintf("/api/v1/records/%d/revoke", id), map[string]string{"reason": "复议撤销"}); res.Status != 200 {
			t.Fatalf("revoke: %d %s", res.Status, res.Body)
		}
		if got := publicDocNos(t, srv); len(got) != 1 || got[0] != "罚P" {
			t.Errorf("public after revoke: %v", got)
		}
		// As-of views: before the decision and after the window nothing shows.
		day := func(t time.Time) string { return t.Format("2006-01-02") }
		for asOf, want := range map[string]int{day(recDecision.AddDate(0, 0, -1)): 0, day(recDecision.AddDate(0, 6, 0)): 1, day(recDecision.AddDate(1, 0, 1)): 0} {
			res := srv.Do(t, auth.RolePublic, "GET", "/api/v1/public/records?as_of="+asOf, nil)
			var p recPublic
			res.JSON(t, &p)
			if len(p.Items) != want {
				t.Errorf("as_of %s: %d items, want %d", asOf, len(p.Items), want)
			}
		}
		if res := srv.Do(t, auth.RolePublic, "GET", "/api/v1/public/records?as_of=2026-13-01", nil); res.Status != 400 {
			t.Errorf("bad as_of: %d", res.Status)
		}
		// History visible to the department.
		res = srv.Do(t, auth.RoleReviewer, "GET", fmt.Sprintf("/api/v1/records/%d", id), nil)
		if res.Status != 200 || !strings.Contains(string(res.Body), `"revoked"`) {
			t.Errorf("record view: %d %s", res.Status, res.Body)
		}
	})
}

func multipartBody(t *testing.T, fields map[string]string, name string, file []byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func upload(t *testing.T, srv *xtest.Server, fields map[string]string, name string, file []byte) xtest.Response {
	body, ct := multipartBody(t, fields, name, file)
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/records/import", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+srv.Tokens[auth.RoleClerk])
	return srv.Send(t, req)
}

func TestRecordFileImportAPI(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		// A provincial GBK export with extra columns, Chinese headers and one bad row.
		r := recRow("罚1", recOrg, "示例科技有限公司")
		cols := []string{"CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"}
		var csv strings.Builder
		csv.WriteString("ID,行政相对人名称,行政相对人类别,行政相对人代码_1（统一社会信用代码）,行政处罚决定书文号,违法行为类型,违法事实,处罚依据,处罚类别,处罚内容,罚款金额（万元）,处罚决定日期,处罚有效期,处罚机关,处罚机关统一社会信用代码,数据来源单位,数据来源单位统一社会信用代码,CHECK_FLAG\n")
		line := func(id string, m map[string]string) {
			csv.WriteString(id)
			for _, c := range cols {
				csv.WriteString("," + m[c])
			}
			csv.WriteString(",1\n")
		}
		line("1", r)
		b := recRow("=HYPERLINK(\"x\")", recOrg, "示例科技有限公司")
		b["CF_JDRQ"] = "2025-02-30"
		line("2", b)
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(csv.String())
		if err != nil {
			t.Fatal(err)
		}
		res := upload(t, srv, map[string]string{"type": "penalty"}, "export.csv", []byte(gbk))
		if res.Status != 200 {
			t.Fatalf("csv import: %d %s", res.Status, res.Body)
		}
		var rep recReport
		res.JSON(t, &rep)
		if rep.Accepted != 1 || rep.Rejected != 1 || rep.Issues[0].Row != 3 || rep.Issues[0].Field != "CF_JDRQ" {
			t.Fatalf("csv report: %+v", rep)
		}
		if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "CHECK_FLAG") {
			t.Errorf("unknown columns not warned once: %+v", rep.Warnings)
		}
		// The XLSX report repeats the bad row with its reason, neutralised.
		x := srv.Do(t, auth.RoleClerk, "GET", fmt.Sprintf("/api/v1/batches/%d/report.xlsx", rep.BatchID), nil)
		if x.Status != 200 {
			t.Fatalf("xlsx report: %d", x.Status)
		}
		f, err := excelize.OpenReader(bytes.NewReader(x.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("被拒行")
		if len(rows) != 2 || rows[1][0] != "3" || !strings.Contains(rows[1][1], "处罚决定日期") || !strings.Contains(strings.Join(rows[1], "|"), "'=HYPERLINK") {
			t.Errorf("rejected sheet: %q", rows)
		}
		if res := srv.Do(t, auth.RoleClerk, "GET", fmt.Sprintf("/api/v1/batches/%d", rep.BatchID), nil); res.Status != 200 {
			t.Errorf("batch json: %d", res.Status)
		}
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/batches/%d", srv.URL, rep.BatchID), nil)
		req.Header.Set("Authorization", "Bearer "+srv.OtherClerk)
		if res := srv.Send(t, req); res.Status != 403 {
			t.Errorf("other dept read batch: %d", res.Status)
		}

		// The template round-trips: fill row 4, upload, accepted.
		tpl := srv.Do(t, auth.RolePublic, "GET", "/api/v1/catalog/penalty/template.xlsx", nil)
		if tpl.Status != 200 {
			t.Fatalf("template: %d", tpl.Status)
		}
		tf, err := excelize.OpenReader(bytes.NewReader(tpl.Body))
		if err != nil {
			t.Fatal(err)
		}
		codes, _ := tf.GetRows("数据")
		if len(codes) != 3 || !strings.HasPrefix(codes[0][0], "*") {
			t.Fatalf("template rows: %q", codes)
		}
		r2 := recRow("罚2", recOrg, "示例科技有限公司")
		for i, c := range codes[1] {
			cell, _ := excelize.CoordinatesToCellName(i+1, 4)
			tf.SetCellStr("数据", cell, r2[c])
		}
		var filled bytes.Buffer
		tf.Write(&filled)
		res = upload(t, srv, map[string]string{"type": "penalty", "mode": "strict"}, "filled.xlsx", filled.Bytes())
		res.JSON(t, &rep)
		if res.Status != 200 || rep.Accepted != 1 || rep.Rejected != 0 {
			t.Fatalf("template import: %d %s", res.Status, res.Body)
		}

		// Bad files change nothing.
		for _, c := range []struct {
			name string
			file []byte
			code string
		}{
			{"unknown header", []byte("foo,bar\n1,2\n"), "import.unknown_header"},
			{"binary", []byte("\x00\x01\x02garbage"), "invalid"},
			{"xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "invalid"},
			{"header only", []byte("CF_WSH,CF_XDR_MC\n"), "records.empty"},
		} {
			res := upload(t, srv, map[string]string{"type": "penalty"}, c.name+".csv", c.file)
			if code, _ := res.Problem(t); res.Status != 400 || code != c.code {
				t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
			}
		}
		if got := publicDocNos(t, srv); len(got) != 2 {
			t.Errorf("public after bad files: %v", got)
		}
	})
}

func TestCatalogCalendarRulesAPI(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		srv := xtest.NewServer(t, s)
		res := srv.Do(t, auth.RolePublic, "GET", "/api/v1/catalog/penalty", nil)
		if res.Status != 200 {
			t.Fatalf("catalog type: %d", res.Status)
		}
		var typ map[string]any
		res.JSON(t, &typ)
		typ["help"] = "已由信用办修订"
		if res := srv.Do(t, auth.RoleClerk, "PUT", "/api/v1/catalog/penalty", typ); res.Status != 403 {
			t.Errorf("clerk edited catalog: %d", res.Status)
		}
		res = srv.Do(t, auth.RoleOperator, "PUT", "/api/v1/catalog/penalty", typ)
		var put struct {
			CatalogVersion int `json:"catalog_version"`
		}
		res.JSON(t, &put)
		if res.Status != 200 || put.CatalogVersion != 2 {
			t.Fatalf("put type: %d %s", res.Status, res.Body)
		}
		typ["nature"] = "好坏参半"
		if res := srv.Do(t, auth.RoleOperator, "PUT", "/api/v1/catalog/penalty", typ); res.Status != 400 {
			t.Errorf("invalid type accepted: %d %s", res.Status, res.Body)
		}
		res = srv.Do(t, auth.RoleClerk, "POST", "/api/v1/records", map[string]any{"type": "penalty", "rows": []map[string]string{recRow("罚1", recOrg, "甲公司")}})
		var rep recReport
		res.JSON(t, &rep)
		rec := srv.Do(t, auth.RoleClerk, "GET", fmt.Sprintf("/api/v1/records/%d", rep.Outcomes[0].ID), nil)
		if !strings.Contains(string(rec.Body), `"catalog_version":2`) {
			t.Errorf("record does not keep catalog version 2: %s", rec.Body)
		}

		res = srv.Do(t, auth.RoleOperator, "PUT", "/api/v1/calendar/2027", map[string]any{"overrides": []map[string]string{{"date": "2027-01-04", "kind": "workday", "name": "元旦"}}})
		if code, fields := res.Problem(t); res.Status != 400 || code != "calendar.invalid" || len(fields) == 0 {
			t.Errorf("weekday as make-up workday: %d %s", res.Status, res.Body)
		}
		res = srv.Do(t, auth.RoleOperator, "PUT", "/api/v1/calendar/2027", map[string]any{"overrides": []map[string]string{{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}}})
		if res.Status != 200 {
			t.Fatalf("put calendar: %d %s", res.Status, res.Body)
		}
		res = srv.Do(t, auth.RolePublic, "GET", "/api/v1/calendar?year=2024&decision_date=2024-09-27", nil)
		if res.Status != 200 || !strings.Contains(string(res.Body), `"deadline":"2024-10-12"`) {
			t.Errorf("calendar deadline: %s", res.Body)
		}
		res = srv.Do(t, auth.RoleOperator, "PUT", "/api/v1/publicity/rules", map[string]any{"rules": []map[string]any{{"id": "x", "source": "", "effective_from": "2025-01-01", "severity": "general", "min_months": 3, "max_months": 1}}})
		if res.Status != 400 {
			t.Errorf("bad rules accepted: %d", res.Status)
		}
	})
}
