package ui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConsoleBoards(t *testing.T) {
	f := newFixture(t)
	admin, csrf := f.session(t, f.user(t, "admin"))
	clerk, ccsrf := f.session(t, f.user(t, "court"))
	for _, c := range []struct {
		c      *http.Client
		status int
	}{{public, 303}, {clerk, 403}, {admin, 200}} {
		if st, _, _ := do(t, c.c, "GET", f.srv.URL+"/console/boards", nil, ""); st != c.status {
			t.Errorf("GET boards: %d, want %d", st, c.status)
		}
	}
	if st, _, _ := do(t, clerk, "POST", f.srv.URL+"/console/boards", form(map[string]string{"csrf": ccsrf, "title": "x", "period_start": f.today, "period_end": f.today}), formCT); st != 403 {
		t.Errorf("clerk publishes: %d", st)
	}
	if st, _, _ := do(t, admin, "POST", f.srv.URL+"/console/boards", form(map[string]string{"csrf": "forged", "title": "x", "period_start": f.today, "period_end": f.today}), formCT); st != 403 {
		t.Errorf("forged csrf: %d", st)
	}
	activeCourtEntry(t, f, clerk, ccsrf)
	in := map[string]string{"csrf": csrf, "title": "本月红黑榜", "period_start": f.today, "period_end": "2000-01-01"}
	if st, _, b := do(t, admin, "POST", f.srv.URL+"/console/boards", form(in), formCT); st != 400 || !strings.Contains(b, "结束日期早于开始日期") || !strings.Contains(b, `value="本月红黑榜"`) {
		t.Errorf("bad period: %d", st)
	}
	// the activation's civil date is in Asia/Shanghai; cover both days
	in["period_end"], in["action"] = time.Now().AddDate(0, 0, 1).Format("2006-01-02"), "preview"
	st, _, b := do(t, admin, "POST", f.srv.URL+"/console/boards", form(in), formCT)
	if st != 200 || !strings.Contains(b, `id="board-preview"`) || !strings.Contains(b, f.org.Name) || !strings.Contains(b, "新列入 <b>1</b>") {
		t.Fatalf("preview: %d %.3000s", st, b)
	}
	if bs, _ := f.st.Boards(context.Background(), 0, 10); len(bs) != 0 {
		t.Fatal("preview published a board")
	}
	in["action"] = "publish"
	if st, _, _ := do(t, admin, "POST", f.srv.URL+"/console/boards", form(in), formCT); st != 303 {
		t.Errorf("publish: %d", st)
	}
	if bs, _ := f.st.Boards(context.Background(), 0, 10); len(bs) != 1 || bs[0].Title != "本月红黑榜" {
		t.Errorf("boards after publish: %+v", bs)
	}
}
