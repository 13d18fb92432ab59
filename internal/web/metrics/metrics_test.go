package metrics

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestExposition(t *testing.T) {
	r := New()
	c := r.Counter("x_total", "things", "kind")
	h := r.Histogram("x_seconds", "latency", []float64{0.1, 1}, "group")
	r.Gauge("x_gauge", "level", func() float64 { return 3 })
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Add(1, "a")
				h.Observe(0.05, "/api")
				h.Observe(0.5, "/api")
			}
		}()
	}
	wg.Wait()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`x_total{kind="a"} 800`,
		`x_seconds_bucket{group="/api",le="0.1"} 800`,
		`x_seconds_bucket{group="/api",le="1"} 1600`,
		`x_seconds_bucket{group="/api",le="+Inf"} 1600`,
		`x_seconds_sum{group="/api"} 440`,
		`x_seconds_count{group="/api"} 1600`,
		"# TYPE x_gauge gauge", "x_gauge 3",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q in\n%s", want, body)
		}
	}
}
