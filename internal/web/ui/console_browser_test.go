package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserConsoleWork drives the department console: a clerk uploads a
// record file and sees the row report; a court clerk proposes, notifies and
// activates an entry, and the check tool then shows the measure with its
// legal basis.
func TestBrowserConsoleWork(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	f := newFixture(t)
	b := newBrowser(t, f.srv.URL)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	login := func(user string) {
		b.do(chromedp.Navigate(f.srv.URL+"/console/login"), chromedp.WaitVisible(css(`input[name="password"]`)),
			chromedp.SendKeys(css(`input[name="username"]`), user), chromedp.SendKeys(css(`input[name="password"]`), f.adminPW),
			chromedp.Submit(css(`input[name="password"]`)), chromedp.WaitVisible(css(".tiles")))
	}

	t.Run("clerk uploads a record file and sees the row report", func(t *testing.T) {
		b.t = t
		login("samr")
		file := filepath.Join(t.TempDir(), "行政处罚.csv")
		if err := os.WriteFile(file, penaltyCSV(f), 0o644); err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.Navigate(f.srv.URL+"/console/records/new?type=penalty"), chromedp.WaitVisible(css("#upload-form")))
		b.shot("12-console-record-new")
		b.do(chromedp.SetUploadFiles(css(`#upload-form input[name="file"]`), []string{file}),
			chromedp.Submit(css(`#upload-form input[name="file"]`)), chromedp.WaitVisible(css("#row-report")))
		contains(t, "row report", b.text("#batch-report"), "部分入库", "行政处罚", "CF_CFLB", "打板子", "下载逐行报告")
		b.shot("13-console-row-report")
		path := b.download("#report-xlsx")
		if x, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(x), "PK") {
			t.Errorf("downloaded report: %v", err)
		}
		b.do(chromedp.Navigate(f.srv.URL+"/console/records?type=penalty"), chromedp.WaitVisible(css("#records")))
		contains(t, "record list", b.text("#records"), "榕市监罚〔2026〕101号")
		b.do(chromedp.Click(css(`form[action="/console/logout"] button`)), chromedp.WaitVisible(css("body.portal")))
	})

	t.Run("clerk lists an entry and the check tool explains the measure", func(t *testing.T) {
		b.t = t
		login("court")
		b.do(chromedp.Navigate(f.srv.URL+"/console/entries"), chromedp.WaitVisible(css("#propose-form")),
			chromedp.SendKeys(css(`#propose-form input[name="subject"]`), f.org.Code),
			chromedp.SetValue(css(`#propose-form select[name="list_type"]`), "court_dishonest_debtor"),
			chromedp.SendKeys(css(`#propose-form input[name="basis_doc"]`), "（2026）闽0102执123号"),
			chromedp.SendKeys(css(`#propose-form textarea[name="facts"]`), "有履行能力而拒不履行生效法律文书确定的义务"))
		b.shot("14-console-propose")
		b.do(chromedp.Submit(css(`#propose-form input[name="subject"]`)), chromedp.WaitVisible(css("#notify-form")))
		contains(t, "proposed", b.text("#entry-state"), "拟列入")
		b.do(chromedp.Submit(css(`#notify-form input[name="note"]`)), chromedp.WaitVisible(css("#activate-form")))
		b.do(chromedp.Submit(css(`#activate-form input[name="note"]`)), chromedp.WaitVisible(css("#exit-form")))
		contains(t, "active", b.text("#entry-state"), "已列入")
		b.shot("15-console-entry-active")

		// the in-memory index follows the commit asynchronously: retry briefly
		var got string
		for i := 0; i < 20; i++ {
			b.do(chromedp.Navigate(f.srv.URL+"/console/check"), chromedp.WaitVisible(css("#check-form")),
				chromedp.SendKeys(css(`#check-form input[name="subject"]`), f.org.Code),
				chromedp.SetValue(css(`#check-form select[name="scenario"]`), "procurement"),
				chromedp.Submit(css(`#check-form input[name="subject"]`)), chromedp.WaitVisible(css("#check-measures")))
			if got = b.text("#check-measures"); strings.Contains(got, "P-COURT-011") {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		contains(t, "check measures", got, "强制性惩戒措施", "P-COURT-011", "对失信被执行人作为供应商参加政府采购活动依法予以限制",
			"法释〔2017〕7号", "（2026）闽0102执123号", "失信被执行人")
		contains(t, "check entries", b.text("#check-entries"), "失信被执行人")
		b.shot("16-console-check")
		b.do(chromedp.Click(css(`#feedback-form input[value="yes"]`)), chromedp.Submit(css(`#feedback-form input[name="measure"]`)),
			chromedp.WaitVisible(css("#feedback-given")))
		contains(t, "feedback", b.text("#feedback-given"), "P-COURT-011", "已执行")
		b.shot("17-console-feedback")
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.dialogs) > 0 {
			t.Errorf("JavaScript dialogs fired: %q", b.dialogs)
		}
	})
}
