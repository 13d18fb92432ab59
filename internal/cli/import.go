package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"xinyong/internal/config"
	"xinyong/internal/errs"
	"xinyong/internal/importer"
	"xinyong/internal/store"
	"xinyong/internal/subject"
)

func init() {
	register("import", "导入信用记录文件 (import a CSV/XLSX file of credit records)", cmdImport)
}

type importOptions struct {
	Type, Dept, Mode, Report, Actor string
}

func cmdImport(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("import", "导入信用记录：xinyong import --type TYPE --dept CODE [--mode strict] [--report 报告.xlsx] FILE（CSV 为 UTF-8 或 GBK，或 XLSX）", errOut)
	cfg.Bind(fs, false)
	var o importOptions
	fs.StringVar(&o.Type, "type", "", "record type code, e.g. penalty, license (required)")
	fs.StringVar(&o.Dept, "dept", "", "submitting department code (required)")
	fs.StringVar(&o.Mode, "mode", "default", "default: good rows land, bad rows reported; strict: all or nothing")
	fs.StringVar(&o.Report, "report", "", "write the row report (XLSX) to this file")
	fs.StringVar(&o.Actor, "actor", "cli:import", "who is recorded as submitter in the audit log")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || o.Type == "" || o.Dept == "" {
		fs.Usage()
		return errUsage
	}
	if o.Mode != "default" && o.Mode != "strict" {
		return errs.Field("mode", "--mode 只能是 default 或 strict")
	}
	e, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer e.Close()
	rep, err := importFile(ctx, e, fs.Arg(0), o, out)
	if err != nil {
		return err
	}
	printReport(out, rep)
	if o.Report != "" {
		b, err := importer.ReportXLSX(rep)
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.Report, b, 0o640); err != nil {
			return err
		}
		fmt.Fprintf(out, "逐行报告已写入 %s\n", o.Report)
	}
	if rep.Status == "rejected" || rep.Rejected > 0 {
		return errExit1
	}
	return nil
}

// importFile runs one file through the same path as the upload API.
func importFile(ctx context.Context, e *env, path string, o importOptions, out io.Writer) (*store.BatchReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	cat, err := e.store.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	t, ok := cat.Lookup(o.Type)
	if !ok {
		return nil, errs.Field("type", "未知的信息类别："+o.Type)
	}
	cr := &countingReader{r: f}
	tb, err := importer.Open(cr, t)
	if err != nil {
		return nil, err
	}
	kb := int(fi.Size()/1024) + 1
	bar := newProgress(out, "导入 "+filepath.Base(path)+" (KB)", kb)
	head, tail := e.cfg.MaskHeadTail()
	start := time.Now()
	defer importGC()()
	rep, err := e.store.Ingest(ctx, tb, store.IngestOptions{
		Dept: o.Dept, Type: t.Code, Source: "cli:" + filepath.Base(path), Actor: o.Actor, Strict: o.Mode == "strict", Header: tb.Header,
		PII: e.pii, Mask: func(s string) string { return subject.MaskID(s, head, tail) }, ChunkSize: 5000,
		Progress: func(int) { bar.set(min(int(cr.n/1024), kb)) }})
	bar.done()
	if err != nil {
		return nil, err
	}
	el := time.Since(start)
	fmt.Fprintf(out, "用时 %.1fs（%.0f 行/秒）\n", el.Seconds(), float64(rep.Total)/el.Seconds())
	return rep, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func printReport(out io.Writer, rep *store.BatchReport) {
	status := "已入库"
	if rep.Status == "rejected" {
		status = "严格模式：存在错误行，整批未入库"
	}
	fmt.Fprintf(out, "批次 %d（%s）：共 %d 行，接收 %d（新增 %d，更正 %d，重复 %d，待审核 %d），拒收 %d，超期公示 %d\n",
		rep.BatchID, status, rep.Total, rep.Accepted, rep.Created, rep.Corrected, rep.Duplicate, rep.Pending, rep.Rejected, rep.Late)
	for i, is := range rep.Issues {
		if i == 20 {
			fmt.Fprintf(out, "  …… 其余 %d 条问题见逐行报告（--report）\n", len(rep.Issues)-20)
			break
		}
		fmt.Fprintf(out, "  第 %d 行 %s：%s\n", is.Row, is.Field, is.Reason)
	}
	for i, w := range rep.Warnings {
		if i == 5 {
			fmt.Fprintf(out, "  …… 其余 %d 条提示见逐行报告\n", len(rep.Warnings)-5)
			break
		}
		fmt.Fprintf(out, "  提示（第 %d 行）：%s\n", w.Row, w.Reason)
	}
}

// importGC lets the garbage collector run less often during a command-line
// import (a short-lived process whose live heap is a few chunks and the
// batch's sets of subjects and document numbers): collecting at 3× the
// live heap instead of 2× takes a third less GC work from the pipeline,
// while a larger heap cost more in faulting in fresh memory than it saved
// (4×, 8×: docs/benchmarks.md, Ingest, session 9). It returns the function
// that restores the previous setting. GOGC in the environment overrides it.
func importGC() func() {
	if _, ok := os.LookupEnv("GOGC"); ok { // the operator's setting wins
		return func() {}
	}
	old := debug.SetGCPercent(200)
	return func() { debug.SetGCPercent(old) }
}
