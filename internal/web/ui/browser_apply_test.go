package ui_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserObjection files an objection to a public record on the portal
// and follows it with the query code, as a subject without an account would.
func TestBrowserObjection(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	f := newFixture(t)
	var recordID int64
	if err := f.st.DB().QueryRowContext(context.Background(), f.st.D.Rebind(
		`SELECT id FROM records WHERE subject_id = ? AND state = 'published' AND is_current = ? ORDER BY id LIMIT 1`), f.org.ID, true).Scan(&recordID); err != nil {
		t.Fatalf("no published record of the fixture organisation: %v", err)
	}
	b := newBrowser(t, f.srv.URL)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	b.do(chromedp.Navigate(f.srv.URL+"/apply"), chromedp.WaitVisible(css("#objection-form")),
		chromedp.SetValue(css(`#objection-form select[name="target"]`), "record"),
		chromedp.SendKeys(css(`#objection-form input[name="target_id"]`), strconv.FormatInt(recordID, 10)),
		chromedp.SendKeys(css(`#objection-form textarea[name="body"]`), "该处罚决定已被复议撤销，平台仍在公示"),
		chromedp.SendKeys(css(`#objection-form input[name="applicant_name"]`), f.org.Name),
		chromedp.SendKeys(css(`#objection-form input[name="applicant_contact"]`), "0591-12345678"))
	b.shot("30-apply-objection-form")
	b.do(chromedp.Submit(css(`#objection-form textarea[name="body"]`)), chromedp.WaitVisible(css("#apply-done")))
	done := b.text("#apply-done")
	contains(t, "objection submitted", done, "查询码", "异议")
	code := strings.TrimSpace(b.text("#query-code"))
	if len(code) < 16 {
		t.Fatalf("no query code on the result page: %q", done)
	}
	b.shot("31-apply-objection-done")
	// Follow it by query code, from a fresh page.
	b.do(chromedp.Navigate(f.srv.URL+"/apply/progress"), chromedp.WaitVisible(css("#progress-form")),
		chromedp.SendKeys(css(`#progress-form input[name="code"]`), code),
		chromedp.Submit(css(`#progress-form input[name="code"]`)), chromedp.WaitVisible(css("#progress-result")))
	contains(t, "progress", b.text("#progress-result"), "异议", "当前状态", "办理过程")
	b.shot("32-apply-progress")
	// A wrong code is refused with a message, not a page of someone else's case.
	b.do(chromedp.Navigate(f.srv.URL+"/apply/progress"), chromedp.WaitVisible(css("#progress-form")),
		chromedp.SendKeys(css(`#progress-form input[name="code"]`), "AAAA-BBBB-CCCC-DDDD"),
		chromedp.Submit(css(`#progress-form input[name="code"]`)), chromedp.WaitVisible(css(".error")))
	// The record is marked as under objection on the subject page.
	b.do(chromedp.Navigate(f.srv.URL+"/subjects/"+f.org.Code), chromedp.WaitVisible(css("main")))
	contains(t, "subject page", b.text("main"), "异议处理中")
}
