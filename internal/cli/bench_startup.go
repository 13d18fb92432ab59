package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"xinyong/internal/config"
	"xinyong/internal/store"
)

func init() { benchCommands["startup"] = benchStartup }

// benchStartup starts `xinyong serve` as a subprocess and reports how long
// it takes until /readyz answers 200 (wall and CPU) and its resident
// memory (Linux: VmRSS sampled every 200 ms) at ready, at its peak, during
// the first-start score recompute and at the end. The environment is
// passed on (GOMEMLIMIT, XINYONG_MEMORY_LIMIT …).
//
// SQLite (--data): serve runs on a copy of the store; the copy of a store
// that was never served has no recompute job, so the first-start recompute
// runs every time. PostgreSQL (--db): serve runs on the database itself;
// unless --reset=false, what a first start finds missing is cleared before
// (recompute jobs, scores, leases, generated tracking reports and index
// values), so that every run is a first start like the SQLite copy's.
func benchStartup(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("bench startup", "启动基准：以子进程启动 serve（SQLite 复制数据目录；PostgreSQL 清除首次启动状态），报告就绪用时与常驻内存（含首次启动的评价重算）", errOut)
	data := fs.String("data", "", "store directory (SQLite: copied; PostgreSQL: holds the PII key xinyong.key)")
	dsn := fs.String("db", "", "postgres:// URL: measure serve on this database (no copy)")
	reset := fs.Bool("reset", true, "PostgreSQL: clear the first-start state before (recompute jobs, scores, leases, tracking reports, index values)")
	duration := fs.Duration("duration", 90*time.Second, "how long to sample after start (at least until the first recompute ends, at most --max)")
	maxWait := fs.Duration("max", 5*time.Minute, "stop sampling after this long even if the recompute has not ended")
	lockPath := fs.String("lock", "", "file to lock (flock, exclusive) while timing, e.g. /tmp/bench.lock on a shared machine")
	timed := fs.Duration("timed", 0, "with --lock: release it after this long (once ready) and let serve (and, on PostgreSQL, the database's backends) go on at nice 19 while its memory is still sampled")
	if err := parse(fs, args); err != nil {
		return err
	}
	o := startupOptions{Duration: *duration, Max: *maxWait}
	switch {
	case *dsn != "":
		if !config.IsPostgres(*dsn) {
			return fmt.Errorf("--db 须为 postgres:// 连接串")
		}
		if *data == "" {
			return fmt.Errorf("--db 需同时给出 --data（存放 PII 密钥 xinyong.key 的目录，与生成数据时相同）")
		}
		o.Data, o.DSN = *data, *dsn
		if *reset {
			cleared, err := resetFirstStart(ctx, *dsn)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "first start prepared: cleared %s\n", cleared)
		} else {
			fmt.Fprintln(out, "no reset: serve starts on the database as it is (a restart, not a first start)")
		}
	case *data != "":
		tmp, err := os.MkdirTemp("", "xinyong-startup-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := copyStore(*data, tmp); err != nil {
			return err
		}
		o.Data = tmp
		fmt.Fprintln(out, "first start: serve on a copy of the store (no recompute job yet)")
	default:
		return fmt.Errorf("--data 为必填项（用 xinyong demo 生成的数据目录），PostgreSQL 另加 --db")
	}
	lk := benchLock{path: *lockPath}
	if err := lk.acquire(); err != nil {
		return err
	}
	defer lk.release()
	if *lockPath != "" && *timed > 0 {
		o.Timed = *timed
		o.Release = func() {
			lk.release()
			if o.DSN != "" {
				renicePostgres(ctx, o.DSN, 19)
			}
		}
	}
	r, err := measureStartup(ctx, o)
	if err != nil {
		return err
	}
	r.print(out)
	return nil
}

// renicePostgres renices the server processes of the connections to the
// DSN's database (a local server).
func renicePostgres(ctx context.Context, dsn string, prio int) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, pid, prio)
		}
	}
}

