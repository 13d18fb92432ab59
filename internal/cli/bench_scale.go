package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"xinyong/internal/config"
	"xinyong/internal/engine"
	"xinyong/internal/list"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

func init() { benchCommands["scale"] = benchScale }

// benchScale measures how one node's costs grow with the number of
// subjects. For each size N it seeds (or reuses) the SQLite store DIR/sN
// with N subjects and N/10 active list entries (bench check's seeding),
// copies it to DIR/run-sN and on the copy measures, one phase after the
// other: the start-up of serve (as bench startup), the check (as bench
// check: wrk against the check and against a bare handler), the live heap
// of the check index built in process, and the import of a 100,000-row
// 行政处罚 CSV (bench ingest's generator; half of the rows name existing
// organisations spread over the store) through the real import path. Each
// timed phase holds the shared bench lock (flock on --lock); seeding,
// copying and preparing run at nice 19 without it. One CSV row per size is
// merged into --out and the plot --svg is redrawn from all its rows.
func benchScale(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("bench scale", "规模基准：按主体数（如 10^5、10^6、10^7）准备数据，测量启动、核查、导入与内存，写 CSV 与 SVG 图", errOut)
	sizesFlag := fs.String("sizes", "100000,1000000,10000000", "numbers of subjects, comma-separated")
	dir := fs.String("dir", "", "directory of the seeded stores (DIR/s<N>, reused) and of the run copies (required)")
	outCSV := fs.String("out", "docs/scale-data.csv", "CSV to merge the rows into (one per size)")
	outSVG := fs.String("svg", "docs/scale.svg", "SVG plot redrawn from all rows of --out")
	rows := fs.Int("rows", 100000, "rows of the timed import")
	dur := fs.Duration("duration", 10*time.Second, "wrk duration per target")
	conns := fs.Int("connections", 64, "wrk connections")
	lockPath := fs.String("lock", "/tmp/bench.lock", "file locked (flock, exclusive) around each timed phase; empty: no lock")
	timed := fs.Duration("startup-timed", 3*time.Minute, "start-up: the lock is held (and serve runs at normal priority) at most this long")
	startupMax := fs.Duration("startup-max", 15*time.Minute, "start-up: stop sampling after this long even if the first recompute has not ended")
	keep := fs.Bool("keep", false, "keep the run copies")
	plotOnly := fs.Bool("plot-only", false, "only redraw --svg from --out")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *plotOnly {
		rs, err := readScaleCSV(*outCSV)
		if err != nil {
			return err
		}
		return writeScaleSVG(*outSVG, rs)
	}
	if *dir == "" {
		return fmt.Errorf("--dir 为必填项（数据目录的上级目录，如 /tmp/scale）")
	}
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1000 {
			return fmt.Errorf("--sizes: %q 不是不小于 1000 的整数", s)
		}
		sizes = append(sizes, n)
	}
	lk := benchLock{path: *lockPath}
	for _, n := range sizes {
		r, err := scaleOne(ctx, n, *dir, scaleOptions{rows: *rows, dur: *dur, conns: *conns, lock: &lk, timed: *timed, startupMax: *startupMax, keep: *keep}, out)
		if err != nil {
			return fmt.Errorf("%d subjects: %w", n, err)
		}
		all, err := readScaleCSV(*outCSV)
		if err != nil {
			return err
		}
		all = mergeScaleRow(all, r)
		var buf bytes.Buffer
		if err := writeScaleCSV(&buf, all); err != nil {
			return err
		}
		if err := os.WriteFile(*outCSV, buf.Bytes(), 0o644); err != nil {
			return err
		}
		if err := writeScaleSVG(*outSVG, all); err != nil {
			return err
		}
		fmt.Fprintf(out, "== %d subjects: row written to %s, plot %s\n", n, *outCSV, *outSVG)
	}
	return nil
}

func writeScaleSVG(path string, rows []scaleRow) error {
	sizes := make([]float64, len(rows))
	for i, r := range rows {
		sizes[i] = r.Subjects
	}
	return os.WriteFile(path, []byte(scaleSVG("One node on SQLite: costs from 10^5 to 10^7 subjects (xinyong bench scale)", sizes, scalePanels(rows))), 0o644)
}

