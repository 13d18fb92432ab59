package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"xinyong/internal/audit"
	"xinyong/internal/config"
)

func init() {
	register("audit", "审计日志 (audit verify: check the hash chain)", runAudit)
}

func runAudit(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(errOut, "用法: xinyong audit verify [--data DIR | --db DSN]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	cfg := config.Defaults()
	fs := newFlags("audit verify", "从头校验审计日志哈希链，报告第一个断裂处（篡改、删除、乱序）", errOut)
	cfg.Bind(fs, false)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	e, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer e.Close()
	n, err := e.store.VerifyAudit(ctx)
	var b *audit.Break
	if errors.As(err, &b) {
		fmt.Fprintf(out, "审计链断裂：第 %d 条 — %s（此前 %d 条完好）\naudit chain BROKEN at seq %d: %s\n", b.Seq, b.Reason, n, b.Seq, b.Reason)
		return errExit1
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "审计链完好：共 %d 条 (audit chain intact: %d entries)\n", n, n)
	return nil
}
