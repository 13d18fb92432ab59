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

func TestBucketsAndLabelSets(t *testing.T) {
	r := New()
	c := r.Counter("y_total", "things", "group", "status")
	h := r.Histogram("y_seconds", "latency", []float64{0.1, 1, 10}, "group")
	for _, v := range []float64{0.05, 0.1, 0.5, 5, 50} {
		h.Observe(v, "/a")
	}
	h.Observe(2, "/b")
	c.Add(2, "/a", "200")
	c.Add(1, "/a", "500")
	c.Add(3, "/a", "200")
	if n := testing.AllocsPerRun(100, func() { c.Add(1, "/a", "200"); h.Observe(0.2, "/a") }); n != 0 {
		t.Errorf("%v allocations per Add and Observe of known label sets", n)
	}
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`y_total{group="/a",status="200"} 106`,
		`y_total{group="/a",status="500"} 1`,
		`y_seconds_bucket{group="/a",le="0.1"} 2`,
		`y_seconds_bucket{group="/a",le="1"} 104`,
		`y_seconds_bucket{group="/a",le="10"} 105`,
		`y_seconds_bucket{group="/a",le="+Inf"} 106`,
		`y_seconds_count{group="/a"} 106`,
		`y_seconds_bucket{group="/b",le="1"} 0`,
		`y_seconds_bucket{group="/b",le="10"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q in\n%s", want, body)
		}
	}
}
