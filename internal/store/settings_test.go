package store_test

import (
	"context"
	"testing"

	"xinyong/internal/errs"
	"xinyong/internal/store"
	"xinyong/internal/tracking"
	"xinyong/internal/xtest"
)

func TestIndexIndicators(t *testing.T) {
	xtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cfg, err := s.IndexIndicators(ctx)
		if err != nil || len(cfg) != len(tracking.DefaultIndex) {
			t.Fatalf("default: %v %v", cfg, err)
		}
		for _, bad := range [][]tracking.IndexIndicator{
			nil,
			{{Code: "negative_share", Name: "占比", Weight: 0.5}},                                            // sum 0.5
			{{Code: "nope", Name: "x", Weight: 1}},                                                         // unknown
			{{Code: "timeliness", Name: "x", Weight: 0.5}, {Code: "timeliness", Name: "y", Weight: 0.5}},   // repeated
			{{Code: "timeliness", Name: "x", Weight: 1.5}, {Code: "repair_rate", Name: "y", Weight: -0.5}}, // range
		} {
			if err := s.SaveIndexIndicators(ctx, bad, "test"); !errs.Is(err, errs.KindInvalid) {
				t.Errorf("%+v accepted: %v", bad, err)
			}
		}
		good := []tracking.IndexIndicator{{Code: "timeliness", Name: "双公示按时率", Weight: 0.6, HigherBetter: true}, {Code: "negative_share", Name: "有失信记录主体占比", Weight: 0.4}}
		if err := s.SaveIndexIndicators(ctx, good, "test"); err != nil {
			t.Fatal(err)
		}
		cfg, _ = s.IndexIndicators(ctx)
		if len(cfg) != 2 || cfg[0].Weight != 0.6 {
			t.Fatalf("stored: %+v", cfg)
		}
		ms, err := s.EnvironmentIndex(ctx, store.IndexAsOf(s.Now()), cfg)
		if err != nil || len(ms) == 0 || len(ms[0].Components) != 2 {
			t.Fatalf("index with the configured indicators: %v %+v", err, ms)
		}
	})
}
