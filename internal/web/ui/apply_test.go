package ui_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestApplyPages: the portal report form files a case with the query code
// shown once; the progress page finds it by code without the reporter's
// identity; bad input re-renders the form with the reason.
func TestApplyPages(t *testing.T) {
	f := newFixture(t)
	jar := &cookieJar{}
	c := &http.Client{Jar: jar, CheckRedirect: noRedirect}
	st, _, page := do(t, c, "GET", f.srv.URL+"/apply", nil, "")
	if st != 200 || !strings.Contains(page, "提出异议") || !strings.Contains(page, "申请信用修复") || !strings.Contains(page, "投诉举报") {
		t.Fatalf("apply page: %d", st)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil {
		t.Fatal("no csrf token")
	}
	post := func(path string, vals map[string]string, file []byte) (int, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range vals {
			mw.WriteField(k, v)
		}
		if file != nil {
			mw.WriteField("kind1", "evidence")
			fw, _ := mw.CreateFormFile("file1", "证据.pdf")
			fw.Write(file)
		}
		mw.Close()
		st, _, body := do(t, c, "POST", f.srv.URL+path, &b, mw.FormDataContentType())
		return st, body
	}
	vals := map[string]string{"csrf": csrf[1], "subject": f.org.Code, "reason": "虚假承诺", "body": "该企业承诺补齐材料后长期未补", "applicant_name": "举报人赵六", "applicant_contact": "13700000000"}
	if st, body := post("/apply/report", map[string]string{"csrf": "bad", "subject": f.org.Code, "body": "xxxxxxxx", "anonymous": "1"}, nil); st != 403 {
		t.Fatalf("bad csrf: %d %s", st, body)
	}
	if st, body := post("/apply/report", map[string]string{"csrf": csrf[1], "subject": f.org.Code, "body": "短", "anonymous": "1"}, nil); st != 400 || !strings.Contains(body, "5至5000") {
		t.Fatalf("bad input: %d", st)
	}
	if st, body := post("/apply/report", vals, []byte("GIF89a not allowed")); st != 400 || !strings.Contains(body, "PDF、JPG 或 PNG") {
		t.Fatalf("bad file: %d", st)
	}
	st, body := post("/apply/report", vals, []byte("%PDF-1.4\n"))
	if st != 201 {
		t.Fatalf("report: %d %s", st, body)
	}
	code := regexp.MustCompile(`id="query-code">([A-Z0-9-]+)<`).FindStringSubmatch(body)
	if code == nil || strings.Contains(body, "举报人赵六") {
		t.Fatalf("done page: %s", body)
	}
	st, _, body = do(t, public, "POST", f.srv.URL+"/apply/progress", form(map[string]string{"code": code[1]}), "application/x-www-form-urlencoded")
	if st != 200 || !strings.Contains(body, "已提交") || strings.Contains(body, "举报人赵六") || strings.Contains(body, "13700000000") {
		t.Fatalf("progress: %d %s", st, body)
	}
	st, _, body = do(t, public, "POST", f.srv.URL+"/apply/progress", form(map[string]string{"code": "AAAA-BBBB-CCCC-DDDD"}), "application/x-www-form-urlencoded")
	if st != 200 || !strings.Contains(body, "查询码不正确") {
		t.Fatalf("unknown code: %d", st)
	}
}

// TestConsoleRemedies: the operator's queue lists a report with its due
// date; routing it from the case page moves it to the department, whose
// clerk then sees it; another department's clerk does not.
func TestConsoleRemedies(t *testing.T) {
	f := newFixture(t)
	jar := &cookieJar{}
	c := &http.Client{Jar: jar, CheckRedirect: noRedirect}
	_, _, page := do(t, c, "GET", f.srv.URL+"/apply", nil, "")
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	st, _, _ := do(t, c, "POST", f.srv.URL+"/apply/report", form(map[string]string{"csrf": csrf, "subject": f.org.Code, "body": "长期拖欠货款拒不履行", "anonymous": "1"}), "application/x-www-form-urlencoded")
	if st != 201 {
		t.Fatalf("report: %d", st)
	}
	admin, acsrf := f.session(t, f.user(t, "admin"))
	st, _, body := do(t, admin, "GET", f.srv.URL+"/console/remedies", nil, "")
	if st != 200 || !strings.Contains(body, "投诉举报") || !strings.Contains(body, "待分办") {
		t.Fatalf("queue: %d %s", st, body)
	}
	id := regexp.MustCompile(`/console/remedies/(\d+)"`).FindStringSubmatch(body)[1]
	if st, _, _ := do(t, admin, "POST", f.srv.URL+"/console/remedies/"+id, form(map[string]string{"csrf": "x", "action": "route", "dept": "samr"}), "application/x-www-form-urlencoded"); st != 403 {
		t.Fatalf("bad csrf: %d", st)
	}
	if st, _, body := do(t, admin, "POST", f.srv.URL+"/console/remedies/"+id, form(map[string]string{"csrf": acsrf, "action": "route"}), "application/x-www-form-urlencoded"); st != 400 || !strings.Contains(body, "承办部门") {
		t.Fatalf("route without dept: %d", st)
	}
	if st, _, body := do(t, admin, "POST", f.srv.URL+"/console/remedies/"+id, form(map[string]string{"csrf": acsrf, "action": "route", "dept": "samr"}), "application/x-www-form-urlencoded"); st != 200 || !strings.Contains(body, "已分办") {
		t.Fatalf("route: %d %s", st, body)
	}
	samr, _ := f.session(t, f.user(t, "samr"))
	if st, _, body := do(t, samr, "GET", f.srv.URL+"/console/remedies/"+id, nil, ""); st != 200 || !strings.Contains(body, "开始办理") {
		t.Fatalf("samr case page: %d", st)
	}
	court, _ := f.session(t, f.user(t, "court"))
	if st, _, _ := do(t, court, "GET", f.srv.URL+"/console/remedies/"+id, nil, ""); st != 403 {
		t.Fatalf("court case page: %d", st)
	}
	if st, _, body := do(t, court, "GET", f.srv.URL+"/console/remedies", nil, ""); st != 200 || strings.Contains(body, "/console/remedies/"+id+`"`) {
		t.Fatalf("court queue shows samr's case")
	}
}
