package ui_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromium returns the browser to drive: $XINYONG_CHROMIUM or
// /usr/bin/chromium. Missing, it fails in CI and skips loudly elsewhere.
func chromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("XINYONG_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium required in CI but not found at %s (apt-get install -y chromium fonts-noto-cjk)", path)
		}
		fmt.Fprintf(os.Stderr, "\n!!!!!!!! browser tests SKIPPED: no Chromium at %s (apt-get install -y chromium fonts-noto-cjk) !!!!!!!!\n\n", path)
		t.Skip("browser tests SKIPPED: Chromium not installed")
	}
	return path
}

// browserSession drives one headless Chromium tab against the fixture server
// and records every JavaScript dialog that opens.
type browserSession struct {
	t         *testing.T
	ctx       context.Context
	base      string
	shots     string
	downloads string
	mu        sync.Mutex
	dialogs   []string
}

func newBrowser(t *testing.T, base string) *browserSession {
	path := chromium(t)
	shots := os.Getenv("XINYONG_ARTIFACTS")
	if shots == "" {
		shots = t.TempDir()
	}
	shots = filepath.Join(shots, "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	b := &browserSession{t: t, ctx: ctx, base: base, shots: shots, downloads: t.TempDir()}
	// start the browser, then watch for dialogs (an alert would mean script injection)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: b.downloads, EventsEnabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

// do runs steps with a generous safety limit (not a timing assertion).
func (b *browserSession) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

func (b *browserSession) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *browserSession) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// download clicks sel and returns the downloaded file's path.
func (b *browserSession) download(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	b.do(chromedp.Click(chromedp.CSS(sel)))
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("download: %v", err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			return filepath.Join(b.downloads, ev.GUID)
		case browser.DownloadProgressStateCanceled:
			b.t.Fatalf("download canceled")
		}
	}
	b.t.Fatal("download did not finish")
	return ""
}

