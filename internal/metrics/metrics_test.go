package metrics

import (
	"strings"
	"testing"
	"time"
)

func TestExposition(t *testing.T) {
	r := New()
	r.Counter("ripple_events_total", "Events stored.").Add(3)
	r.Counter("ripple_rejects_total", "Requests rejected.", "reason", "size").Add(1)
	h := r.Histogram("ripple_request_seconds", "Request latency.", "endpoint", "batch")
	h.Observe(2 * time.Millisecond)
	h.Observe(3 * time.Second)
	var b strings.Builder
	r.WriteTo(&b)
	got := b.String()
	for _, want := range []string{
		"# TYPE ripple_events_total counter\nripple_events_total 3\n",
		`ripple_rejects_total{reason="size"} 1`,
		`ripple_request_seconds_bucket{endpoint="batch",le="0.0025"} 1`,
		`ripple_request_seconds_bucket{endpoint="batch",le="2.5"} 1`,
		`ripple_request_seconds_bucket{endpoint="batch",le="+Inf"} 2`,
		`ripple_request_seconds_count{endpoint="batch"} 2`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("exposition lacks %q; got:\n%s", want, got)
		}
	}
}
