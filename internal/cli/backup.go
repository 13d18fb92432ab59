package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"xinyong/internal/config"
	"xinyong/internal/store"
)

func init() {
	register("backup", "在线备份 SQLite 数据库 (online consistent backup)", runBackup)
	register("restore", "从备份恢复并校验审计链 (restore a backup, verify its audit chain)", runRestore)
}

func runBackup(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("backup", "在线生成一致的 SQLite 备份文件（服务可继续运行）；PostgreSQL 请用 pg_dump，见 docs/operations.md", errOut)
	cfg.Bind(fs, false)
	to := fs.String("to", "", "backup file to write (must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *to == "" {
		fmt.Fprintln(errOut, "用法: xinyong backup --to FILE [--data DIR]")
		return errUsage
	}
	if config.IsPostgres(cfg.DB) {
		fmt.Fprintf(out, "PostgreSQL 备份请使用：pg_dump --format=custom --file=xinyong.dump '%s'\n恢复：pg_restore --clean --if-exists --dbname=<DSN> xinyong.dump，然后运行 xinyong audit verify --db <DSN>\n", config.MaskDSN(cfg.DB))
		return nil
	}
	e, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer e.Close()
	abs, err := filepath.Abs(*to)
	if err != nil {
		return err
	}
	if err := e.store.Backup(ctx, abs); err != nil {
		return err
	}
	fi, _ := os.Stat(abs)
	fmt.Fprintf(out, "备份完成：%s（%d 字节）。注意同时妥善保存密钥文件 %s\n", abs, fi.Size(), filepath.Join(cfg.DataDir, "xinyong.key"))
	return nil
}

func runRestore(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("restore", "用备份文件替换数据目录中的数据库（须先停止服务），然后校验审计哈希链", errOut)
	cfg.Bind(fs, false)
	from := fs.String("from", "", "backup file made by xinyong backup")
	force := fs.Bool("force", false, "replace an existing database")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || config.IsPostgres(cfg.DB) {
		fmt.Fprintln(errOut, "用法: xinyong restore --from FILE [--data DIR] [--force]（PostgreSQL 请用 pg_restore）")
		return errUsage
	}
	// Check the backup before touching anything.
	src, err := store.Open(ctx, store.Options{Path: *from})
	if err != nil {
		return err
	}
	n, verr := src.VerifyAudit(ctx)
	src.Close()
	if verr != nil {
		return fmt.Errorf("备份文件的审计链校验失败，未恢复：%w", verr)
	}
	dst := cfg.SQLitePath()
	if _, err := os.Stat(dst); err == nil && !*force {
		return errors.New("目标数据库已存在：确认服务已停止后加 --force 覆盖")
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	tmp := dst + ".restore"
	if err := copyFile(*from, tmp); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(dst + suffix)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	e, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer e.Close()
	m, err := e.store.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("恢复后审计链校验失败：%w", err)
	}
	fmt.Fprintf(out, "已恢复 %s → %s；审计链完好（%d 条，备份中 %d 条）\n", *from, dst, m, n)
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	outF, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(outF, in); err != nil {
		outF.Close()
		return err
	}
	if err := outF.Sync(); err != nil {
		outF.Close()
		return err
	}
	return outF.Close()
}
