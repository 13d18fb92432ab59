package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/config"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

func init() { benchCommands["soak"] = benchSoak }

// benchSoak runs `xinyong serve` as a subprocess on a seeded store and holds
// the check at a fixed open-loop rate (default 80 % of the rate wrk measures
// first against the same server) for a long time while a stream of record
// imports runs through the API. Per window it prints completed checks,
// latency percentiles measured from each request's scheduled time (so a
// stall shows as latency, not as fewer requests), errors, requests the
// client could not even queue, rows imported and the server's RSS and CPU.
func benchSoak(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("bench soak", "浸泡测试：以子进程启动 serve，以固定速率（默认为实测最大核查速率的 80%）持续核查，同时持续导入信用记录，按时间窗输出延迟、错误与服务进程内存", errOut)
	cfg.Bind(fs, false)
	subjects := fs.Int("subjects", 1000000, "subjects to have in the store (generated if fewer)")
	entries := fs.Int("entries", 100000, "active list entries to have (generated if fewer)")
	rate := fs.Int("rate", 0, "checks per second (0: 80% of the rate measured with wrk first)")
	dur := fs.Duration("duration", 10*time.Minute, "soak duration")
	window := fs.Duration("window", 30*time.Second, "reporting window")
	importRows := fs.Int("import-rows", 200, "penalty records imported per second alongside (one API batch a second)")
	importNew := fs.Float64("import-new", 0.1, "share of the imported records that are about subjects not yet in the store (the others go to existing organisations)")
	conns := fs.Int("connections", 64, "client connections for the fixed-rate checks")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *window <= 0 || *dur < *window {
		return fmt.Errorf("--duration 须不短于 --window")
	}

	// Seed, make the tokens and pick the codes; then leave the store to the
	// server process.
	e, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	err = benchSeed(ctx, e, *subjects, *entries, out)
	var checkTok, importTok string
	if err == nil {
		_, checkTok, err = e.store.CreateToken(ctx, store.Token{Name: "bench soak", Role: auth.RoleSystem, Dept: "ggzy"}, "", "system:bench")
	}
	if err == nil {
		_, importTok, err = e.store.CreateToken(ctx, store.Token{Name: "bench soak import", Role: auth.RoleClerk, Dept: "samr"}, "", "system:bench")
	}
	var codes []string
	if err == nil {
		codes, err = e.store.SampleCodes(ctx, 200000)
	}
	var orgs [][2]string
	if err == nil {
		orgs, err = e.store.SampleOrganisations(ctx, 100000)
	}
	var logged0 int64
	if err == nil {
		logged0, err = e.store.CheckLogCount(ctx)
	}
	e.Close()
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return fmt.Errorf("store has no subjects")
	}

	srv, err := startServe(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if srv.stop() == nil {
			os.Remove(srv.log)
		}
	}()
	fmt.Fprintf(out, "serve 子进程 pid %d 就绪用时 %.1fs，RSS %d MB\n", srv.pid, srv.ready.Seconds(), procRSS(srv.pid)>>20)
	if d, err := srv.waitRecompute(ctx, cfg); err != nil {
		return err
	} else if d > 0 {
		fmt.Fprintf(out, "等待首次启动的评价重算结束：%.0fs\n", d.Seconds())
	}
	scenario := urlQueryEscape("政府采购")
	// The import stream runs from here to the end, also while the maximum
	// rate is measured: 80 % of what the node can do while importing.
	impCtx, stopImports := context.WithCancel(ctx)
	defer stopImports()
	var imported, importErrs atomic.Int64
	impDone := make(chan struct{})
	go func() {
		defer close(impDone)
		soakImports(impCtx, srv.addr, importTok, *importRows, orgs, *importNew, &imported, &importErrs)
	}()
	var wrkDone int64 // checks of the maximum-rate run: logged too
	ld := newSoakLoad(srv.addr, checkTok, scenario, *conns)
	if *rate == 0 {
		// The maximum is what this client gets from the node with every
		// connection sending its next check as soon as the last answer
		// came, while the imports run.
		max, n, p99 := ld.closedLoop(ctx, codes, *conns, 15*time.Second)
		*rate, wrkDone = int(max*0.8), n
		fmt.Fprintf(out, "最大核查速率 %.0f 次/秒（同一客户端 %d 连接闭环 15 秒，导入同时进行，p99 %.2f ms），浸泡速率取 80%%：%d 次/秒\n", max, *conns, p99, *rate)
	}
	if *rate <= 0 {
		return fmt.Errorf("--rate 须为正数")
	}

	ctx, cancel := context.WithTimeout(ctx, *dur)
	defer cancel()
	var wg sync.WaitGroup

	fmt.Fprintf(out, "浸泡 %s：核查 %d 次/秒（%d 连接，开环），导入 %d 行/秒（其中 %.0f%% 为库中尚无的主体）\n", *dur, *rate, *conns, *importRows, *importNew*100)
	fmt.Fprintln(out, "窗口\t完成\tp50(ms)\tp99(ms)\tmax(ms)\t错误\t未能发出\t导入行\tRSS(MB)\tCPU(%)")
	jobs := make(chan soakJob, max(*rate*2, 1024)) // two seconds of backlog
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ld.worker(jobs)
		}()
	}
	var (
		wins    []soakWindow
		dropped int64
		sent    int64
	)
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	start := time.Now()
	winStart, cpu0 := start, procCPU(srv.pid)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-srv.exited:
			return fmt.Errorf("serve exited during the soak (log: %s)", tailFile(srv.log))
		case now := <-tick.C:
			due := int64(now.Sub(start).Seconds() * float64(*rate))
			for ; sent < due; sent++ {
				at := start.Add(time.Duration(float64(sent) / float64(*rate) * float64(time.Second)))
				select {
				case jobs <- soakJob{at: at, code: codes[r.IntN(len(codes))]}:
				default:
					dropped++ // the client cannot keep up: reported, never hidden
				}
			}
			if now.Sub(winStart) >= *window {
				cpu := procCPU(srv.pid)
				w := ld.take()
				w.dropped, w.imported = dropped, imported.Load()
				w.rss = procRSS(srv.pid) >> 20
				w.cpu = float64(cpu-cpu0) / float64(now.Sub(winStart)) * 100
				wins = append(wins, w)
				fmt.Fprintf(out, "%d\t%d\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\t%d\t%.0f\n", len(wins), w.n, w.p50, w.p99, w.max, w.errs, w.dropped, w.imported, w.rss, w.cpu)
				winStart, cpu0 = now, cpu
			}
		}
	}
	close(jobs)
	wg.Wait()
	stopImports()
	<-impDone
	rest := ld.take()
	done := int64(rest.n)
	errsTotal := rest.errs
	for _, w := range wins {
		done += int64(w.n)
		errsTotal += w.errs
	}
	if err := srv.stop(); err != nil {
		return err
	}
	e, err = openStore(context.Background(), cfg, false)
	if err != nil {
		return err
	}
	logged1, err := e.store.CheckLogCount(context.Background())
	e.Close()
	if err != nil {
		return err
	}
	return soakSummary(out, wins, soakTotals{sent: sent, done: done, errs: errsTotal, dropped: dropped,
		imported: imported.Load(), importErrs: importErrs.Load(), logged: logged1 - logged0 - wrkDone})
}