type scaleOptions struct {
	rows, conns       int
	dur               time.Duration
	lock              *benchLock
	timed, startupMax time.Duration
	keep              bool
}

func scaleOne(ctx context.Context, n int, dir string, o scaleOptions, out io.Writer) (scaleRow, error) {
	r := scaleRow{Subjects: float64(n), MeasuredAt: time.Now().UTC().Format("2006-01-02 15:04")}
	var loads []float64
	lockTimed := func() error {
		if err := o.lock.acquire(); err != nil {
			return err
		}
		loads = append(loads, loadAvg1())
		return nil
	}
	defer o.lock.release()
	setNice(19)
	fmt.Fprintf(out, "== %d subjects\n", n)

	// Seed (or reuse) the store.
	seeded := filepath.Join(dir, fmt.Sprintf("s%d", n))
	if err := os.MkdirAll(seeded, 0o755); err != nil {
		return r, err
	}
	cfg := config.Defaults()
	cfg.DataDir = seeded
	e, err := openStore(ctx, cfg, true)
	if err != nil {
		return r, err
	}
	err = benchSeed(ctx, e, n, n/10, out)
	e.Close()
	if err != nil {
		return r, err
	}
	run := filepath.Join(dir, fmt.Sprintf("run-s%d", n))
	if err := os.RemoveAll(run); err != nil {
		return r, err
	}
	if err := os.MkdirAll(run, 0o755); err != nil {
		return r, err
	}
	if !o.keep {
		defer os.RemoveAll(run)
	}
	t0 := time.Now()
	if err := copyStore(seeded, run); err != nil {
		return r, err
	}
	fmt.Fprintf(out, "store copied to %s in %.0fs\n", run, time.Since(t0).Seconds())

	// Start-up of serve on the copy (never served: a first start).
	if err := lockTimed(); err != nil {
		return r, err
	}
	setNice(0)
	su, err := measureStartup(ctx, startupOptions{Data: run, UntilRecompute: true, Max: o.startupMax, Timed: o.timed, Release: func() { setNice(19); o.lock.release() }})
	setNice(19)
	o.lock.release()
	if err != nil {
		return r, err
	}
	su.print(out)
	r.ReadySec, r.ReadyCPUSec = su.Ready.Seconds(), su.ReadyCPU.Seconds()
	r.RSSReadyMB, r.RSSPeakMB = float64(su.RSSReady)/1e6, float64(su.Peak)/1e6
	if su.JobEnd > 0 {
		r.RecomputeSec, r.RecomputeDone = (su.JobEnd - su.JobStart).Seconds(), 1
	} else if su.JobTotal > 0 {
		r.RecomputeDone = float64(su.JobDone) / float64(su.JobTotal)
	}

	// The check index in process, then wrk.
	cfg.DataDir = run
	e, err = openStore(ctx, cfg, false)
	if err != nil {
		return r, err
	}
	defer e.Close()
	entries, err := e.store.Entries(ctx, store.EntryFilter{State: list.Active, Today: list.Day(time.Now())}, 0, n/5)
	if err != nil {
		return r, err
	}
	r.Entries = float64(len(entries))
	entries = nil
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	t0 = time.Now()
	eng, err := engine.Start(ctx, e.store, engine.Options{JournalDir: checkJournalDir(run)})
	if err != nil {
		return r, err
	}
	engClosed := false
	defer func() {
		if !engClosed {
			eng.Close()
		}
	}()
	r.IndexLoadSec = time.Since(t0).Seconds()
	runtime.GC()
	runtime.ReadMemStats(&m1)
	r.IndexHeapMB = float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc)) / 1e6
	fmt.Fprintf(out, "check index in process: %d subjects, built in %.1fs (nice 19), live heap +%.0f MB\n", eng.Size(), r.IndexLoadSec, r.IndexHeapMB)
	chk, bare, err := scaleCheck(ctx, e, cfg, eng, o, lockTimed)
	setNice(19)
	o.lock.release()
	if err != nil {
		return r, err
	}
	r.CheckRPS, r.P50ms, r.P99ms, r.BareRPS = chk.rps, chk.p50, chk.p99, bare.rps
	fmt.Fprintf(out, "bare net/http : %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n", bare.rps, bare.p50, bare.p99)
	fmt.Fprintf(out, "check         : %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d non-2xx)\n", chk.rps, chk.p50, chk.p99, chk.requests, chk.non2xx)
	existing, err := spreadOrganisations(ctx, e.store, eng, 20000)
	eng.Close()
	engClosed = true
	if err != nil {
		return r, err
	}

	// The import: half of the rows name existing organisations.
	csvPath := filepath.Join(run, "penalty.csv")
	if _, err := writeBenchCSVOver(csvPath, o.rows, existing); err != nil {
		return r, err
	}
	if err := e.store.UpsertDepartment(ctx, store.Department{Code: "samr", Name: "市市场监督管理局"}, "bench"); err != nil {
		return r, err
	}
	if _, err := e.store.PublicityRules(ctx); err != nil {
		return r, err
	}
	if _, err := e.store.Calendar(ctx); err != nil {
		return r, err
	}
	if err := lockTimed(); err != nil {
		return r, err
	}
	setNice(0)
	took, rep, err := timeImport(ctx, e.store, e.pii, csvPath)
	setNice(19)
	o.lock.release()
	if err != nil {
		return r, err
	}
	if rep.Accepted != o.rows {
		first := store.Issue{}
		if len(rep.Issues) > 0 {
			first = rep.Issues[0]
		}
		return r, fmt.Errorf("import accepted %d of %d rows (first issue: %+v)", rep.Accepted, o.rows, first)
	}
	r.ImportRows, r.ImportRate = float64(o.rows), float64(o.rows)/took.Seconds()
	fmt.Fprintf(out, "import of %d rows (%d organisations of the store named): %.1fs, %.0f rows/s\n", o.rows, len(existing), took.Seconds(), r.ImportRate)
	for _, l := range loads {
		r.Load1 += l / float64(len(loads))
	}
	fmt.Fprintf(out, "load average (1 min) at the start of the timed phases: %v\n", loads)
	return r, nil
}

