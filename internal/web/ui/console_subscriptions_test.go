package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestConsoleSubscriptions(t *testing.T) {
	f := newFixture(t)
	admin, csrf := f.session(t, f.user(t, "admin"))
	clerk, ccsrf := f.session(t, f.user(t, "samr"))
	reviewer, _ := f.session(t, f.user(t, "samr_review"))
	for _, c := range []struct {
		c      *http.Client
		status int
	}{{public, 303}, {reviewer, 403}, {clerk, 200}, {admin, 200}} {
		if st, _, _ := do(t, c.c, "GET", f.srv.URL+"/console/subscriptions", nil, ""); st != c.status {
			t.Errorf("GET subscriptions: %d, want %d", st, c.status)
		}
	}
	post := func(c *http.Client, path string, v url.Values) (int, http.Header, string) {
		return do(t, c, "POST", f.srv.URL+path, strings.NewReader(v.Encode()), formCT)
	}
	for _, tok := range []string{"", "forged"} {
		if st, _, _ := post(admin, "/console/subscriptions", url.Values{"csrf": {tok}, "url": {"https://example.org/hook"}, "event_types": {"entry.activated"}, "dept": {"samr"}}); st != 403 {
			t.Errorf("csrf %q: %d", tok, st)
		}
	}
	// bad input: reasons beside the fields, input kept
	st, _, body := post(admin, "/console/subscriptions", url.Values{"csrf": {csrf}, "url": {"ftp://x"}, "description": {"保留的说明"}})
	if st != 400 || strings.Count(body, `class="field-error"`) < 2 || !strings.Contains(body, `value="保留的说明"`) {
		t.Errorf("bad subscription: %d %.3000s", st, body)
	}
	// a clerk creates one for its department; the secret is shown once
	st, h, body := post(clerk, "/console/subscriptions", url.Values{"csrf": {ccsrf}, "url": {"https://example.org/hook"}, "event_types": {"entry.activated", "entry.exited"}, "description": {"市场监管审批系统"}})
	if st != 201 || h.Get("Cache-Control") != "no-store" || !strings.Contains(body, `id="subscription-secret"`) {
		t.Fatalf("create: %d %.2000s", st, body)
	}
	secret := regexp.MustCompile(`id="subscription-secret">([^<]+)<`).FindStringSubmatch(body)[1]
	_, _, list := do(t, clerk, "GET", f.srv.URL+"/console/subscriptions", nil, "")
	m := regexp.MustCompile(`href="/console/subscriptions/(\d+)"`).FindStringSubmatch(list)
	if m == nil || strings.Contains(list, secret) {
		t.Fatalf("list: %.2000s", list)
	}
	page := "/console/subscriptions/" + m[1]
	if _, _, b := do(t, clerk, "GET", f.srv.URL+page, nil, ""); strings.Contains(b, secret) || !strings.Contains(b, `id="deliveries"`) {
		t.Errorf("subscription page shows the secret or lacks the delivery log")
	}
	court, kcsrf := f.session(t, f.user(t, "court"))
	if st, _, _ := do(t, court, "GET", f.srv.URL+page, nil, ""); st != 404 {
		t.Errorf("court opens samr subscription: %d", st)
	}
	if st, _, _ := post(court, page+"/disable", url.Values{"csrf": {kcsrf}}); st != 404 {
		t.Errorf("court disables samr subscription: %d", st)
	}
	if st, _, b := post(clerk, page+"/redeliver", url.Values{"csrf": {ccsrf}, "seq": {"x"}}); st != 400 || !strings.Contains(b, "请指定要重新推送的变更序号") {
		t.Errorf("redeliver bad seq: %d", st)
	}
	if st, _, _ := post(clerk, page+"/redeliver", url.Values{"csrf": {ccsrf}, "seq": {"1"}}); st != 303 {
		t.Errorf("redeliver: %d", st)
	}
	if st, _, _ := post(clerk, page+"/disable", url.Values{"csrf": {ccsrf}, "reason": {"接收系统升级"}}); st != 303 {
		t.Errorf("disable: %d", st)
	}
	if _, _, b := do(t, clerk, "GET", f.srv.URL+page, nil, ""); !strings.Contains(b, "接收系统升级") || !strings.Contains(b, `id="enable-form"`) {
		t.Errorf("disabled page: %.2000s", b)
	}
	if st, _, b := post(clerk, page+"/redeliver", url.Values{"csrf": {ccsrf}, "seq": {"1"}}); st != 400 || !strings.Contains(b, "订阅已停用") {
		t.Errorf("redeliver disabled: %d", st)
	}
	if st, _, _ := post(clerk, page+"/enable", url.Values{"csrf": {ccsrf}}); st != 303 {
		t.Errorf("enable: %d", st)
	}
}
