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

// CounterVec counts by label values. Adding to a label set that exists
// takes no lock and allocates nothing: the sets are in a map that is
// replaced, never changed, when a new one appears.
type CounterVec struct {
	labels []string
	mu     sync.Mutex // serialises adding a label set
	vals   atomic.Pointer[map[string]*atomic.Uint64]
}

// Counter registers (or returns) a counter family.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.items[name].(*CounterVec); ok {
		return m
	}
	c := &CounterVec{labels: labels}
	c.vals.Store(&map[string]*atomic.Uint64{})
	r.items[name], r.help[name] = c, help
	return c
}

// Add increments the counter for the label values.
func (c *CounterVec) Add(n uint64, values ...string) {
	var buf [128]byte
	v := lookup(&c.vals, &c.mu, &buf, values, func() *atomic.Uint64 { return new(atomic.Uint64) })
	v.Add(n)
}

// lookup returns the value for the label values in *m, adding one made by
// mk under mu when there is none. The key is the values joined by NUL,
// built in buf: a map index with string(bytes) does not allocate.
func lookup[V any](m *atomic.Pointer[map[string]*V], mu *sync.Mutex, buf *[128]byte, values []string, mk func() *V) *V {
	var key []byte
	if len(values) == 1 {
		if v := (*m.Load())[values[0]]; v != nil {
			return v
		}
		key = append(buf[:0], values[0]...)
	} else {
		key = buf[:0]
		for i, s := range values {
			if i > 0 {
				key = append(key, 0)
			}
			key = append(key, s...)
		}
		if v := (*m.Load())[string(key)]; v != nil {
			return v
		}
	}
	mu.Lock()
	defer mu.Unlock()
	old := *m.Load()
	if v := old[string(key)]; v != nil {
		return v
	}
	next := make(map[string]*V, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	v := mk()
	next[string(key)] = v
	m.Store(&next)
	return v
}

func (c *CounterVec) write(w io.Writer, name string) {
	vals := *c.vals.Load()
	for _, k := range sortedKeys(vals) {
		fmt.Fprintf(w, "%s%s %d\n", name, labelStr(c.labels, k, "", ""), vals[k].Load())
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

// HistogramVec observes durations (seconds) by label values. Observing
// takes no lock and allocates nothing once a label set exists (see
// CounterVec), and adds to one bucket only: buckets are cumulated when
// written.
type HistogramVec struct {
	labels  []string
	buckets []float64
	mu      sync.Mutex // serialises adding a label set
	vals    atomic.Pointer[map[string]*hist]
}

type hist struct {
	counts  []atomic.Uint64 // counts[i]: observations in (buckets[i-1], buckets[i]]
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
	h := &HistogramVec{labels: labels, buckets: buckets}
	h.vals.Store(&map[string]*hist{})
	r.items[name], r.help[name] = h, help
	return h
}

// Observe records one value.
func (h *HistogramVec) Observe(v float64, values ...string) {
	var buf [128]byte
	x := lookup(&h.vals, &h.mu, &buf, values, func() *hist { return &hist{counts: make([]atomic.Uint64, len(h.buckets))} })
	for i, b := range h.buckets {
		if v <= b {
			x.counts[i].Add(1)
			break
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
	vals := *h.vals.Load()
	for _, k := range sortedKeys(vals) {
		x := vals[k]
		// Read the count first: observations completing meanwhile may
		// then make a bucket exceed it, which is clamped, never the other
		// way round.
		n := x.n.Load()
		var cum uint64
		for i, b := range h.buckets {
			cum += x.counts[i].Load()
			fmt.Fprintf(w, "%s_bucket%s %d\n", name, labelStr(h.labels, k, "le", fmt.Sprint(b)), min(cum, n))
		}
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
