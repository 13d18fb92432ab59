package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/config"
	"xinyong/internal/demo"
	"xinyong/internal/push/deliver"
	"xinyong/internal/search"
	"xinyong/internal/store"
	"xinyong/internal/web"
	"xinyong/internal/web/api"
	"xinyong/internal/web/metrics"
	"xinyong/internal/web/ui"
)

func init() {
	register("serve", "启动平台服务 (run the API, portal and console)", runServe)
}

func setupLogging(cfg config.Config, w io.Writer) {
	format := cfg.LogFormat
	if format == "" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	var h slog.Handler = slog.NewJSONHandler(w, nil)
	if format == "text" {
		h = slog.NewTextHandler(w, nil)
	}
	slog.SetDefault(slog.New(h))
}

func runServe(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Defaults()
	fs := newFlags("serve", "启动平台服务：JSON API /api/v1、门户 /、管理后台 /console、/healthz、/readyz、/metrics", errOut)
	cfg.Bind(fs, true)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	setupLogging(cfg, errOut)
	cfg.Dump(out)
	e, err := openStore(ctx, cfg, cfg.Migrate)
	if err != nil {
		return err
	}
	defer e.Close()
	if cfg.Demo {
		if err := seedDemoIfEmpty(ctx, e, out); err != nil {
			return err
		}
	}
	if err := ensureBootstrapToken(ctx, e.store, cfg.BootstrapToken); err != nil {
		return err
	}
	// Webhook push (C9): runs until shutdown, stopped before the store closes.
	pushOpts, err := pushOptions()
	if err != nil {
		return err
	}
	pusher := deliver.New(e.store, pushOpts) // registers its OnChange listener now
	pushCtx, stopPush := context.WithCancel(ctx)
	pushDone := make(chan struct{})
	go func() { defer close(pushDone); pusher.Run(pushCtx) }()
	defer func() { stopPush(); <-pushDone }()
	deps := api.Deps{Store: e.store, Config: cfg, PII: e.pii, Now: time.Now}
	if deps.Reports, err = api.LoadReportSigner(os.Getenv("XINYONG_REPORT_KEY"), cfg.DataDir); err != nil {
		return err
	}
	deps.Search = search.Start(ctx, e.store, time.Second)
	if deps.Engine, err = startCheckEngine(ctx, e.store, cfg.DataDir); err != nil {
		return err
	}
	defer deps.Engine.Close()
	stopScoring, err := startScoring(ctx, &deps) // score.go: scores, supervision class, tracking schedule
	if err != nil {
		return err
	}
	defer stopScoring()
	defer api.StartRemedySweep(ctx, deps, 10*time.Minute)() // remedy_commit.go: escalate overdue cases, break expired commitments
	// gc.go: GOGC=50 unless set, now that the indexes are loaded.
	tuneGC()
	if err := startPprof(); err != nil { // pprof.go
		return err
	}
	reg := metrics.New()
	handler := web.New(web.Options{API: deps, Metrics: reg, UI: ui.New(ui.Deps{API: deps})})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	hl := web.Listen(ln, srv) // the check's fast path (internal/web/hotpath)
	fmt.Fprintf(out, "xinyong 已启动：门户 http://%s/  管理后台 http://%s/console  API http://%s/api/v1/openapi.json\n", ln.Addr(), ln.Addr(), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(hl) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return hl.Wait(sctx)
}

// ensureBootstrapToken creates the operator token named by
// XINYONG_BOOTSTRAP_TOKEN when it does not exist yet.
func ensureBootstrapToken(ctx context.Context, st *store.Store, secret string) error {
	if secret == "" {
		return nil
	}
	ok, err := st.TokenExists(ctx, secret)
	if err != nil || ok {
		return err
	}
	_, _, err = st.CreateToken(ctx, store.Token{Name: "bootstrap", Role: auth.RoleOperator, ExpiresAt: st.Now().AddDate(10, 0, 0)}, secret, "system:bootstrap")
	if err == nil {
		slog.Info("bootstrap operator token created")
	}
	return err
}

func seedDemoIfEmpty(ctx context.Context, e *env, out io.Writer) error {
	var n int64
	if err := e.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountSubjects()
		return err
	}); err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(out, "正在生成演示数据 (seeding demo data)…")
		if err := runDemo(ctx, e, demoOptions{Subjects: 1000, Seed: 1, ListEntries: 120, Records: 2000}, out); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "演示账号 (demo sign-in): 管理后台 /console，用户名 admin（信用办）或 samr / court / tax（部门经办人），密码 %s\n", demo.Password)
	return nil
}

// pushOptions reads XINYONG_PUSH_LEASE: how long a node's claim on a
// subscription lasts without renewal, i.e. how soon another node takes over
// the deliveries of a node that died (default 15 s; must exceed the 10 s
// HTTP timeout of one delivery).
func pushOptions() (deliver.Options, error) {
	o := deliver.Options{Lease: 15 * time.Second}
	if v := os.Getenv("XINYONG_PUSH_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return o, fmt.Errorf("XINYONG_PUSH_LEASE 应为不短于 1s 的时长，如 15s：%q", v)
		}
		o.Lease = d
		if d <= 10*time.Second {
			o.Client = &http.Client{Timeout: d / 2, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		}
	}
	return o, nil
}