// copyStore copies a SQLite store directory's database and key.
func copyStore(from, to string) error {
	for _, name := range []string{"xinyong.db", "xinyong.db-wal", "xinyong.key"} {
		if err := copyFile(filepath.Join(from, name), filepath.Join(to, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// firstStartTables are what a first start of serve fills in a store that
// was seeded but never served (compared table by table on a SQLite copy):
// the recompute job and every subject's score (the first-start recompute
// runs when there is no job), the leases of the node-exclusive work, and
// the quarterly tracking reports and the monthly index that work produces.
// The audit log and the change feed also grow, but are append-only and
// left alone; the score model and catalogue installed then are kept (they
// cost nothing to read).
var firstStartTables = []string{"recompute_jobs", "scores", "leases", "tracking_reports", "index_values"}

// resetFirstStart clears the first-start state of a PostgreSQL store in
// one transaction and says what it removed.
func resetFirstStart(ctx context.Context, dsn string) (string, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var parts []string
	for _, t := range firstStartTables {
		var n int64
		if t == "scores" {
			// TRUNCATE: deleting 10^7 rows would leave as many dead ones
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM scores`).Scan(&n); err != nil {
				return "", err
			}
			if _, err := tx.ExecContext(ctx, `TRUNCATE scores`); err != nil {
				return "", fmt.Errorf("truncate scores: %w", err)
			}
			parts = append(parts, fmt.Sprintf("scores (%d)", n))
			continue
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM "+t)
		if err != nil {
			return "", fmt.Errorf("clear %s: %w", t, err)
		}
		n, _ = res.RowsAffected()
		parts = append(parts, fmt.Sprintf("%s (%d)", t, n))
	}
	return strings.Join(parts, ", "), tx.Commit()
}

type startupOptions struct {
	Data     string        // serve --data
	DSN      string        // serve --db, empty for SQLite in Data
	Duration time.Duration // sample at least this long (and until the recompute ends)
	Max      time.Duration // stop sampling after this long
	// UntilRecompute: sample until the first-start recompute ends (or
	// Max), whatever Duration says.
	UntilRecompute bool
	// Timed, when set, ends the timed part early: after it, Release is
	// called and serve is reniced to 19 while its memory is still sampled
	// until the recompute ends (or Max).
	Timed   time.Duration
	Release func()
}

type startupResult struct {
	Ready, ReadyCPU         time.Duration
	JobStart, JobEnd        time.Duration // first-start recompute as seen (0: not seen / not ended)
	End                     time.Duration
	RSSReady, Peak, PeakJob int64
	Last                    int64
	Reniced                 time.Duration // when serve was reniced (0: never)
	JobDone, JobTotal       int64         // recompute progress at the end
}

func (r startupResult) print(out io.Writer) {
	mb := func(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }
	if r.Ready == 0 {
		fmt.Fprintf(out, "not ready within %s\n", r.End.Round(time.Second))
	} else {
		fmt.Fprintf(out, "ready after %.1f s (serve's CPU until then %.1f s), RSS at ready %s\n", r.Ready.Seconds(), r.ReadyCPU.Seconds(), mb(r.RSSReady))
	}
	if r.JobEnd > 0 && r.JobEnd == r.JobStart {
		fmt.Fprintln(out, "no score recompute ran (the store's last job had ended before)")
	} else if r.JobEnd > 0 {
		fmt.Fprintf(out, "first-start score recompute: seen from %.0f s to %.0f s, RSS peak meanwhile %s\n", r.JobStart.Seconds(), r.JobEnd.Seconds(), mb(r.PeakJob))
	} else if r.JobStart > 0 {
		fmt.Fprintf(out, "first-start score recompute still running after %.0f s (%d of %d subjects), RSS peak meanwhile %s\n", r.End.Seconds(), r.JobDone, r.JobTotal, mb(r.PeakJob))
	}
	if r.Reniced > 0 {
		fmt.Fprintf(out, "(timed part ended at %.0f s; serve ran at nice 19 after that)\n", r.Reniced.Seconds())
	}
	fmt.Fprintf(out, "RSS peak %s, at the end (%.0f s) %s\n", mb(r.Peak), r.End.Seconds(), mb(r.Last))
}

// measureStartup starts serve on o.Data / o.DSN and samples it.
func measureStartup(ctx context.Context, o startupOptions) (startupResult, error) {
	var r startupResult
	logPath := filepath.Join(o.Data, "serve.log")
	so := store.Options{Path: filepath.Join(o.Data, "xinyong.db")}
	if o.DSN != "" {
		so = store.Options{DSN: o.DSN}
	}
	srv, err := launchServe(o.Data, o.DSN, logPath) // bench_soak.go
	if err != nil {
		return r, err
	}
	defer srv.stop()
	t0, addr, exited := srv.started, srv.addr, srv.exited
	st, err := store.Open(ctx, so)
	if err != nil {
		return r, err
	}
	defer st.Close()

	pid := srv.pid
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			exited <- err
			return r, fmt.Errorf("serve exited: %v (log: %s)", err, tailFile(logPath))
		case <-ctx.Done():
			return r, ctx.Err()
		case <-tick.C:
		}
		el := time.Since(t0)
		rss := procRSS(pid)
		r.Last, r.Peak = rss, max(r.Peak, rss)
		if r.Ready == 0 {
			if resp, err := client.Get("http://" + addr + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					r.Ready, r.ReadyCPU, r.RSSReady = el, procCPU(pid), rss
				}
			}
		}
		if r.Ready > 0 && r.JobEnd == 0 {
			if j, err := st.Recompute(ctx, 0); err == nil {
				if r.JobStart == 0 {
					r.JobStart = el
				}
				r.PeakJob = max(r.PeakJob, rss)
				r.JobDone, r.JobTotal = j.Done, j.Total
				if j.State != store.JobRunning {
					r.JobEnd = el
				}
			}
		}
		if o.Timed > 0 && r.Reniced == 0 && el >= o.Timed && r.Ready > 0 {
			r.Reniced = el
			reniceAll(pid, 19)
			if o.Release != nil {
				o.Release()
			}
		}
		stop := el >= o.Duration && (r.JobEnd > 0 || r.Ready == 0)
		if o.UntilRecompute {
			stop = r.JobEnd > 0
		}
		if stop || el >= o.Max {
			r.End = el
			return r, nil
		}
	}
}

// reniceAll sets the nice value of every thread of a process (on Linux a
// nice value belongs to a thread; threads created later inherit it).
func reniceAll(pid, prio int) {
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		if tid, err := strconv.Atoi(t.Name()); err == nil {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, prio)
		}
	}
}

// procRSS is a process's resident set size in bytes (0 when unknown).
func procRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// procCPU is a process's user + system CPU time (0 when unknown).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// fields after the command name (which may hold spaces) in parentheses
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * time.Second / 100 // USER_HZ
}

func tailFile(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
