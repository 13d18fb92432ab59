package ui_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPortal drives the public 双公示, 红黑榜 and measures pages and
// the subject page's list status in Chromium, at desktop and phone width.
func TestBrowserPortal(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	f := newPortalFixture(t)
	b := newBrowser(t, f.url)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	t.Run("publicity with a filter", func(t *testing.T) {
		b.t = t
		// start from a refused filter (no results) so the list can only come from the submit
		b.do(chromedp.Navigate(f.url+"/publicity?type=award"), chromedp.WaitVisible(css("#filter-error")),
			chromedp.SetValue(css(`#publicity-filter select[name="type"]`), "penalty"),
			chromedp.SendKeys(css(`#publicity-filter input[name="q"]`), "华信"),
			chromedp.Submit(css(`#publicity-filter input[name="q"]`)), chromedp.WaitVisible(css("#publicity-results")))
		got := b.text("#publicity-results")
		contains(t, "filtered publicity", got, "福州华信建材贸易有限公司", "榕市监罚〔2026〕1号", "行政处罚")
		for _, n := range []string{"JY13501020012345", "榕市监罚〔2020〕9号", "榕市监罚〔2026〕2号", "张三丰"} {
			if strings.Contains(got, n) {
				t.Errorf("filtered publicity shows %q:\n%s", n, got)
			}
		}
		b.shot("20-publicity-filtered")
		b.do(chromedp.Navigate(f.url+"/publicity?from=2025-13-01"), chromedp.WaitVisible(css("#filter-error")))
		contains(t, "bad date", b.text("#publicity-filter"), "日期格式应为 YYYY-MM-DD")
	})

	t.Run("black-listed subject shows list and basis", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(f.url+"/subjects/"+f.org.Code), chromedp.WaitVisible(css("#list-status")))
		contains(t, "list status", b.text("#list-status"), "黑名单", "失信被执行人", "《最高人民法院关于公布失信被执行人名单信息的若干规定》", "（2026）闽0102执123号")
		contains(t, "publicity records", b.text("#publicity-records"), "榕市监罚〔2026〕1号", "异议处理中")
		contains(t, "measures", b.text("#measures"), "惩戒措施", "强制性", "仅供参考")
		b.do(chromedp.Click(css("#measures-detail summary")))
		contains(t, "measure details", b.text("#measures-detail"), "P-COURT-", "依据", "政府采购")
		contains(t, "commitments", b.text("#commitments"), "食品经营许可申请", "履行中")
		b.shot("21-subject-black-list")
	})

	t.Run("measures filtered by scenario", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(f.url+"/measures?scenario=nosuch"), chromedp.WaitVisible(css("#filter-error")),
			chromedp.SetValue(css(`#measures-filter select[name="scenario"]`), "procurement"),
			chromedp.Submit(css(`#measures-filter select[name="scenario"]`)), chromedp.WaitVisible(css("#measures-count")))
		contains(t, "measures count", b.text("#measures-count"), "“政府采购”场景")
		got := b.text("#measures")
		contains(t, "measures", got, "政府采购", "依据", "实施部门")
		if strings.Contains(got, "没有符合条件的措施") {
			t.Errorf("no measures for 政府采购")
		}
		b.shot("22-measures-procurement")
	})

	t.Run("script in a name renders as text on publicity and lists", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(f.url+"/publicity"), chromedp.WaitVisible(css("#publicity-results")))
		contains(t, "publicity", b.text("#publicity-results"), XSSName, "张**")
		b.do(chromedp.Navigate(f.url+"/lists?kind=red"), chromedp.WaitVisible(css("#entry-results")))
		contains(t, "lists", b.text("#entry-results"), XSSName, "守合同重信用")
		b.shot("23-lists")
		b.do(chromedp.Navigate(f.url+"/lists/boards/"+strconv.FormatInt(f.board, 10)), chromedp.WaitVisible(css("#board-title")))
		contains(t, "board", b.text("main"), XSSName, "福州华信建材贸易有限公司", "新增列入")
		b.shot("24-board")
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.dialogs) > 0 {
			t.Errorf("JavaScript dialogs fired: %q", b.dialogs)
		}
	})

	t.Run("phone width", func(t *testing.T) {
		b.t = t
		b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		defer b.do(chromedp.EmulateReset())
		b.do(chromedp.Navigate(f.url+"/subjects/"+f.org.Code), chromedp.WaitVisible(css("#list-status")))
		b.shot("25-phone-subject")
		b.do(chromedp.Navigate(f.url+"/publicity"), chromedp.WaitVisible(css("#publicity-results")))
		b.shot("26-phone-publicity")
		b.do(chromedp.Navigate(f.url+"/measures"), chromedp.WaitVisible(css("#measures")))
		b.shot("27-phone-measures")
	})
}
