package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/config"
	"xinyong/internal/demo"
	"xinyong/internal/engine"
	"xinyong/internal/list"
	"xinyong/internal/store"
	"xinyong/internal/subject"
	"xinyong/internal/web"
	"xinyong/internal/web/api"
)

func init() { benchCommands["check"] = benchCheck }

// benchCheck seeds (or reuses) a store with subjects and active list
// entries, serves the real API in process and runs wrk against the check
// with random subject codes and, in the same run with the same wrk script,
// against a bare net/http handler returning a fixed check answer.
func benchCheck(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("bench check", "核查性能基准：准备主体与名单数据，启动服务，用 wrk 压测 /api/v1/check 并与最简 net/http 处理器对比", errOut)
	cfg.Bind(fs, false)
	subjects := fs.Int("subjects", 1000000, "subjects to have in the store (generated if fewer)")
	entries := fs.Int("entries", 100000, "active list entries to have (generated if fewer)")
	conns := fs.Int("connections", 64, "wrk connections")
	threads := fs.Int("threads", 2, "wrk threads")
	dur := fs.Duration("duration", 20*time.Second, "wrk duration per target")
	scenario := fs.String("scenario", "政府采购", "scenario checked")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the check run to this file")
	memProfile := fs.String("memprofile", "", "write an allocation profile taken after the check run to this file")
	journalSync := fs.String("journal-sync", "store", "check journal durability before the answer: store (as the store's commits) or always (fdatasync per group)")
	if err := parse(fs, args); err != nil {
		return err
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return errors.New("未找到 wrk：请先安装（Debian: apt-get install -y wrk）")
	}
	e, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer e.Close()
	if err := benchSeed(ctx, e, *subjects, *entries, out); err != nil {
		return err
	}
	js, err := engine.ParseJournalSync(*journalSync)
	if err != nil {
		return err
	}
	t0 := time.Now()
	eng, err := engine.Start(ctx, e.store, engine.Options{JournalDir: checkJournalDir(cfg.DataDir), JournalSync: js})
	if err != nil {
		return err
	}
	defer eng.Close()
	fmt.Fprintf(out, "核查索引：%d 个主体，加载用时 %.1fs\n", eng.Size(), time.Since(t0).Seconds())
	tg, err := newCheckTargets(ctx, e, cfg, eng, *scenario, "bench check")
	if err != nil {
		return err
	}
	defer tg.close()
	checkURL, bareURL, script, secret, sample := tg.checkURL, tg.bareURL, tg.script, tg.secret, tg.sample
	fmt.Fprintf(out, "样本应答 %d 字节；wrk -t%d -c%d -d%s\n", len(sample), *threads, *conns, *dur)

	logged0, err := e.store.CheckLogCount(ctx)
	if err != nil {
		return err
	}
	u0 := rusageNow()
	// The same script (same requests, same client cost) for both targets:
	// the bare handler ignores the path.
	bare, err := runWrk(ctx, wrk, *threads, *conns, *dur, bareURL, script, secret)
	if err != nil {
		return err
	}
	u1 := rusageNow()
	stopProfile, err := startProfiles(*profile, "")
	if err != nil {
		stopProfile()
		return err
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0, g0, _ := eng.LogStats()
	u2 := rusageNow()
	chk, err := runWrk(ctx, wrk, *threads, *conns, *dur, checkURL, script, secret)
	stopProfile()
	if err != nil {
		return err
	}
	// Counted after the journal's mover caught up (CheckLogCount flushes
	// it): what is in check_log then was logged before its answer.
	logged1, err := e.store.CheckLogCount(ctx)
	if err != nil {
		return err
	}
	u3 := rusageNow()
	runtime.ReadMemStats(&m1)
	c1, g1, _ := eng.LogStats()
	if *memProfile != "" {
		f, err := os.Create(*memProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "bare net/http : %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d non-2xx)\n", bare.rps, bare.p50, bare.p99, bare.requests, bare.non2xx)
	fmt.Fprintf(out, "check         : %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d non-2xx)\n", chk.rps, chk.p50, chk.p99, chk.requests, chk.non2xx)
	fmt.Fprintf(out, "checks durably logged during the run: %d (wrk completed %d)\n", logged1-logged0, chk.requests)
	fmt.Fprintf(out, "CPU per request (server / wrk): bare %.1f / %.1f µs, check %.1f / %.1f µs\n",
		usPerReq(u1.self-u0.self, bare.requests), usPerReq(u1.children-u0.children, bare.requests),
		usPerReq(u3.self-u2.self, chk.requests), usPerReq(u3.children-u2.children, chk.requests))
	if chk.requests > 0 {
		fmt.Fprintf(out, "check run: %.0f B allocated per request, %d GC cycles, live heap %d MB, %.1f checks per log write\n",
			float64(m1.TotalAlloc-m0.TotalAlloc)/float64(chk.requests), m1.NumGC-m0.NumGC, m1.HeapAlloc>>20, float64(c1-c0)/float64(max(g1-g0, 1)))
	}
	fmt.Fprintf(out, "ratio check/bare: %.2f\n", chk.rps/bare.rps)
	return nil
}

// benchSeed brings the store to the wanted numbers of subjects and active
// entries through the bulk paths, reusing what is there.
func benchSeed(ctx context.Context, e *env, subjects, entries int, out io.Writer) error {
	if err := demo.LoadDepartments(ctx, e.store); err != nil {
		return err
	}
	have, err := e.store.SubjectCount(ctx)
	if err != nil {
		return err
	}
	if missing := subjects - int(have); missing > 0 {
		head, tail := e.cfg.MaskHeadTail()
		g := demo.NewGenerator(uint64(time.Now().UnixNano()), e.store.Now())
		bar := newProgress(out, "主体", missing)
		t0 := time.Now()
		_, err := demo.LoadSubjects(ctx, e.store, g, e.pii, func(s string) string { return subject.MaskID(s, head, tail) }, missing, bar.set)
		bar.done()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "已生成 %d 个主体，用时 %.1fs\n", missing, time.Since(t0).Seconds())
	}
	// Some generated entries are exited and some active ones are already
	// past their end date (effectively exited): count again until there
	// are enough.
	for range 5 {
		active, err := e.store.Entries(ctx, store.EntryFilter{State: list.Active, Today: list.Day(time.Now())}, 0, entries)
		if err != nil {
			return err
		}
		missing := entries - len(active)
		if missing <= 0 {
			return nil
		}
		bar := newProgress(out, "名单条目", missing)
		t0 := time.Now()
		// About a quarter of the generated entries do not count: ask for more.
		res, err := demo.LoadListEntries(ctx, e.store, uint64(time.Now().UnixNano()), missing*3/2+1, e.store.Now(), bar.set)
		bar.done()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "已生成名单条目：在列 %d、已移出 %d，用时 %.1fs\n", res.Active, res.Exited, time.Since(t0).Seconds())
	}
	return nil
}

