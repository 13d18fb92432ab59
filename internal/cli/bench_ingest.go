package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"xinyong/internal/demo"
	"xinyong/internal/importer"
	"xinyong/internal/pii"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

// benchCommands are the subcommands of xinyong bench; other files may add
// theirs in init.
var benchCommands = map[string]func(ctx context.Context, args []string, out, errOut io.Writer) error{
	"ingest": benchIngest,
}

func init() {
	register("bench", "性能基准 (benchmarks: bench ingest --rows N [--db DSN])", cmdBench)
}

func cmdBench(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || benchCommands[args[0]] == nil {
		names := make([]string, 0, len(benchCommands))
		for n := range benchCommands {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(errOut, "用法: xinyong bench <%s> [flags]\n", strings.Join(names, "|"))
		return errUsage
	}
	return benchCommands[args[0]](ctx, args[1:], out, errOut)
}

// penaltyCols is the column order of the generated 行政处罚 CSV.
var penaltyCols = []string{"CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_FRDB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR",
	"CF_NR_FK", "CF_NR_WFFF", "CF_NR_ZKDX", "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"}

// benchIngest generates a 行政处罚 CSV, imports it through the real import
// path into a fresh store and, in the same run, loads the same CSV with the
// engine's own bulk loader (sqlite3 .import, or PostgreSQL COPY) into a
// plain table with a primary key and one index. The last line is the ratio
// of the two rates.
func benchIngest(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("bench ingest", "导入性能基准：生成行政处罚 CSV，经真实导入路径写入全新库，并与数据库自身批量装载对比", errOut)
	rows := fs.Int("rows", 1000000, "rows to generate")
	dsn := fs.String("db", "", "postgres:// URL (a fresh schema is created and dropped); empty: a temporary SQLite file")
	dir := fs.String("dir", "", "work directory (default: a new temporary directory, removed afterwards)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the import to this file")
	traceOut := fs.String("trace", "", "write an execution trace of the import to this file (go tool trace)")
	memOut := fs.String("memprofile", "", "write an allocation profile of the import to this file (go tool pprof -sample_index=alloc_space)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *rows < 1 {
		return fmt.Errorf("--rows 必须为正数")
	}
	work := *dir
	if work == "" {
		d, err := os.MkdirTemp("", "xinyong-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	// Both stores start empty, also in a reused --dir.
	for _, name := range []string{"xinyong.db", "baseline.db"} {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			if err := os.Remove(filepath.Join(work, name+suffix)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	csvPath := filepath.Join(work, "penalty.csv")
	t0 := time.Now()
	size, err := writeBenchCSV(csvPath, *rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "generated %d rows (%.1f MB) in %.1fs: %s\n", *rows, float64(size)/1e6, time.Since(t0).Seconds(), csvPath)

	var o store.Options
	var schemaDSN, schema string
	if *dsn != "" {
		schema = "bench_" + randHex(4)
		if schemaDSN, err = createSchema(ctx, *dsn, schema); err != nil {
			return err
		}
		defer dropSchema(*dsn, schema)
		o = store.Options{DSN: schemaDSN}
	} else {
		o = store.Options{Path: filepath.Join(work, "xinyong.db")}
	}
	st, err := store.Open(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Prepare(ctx, true); err != nil {
		return err
	}
	if err := st.UpsertDepartment(ctx, store.Department{Code: "samr", Name: "市市场监督管理局"}, "bench"); err != nil {
		return err
	}
	for _, q := range strings.Split(os.Getenv("XY_EXP"), ";") {
		if q != "" {
			if _, err := st.DB().ExecContext(ctx, q); err != nil {
				return err
			}
		}
	}
	if _, err := st.PublicityRules(ctx); err != nil { // seed before timing
		return err
	}
	if _, err := st.Calendar(ctx); err != nil {
		return err
	}
	p, err := pii.New([]byte(randHex(16)))
	if err != nil {
		return err
	}
	stopProfiles, err := startProfilesMem(*profile, *traceOut, *memOut)
	if err != nil {
		stopProfiles()
		return err
	}
	cpu0 := cpuTime()
	ours, rep, err := timeImport(ctx, st, p, csvPath)
	oursCPU := cpuTime() - cpu0
	stopProfiles()
	if err != nil {
		return err
	}
	if rep.Accepted != *rows {
		first := store.Issue{}
		if len(rep.Issues) > 0 {
			first = rep.Issues[0]
		}
		return fmt.Errorf("import accepted %d of %d rows (first issue: %+v)", rep.Accepted, *rows, first)
	}
	if err := settle(ctx, st); err != nil {
		return err
	}
	rate := float64(*rows) / ours.Seconds()
	fmt.Fprintf(out, "xinyong import (%s, full validation, subjects resolved/created, versions, audit, change feed): %.1fs, %.0f rows/s (CPU %.1fs)\n", st.D.Name, ours.Seconds(), rate, oursCPU.Seconds())

	var base, baseCPU time.Duration
	var baseName string
	if *dsn != "" {
		baseName = "PostgreSQL COPY"
		base, err = timeCopy(ctx, schemaDSN, csvPath)
	} else {
		baseName = "sqlite3 .import"
		base, baseCPU, err = timeSQLiteImport(ctx, filepath.Join(work, "baseline.db"), csvPath)
	}
	if err != nil {
		return err
	}
	baseRate := float64(*rows) / base.Seconds()
	cpuNote := ""
	if baseCPU > 0 {
		cpuNote = fmt.Sprintf(" (CPU %.1fs; CPU-time ratio %.2f)", baseCPU.Seconds(), baseCPU.Seconds()/oursCPU.Seconds())
	}
	fmt.Fprintf(out, "%s (plain table, primary key + one index): %.1fs, %.0f rows/s%s\n", baseName, base.Seconds(), baseRate, cpuNote)
	fmt.Fprintf(out, "ratio %.2f\n", rate/baseRate)
	return nil
}

// settle waits, untimed, until the SQLite store has copied the import's WAL
// into the database file (the import leaves that to the background
// checkpointer), so that the baseline does not compete with it.
func settle(ctx context.Context, st *store.Store) error {
	if st.D.Name != "sqlite" {
		return nil
	}
	for {
		var busy, frames, done int
		if err := st.DB().QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// writeBenchCSV writes n penalty rows over n/2 organisations.
func writeBenchCSV(path string, n int) (int64, error) { return writeBenchCSVOver(path, n, nil) }

// writeBenchCSVOver writes n penalty rows; with existing organisations
// (code, name), every other row names one of them in turn and the others
// n/4 new organisations, else all rows name n/2 new ones.
func writeBenchCSVOver(path string, n int, existing [][2]string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	w.Write(penaltyCols)
	g := demo.NewGenerator(7, time.Now())
	orgs := max(1, n/2)
	if len(existing) > 0 {
		orgs = max(1, n/4)
	}
	codes := make([]string, orgs)
	names := make([]string, orgs)
	r := g.Rand()
	for i := range codes {
		codes[i] = subject.GenerateUSCC(r, "350100", '9', '1')
		names[i] = fmt.Sprintf("福州%s第%d有限公司", []string{"鑫达", "恒信", "闽江", "海峡", "榕城", "福瑞"}[i%6], i+1)
	}
	day := time.Now().AddDate(0, -2, 0)
	rec := make([]string, len(penaltyCols))
	for i := 0; i < n; i++ {
		code, name := codes[i%orgs], names[i%orgs]
		if len(existing) > 0 {
			if i%2 == 0 {
				code, name = existing[(i/2)%len(existing)][0], existing[(i/2)%len(existing)][1]
			} else {
				code, name = codes[(i/2)%orgs], names[(i/2)%orgs]
			}
		}
		decided := day.AddDate(0, 0, -(i % 300)).Format("2006-01-02")
		row := g.PenaltyRow(code, name, fmt.Sprintf("榕市监罚〔%s〕%d号", decided[:4], i+1), "samr", decided)
		for j, c := range penaltyCols {
			rec[j] = row[c]
		}
		if err := w.Write(rec); err != nil {
			f.Close()
			return 0, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return 0, err
	}
	return fi.Size(), f.Close()
}

func timeImport(ctx context.Context, st *store.Store, p *pii.Protector, path string) (time.Duration, *store.BatchReport, error) {
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	cat, err := st.Catalog(ctx)
	if err != nil {
		return 0, nil, err
	}
	t, _ := cat.Lookup("penalty")
	tb, err := importer.Open(f, t)
	if err != nil {
		return 0, nil, err
	}
	defer importGC()()
	rep, err := st.Ingest(ctx, tb, store.IngestOptions{Dept: "samr", Type: "penalty", Source: "bench", Actor: "bench", Header: tb.Header,
		PII: p, ChunkSize: 5000})
	return time.Since(start), rep, err
}

// cpuTime is the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func timeSQLiteImport(ctx context.Context, db, csvPath string) (time.Duration, time.Duration, error) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		return 0, 0, errors.New("sqlite3 命令不存在，无法测量基线（apt-get install sqlite3）")
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE t (")
	for _, c := range penaltyCols {
		b.WriteString(c + " TEXT, ")
	}
	b.WriteString("PRIMARY KEY (CF_WSH));\nCREATE INDEX t_subject ON t (CF_XDR_SHXYM);\n.mode csv\n.import --skip 1 '" + csvPath + "' t\n")
	cmd := exec.CommandContext(ctx, bin, db)
	cmd.Stdin = strings.NewReader(b.String())
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		return 0, 0, fmt.Errorf("sqlite3 .import: %v %s", err, out)
	}
	wall := time.Since(start)
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

func createSchema(ctx context.Context, dsn, schema string) (string, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", fmt.Errorf("create schema: %w", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func dropSchema(dsn, schema string) {
	if db, err := sql.Open("pgx", dsn); err == nil {
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	}
}

func timeCopy(ctx context.Context, dsn, csvPath string) (time.Duration, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	cols := make([]string, len(penaltyCols))
	for i, c := range penaltyCols {
		cols[i] = strings.ToLower(c) + " TEXT"
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE copy_baseline ("+strings.Join(cols, ", ")+", PRIMARY KEY (cf_wsh)); CREATE INDEX copy_baseline_subject ON copy_baseline (cf_xdr_shxym)"); err != nil {
		return 0, err
	}
	f, err := os.Open(csvPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	start := time.Now()
	err = conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().PgConn().CopyFrom(ctx, f, "COPY copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)")
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("COPY: %w", err)
	}
	return time.Since(start), nil
}