func contains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	f := newFixture(t)
	b := newBrowser(t, f.srv.URL)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	t.Run("search two characters and open a subject", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(css(".hero")))
		b.shot("01-home")
		b.do(chromedp.SendKeys(css(`.hero input[name="q"]`), "华信"), chromedp.Submit(css(`.hero input[name="q"]`)), chromedp.WaitVisible(css("#results")))
		contains(t, "results", b.text("#results"), "福州华信建材贸易有限公司", f.org.Code)
		b.shot("02-search")
		b.do(chromedp.Click(css("#results a")), chromedp.WaitVisible(css("#subject-name")))
		if got := b.text("#subject-name"); got != "福州华信建材贸易有限公司" {
			t.Errorf("subject page shows %q", got)
		}
		contains(t, "live state", b.text("#live-state"), "1 条失信信息")
		b.shot("03-subject")
		b.do(chromedp.EmulateViewport(390, 844))
		b.shot("04-subject-phone")
		b.do(chromedp.EmulateViewport(1280, 900))
	})

	t.Run("download a report and verify it", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(f.srv.URL+"/subjects/"+f.org.Code), chromedp.WaitVisible(css("#report-download")))
		path := b.download("#report-download")
		pdf, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Fatalf("downloaded file: %v %.10q", err, pdf)
		}
		b.do(chromedp.Navigate(f.srv.URL+"/verify"), chromedp.WaitVisible(css("#verify-file-form")),
			chromedp.SetUploadFiles(css(`#verify-file-form input[name="file"]`), []string{path}),
			chromedp.Submit(css(`#verify-file-form input[name="file"]`)), chromedp.WaitVisible(css("#verify-result")))
		contains(t, "verify by file", b.text("#verify-result"), "核验通过", "福州华信建材贸易有限公司", "榕市监罚〔2026〕1号")
		b.shot("05-verify-genuine")

		sum := sha256.Sum256(pdf)
		rep, err := f.st.ReportByDigest(context.Background(), hex.EncodeToString(sum[:]))
		if err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.Navigate(f.srv.URL+"/verify"), chromedp.WaitVisible(css("#verify-code-form")),
			chromedp.SendKeys(css(`input[name="no"]`), rep.Number), chromedp.SendKeys(css(`input[name="code"]`), rep.VerifyCode),
			chromedp.Submit(css(`input[name="code"]`)), chromedp.WaitVisible(css("#verify-result")))
		contains(t, "verify by code", b.text("#verify-result"), "核验通过", rep.Number)

		altered := filepath.Join(t.TempDir(), "altered.pdf")
		os.WriteFile(altered, append(pdf[:len(pdf)-8:len(pdf)-8], []byte("%%EOF \n\n")...), 0o644)
		b.do(chromedp.Navigate(f.srv.URL+"/verify"), chromedp.WaitVisible(css("#verify-file-form")),
			chromedp.SetUploadFiles(css(`#verify-file-form input[name="file"]`), []string{altered}),
			chromedp.Submit(css(`#verify-file-form input[name="file"]`)), chromedp.WaitVisible(css("#verify-result")))
		contains(t, "verify altered", b.text("#verify-result"), "核验未通过", "内容已被修改")
		b.shot("06-verify-rejected")
	})

	t.Run("script in a name renders as text", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(f.srv.URL+"/search?q=script"), chromedp.WaitVisible(css("#results")))
		contains(t, "search", b.text("#results"), XSSName)
		b.do(chromedp.Navigate(f.srv.URL+"/subjects/"+f.xss.Code), chromedp.WaitVisible(css("#subject-name")))
		if got := b.text("#subject-name"); got != XSSName {
			t.Errorf("subject page shows %q", got)
		}
		b.shot("07-subject-script-name")
		path := b.download("#report-download")
		b.do(chromedp.Navigate(f.srv.URL+"/verify"), chromedp.WaitVisible(css("#verify-file-form")),
			chromedp.SetUploadFiles(css(`#verify-file-form input[name="file"]`), []string{path}),
			chromedp.Submit(css(`#verify-file-form input[name="file"]`)), chromedp.WaitVisible(css("#verify-result")))
		contains(t, "verify page", b.text("#verify-result"), "核验通过", XSSName)
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.dialogs) > 0 {
			t.Errorf("JavaScript dialogs fired: %q", b.dialogs)
		}
	})

	t.Run("sign in to the console and create a token", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(f.srv.URL+"/console/tokens"), chromedp.WaitVisible(css(`input[name="password"]`)))
		b.shot("08-login")
		b.do(chromedp.SendKeys(css(`input[name="username"]`), "admin"), chromedp.SendKeys(css(`input[name="password"]`), f.adminPW),
			chromedp.Submit(css(`input[name="password"]`)), chromedp.WaitVisible(css("#new-token")))
		b.do(chromedp.SendKeys(css(`#new-token input[name="name"]`), "市场监管局审批系统"),
			chromedp.SetValue(css(`#new-token select[name="dept"]`), "samr"),
			chromedp.Submit(css(`#new-token input[name="name"]`)), chromedp.WaitVisible(css("#token-secret")))
		secret := strings.TrimSpace(b.text("#token-secret"))
		b.shot("09-token-created")
		req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("new token refused: %v %v", err, res)
		}
		res.Body.Close()
		b.do(chromedp.Navigate(f.srv.URL+"/console/tokens"), chromedp.WaitVisible(css("#tokens")))
		contains(t, "token list", b.text("#tokens"), "市场监管局审批系统")
		b.shot("10-tokens")
		b.do(chromedp.Navigate(f.srv.URL+"/console/audit"), chromedp.WaitVisible(css("#verify-chain")),
			chromedp.Click(css("#verify-chain")), chromedp.WaitVisible(css("#audit-verdict")))
		contains(t, "audit verdict", b.text("#audit-verdict"), "审计链完整")
		b.shot("11-audit")
	})
}
