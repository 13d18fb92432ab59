package ui_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTrackingPages(t *testing.T) {
	f := newFixture(t)
	admin, csrf := f.session(t, f.user(t, "admin"))
	clerk, _ := f.session(t, f.user(t, "samr"))
	period := time.Now().In(time.FixedZone("CST", 8*3600))
	q := period.Format("2006") + "Q" + string(rune('1'+(int(period.Month())-1)/3))
	tests := []struct {
		name   string
		c      *http.Client
		path   string
		status int
		want   []string
		not    []string
	}{
		{"operator dashboard", admin, "/console/tracking?period=" + q, 200, []string{"部门排名", "<svg", "各部门归集信用记录", "信易贷推荐名单"}, []string{"<script"}},
		{"clerk sees own", clerk, "/console/tracking", 200, []string{"本页仅显示本部门数据", "本部门归集信用记录"}, []string{"信易贷推荐名单"}},
		{"empty period", admin, "/console/tracking?period=2001Q1", 200, []string{"本期暂无数据"}, nil},
		{"bad period", admin, "/console/tracking?period=2001Q9", 400, []string{"统计期应为季度"}, nil},
		{"public index", public, "/credit-index", 200, []string{"区域信用环境指数", "<svg", "有失信记录主体占比"}, []string{"<script"}},
		{"public refused", public, "/console/tracking", 303, nil, nil},
		{"clerk no bank list", clerk, "/console/recommendations.xlsx", 403, nil, nil},
	}
	for _, tc := range tests {
		status, _, body := do(t, tc.c, "GET", f.srv.URL+tc.path, nil, "")
		if status != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, status, tc.status)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: lacks %q", tc.name, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(body, w) {
				t.Errorf("%s: contains %q", tc.name, w)
			}
		}
	}
	status, h, _ := do(t, admin, "POST", f.srv.URL+"/console/tracking/reports", form(map[string]string{"csrf": csrf, "period": q}), "application/x-www-form-urlencoded")
	if status != 303 || !strings.Contains(h.Get("Location"), "generated=") {
		t.Fatalf("generate: %d %v", status, h)
	}
	id := h.Get("Location")[strings.LastIndex(h.Get("Location"), "=")+1:]
	if status, h, body := do(t, admin, "GET", f.srv.URL+"/console/tracking/reports/"+id, nil, ""); status != 200 || !strings.HasPrefix(body, "PK") || !strings.Contains(h.Get("Content-Disposition"), ".xlsx") {
		t.Errorf("download: %d", status)
	}
	if status, _, _ := do(t, clerk, "GET", f.srv.URL+"/console/tracking/reports/"+id, nil, ""); status != 403 {
		t.Errorf("clerk downloads overall report: %d", status)
	}
	if status, _, body := do(t, admin, "GET", f.srv.URL+"/console/recommendations.xlsx", nil, ""); status != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("bank list: %d", status)
	}
}
