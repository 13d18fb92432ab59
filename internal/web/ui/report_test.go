package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xinyong/internal/web/api"
)

func upload(t *testing.T, field, name string, data []byte, extra map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range extra {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func verification(t *testing.T, body string) api.Verification {
	t.Helper()
	var v api.Verification
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("bad JSON %v: %s", err, body)
	}
	return v
}

func TestReportIssueAndVerify(t *testing.T) {
	f := newFixture(t)
	status, h, pdf := do(t, public, "GET", f.srv.URL+"/api/v1/subjects/"+f.org.Code+"/report.pdf", nil, "")
	if status != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("report: %d %s %.80q", status, h.Get("Content-Type"), pdf)
	}
	number := h.Get("X-Report-Number")
	issued, err := f.st.ReportByNumber(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}

	// by number and code
	_, _, body := do(t, public, "GET", f.srv.URL+"/api/v1/reports/"+number+"/verify?code="+url.QueryEscape(strings.ToLower(issued.VerifyCode[:4])+"-"+issued.VerifyCode[4:]), nil, "")
	v := verification(t, body)
	if !v.Genuine || v.Number != number || v.Content == nil || v.Content.Subject.Name != f.org.Name {
		t.Fatalf("genuine report not confirmed: %s", body)
	}
	// what it contained: the live public penalty and the license; not the
	// expired or the shared one; the legal representative masked
	content, _ := json.Marshal(v.Content)
	for _, w := range []string{"榕市监罚〔2026〕1号", "JY13501020012345", "张**", "处罚内容：罚款人民币五千元"} {
		if !strings.Contains(string(content), w) {
			t.Errorf("report content lacks %q", w)
		}
	}
	for _, n := range []string{"榕市监罚〔2020〕9号", "榕市监罚〔2026〕2号", "张三丰"} {
		if strings.Contains(string(content), n) {
			t.Errorf("report content contains %q", n)
		}
	}

	tests := []struct {
		name    string
		method  string
		path    string
		file    []byte
		status  int
		genuine bool
		reason  string
	}{
		{name: "wrong code", method: "GET", path: "/api/v1/reports/" + number + "/verify?code=AAAAAAAAAAAA", status: 200, reason: "报告编号或验证码不正确"},
		{name: "unknown number", method: "GET", path: "/api/v1/reports/XY20200101-000009/verify?code=" + issued.VerifyCode, status: 200, reason: "报告编号或验证码不正确"},
		{name: "missing code", method: "GET", path: "/api/v1/reports/" + number + "/verify", status: 400},
		{name: "upload genuine", method: "POST", path: "/api/v1/reports/verify", file: []byte(pdf), status: 200, genuine: true},
		{name: "upload altered", method: "POST", path: "/api/v1/reports/verify", file: append([]byte(pdf[:len(pdf)-10]), []byte("%%EOF  \n\n")...), status: 200, reason: "内容已被修改"},
		{name: "upload not a pdf", method: "POST", path: "/api/v1/reports/verify", file: []byte("hello"), status: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var status int
			var body string
			if tc.file != nil {
				b, ct := upload(t, "file", "r.pdf", tc.file, nil)
				status, _, body = do(t, public, tc.method, f.srv.URL+tc.path, b, ct)
			} else {
				status, _, body = do(t, public, tc.method, f.srv.URL+tc.path, nil, "")
			}
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			if status != 200 {
				return
			}
			v := verification(t, body)
			if v.Genuine != tc.genuine || !strings.Contains(v.Reason, tc.reason) {
				t.Errorf("got %+v, want genuine=%v reason~%q", v, tc.genuine, tc.reason)
			}
			if !v.Genuine && v.Content != nil {
				t.Errorf("rejected verification reveals content")
			}
		})
	}

	// the portal page shows the same
	_, _, page := do(t, public, "GET", f.srv.URL+"/verify?no="+number+"&code="+issued.VerifyCode, nil, "")
	if !strings.Contains(page, "核验通过") || !strings.Contains(page, "榕市监罚〔2026〕1号") {
		t.Errorf("verify page does not show the genuine report")
	}
	// issuing is audited
	es, err := f.st.AuditEntries(context.Background(), f.org.ID, "report.issue", 0, 10)
	if err != nil || len(es) != 1 || es[0].Object != "report:"+number {
		t.Errorf("audit entries %+v, %v", es, err)
	}
}

func TestPersonReportAuthorization(t *testing.T) {
	f := newFixture(t)
	admin, _ := f.session(t, f.user(t, "admin"))
	clerk, _ := f.session(t, f.user(t, "samr"))
	self, _ := f.session(t, f.subjectUser(t, f.person))
	other, _ := f.session(t, f.subjectUser(t, f.org))
	path := f.srv.URL + "/api/v1/subjects/" + f.person.Code + "/report.pdf"
	tests := []struct {
		name   string
		c      *http.Client
		query  string
		status int
	}{
		{"public", public, "", 403},
		{"clerk without can_unmask", clerk, "?reason=x", 403},
		{"another subject", other, "", 403},
		{"operator without reason", admin, "", 400},
		{"operator with reason", admin, "?reason=" + url.QueryEscape("行政许可审查"), 200},
		{"the person", self, "", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := do(t, tc.c, "GET", path+tc.query, nil, "")
			if status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", status, tc.status, body)
			}
		})
	}
	es, err := f.st.AuditEntries(context.Background(), f.person.ID, "report.issue", 0, 10)
	if err != nil || len(es) != 2 {
		t.Fatalf("want 2 audited person reports, got %d (%v)", len(es), err)
	}
	if es[1].Detail != "行政许可审查" || es[0].Detail != "本人查询" {
		t.Errorf("audit details %q, %q", es[1].Detail, es[0].Detail)
	}
}

func TestQRCode(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		path, ctype, prefix string
		status              int
	}{
		{"/api/v1/subjects/" + f.org.Code + "/qr.png", "image/png", "\x89PNG", 200},
		{"/api/v1/subjects/" + f.org.Code + "/qr.svg", "image/svg+xml", "<svg", 200},
		{"/api/v1/subjects/91350100MA00000000/qr.png", "application/problem+json; charset=utf-8", "{", 404},
	}
	for _, tc := range tests {
		status, h, body := do(t, public, "GET", f.srv.URL+tc.path, nil, "")
		if status != tc.status || h.Get("Content-Type") != tc.ctype || !strings.HasPrefix(body, tc.prefix) {
			t.Errorf("GET %s: %d %s %.20q", tc.path, status, h.Get("Content-Type"), body)
		}
	}
	if got, want := f.deps.SubjectURL(f.org.Code), f.deps.Config.BaseURL()+"/subjects/"+f.org.Code; got != want {
		t.Errorf("QR target %q, want %q", got, want)
	}
}

func TestSearchAPI(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ q, want, not string }{
		{"华信", f.org.Code, f.xss.Code},
		{f.org.Code, f.org.Code, f.xss.Code},
		{"script", f.xss.Code, f.org.Code},
	}
	for _, tc := range tests {
		status, _, body := do(t, public, "GET", f.srv.URL+"/api/v1/subjects?q="+url.QueryEscape(tc.q), nil, "")
		if status != 200 || !strings.Contains(body, tc.want) || strings.Contains(body, tc.not) {
			t.Errorf("q=%s: %d %s", tc.q, status, body)
		}
	}
}
