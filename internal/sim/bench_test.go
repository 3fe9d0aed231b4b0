package sim

import (
	"bufio"
	"context"
	"io"
	"testing"

	"ripple/internal/event"
)

// benchConfig is about a million events: the default demo size.
func benchConfig() Config {
	return Config{Seed: 1, People: 20000, Days: 90, SkipIncrementality: true}
}

func reportEvents(b *testing.B, events int64) {
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events), "events/op")
}

// BenchmarkGenerate measures event generation into a sink that discards.
func BenchmarkGenerate(b *testing.B) {
	var events int64
	for b.Loop() {
		tr, err := Run(context.Background(), benchConfig(), func(*event.Message) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		events = tr.Counts.Events
	}
	reportEvents(b, events)
}

// BenchmarkGenerateNDJSON includes encoding every message as a line.
func BenchmarkGenerateNDJSON(b *testing.B) {
	var events int64
	for b.Loop() {
		w := bufio.NewWriterSize(io.Discard, 1<<20)
		tr, err := Run(context.Background(), benchConfig(), func(m *event.Message) error { return WriteNDJSON(w, m) })
		if err != nil {
			b.Fatal(err)
		}
		w.Flush()
		events = tr.Counts.Events
	}
	reportEvents(b, events)
}

// BenchmarkCounterfactual is one switched-off world: the causal model
// alone, which Run repeats once per channel. events/s here counts the
// events the factual run makes, to compare with generation.
func BenchmarkCounterfactual(b *testing.B) {
	cfg := benchConfig()
	tr, err := Run(context.Background(), cfg, func(*event.Message) error { return nil })
	if err != nil {
		b.Fatal(err)
	}
	if err := cfg.normalize(); err != nil {
		b.Fatal(err)
	}
	g := newGraph(cfg.Seed, cfg.People)
	for b.Loop() {
		w := newWorld(cfg.Seed, cfg.Days, false, cfg.Channels, g, cfg.People, 0, false)
		if err := w.run(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	reportEvents(b, tr.Counts.Events)
}

// BenchmarkRunWithTruth is the whole job: events, NDJSON and one
// counterfactual world per channel.
func BenchmarkRunWithTruth(b *testing.B) {
	cfg := benchConfig()
	cfg.SkipIncrementality = false
	var events int64
	for b.Loop() {
		w := bufio.NewWriterSize(io.Discard, 1<<20)
		tr, err := Run(context.Background(), cfg, func(m *event.Message) error { return WriteNDJSON(w, m) })
		if err != nil {
			b.Fatal(err)
		}
		events = tr.Counts.Events
	}
	reportEvents(b, events)
}
