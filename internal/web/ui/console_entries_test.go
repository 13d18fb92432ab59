package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// activeCourtEntry has the court clerk propose, notify and activate a
// 失信被执行人 entry for the fixture's organisation and returns its page URL.
func activeCourtEntry(t *testing.T, f *fixture, court *http.Client, csrf string) string {
	t.Helper()
	status, h, body := do(t, court, "POST", f.srv.URL+"/console/entries", form(map[string]string{"csrf": csrf, "subject": f.org.Code, "list_type": "court_dishonest_debtor",
		"facts": "有履行能力而拒不履行生效法律文书确定的义务", "basis_doc": "（2026）闽0102执123号", "start": f.today}), formCT)
	if status != 303 || !strings.Contains(h.Get("Location"), "done=proposed") {
		t.Fatalf("propose: %d %.1500s", status, body)
	}
	entry := f.srv.URL + strings.Split(h.Get("Location"), "?")[0]
	for _, a := range []string{"notify", "activate"} {
		if st, _, b := do(t, court, "POST", entry+"/"+a, form(map[string]string{"csrf": csrf}), formCT); st != 303 {
			t.Fatalf("%s: %d %.1500s", a, st, b)
		}
	}
	return entry
}

// checkUntil runs the console check until the answer contains want (the
// in-memory index follows commits asynchronously) and returns the page.
func checkUntil(t *testing.T, f *fixture, c *http.Client, q url.Values, want string) string {
	t.Helper()
	var body string
	for i := 0; i < 50; i++ {
		_, _, body = do(t, c, "GET", f.srv.URL+"/console/check?"+q.Encode(), nil, "")
		if strings.Contains(body, want) {
			return body
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("check never showed %q: %.3000s", want, body)
	return ""
}

func TestConsoleEntriesAndCheck(t *testing.T) {
	f := newFixture(t)
	court, csrf := f.session(t, f.user(t, "court"))
	samr, scsrf := f.session(t, f.user(t, "samr"))

	// bad proposals come back with reasons beside the fields and the input kept
	status, _, body := do(t, court, "POST", f.srv.URL+"/console/entries", form(map[string]string{"csrf": csrf, "subject": "91350100MA00000000", "list_type": "court_dishonest_debtor",
		"facts": "", "basis_doc": "（2026）闽0102执9号", "start": "2026-02-30"}), formCT)
	if status != 400 || !strings.Contains(body, "须写明列入名单的事实") || !strings.Contains(body, `value="（2026）闽0102执9号"`) || !strings.Contains(body, "日期格式应为") {
		t.Errorf("bad proposal: %d %.3000s", status, body)
	}
	status, _, body = do(t, court, "POST", f.srv.URL+"/console/entries", form(map[string]string{"csrf": csrf, "subject": "91350100MA00000000", "list_type": "court_dishonest_debtor",
		"facts": "拒不履行", "basis_doc": "（2026）闽0102执9号"}), formCT)
	if status != 400 || !strings.Contains(body, "未找到该主体") {
		t.Errorf("unknown subject: %d", status)
	}
	// another department may not identify a court list
	status, _, body = do(t, samr, "POST", f.srv.URL+"/console/entries", form(map[string]string{"csrf": scsrf, "subject": f.org.Code, "list_type": "court_dishonest_debtor",
		"facts": "拒不履行", "basis_doc": "（2026）闽0102执9号"}), formCT)
	if status != 403 || !strings.Contains(body, "只有认定部门") {
		t.Errorf("samr proposes a court entry: %d", status)
	}

	entry := activeCourtEntry(t, f, court, csrf)
	_, _, body = do(t, court, "GET", entry, nil, "")
	for _, w := range []string{"已列入", "法释〔2017〕7号", `id="entry-persons"`, "法定代表人", "告知书", `id="exit-form"`} {
		if !strings.Contains(body, w) {
			t.Errorf("entry page lacks %q", w)
		}
	}
	if st, _, _ := do(t, samr, "GET", entry, nil, ""); st != 403 {
		t.Errorf("samr opens a court entry: %d", st)
	}
	if st, _, b := do(t, court, "POST", entry+"/activate", form(map[string]string{"csrf": csrf}), formCT); st != 409 || !strings.Contains(b, "不能办理") {
		t.Errorf("activate twice: %d", st)
	}

	// the check tool shows the measure, mandatory first, with its chain
	q := url.Values{"subject": {f.org.Code}, "scenario": {"procurement"}}
	body = checkUntil(t, f, court, q, "P-COURT-011")
	mand := strings.Index(body, "强制性惩戒措施")
	rec := strings.Index(body, "推荐性惩戒措施")
	if mand < 0 || (rec >= 0 && rec < mand) || !strings.Contains(body, "法释〔2017〕7号") || !strings.Contains(body, "（2026）闽0102执123号") {
		t.Errorf("check answer: %.4000s", body)
	}
	if st, _, b := do(t, court, "GET", f.srv.URL+"/console/check?subject=123&scenario=nope", nil, ""); st != 400 || !strings.Contains(b, "统一社会信用代码有误") || !strings.Contains(b, `value="123"`) {
		t.Errorf("bad check: %d", st)
	}
	if st, _, b := do(t, court, "GET", f.srv.URL+"/console/check?subject="+f.org.Code+"&scenario=procurement&as_of=yesterday", nil, ""); st != 400 || !strings.Contains(b, "日期格式应为") {
		t.Errorf("bad as_of: %d", st)
	}

	// feedback: a measure not applied needs a reason; then saved
	id := regexp.MustCompile(`/console/checks/([A-Za-z0-9-]+)/feedback`).FindStringSubmatch(body)
	if id == nil {
		t.Fatal("no feedback form")
	}
	fb := f.srv.URL + "/console/checks/" + id[1]
	vals := url.Values{"csrf": {csrf}, "measure": {"P-COURT-011"}, "applied_P-COURT-011": {"no"}}
	if st, _, b := do(t, court, "POST", fb+"/feedback", strings.NewReader(vals.Encode()), formCT); st != 400 || !strings.Contains(b, "未执行的措施须说明原因") {
		t.Errorf("feedback without reason: %d %.2000s", st, b)
	}
	vals.Set("applied_P-COURT-011", "yes")
	if st, h, b := do(t, court, "POST", fb+"/feedback", strings.NewReader(vals.Encode()), formCT); st != 303 {
		t.Errorf("feedback: %d %.1000s", st, b)
	} else if _, _, b := do(t, court, "GET", f.srv.URL+h.Get("Location"), nil, ""); !strings.Contains(b, "已执行") || !strings.Contains(b, "执行反馈已保存") {
		t.Errorf("check log page lacks the feedback")
	}
	if st, _, _ := do(t, samr, "GET", fb, nil, ""); st != 403 {
		t.Errorf("samr opens a court check: %d", st)
	}

	// exit with reason
	if st, _, b := do(t, court, "POST", entry+"/exit", form(map[string]string{"csrf": csrf, "reason": ""}), formCT); st != 400 || !strings.Contains(b, "移出原因应为") {
		t.Errorf("exit without reason: %d", st)
	}
	if st, _, _ := do(t, court, "POST", entry+"/exit", form(map[string]string{"csrf": csrf, "reason": "court", "note": "已履行完毕"}), formCT); st != 303 {
		t.Errorf("exit: %d", st)
	}
	if _, _, b := do(t, court, "GET", entry, nil, ""); !strings.Contains(b, "已移出") {
		t.Errorf("entry not exited")
	}
	if _, _, b := do(t, court, "GET", f.srv.URL+"/console/entries?state=exited", nil, ""); !strings.Contains(b, f.org.Name) {
		t.Errorf("entry list lacks the exited entry")
	}
}
