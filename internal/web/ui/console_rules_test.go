package ui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xinyong/internal/measure"
)

func TestConsoleOperatorAccess(t *testing.T) {
	f := newFixture(t)
	admin, _ := f.session(t, f.user(t, "admin"))
	clerk, ccsrf := f.session(t, f.user(t, "samr"))
	for _, path := range []string{"/console/rules", "/console/measures/P-COURT-011", "/console/catalog", "/console/catalog/penalty", "/console/calendar", "/console/calendar?year=2026"} {
		for _, c := range []struct {
			c      *http.Client
			status int
		}{{public, 303}, {clerk, 403}, {admin, 200}} {
			if status, _, _ := do(t, c.c, "GET", f.srv.URL+path, nil, ""); status != c.status {
				t.Errorf("GET %s: %d, want %d", path, status, c.status)
			}
		}
	}
	for _, path := range []string{"/console/measures/P-COURT-011", "/console/catalog/penalty", "/console/calendar/2026/add"} {
		if status, _, _ := do(t, clerk, "POST", f.srv.URL+path, form(map[string]string{"csrf": ccsrf}), formCT); status != 403 {
			t.Errorf("clerk POST %s: %d", path, status)
		}
		for _, tok := range []string{"", "forged"} {
			if status, _, body := do(t, admin, "POST", f.srv.URL+path, form(map[string]string{"csrf": tok}), formCT); status != 403 || !strings.Contains(body, "CSRF") {
				t.Errorf("POST %s csrf %q: %d", path, tok, status)
			}
		}
	}
	if status, _, _ := do(t, admin, "GET", f.srv.URL+"/console/measures/P-NOPE-001", nil, ""); status != 404 {
		t.Errorf("unknown measure: %d", status)
	}
}

func TestConsoleMeasurePreview(t *testing.T) {
	f := newFixture(t)
	court, ccsrf := f.session(t, f.user(t, "court"))
	activeCourtEntry(t, f, court, ccsrf)
	admin, csrf := f.session(t, f.user(t, "admin"))
	edit := f.srv.URL + "/console/measures/P-MKT-001"
	_, _, page := do(t, admin, "GET", edit, nil, "")
	if !strings.Contains(page, "market_serious") {
		t.Fatalf("edit page: %.1000s", page)
	}
	_, ms, _, _ := f.st.Rules(context.Background())
	var m measure.Measure
	for _, x := range ms {
		if x.Code == "P-MKT-001" {
			m = x
		}
	}
	m.ListTypes = append(m.ListTypes, "court_dishonest_debtor")
	body, _ := json.Marshal(m)
	post := func(action, b string) (int, string) {
		st, _, out := do(t, admin, "POST", edit, strings.NewReader(url.Values{"csrf": {csrf}, "action": {action}, "body": {b}}.Encode()), formCT)
		return st, out
	}
	// preview: the court entry's subject would be newly bound; nothing saved
	st, out := post("preview", string(body))
	if st != 200 || !strings.Contains(out, `id="measure-preview"`) || !strings.Contains(out, "修改后约束 <b>1</b>") || !strings.Contains(out, "新增 <b>1</b>") {
		t.Fatalf("preview: %d %.3000s", st, out)
	}
	if _, ms, _, _ := f.st.Rules(context.Background()); containsMeasureList(ms, "P-MKT-001", "court_dishonest_debtor") {
		t.Fatal("preview saved the measure")
	}
	// bad input is refused with the reason and kept
	if st, out := post("save", `{"code":"P-MKT-001",`); st != 400 || !strings.Contains(out, "JSON 格式有误") || !strings.Contains(out, `{&#34;code&#34;:&#34;P-MKT-001&#34;,`) {
		t.Errorf("bad json: %d %.2000s", st, out)
	}
	bad := m
	bad.Basis = nil
	bb, _ := json.Marshal(bad)
	if st, out := post("save", string(bb)); st != 400 || !strings.Contains(out, "field-error") {
		t.Errorf("no basis: %d %.2000s", st, out)
	}
	if st, _ := post("save", string(body)); st != 303 {
		t.Errorf("save: %d", st)
	}
	if _, ms, _, _ := f.st.Rules(context.Background()); !containsMeasureList(ms, "P-MKT-001", "court_dishonest_debtor") {
		t.Error("measure not saved")
	}
}

