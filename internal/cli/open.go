package cli

import (
	"context"
	"fmt"

	"xinyong/internal/config"
	"xinyong/internal/pii"
	"xinyong/internal/store"
)

// env bundles what most commands open.
type env struct {
	cfg   config.Config
	store *store.Store
	pii   *pii.Protector
}

// openStore validates the configuration, opens the store and prepares its
// schema (migrating an empty store, refusing an out-of-date one unless
// allowed) and loads the PII key.
func openStore(ctx context.Context, cfg config.Config, allowMigrate bool) (*env, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := store.Options{DSN: "", Path: cfg.SQLitePath()}
	if config.IsPostgres(cfg.DB) {
		o = store.Options{DSN: cfg.DB}
	}
	st, err := store.Open(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := st.Prepare(ctx, allowMigrate); err != nil {
		st.Close()
		return nil, err
	}
	key, err := pii.LoadOrCreateKey(cfg.SecretKey, cfg.DataDir)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("PII key: %w", err)
	}
	p, err := pii.New(key)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &env{cfg: cfg, store: st, pii: p}, nil
}

func (e *env) Close() { e.store.Close() }
