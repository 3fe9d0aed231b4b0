package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"

	"ripple/internal/spikes"
)

// maxRepeatWarnings bounds the lines that name repeated timestamps: a
// file exported twice over would otherwise print one per row.
const maxRepeatWarnings = 10

// cmdSpikes finds anomalies in a timestamp,value series. It prints one
// "timestamp,score" line per alert (the first interval of each episode), or
// with --every one per anomalous interval: the timestamp as written in the
// input, the score a robust z (see package spikes).
func cmdSpikes(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "spikes", "spikes [flags] FILE.csv   (FILE - reads stdin)\n\n"+
		"Reads timestamp,value rows (header optional; YYYY-MM-DD HH:MM:SS, RFC 3339\n"+
		"or YYYY-MM-DD; any order, sorted by time; a repeated timestamp is one\n"+
		"interval, summed for counts and averaged otherwise) and prints\n"+
		"timestamp,score for the first interval of each anomaly episode. An episode\n"+
		"lasts while the series stays abnormal and ends after 3 hours of normal\n"+
		"intervals. The score is a robust z: (value - expected) / (1.4826 x MAD of\n"+
		"recent residuals) on the sqrt scale for counts, the arcsin-sqrt scale for\n"+
		"shares, as is for values; expected comes from the level of the last day\n"+
		"and the same hour of the day or week over recent days or weeks.")
	threshold := fs.Float64("threshold", spikes.DefaultThreshold, "least robust z that flags an interval (a series with heavy tails needs more)")
	minHistory := fs.Int("min-history", 0, "intervals learnt from before any alert (0: three days of intervals)")
	direction := fs.String("direction", "up", "which deviations to flag: up, down or both")
	kind := fs.String("kind", "counts", "counts (mentions per interval), shares (proportions in [0,1]) or values (any numbers)")
	interval := fs.Duration("interval", 0, "spacing of the series (0: the median spacing of the timestamps)")
	every := fs.Bool("every", false, "print every anomalous interval, not only the first of each episode")
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
	merged := "summed"
	if k != spikes.Counts {
		merged = "averaged"
	}
	for i, r := range rep.Repeats {
		if i == maxRepeatWarnings {
			fmt.Fprintf(s.err, "spikes: %s: %d more repeated timestamps\n", name, len(rep.Repeats)-i)
			break
		}
		lines := make([]string, len(r.Lines))
		for j, l := range r.Lines {
			lines[j] = strconv.Itoa(l)
		}
		fmt.Fprintf(s.err, "spikes: %s: timestamp %s repeats on lines %s; values %s into one interval\n",
			name, r.Stamp, strings.Join(lines, ", "), merged)
	}
	if rep.Points <= rep.MinHistory {
		fmt.Fprintf(s.err, "spikes: %d intervals at %v, no more than the %d learnt from before any alert; lower --min-history to score them\n",
			rep.Points, rep.Interval, rep.MinHistory)
	}
	w := bufio.NewWriter(s.out)
	line := func(stamp string, score float64) {
		w.WriteString(stamp)
		w.WriteByte(',')
		w.WriteString(strconv.FormatFloat(score, 'f', 2, 64))
		w.WriteByte('\n')
	}
	if *every {
		for _, f := range rep.Flags {
			line(f.Row.Stamp, f.Point.Score)
		}
	} else {
		for _, a := range rep.Alerts {
			line(a.Row.Stamp, a.Episode.Score)
		}
	}
	return w.Flush()
}
