package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"xinyong/internal/engine"
	"xinyong/internal/store"
)

// startCheckEngine builds the in-memory check index (应查必查) before the
// server accepts requests. XINYONG_RED_CHECK_YEARS sets how many years of
// negative records block a red-list identification (default 3).
func startCheckEngine(ctx context.Context, st *store.Store) (*engine.Engine, error) {
	var o engine.Options
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
