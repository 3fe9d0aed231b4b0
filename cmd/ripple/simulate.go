package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ripple/internal/event"
	"ripple/internal/sim"
)

// cmdSimulate writes a simulated ecosystem as Segment NDJSON and its ground
// truth as CSV files.
func cmdSimulate(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "simulate", "simulate [flags]")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and flags give identical output")
	people := fs.Int("people", 0, "population size (default 20000, or chosen from --events)")
	events := fs.Int("events", 0, "approximate number of events to generate, instead of --people")
	days := fs.Int("days", 90, "days to simulate")
	business := fs.String("business", "product", "business type: product or service")
	out := fs.String("out", "", "NDJSON file to write, or - for stdout (required)")
	truth := fs.String("truth", "", "ground truth directory (default: the output file's name with .truth)")
	skip := fs.Bool("skip-incrementality", false, "skip the re-simulations with each channel switched off")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(s.err, "simulate: --out is required")
		fs.Usage()
		return errUsage
	}
	if *people > 0 && *events > 0 {
		fmt.Fprintln(s.err, "simulate: give --people or --events, not both")
		return errUsage
	}
	cfg := sim.Config{Seed: *seed, People: *people, Days: *days, Business: *business, SkipIncrementality: *skip}
	switch {
	case *events > 0:
		cfg.People = sim.PeopleFor(*events, *days)
	case cfg.People == 0:
		cfg.People = 20000
	}
	if *truth == "" && *out != "-" {
		*truth = strings.TrimSuffix(*out, filepath.Ext(*out)) + ".truth"
	}

	var w io.Writer = s.out
	report := s.out
	var f *os.File
	if *out != "-" {
		var err error
		if f, err = os.Create(*out); err != nil {
			return fmt.Errorf("simulate: %w", err)
		}
		defer f.Close()
		w = f
	} else {
		report = s.err // stdout carries the events
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	began := time.Now()
	t, err := sim.Run(ctx, cfg, func(m *event.Message) error { return sim.WriteNDJSON(bw, m) })
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("simulate: write %s: %w", *out, err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("simulate: close %s: %w", *out, err)
		}
	}
	took := time.Since(began)
	if *truth != "" {
		if err := t.WriteDir(*truth); err != nil {
			return fmt.Errorf("simulate: %w", err)
		}
	}
	c := t.Counts
	fmt.Fprintf(report, "Simulated %d people over %d days of a %s business (seed %d): %d events in %s (%.0f events/s) to %s; "+
		"%d customers placed %d orders worth %.2f (%.2f after %d refunds), %d churned; %d advocates brought %d people by word of mouth; "+
		"%d mentions, %d needing a reply; spend %.2f.",
		c.People, cfg.Days, cfg.Business, cfg.Seed, c.Events, took.Round(time.Millisecond), float64(c.Events)/took.Seconds(), *out,
		c.Customers, c.Orders, c.GrossRevenue, c.Revenue, c.Refunds, c.Churned, c.Advocates, c.Referrals,
		c.Mentions, c.NeedsReply, c.Spend)
	if *truth != "" {
		fmt.Fprintf(report, " Ground truth in %s.", *truth)
	}
	fmt.Fprintln(report)
	return nil
}
