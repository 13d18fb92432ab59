package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/config"
	"xinyong/internal/engine"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web"
	"xinyong/internal/web/api"
)

func init() { benchCommands["soak"] = benchSoak }

// benchSoak holds the check at a fixed rate (default 80 % of the rate wrk
// measures first) for a long time while a stream of record imports runs,
// and prints per-window latency, errors and resident memory.
func benchSoak(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("bench soak", "浸泡测试：以固定速率（默认为实测最大核查速率的 80%）持续核查，同时持续导入信用记录，按时间窗输出延迟、错误与内存", errOut)
	cfg.Bind(fs, false)
	subjects := fs.Int("subjects", 1000000, "subjects to have in the store (generated if fewer)")
	entries := fs.Int("entries", 100000, "active list entries to have (generated if fewer)")
	rate := fs.Int("rate", 0, "checks per second (0: 80% of the rate measured with wrk first)")
	dur := fs.Duration("duration", 10*time.Minute, "soak duration")
	window := fs.Duration("window", 30*time.Second, "reporting window")
	importRows := fs.Int("import-rows", 200, "penalty records imported per second alongside")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer e.Close()
	if err := benchSeed(ctx, e, *subjects, *entries, out); err != nil {
		return err
	}
	eng, err := engine.Start(ctx, e.store, engine.Options{JournalDir: checkJournalDir(cfg.DataDir)})
	if err != nil {
		return err
	}
	defer eng.Close()
	_, checkTok, err := e.store.CreateToken(ctx, store.Token{Name: "bench soak", Role: auth.RoleSystem, Dept: "ggzy"}, "", "system:bench")
	if err != nil {
		return err
	}
	_, importTok, err := e.store.CreateToken(ctx, store.Token{Name: "bench soak import", Role: auth.RoleClerk, Dept: "samr"}, "", "system:bench")
	if err != nil {
		return err
	}
	deps := api.Deps{Store: e.store, Config: cfg, PII: e.pii, Now: time.Now, Engine: eng}
	base, stop, err := serveBench(web.New(web.Options{API: deps}))
	if err != nil {
		return err
	}
	defer stop()
	codes := eng.Codes(200000)
	scenario := urlQueryEscape("政府采购")
	if *rate == 0 {
		wrk, err := exec.LookPath("wrk")
		if err != nil {
			return fmt.Errorf("未找到 wrk，请用 --rate 指定速率或安装 wrk")
		}
		work, err := os.MkdirTemp("", "xinyong-soak-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(work)
		if err := os.WriteFile(work+"/codes.txt", []byte(strings.Join(codes, "\n")+"\n"), 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(work+"/check.lua", []byte(fmt.Sprintf(luaScript, work+"/codes.txt", scenario)), 0o600); err != nil {
			return err
		}
		max, err := runWrk(ctx, wrk, 2, 64, 15*time.Second, base+"/api/v1/check", work+"/check.lua", checkTok)
		if err != nil {
			return err
		}
		*rate = int(max.rps * 0.8)
		fmt.Fprintf(out, "最大核查速率 %.0f 次/秒，浸泡速率取 80%%：%d 次/秒\n", max.rps, *rate)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var (
		mu       sync.Mutex
		lat      []time.Duration
		errCount atomic.Int64
		imported atomic.Int64
		importEr atomic.Int64
	)
	ctx, cancel := context.WithTimeout(ctx, *dur)
	defer cancel()
	jobs := make(chan string, 4096)
	var wg sync.WaitGroup
	for i := 0; i < 128; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for code := range jobs {
				req, _ := http.NewRequest("GET", base+"/api/v1/check?subject="+code+"&scenario="+scenario, nil)
				req.Header.Set("Authorization", "Bearer "+checkTok)
				t0 := time.Now()
				res, err := client.Do(req)
				d := time.Since(t0)
				if err != nil {
					errCount.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					errCount.Add(1)
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	// Import stream: one batch of penalty records a second.
	go func() {
		r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			rows := make([]map[string]string, *importRows)
			for i := range rows {
				rows[i] = soakPenalty(n, i, subject.GenerateUSCC(r, "350102", '9', '1'))
			}
			body, _ := json.Marshal(map[string]any{"type": "penalty", "rows": rows})
			req, _ := http.NewRequest("POST", base+"/api/v1/records", strings.NewReader(string(body)))
			req.Header.Set("Authorization", "Bearer "+importTok)
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil || res.StatusCode >= 300 {
				importEr.Add(1)
			} else {
				imported.Add(int64(*importRows))
			}
			if res != nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}
	}()
	// Open-loop dispatcher at the fixed rate, reporting per window.
	fmt.Fprintf(out, "浸泡 %s，核查 %d 次/秒，导入 %d 行/秒\n窗口\t完成\tp50(ms)\tp99(ms)\t错误\t导入行\tRSS(MB)\n", *dur, *rate, *importRows)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	per := float64(*rate) / 100
	var owed float64
	winEnd := time.Now().Add(*window)
	var p99s []float64
	var rss0, rss1 int64
	for w := 1; ; {
		select {
		case <-ctx.Done():
			close(jobs)
			wg.Wait()
			return soakSummary(out, p99s, errCount.Load(), importEr.Load(), rss0, rss1)
		case now := <-tick.C:
			owed += per
			for ; owed >= 1; owed-- {
				select {
				case jobs <- codes[rand.IntN(len(codes))]:
				default:
					errCount.Add(1) // could not keep the rate: counts as an error
				}
			}
			if now.After(winEnd) {
				mu.Lock()
				win := lat
				lat = nil
				mu.Unlock()
				slices.Sort(win)
				p50, p99 := pct(win, 0.50), pct(win, 0.99)
				rss := residentMB()
				if rss0 == 0 {
					rss0 = rss
				}
				rss1 = rss
				p99s = append(p99s, p99)
				fmt.Fprintf(out, "%d\t%d\t%.2f\t%.2f\t%d\t%d\t%d\n", w, len(win), p50, p99, errCount.Load(), imported.Load(), rss)
				w++
				winEnd = now.Add(*window)
			}
		}
	}
}

func soakPenalty(batch, i int, code string) map[string]string {
	return map[string]string{
		"CF_XDR_MC": fmt.Sprintf("浸泡测试%d-%d有限公司", batch, i), "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": code,
		"CF_WSH": fmt.Sprintf("榕市监罚〔2026〕S%d-%d号", batch, i), "CF_WFXW": "销售超过保质期的食品", "CF_SY": "当事人销售超过保质期的食品",
		"CF_YJ": "《中华人民共和国食品安全法》第一百二十四条", "CF_CFLB": "警告;罚款", "CF_NR": "警告，并处罚款5000元", "CF_NR_FK": "0.5",
		"CF_JDRQ": "2026-11-02", "CF_YXQ": "2027-11-01", "CF_CFJG": "市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X",
		"CF_SJLY": "市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X",
	}
}

func pct(d []time.Duration, q float64) float64 {
	if len(d) == 0 {
		return 0
	}
	return float64(d[int(float64(len(d)-1)*q)].Microseconds()) / 1000
}

// residentMB reads this process's resident set size.
func residentMB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb int64
		if n, _ := fmt.Sscanf(sc.Text(), "VmRSS: %d kB", &kb); n == 1 {
			return kb / 1024
		}
	}
	return 0
}

func soakSummary(out io.Writer, p99s []float64, errs, importErrs, rss0, rss1 int64) error {
	if len(p99s) == 0 {
		return fmt.Errorf("soak too short for one window")
	}
	lo, hi := slices.Min(p99s), slices.Max(p99s)
	fmt.Fprintf(out, "汇总：核查错误 %d，导入错误 %d；各窗口 p99 %.2f–%.2f ms；RSS %d → %d MB\n", errs, importErrs, lo, hi, rss0, rss1)
	return nil
}