func containsMeasureList(ms []measure.Measure, code, lt string) bool {
	for _, m := range ms {
		if m.Code == code {
			for _, x := range m.ListTypes {
				if x == lt {
					return true
				}
			}
		}
	}
	return false
}

func TestConsoleCatalogAndCalendar(t *testing.T) {
	f := newFixture(t)
	admin, csrf := f.session(t, f.user(t, "admin"))
	// catalog: fields shown; bad JSON and invalid types refused; a valid edit makes a new version
	_, _, page := do(t, admin, "GET", f.srv.URL+"/console/catalog/penalty", nil, "")
	if !strings.Contains(page, "CF_WSH") || !strings.Contains(page, `id="catalog-form"`) {
		t.Fatalf("catalog type page: %.1000s", page)
	}
	cat, _ := f.st.Catalog(context.Background())
	pt, _ := cat.Lookup("penalty")
	tt := *pt
	tt.Name = ""
	b, _ := json.Marshal(tt)
	post := func(body string) (int, string) {
		st, _, out := do(t, admin, "POST", f.srv.URL+"/console/catalog/penalty", strings.NewReader(url.Values{"csrf": {csrf}, "body": {body}}.Encode()), formCT)
		return st, out
	}
	if st, out := post(string(b)); st != 400 || !strings.Contains(out, "field-error") {
		t.Errorf("nameless type: %d %.2000s", st, out)
	}
	if st, out := post(`{"code":"penalty","bogus":1}`); st != 400 || !strings.Contains(out, "JSON 格式有误") {
		t.Errorf("unknown field: %d %.1000s", st, out)
	}
	tt.Name, tt.Help = pt.Name, "修改后的填报说明"
	b, _ = json.Marshal(tt)
	if st, out := post(string(b)); st != 303 {
		t.Errorf("save type: %d %.2000s", st, out)
	}
	if cat2, _ := f.st.Catalog(context.Background()); cat2.Version != cat.Version+1 {
		t.Errorf("catalog version %d → %d", cat.Version, cat2.Version)
	}

	// calendar: add, refuse a workday on a weekday, remove
	cal := f.srv.URL + "/console/calendar/2030"
	if st, _, out := do(t, admin, "POST", cal+"/add", form(map[string]string{"csrf": csrf, "date": "2030-10-01", "kind": "holiday", "name": "国庆节"}), formCT); st != 303 {
		t.Errorf("add holiday: %d %.1000s", st, out)
	}
	if st, _, out := do(t, admin, "POST", cal+"/add", form(map[string]string{"csrf": csrf, "date": "2030-10-02", "kind": "workday", "name": "调休"}), formCT); st != 400 || !strings.Contains(out, `value="调休"`) || !strings.Contains(out, "field-error") {
		t.Errorf("weekday workday: %d %.2000s", st, out)
	}
	if st, _, out := do(t, admin, "POST", cal+"/add", form(map[string]string{"csrf": csrf, "date": "2031-01-01", "kind": "holiday"}), formCT); st != 400 || !strings.Contains(out, "日期不在 2030 年") {
		t.Errorf("wrong year: %d", st)
	}
	if _, _, out := do(t, admin, "GET", f.srv.URL+"/console/calendar?year=2030", nil, ""); !strings.Contains(out, "国庆节") {
		t.Errorf("calendar lacks the day")
	}
	if st, _, _ := do(t, admin, "POST", cal+"/remove", form(map[string]string{"csrf": csrf, "date": "2030-10-01"}), formCT); st != 303 {
		t.Errorf("remove: %d", st)
	}
	if _, _, out := do(t, admin, "GET", f.srv.URL+"/console/calendar?year=2030", nil, ""); strings.Contains(out, "国庆节") {
		t.Errorf("day not removed")
	}
}
