package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"xinyong/internal/demo"
)

// runDemoLists puts n demo subjects on red and black lists (bulk path).
func runDemoLists(ctx context.Context, e *env, seed uint64, n int, out io.Writer) error {
	if n < 0 {
		return fmt.Errorf("--list-entries 不能为负数")
	}
	if n == 0 {
		return nil
	}
	start := time.Now()
	bar := newProgress(out, "名单条目", n)
	res, err := demo.LoadListEntries(ctx, e.store, seed, n, e.store.Now(), bar.set)
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已生成红黑名单条目：在列 %d 条、已移出 %d 条、暂停执行（异议中）%d 条，用时 %.1fs\n",
		res.Active, res.Exited, res.Paused, time.Since(start).Seconds())
	return nil
}