// served is a `xinyong serve` subprocess.
type served struct {
	addr, log string
	pid       int
	started   time.Time
	ready     time.Duration
	exited    chan error
	stopOnce  sync.Once
	stopErr   error
	cmd       *exec.Cmd
}

// launchServe starts `xinyong serve` (this binary, the environment
// passed on) on the store in dataDir (or dsn) on a free loopback port, its
// output going to logPath; it does not wait for it.
func launchServe(dataDir, dsn, logPath string) (*served, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	args := []string{"serve", "--data", dataDir, "--addr", addr}
	if dsn != "" {
		args = append(args, "--db", dsn)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &served{addr: addr, log: logPath, pid: cmd.Process.Pid, exited: make(chan error, 1), cmd: cmd, started: time.Now()}
	go func() { s.exited <- cmd.Wait() }()
	return s, nil
}

// startServe launches serve on cfg's store and waits until /readyz
// answers 200.
func startServe(ctx context.Context, cfg config.Config) (*served, error) {
	s, err := launchServe(cfg.DataDir, cfg.DB, filepath.Join(os.TempDir(), fmt.Sprintf("xinyong-soak-serve-%d.log", os.Getpid())))
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case err := <-s.exited:
			s.exited <- err
			return nil, fmt.Errorf("serve exited: %v (log: %s)", err, tailFile(s.log))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if res, err := client.Get("http://" + s.addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.ready = time.Since(s.started)
				return s, nil
			}
		}
		if time.Since(s.started) > 10*time.Minute {
			s.stop()
			return nil, fmt.Errorf("serve not ready after 10 minutes (log: %s)", tailFile(s.log))
		}
	}
}

