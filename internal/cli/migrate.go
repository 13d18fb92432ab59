package cli

import (
	"context"
	"fmt"
	"io"

	"xinyong/internal/config"
	"xinyong/internal/store"
)

func init() {
	register("migrate", "升级数据库结构 (apply pending schema migrations)", runMigrate)
}

func runMigrate(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("migrate", "按顺序应用尚未执行的数据库结构迁移（每步一个事务）", errOut)
	cfg.Bind(fs, false)
	status := fs.Bool("status", false, "only print the current and latest schema versions")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	o := store.Options{Path: cfg.SQLitePath()}
	if config.IsPostgres(cfg.DB) {
		o = store.Options{DSN: cfg.DB}
	}
	st, err := store.Open(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	cur, latest, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if *status {
		fmt.Fprintf(out, "schema version %d, latest %d\n", cur, latest)
		return nil
	}
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已应用 %d 个迁移，数据库结构版本 %d → %d\n", n, cur, cur+n)
	return nil
}
