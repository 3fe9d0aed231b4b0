// Package metrics owns Ripple's operational counters and latency histograms
// and writes them in the Prometheus text exposition format for GET /metrics.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds named metrics. Series are created on first use.
type Registry struct {
	mu         sync.Mutex
	help       map[string]string
	counters   map[string]*Counter   // by full series name, labels included
	histograms map[string]*Histogram // likewise
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{help: map[string]string{}, counters: map[string]*Counter{}, histograms: map[string]*Histogram{}}
}

// Counter is a monotonically increasing count.
type Counter struct{ v atomic.Int64 }

// Add increases the counter by n.
func (c *Counter) Add(n int64) { c.v.Add(n) }

// Value is the current count.
func (c *Counter) Value() int64 { return c.v.Load() }

// Counter returns the counter for name and label pairs ("reason", "size").
func (r *Registry) Counter(name, help string, labels ...string) *Counter {
	key := series(name, labels)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.help[name] = help
	c, ok := r.counters[key]
	if !ok {
		c = &Counter{}
		r.counters[key] = c
	}
	return c
}

// latencyBuckets are the upper bounds, in seconds, of the latency histograms.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// Histogram counts observations into fixed latency buckets.
type Histogram struct {
	mu     sync.Mutex
	counts []int64
	sum    float64
	n      int64
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, s)
	h.mu.Lock()
	h.counts[i]++
	h.sum += s
	h.n++
	h.mu.Unlock()
}

// Histogram returns the latency histogram for name and label pairs.
func (r *Registry) Histogram(name, help string, labels ...string) *Histogram {
	key := series(name, labels)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.help[name] = help
	h, ok := r.histograms[key]
	if !ok {
		h = &Histogram{counts: make([]int64, len(latencyBuckets)+1)}
		r.histograms[key] = h
	}
	return h
}

// WriteTo writes every metric in the Prometheus text format.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	typed := map[string]bool{}
	header := func(name, kind string) {
		if !typed[name] {
			typed[name] = true
			fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, r.help[name], name, kind)
		}
	}
	for _, key := range sortedKeys(r.counters) {
		header(baseName(key), "counter")
		fmt.Fprintf(&b, "%s %d\n", key, r.counters[key].Value())
	}
	for _, key := range sortedKeys(r.histograms) {
		name := baseName(key)
		header(name, "histogram")
		labels := strings.TrimSuffix(strings.TrimPrefix(key[len(name):], "{"), "}")
		h := r.histograms[key]
		h.mu.Lock()
		var cum int64
		for i, le := range append(latencyBuckets, math.Inf(1)) {
			cum += h.counts[i]
			bound := "+Inf"
			if !math.IsInf(le, 1) {
				bound = fmt.Sprint(le)
			}
			fmt.Fprintf(&b, "%s_bucket{%sle=%q} %d\n", name, withComma(labels), bound, cum)
		}
		fmt.Fprintf(&b, "%s_sum%s %g\n%s_count%s %d\n", name, braces(labels), h.sum, name, braces(labels), h.n)
		h.mu.Unlock()
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func series(name string, labels []string) string {
	if len(labels) == 0 {
		return name
	}
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i := 0; i+1 < len(labels); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", labels[i], labels[i+1])
	}
	b.WriteByte('}')
	return b.String()
}

func baseName(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		return key[:i]
	}
	return key
}

func withComma(labels string) string {
	if labels == "" {
		return ""
	}
	return labels + ","
}

func braces(labels string) string {
	if labels == "" {
		return ""
	}
	return "{" + labels + "}"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