// waitRecompute waits until the score recompute a start may request (the
// first start scores every subject; the daily one when due) has ended: a
// soak measures the steady state. It returns once no job has run for five
// seconds in a row and a finished job exists (or after a minute without
// any job).
func (s *served) waitRecompute(ctx context.Context, cfg config.Config) (time.Duration, error) {
	e, err := openStore(ctx, cfg, false)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	t0 := time.Now()
	quiet, running := 0, false
	for {
		j, err := e.store.Recompute(ctx, 0)
		switch {
		case err == nil && j.State == store.JobRunning:
			quiet, running = 0, true
		case err == nil || time.Since(t0) > time.Minute:
			quiet++
		}
		if quiet >= 5 {
			if !running {
				return 0, nil
			}
			return time.Since(t0), nil
		}
		select {
		case err := <-s.exited:
			s.exited <- err
			return 0, fmt.Errorf("serve exited: %v (log: %s)", err, tailFile(s.log))
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// stop sends SIGINT (graceful shutdown: the check journal is moved into
// check_log) and waits; SIGKILL after 60 s.
func (s *served) stop() error {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-s.exited:
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				s.stopErr = err
			}
		case <-time.After(60 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
			s.stopErr = fmt.Errorf("serve did not stop within 60 s (log: %s)", tailFile(s.log))
		}
	})
	return s.stopErr
}

// soakJob is one check to send and when it was due.
type soakJob struct {
	at   time.Time
	code string
}

// soakLoad sends checks over raw keep-alive HTTP/1.1 connections: the
// request bytes are built in place and responses read by Content-Length, so
// the client costs about what wrk costs and leaves the cores to the server.
type soakLoad struct {
	addr           string
	prefix, suffix []byte
	mu             sync.Mutex
	lat            []time.Duration
	errs           int64
}

func newSoakLoad(addr, token, scenario string, conns int) *soakLoad {
	return &soakLoad{
		addr:   addr,
		prefix: []byte("GET /api/v1/check?subject="),
		suffix: []byte("&scenario=" + scenario + " HTTP/1.1\r\nHost: " + addr + "\r\nAuthorization: Bearer " + token + "\r\n\r\n"),
	}
}

func (l *soakLoad) worker(jobs <-chan soakJob) {
	var c net.Conn
	var br *bufio.Reader
	var buf []byte
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	for j := range jobs {
		if c == nil {
			var err error
			if c, err = net.Dial("tcp", l.addr); err != nil {
				l.record(0, false)
				c = nil
				continue
			}
			br = bufio.NewReaderSize(c, 32<<10)
		}
		buf = append(append(append(buf[:0], l.prefix...), j.code...), l.suffix...)
		_, err := c.Write(buf)
		status := 0
		if err == nil {
			status, err = readSoakResponse(br)
		}
		if err != nil {
			l.record(0, false)
			c.Close()
			c = nil
			continue
		}
		l.record(time.Since(j.at), status == http.StatusOK)
	}
}

// record counts one answered check (latency d) or, with ok false and d 0,
// one that failed without an answer.
func (l *soakLoad) record(d time.Duration, ok bool) {
	l.mu.Lock()
	if d > 0 {
		l.lat = append(l.lat, d)
	}
	if !ok {
		l.errs++
	}
	l.mu.Unlock()
}

// closedLoop sends checks of random codes over conns connections, each as
// soon as the previous answer arrived, for d; it returns the rate, the
// number answered and their p99.
func (l *soakLoad) closedLoop(ctx context.Context, codes []string, conns int, d time.Duration) (rps float64, n int64, p99 float64) {
	jobs := make(chan soakJob)
	var wg sync.WaitGroup
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.worker(jobs)
		}()
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	start := time.Now()
	for deadline := start.Add(d); time.Now().Before(deadline) && ctx.Err() == nil; {
		jobs <- soakJob{at: time.Now(), code: codes[r.IntN(len(codes))]}
	}
	close(jobs)
	wg.Wait()
	w := l.take()
	return float64(w.n) / time.Since(start).Seconds(), int64(w.n), w.p99
}

// readSoakResponse reads one response and returns its status. The server
// always sends Content-Length on the check.
func readSoakResponse(br *bufio.Reader) (int, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	n := -1
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h := bytes.TrimRight(line, "\r\n")
		if len(h) == 0 {
			break
		}
		if k, v, ok := bytes.Cut(h, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
			if n, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil {
				return 0, fmt.Errorf("bad Content-Length %q", v)
			}
		}
	}
	if n < 0 {
		return 0, fmt.Errorf("response without Content-Length")
	}
	_, err = br.Discard(n)
	return status, err
}

// soakWindow is one reporting window.
type soakWindow struct {
	n             int
	p50, p99, max float64
	errs, dropped int64
	imported, rss int64
	cpu           float64
}