// scaleCheck serves the API on eng and runs wrk against a bare handler
// and the check (as bench check does), holding the lock for both.
func scaleCheck(ctx context.Context, e *env, cfg config.Config, eng *engine.Engine, o scaleOptions, lockTimed func() error) (chk, bare wrkResult, err error) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		err = errors.New("未找到 wrk：请先安装（Debian: apt-get install -y wrk）")
		return
	}
	tg, err := newCheckTargets(ctx, e, cfg, eng, "政府采购", "bench scale")
	if err != nil {
		return
	}
	defer tg.close()
	if err = lockTimed(); err != nil {
		return
	}
	setNice(0)
	if bare, err = runWrk(ctx, wrk, 2, o.conns, o.dur, tg.bareURL, tg.script, tg.secret); err != nil {
		return
	}
	chk, err = runWrk(ctx, wrk, 2, o.conns, o.dur, tg.checkURL, tg.script, tg.secret)
	return
}

// spreadOrganisations returns up to n organisations (code, name) spread
// over the store's id range (the check index's sample of codes).
func spreadOrganisations(ctx context.Context, st *store.Store, eng *engine.Engine, n int) ([][2]string, error) {
	var out [][2]string
	for _, c := range eng.Codes(n * 2) {
		if len(out) == n {
			break
		}
		s, err := st.SubjectByCode(ctx, c)
		if err != nil {
			continue
		}
		if s.Type != subject.TypeNatural {
			out = append(out, [2]string{s.Code, s.Name})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no organisations in the store")
	}
	return out, nil
}

// benchLock is the shared lock of the timed measurements on this machine.
type benchLock struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

func (l *benchLock) acquire() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.path == "" || l.f != nil {
		return nil
	}
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return fmt.Errorf("lock %s: %w", l.path, err)
	}
	l.f = f
	return nil
}

func (l *benchLock) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
		l.f = nil
	}
}

// setNice sets this process's nice value (every thread; lowering it needs
// the privilege to, and is skipped without).
func setNice(n int) { reniceAll(os.Getpid(), n) }

// loadAvg1 is the 1-minute load average (0 when unknown).
func loadAvg1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
