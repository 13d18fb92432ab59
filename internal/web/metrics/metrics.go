// Package metrics is a small Prometheus text-format registry: counters and
// histograms with fixed label sets, enough for the platform's own metrics.
package metrics

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry holds metrics by name.
type Registry struct {
	mu    sync.Mutex
	items map[string]metric
	help  map[string]string
}

type metric interface {
	write(w io.Writer, name string)
}

// New returns an empty registry.
func New() *Registry { return &Registry{items: map[string]metric{}, help: map[string]string{}} }

// CounterVec counts by label values.
type CounterVec struct {
	labels []string
	mu     sync.RWMutex
	vals   map[string]*atomic.Uint64
}

// Counter registers (or returns) a counter family.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.items[name].(*CounterVec); ok {
		return m
	}
	c := &CounterVec{labels: labels, vals: map[string]*atomic.Uint64{}}
	r.items[name], r.help[name] = c, help
	return c
}

// Add increments the counter for the label values.
func (c *CounterVec) Add(n uint64, values ...string) {
	key := strings.Join(values, "\x00")
	c.mu.RLock()
	v := c.vals[key]
	c.mu.RUnlock()
	if v == nil {
		c.mu.Lock()
		if v = c.vals[key]; v == nil {
			v = new(atomic.Uint64)
			c.vals[key] = v
		}
		c.mu.Unlock()
	}
	v.Add(n)
}

func (c *CounterVec) write(w io.Writer, name string) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, k := range sortedKeys(c.vals) {
		fmt.Fprintf(w, "%s%s %d\n", name, labelStr(c.labels, k, "", ""), c.vals[k].Load())
	}
}

// GaugeFunc reports a value computed at scrape time.
type GaugeFunc func() float64

func (g GaugeFunc) write(w io.Writer, name string) { fmt.Fprintf(w, "%s %g\n", name, g()) }

// Gauge registers a function gauge.
func (r *Registry) Gauge(name, help string, fn func() float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items[name], r.help[name] = GaugeFunc(fn), help
}

// HistogramVec observes durations (seconds) by label values. Observing is
// lock-free once a label set exists, so it costs little on hot paths.
type HistogramVec struct {
	labels  []string
	buckets []float64
	mu      sync.RWMutex
	vals    map[string]*hist
}

type hist struct {
	counts  []atomic.Uint64
	sumBits atomic.Uint64
	n       atomic.Uint64
}

// Histogram registers a histogram family with the given upper bounds.
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *HistogramVec {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.items[name].(*HistogramVec); ok {
		return m
	}
	h := &HistogramVec{labels: labels, buckets: buckets, vals: map[string]*hist{}}
	r.items[name], r.help[name] = h, help
	return h
}

// Observe records one value.
func (h *HistogramVec) Observe(v float64, values ...string) {
	key := strings.Join(values, "\x00")
	h.mu.RLock()
	x := h.vals[key]
	h.mu.RUnlock()
	if x == nil {
		h.mu.Lock()
		if x = h.vals[key]; x == nil {
			x = &hist{counts: make([]atomic.Uint64, len(h.buckets))}
			h.vals[key] = x
		}
		h.mu.Unlock()
	}
	for i, b := range h.buckets {
		if v <= b {
			x.counts[i].Add(1)
		}
	}
	for {
		old := x.sumBits.Load()
		if x.sumBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			break
		}
	}
	x.n.Add(1)
}

func (h *HistogramVec) write(w io.Writer, name string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, k := range sortedKeys(h.vals) {
		x := h.vals[k]
		for i, b := range h.buckets {
			fmt.Fprintf(w, "%s_bucket%s %d\n", name, labelStr(h.labels, k, "le", fmt.Sprint(b)), x.counts[i].Load())
		}
		n := x.n.Load()
		fmt.Fprintf(w, "%s_bucket%s %d\n", name, labelStr(h.labels, k, "le", "+Inf"), n)
		fmt.Fprintf(w, "%s_sum%s %g\n", name, labelStr(h.labels, k, "", ""), math.Float64frombits(x.sumBits.Load()))
		fmt.Fprintf(w, "%s_count%s %d\n", name, labelStr(h.labels, k, "", ""), n)
	}
}

// Handler serves the registry in the Prometheus text format.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.mu.Lock()
		names := make([]string, 0, len(r.items))
		for n := range r.items {
			names = append(names, n)
		}
		sort.Strings(names)
		items := make([]metric, len(names))
		for i, n := range names {
			items[i] = r.items[n]
		}
		r.mu.Unlock()
		for i, n := range names {
			typ := "counter"
			switch items[i].(type) {
			case *HistogramVec:
				typ = "histogram"
			case GaugeFunc:
				typ = "gauge"
			}
			fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", n, r.help[n], n, typ)
			items[i].write(w, n)
		}
	})
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func labelStr(names []string, key, extraName, extraVal string) string {
	var parts []string
	if len(names) > 0 {
		vals := strings.Split(key, "\x00")
		for i, n := range names {
			v := ""
			if i < len(vals) {
				v = vals[i]
			}
			parts = append(parts, fmt.Sprintf("%s=%q", n, v))
		}
	}
	if extraName != "" {
		parts = append(parts, fmt.Sprintf("%s=%q", extraName, extraVal))
	}
	if len(parts) == 0 {
		return ""
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// DefBuckets suits HTTP latencies in seconds.
var DefBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}