// take returns the window's latencies and errors and starts a new one.
func (l *soakLoad) take() soakWindow {
	l.mu.Lock()
	lat, errs := l.lat, l.errs
	l.lat, l.errs = nil, 0
	l.mu.Unlock()
	slices.Sort(lat)
	w := soakWindow{n: len(lat), p50: pct(lat, 0.50), p99: pct(lat, 0.99), errs: errs}
	if len(lat) > 0 {
		w.max = float64(lat[len(lat)-1].Microseconds()) / 1000
	}
	return w
}

// soakImports posts one batch of penalty records a second.
// soakImports posts one batch of rows penalty records a second until ctx
// ends; a share newShare of them is about new organisations, the others
// about organisations drawn from orgs (code, name).
func soakImports(ctx context.Context, addr, token string, rows int, orgs [][2]string, newShare float64, imported, importErrs *atomic.Int64) {
	if rows <= 0 {
		return
	}
	client := &http.Client{Timeout: time.Minute}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	t := time.NewTicker(time.Second)
	defer t.Stop()
	run := time.Now().UnixNano() % 1e6
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		batch := make([]map[string]string, rows)
		for i := range batch {
			if len(orgs) == 0 || r.Float64() < newShare {
				batch[i] = soakPenalty(run, n, i, subject.GenerateUSCC(r, "350102", '9', '1'), fmt.Sprintf("浸泡测试%d-%d有限公司", n, i))
			} else {
				o := orgs[r.IntN(len(orgs))]
				batch[i] = soakPenalty(run, n, i, o[0], o[1])
			}
		}
		body, _ := json.Marshal(map[string]any{"type": "penalty", "rows": batch})
		req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/api/v1/records", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				importErrs.Add(1)
			}
			continue
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 300 {
			importErrs.Add(1)
		} else {
			imported.Add(int64(rows))
		}
	}
}

// soakDecision is the imported penalties' decision date: recent, so that
// they are published inside their publicity window.
var soakDecision = time.Now().AddDate(0, 0, -30).Format("2006-01-02")

func soakPenalty(run int64, batch, i int, code, name string) map[string]string {
	return map[string]string{
		"CF_XDR_MC": name, "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": code,
		"CF_WSH": fmt.Sprintf("榕市监罚〔2026〕S%d-%d-%d号", run, batch, i), "CF_WFXW": "销售超过保质期的食品", "CF_SY": "当事人销售超过保质期的食品",
		"CF_YJ": "《中华人民共和国食品安全法》第一百二十四条", "CF_CFLB": "警告;罚款", "CF_NR": "警告，并处罚款5000元", "CF_NR_FK": "0.5",
		"CF_JDRQ": soakDecision, "CF_YXQ": "2099-12-31", "CF_CFJG": "市市场监督管理局", "CF_CFJGDM": "11350100MB0000000X",
		"CF_SJLY": "市市场监督管理局", "CF_SJLYDM": "11350100MB0000000X",
	}
}

func pct(d []time.Duration, q float64) float64 {
	if len(d) == 0 {
		return 0
	}
	return float64(d[int(float64(len(d)-1)*q)].Microseconds()) / 1000
}

type soakTotals struct {
	sent, done, errs, dropped, imported, importErrs, logged int64
}

// soakSummary prints the totals and how p99 and the server's RSS moved
// over the windows (the first window is the warm-up of the rate).
func soakSummary(out io.Writer, wins []soakWindow, t soakTotals) error {
	if len(wins) == 0 {
		return fmt.Errorf("soak too short for one window")
	}
	p99s := make([]float64, len(wins))
	rss := make([]int64, len(wins))
	for i, w := range wins {
		p99s[i], rss[i] = w.p99, w.rss
	}
	fmt.Fprintf(out, "汇总：发出 %d，完成 %d，核查错误 %d，未能发出 %d；导入 %d 行，导入错误 %d\n", t.sent, t.done, t.errs, t.dropped, t.imported, t.importErrs)
	fmt.Fprintf(out, "各窗口 p99 %.2f–%.2f ms（中位 %.2f ms）；服务进程 RSS 首窗 %d MB、末窗 %d MB、最高 %d MB\n",
		slices.Min(p99s), slices.Max(p99s), median(p99s), rss[0], rss[len(rss)-1], slices.Max(rss))
	fmt.Fprintf(out, "check_log 增加 %d 行（不含测速所用的核查；浸泡完成 %d 次核查）\n", t.logged, t.done)
	if t.logged < t.done {
		return fmt.Errorf("only %d checks logged for %d answered", t.logged, t.done)
	}
	return nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