// serveBench serves h on a loopback port: as serve does (web.NewServer),
// or, for the bare baseline, with a plain net/http server.
func serveBench(h http.Handler, plain bool) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if plain {
		go srv.Serve(ln)
	} else {
		go srv.Serve(web.Listen(ln, srv))
	}
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// checkTargets are what bench check and bench scale compare with wrk: the
// real router with a system token, a bare net/http handler returning one
// real answer, and the wrk script over indexed codes.
type checkTargets struct {
	checkURL, bareURL, script, secret string
	sample                            []byte
	closers                           []func()
}

func (t *checkTargets) close() {
	for i := len(t.closers) - 1; i >= 0; i-- {
		t.closers[i]()
	}
}

func newCheckTargets(ctx context.Context, e *env, cfg config.Config, eng *engine.Engine, scenario, name string) (t *checkTargets, err error) {
	t = &checkTargets{}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	if _, t.secret, err = e.store.CreateToken(ctx, store.Token{Name: name, Role: auth.RoleSystem, Dept: "ggzy"}, "", "system:bench"); err != nil {
		return nil, err
	}
	deps := api.Deps{Store: e.store, Config: cfg, PII: e.pii, Now: time.Now, Engine: eng}
	url, stop, err := serveBench(web.New(web.Options{API: deps}), false)
	if err != nil {
		return nil, err
	}
	t.checkURL, t.closers = url, append(t.closers, stop)
	work, err := os.MkdirTemp("", "xinyong-bench-check-")
	if err != nil {
		return nil, err
	}
	t.closers = append(t.closers, func() { os.RemoveAll(work) })
	codes := eng.Codes(200000)
	if err := os.WriteFile(filepath.Join(work, "codes.txt"), []byte(strings.Join(codes, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	if t.sample, err = benchSample(t.checkURL, t.secret, codes, scenario, eng); err != nil {
		return nil, err
	}
	sample := t.sample
	url, stop, err = serveBench(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(sample)
	}), true)
	if err != nil {
		return nil, err
	}
	t.bareURL, t.closers = url, append(t.closers, stop)
	t.script = filepath.Join(work, "check.lua")
	if err := os.WriteFile(t.script, []byte(fmt.Sprintf(luaScript, filepath.Join(work, "codes.txt"), urlQueryEscape(scenario))), 0o600); err != nil {
		return nil, err
	}
	return t, nil
}

// benchSample fetches one real answer for a random code (as most checked
// subjects are, it is usually unlisted) as the bare handler's fixed body.
func benchSample(base, token string, codes []string, scenario string, eng *engine.Engine) ([]byte, error) {
	code := codes[len(codes)/2]
	req, _ := http.NewRequest("GET", base+"/api/v1/check?subject="+code+"&scenario="+urlQueryEscape(scenario), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("sample check: %d %s", res.StatusCode, b)
	}
	return b, err
}

func urlQueryEscape(s string) string { return (&urlValues{}).escape(s) }

type urlValues struct{}

func (urlValues) escape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// luaScript sends checks of random indexed codes. The requests are built
// once per wrk thread at init (shuffled), so that wrk spends as little per
// request as for a fixed path: building a request in Lua per call cost wrk
// about three times the CPU of the request itself, on the cores the server
// shares.
const luaScript = `
local reqs = {}
local n = 0
init = function(args)
  local codes = {}
  for line in io.lines("%s") do codes[#codes + 1] = line end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  for k = #codes, 2, -1 do
    local j = math.random(k)
    codes[k], codes[j] = codes[j], codes[k]
  end
  for k = 1, #codes do
    reqs[k] = wrk.format("GET", "/api/v1/check?subject=" .. codes[k] .. "&scenario=%s")
  end
end
request = function()
  n = n + 1
  if n > #reqs then n = 1 end
  return reqs[n]
end
`

type wrkResult struct {
	rps, p50, p99    float64
	requests, non2xx int64
}

var (
	reRPS    = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	reReqs   = regexp.MustCompile(`(\d+) requests in`)
	reNon2xx = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	rePct    = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\b`)
)

func runWrk(ctx context.Context, wrk string, threads, conns int, dur time.Duration, url, script, token string) (wrkResult, error) {
	args := []string{"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(dur.Seconds())) + "s", "--latency"}
	if script != "" {
		args = append(args, "-s", script)
	}
	if token != "" {
		args = append(args, "-H", "Authorization: Bearer "+token)
	}
	outB, err := exec.CommandContext(ctx, wrk, append(args, url)...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %w\n%s", err, outB)
	}
	o := string(outB)
	var r wrkResult
	if m := reRPS.FindStringSubmatch(o); m != nil {
		r.rps, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := reReqs.FindStringSubmatch(o); m != nil {
		r.requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reNon2xx.FindStringSubmatch(o); m != nil {
		r.non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	for _, m := range rePct.FindAllStringSubmatch(o, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if m[1] == "50" {
			r.p50 = v
		} else {
			r.p99 = v
		}
	}
	if r.rps == 0 {
		return r, fmt.Errorf("wrk output not understood:\n%s", o)
	}
	return r, nil
}

// rusageCPU is the CPU time (user + system) of this process and of its
// waited-for children (wrk) so far.
type rusageCPU struct{ self, children time.Duration }

func rusageNow() rusageCPU {
	get := func(who int) time.Duration {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) != nil {
			return 0
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return rusageCPU{get(syscall.RUSAGE_SELF), get(syscall.RUSAGE_CHILDREN)}
}

func usPerReq(d time.Duration, n int64) float64 {
	if n == 0 {
		return 0
	}
	return float64(d.Microseconds()) / float64(n)
}
