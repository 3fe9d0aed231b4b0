package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"

	"ripple/internal/spikes"
)

// cmdSpikes flags anomalous intervals of a timestamp,value series. It
// prints one "timestamp,score" line per flagged interval, the timestamp as
// written in the input and the score a robust z (see package spikes).
func cmdSpikes(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "spikes", "spikes [flags] FILE.csv   (FILE - reads stdin)\n\n"+
		"Reads timestamp,value rows (header optional; YYYY-MM-DD HH:MM:SS, RFC 3339\n"+
		"or YYYY-MM-DD; any order, sorted by time) and prints timestamp,score for\n"+
		"each flagged interval. The score is a robust z: (value - expected) /\n"+
		"(1.4826 x MAD of recent residuals) on the sqrt scale for counts, the\n"+
		"arcsin-sqrt scale for shares; expected comes from the level of the last\n"+
		"day and the same hour of the week over the last four weeks.")
	threshold := fs.Float64("threshold", spikes.DefaultThreshold, "robust z that flags an interval")
	minHistory := fs.Int("min-history", 0, "intervals learnt from before any flag (0: two weeks and a day of intervals)")
	direction := fs.String("direction", "up", "which deviations to flag: up, down or both")
	kind := fs.String("kind", "counts", "counts (e.g. mentions per interval) or shares (proportions in [0,1])")
	interval := fs.Duration("interval", 0, "spacing of the series (0: the median spacing of the timestamps)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	dir, err := spikes.ParseDirection(*direction)
	if err != nil {
		return fmt.Errorf("spikes: --direction: %w", err)
	}
	k, err := spikes.ParseKind(*kind)
	if err != nil {
		return fmt.Errorf("spikes: --kind: %w", err)
	}
	if *interval < 0 {
		return fmt.Errorf("spikes: --interval %v: must be positive", *interval)
	}
	cfg := spikes.Config{Interval: *interval, Kind: k, Threshold: *threshold, MinHistory: *minHistory, Direction: dir}
	if cfg.Interval == 0 {
		cfg.Interval = 1 // only to validate the other settings; Detect infers it
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("spikes: %w", err)
	}
	cfg.Interval = *interval

	name := fs.Arg(0)
	in, _, err := openInput(s, name)
	if err != nil {
		return fmt.Errorf("spikes: %w", err)
	}
	defer in.Close()
	if name == "-" {
		name = "stdin"
	}
	rows, err := spikes.ParseCSV(in)
	if err != nil {
		return fmt.Errorf("spikes: %s: %w", name, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	rep, err := spikes.Detect(rows, cfg)
	if err != nil {
		return fmt.Errorf("spikes: %s: %w", name, err)
	}
	if rep.Rows <= rep.MinHistory {
		fmt.Fprintf(s.err, "spikes: %d rows at %v, no more than the %d learnt from before flagging; lower --min-history to score them\n",
			rep.Rows, rep.Interval, rep.MinHistory)
	}
	w := bufio.NewWriter(s.out)
	for _, f := range rep.Flags {
		w.WriteString(f.Row.Stamp)
		w.WriteByte(',')
		w.WriteString(strconv.FormatFloat(f.Alert.Score, 'f', 2, 64))
		w.WriteByte('\n')
	}
	return w.Flush()
}
