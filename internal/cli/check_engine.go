package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"xinyong/internal/engine"
	"xinyong/internal/store"
)

// startCheckEngine builds the in-memory check index (应查必查) before the
// server accepts requests. XINYONG_RED_CHECK_YEARS sets how many years of
// negative records block a red-list identification (default 3). Checks are
// logged in the node's check journal, <data dir>/checklog unless
// XINYONG_CHECK_JOURNAL names another directory ("off": straight into the
// database, one commit per group of checks); XINYONG_CHECK_JOURNAL_SYNC
// "always" adds an fdatasync per group (default "store": as durable as the
// store's own commits, see engine.JournalSyncStore).
func startCheckEngine(ctx context.Context, st *store.Store, dataDir string) (*engine.Engine, error) {
	o := engine.Options{JournalDir: checkJournalDir(dataDir)}
	var err error
	if o.JournalSync, err = engine.ParseJournalSync(os.Getenv("XINYONG_CHECK_JOURNAL_SYNC")); err != nil {
		return nil, fmt.Errorf("XINYONG_CHECK_JOURNAL_SYNC 应为 store 或 always：%w", err)
	}
	if v := os.Getenv("XINYONG_RED_CHECK_YEARS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10 {
			return nil, fmt.Errorf("XINYONG_RED_CHECK_YEARS 应为 1 至 10 的整数：%q", v)
		}
		o.RedCheckYears = n
	}
	start := time.Now()
	eng, err := engine.Start(ctx, st, o)
	if err != nil {
		return nil, fmt.Errorf("check index: %w", err)
	}
	slog.Info("check index ready", "subjects", eng.Size(), "seconds", time.Since(start).Seconds())
	return eng, nil
}

// checkJournalDir is where this node's check journal lives ("" for none).
func checkJournalDir(dataDir string) string {
	switch v := os.Getenv("XINYONG_CHECK_JOURNAL"); v {
	case "off":
		return ""
	case "":
		if dataDir == "" {
			return ""
		}
		return filepath.Join(dataDir, "checklog")
	default:
		return v
	}
}
