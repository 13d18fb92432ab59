package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"xinyong/internal/config"
	"xinyong/internal/demo"
	"xinyong/internal/subject"
)

func init() {
	register("demo", "生成演示数据 (fill the store with realistic synthetic data)", cmdDemo)
}

type demoOptions struct {
	Subjects    int
	Seed        uint64
	ExportCodes string
	Records     int // credit records (licences and penalties), see demo_records.go
	ListEntries int // red/black list entries, see demo_lists.go
	Skip        int // subjects of the seed's sequence already loaded (resume)
}

func cmdDemo(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("demo", "生成演示数据：部门、账号、信用主体（真实区划代码上的有效统一社会信用代码）及关联人", errOut)
	cfg.Bind(fs, false)
	var o demoOptions
	fs.IntVar(&o.Subjects, "subjects", 1000, "number of subjects to generate")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed (same seed, same data)")
	fs.StringVar(&o.ExportCodes, "export-codes", "", "write the generated organisations' USCCs to this file, one per line")
	fs.IntVar(&o.Records, "records", 0, "number of credit records (licences and penalties) to submit over the demo subjects")
	fs.IntVar(&o.ListEntries, "list-entries", 0, "number of red/black list entries to put the demo subjects on")
	fs.IntVar(&o.Skip, "skip", 0, "resume an interrupted load with the same --seed: the first N subjects of the sequence are already in the store (generated again, not written)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.Subjects < 0 {
		return fmt.Errorf("--subjects 不能为负数")
	}
	e, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer e.Close()
	return runDemo(ctx, e, o, out)
}

func runDemo(ctx context.Context, e *env, o demoOptions, out io.Writer) error {
	start := time.Now()
	if err := demo.LoadDepartments(ctx, e.store); err != nil {
		return err
	}
	if err := demo.LoadAccounts(ctx, e.store); err != nil {
		return err
	}
	if err := ensureBootstrapToken(ctx, e.store, e.cfg.BootstrapToken); err != nil {
		return err
	}
	head, tail := e.cfg.MaskHeadTail()
	mask := func(s string) string { return subject.MaskID(s, head, tail) }
	g := demo.NewGenerator(o.Seed, e.store.Now())
	if o.Skip > 0 {
		g.Skip(e.pii, mask, o.Skip)
	}
	bar := newProgress(out, "主体", o.Subjects)
	res, err := demo.LoadSubjects(ctx, e.store, g, e.pii, mask, o.Subjects, bar.set)
	bar.done()
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(out, "已生成 %d 个组织、%d 个自然人、%d 条关联关系，用时 %.1fs（%.0f 主体/秒）\n",
		res.Organisations, res.Persons, res.Relations, el.Seconds(), float64(res.Organisations+res.Persons)/el.Seconds())
	if err := runDemoRecords(ctx, e, g, o.Records, out); err != nil {
		return err
	}
	if err := runDemoLists(ctx, e, o.Seed, o.ListEntries, out); err != nil {
		return err
	}
	rem, err := demo.LoadRemedies(ctx, e.store, e.store.Now()) // remedies.go: objections, repairs, reports, commitments in every state
	if err != nil {
		return err
	}
	if rem.Cases+rem.Commitments > 0 {
		fmt.Fprintf(out, "已生成异议、修复、举报 %d 件，信用承诺 %d 项；进度查询码示例（门户 /apply 进度查询）：\n", rem.Cases, rem.Commitments)
		for label, code := range rem.Codes {
			fmt.Fprintf(out, "  %s  %s\n", code, label)
		}
	}
	if o.ExportCodes != "" {
		f, err := os.Create(o.ExportCodes)
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		for _, c := range res.Codes {
			w.WriteString(c)
			w.WriteByte('\n')
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(out, "统一社会信用代码已写入 %s\n", o.ExportCodes)
	}
	return nil
}
