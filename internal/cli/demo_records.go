package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"xinyong/internal/demo"
	"xinyong/internal/subject"
)

// runDemoRecords submits n demo licences and penalties over the stored
// organisations (xinyong demo --records N).
func runDemoRecords(ctx context.Context, e *env, g *demo.Generator, n int, out io.Writer) error {
	if n <= 0 {
		return nil
	}
	start := time.Now()
	orgs, err := e.store.SampleOrganisations(ctx, 20000)
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return fmt.Errorf("--records 需要先有演示主体（--subjects 大于 0）")
	}
	head, tail := e.cfg.MaskHeadTail()
	mask := func(s string) string { return subject.MaskID(s, head, tail) }
	bar := newProgress(out, "信用记录", n)
	res, err := demo.LoadRecords(ctx, e.store, g, e.pii, mask, orgs, n, bar.set)
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已报送行政许可 %d 条、行政处罚 %d 条（超期公示 %d 条，已撤销 %d 条），用时 %.1fs\n",
		res.Licences, res.Penalties, res.Late, res.Revoked, time.Since(start).Seconds())
	return nil
}
