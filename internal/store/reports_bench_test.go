package store

import (
	"context"
	"os"
	"strconv"
	"testing"

	"ripple/internal/event"
	"ripple/internal/report"
	"ripple/internal/sim"
)

// BenchmarkFunnel runs the stage funnel by first-touch channel over a
// simulated workspace, every event counted: 1M events by default,
// RIPPLE_BENCH_EVENTS to change. Run it with:
// go test -run '^$' -bench Funnel ./internal/store/
func BenchmarkFunnel(b *testing.B) {
	events := 1000000
	if v, err := strconv.Atoi(os.Getenv("RIPPLE_BENCH_EVENTS")); err == nil && v > 0 {
		events = v
	}
	ctx := context.Background()
	st, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var buf []event.Message
	n := 0
	flush := func() error {
		k, err := st.AppendEvents(ctx, buf)
		n += k
		buf = buf[:0]
		return err
	}
	_, err = sim.Run(ctx, sim.Config{Seed: 3, People: sim.PeopleFor(events, 90), Days: 90, SkipIncrementality: true}, func(m *event.Message) error {
		c := *m
		if err := event.Enrich(&c, -1); err != nil {
			return err
		}
		c.Workspace = "ws"
		if c.ReceivedAt.IsZero() { // the simulator sets when it happened; it was received then too
			c.ReceivedAt = c.Timestamp
		}
		buf = append(buf, c)
		if len(buf) == 100000 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rows, err := st.Funnel(ctx, "ws", report.Filter{})
		if err != nil || len(rows) == 0 {
			b.Fatalf("funnel: %v rows, %v", len(rows), err)
		}
	}
	b.ReportMetric(float64(n), "events")
}
