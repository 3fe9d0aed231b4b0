package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"ripple/internal/attribution"
)

// cmdAttribute reads a path file and prints each channel's attributed
// conversions and value as CSV, one row per channel in name order.
func cmdAttribute(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "attribute", "attribute --paths FILE --model M [--order K] [--no-null] [--half-life D]\n\n"+
		"Prints CSV channel,conversions,value with a header line, one row per channel\nsorted by name.")
	paths := fs.String("paths", "", "`FILE` of journeys in ChannelAttribution's path format, path;total_conversions;total_conversion_value;total_null with channels joined by ' > '; - reads stdin")
	model := fs.String("model", "", "attribution `model`: "+strings.Join(attribution.Models(), ", "))
	order := fs.Int("order", 1, fmt.Sprintf("markov: chain order, 1 to %d", attribution.MaxMarkovOrder))
	noNull := fs.Bool("no-null", false, "markov: ignore the journeys that did not convert (total_null)")
	halfLife := fs.String("half-life", "7", "timedecay: half-life in days (7, 0.5) or as a duration (36h); touches need timestamps, channel@RFC3339 or channel@unixseconds")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("attribute: unexpected argument %q", fs.Arg(0))
	}
	if *paths == "" {
		return fmt.Errorf("attribute: --paths is required (a path file, or - for stdin)")
	}
	if *model == "" {
		return fmt.Errorf("attribute: --model is required (%s)", strings.Join(attribution.Models(), ", "))
	}
	var opt attribution.Options
	opt.Markov = attribution.MarkovOptions{Order: *order, NoNull: *noNull}
	if *order < 1 || *order > attribution.MaxMarkovOrder {
		return fmt.Errorf("attribute: --order %d: want 1 to %d", *order, attribution.MaxMarkovOrder)
	}
	hl, err := parseHalfLife(*halfLife)
	if err != nil {
		return fmt.Errorf("attribute: --half-life: %w", err)
	}
	opt.HalfLife = hl
	known := false
	for _, m := range attribution.Models() {
		known = known || m == *model
	}
	if !known {
		return fmt.Errorf("attribute: --model %q: want one of %s", *model, strings.Join(attribution.Models(), ", "))
	}

	in, _, err := openInput(s, *paths)
	if err != nil {
		return fmt.Errorf("attribute: %w", err)
	}
	defer in.Close()
	name := *paths
	if name == "-" {
		name = "stdin"
	}
	js, err := attribution.ParsePaths(in, attribution.ParseOptions{RequireTimes: *model == "timedecay"})
	if err != nil {
		return fmt.Errorf("attribute: %s: %w", name, err)
	}
	res, err := attribution.Attribute(js, *model, opt)
	if err != nil {
		return fmt.Errorf("attribute: %w", err)
	}
	return writeCredits(s.out, res)
}

func writeCredits(w io.Writer, res attribution.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"channel", "conversions", "value"})
	for _, c := range res.Credits {
		cw.Write([]string{c.Channel, strconv.FormatFloat(c.Conversions, 'f', 9, 64), strconv.FormatFloat(c.Value, 'f', 9, 64)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("attribute: writing: %w", err)
	}
	return nil
}

// parseHalfLife reads a number of days or a Go duration.
func parseHalfLife(s string) (time.Duration, error) {
	var d time.Duration
	if days, err := strconv.ParseFloat(strings.TrimSuffix(s, "d"), 64); err == nil {
		if !(days > 0) || days > 100*365 {
			return 0, fmt.Errorf("%q: want a positive number of days up to a century", s)
		}
		d = time.Duration(days * float64(24*time.Hour))
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, fmt.Errorf("%q is neither days (7) nor a duration (36h)", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: want a positive half-life", s)
	}
	return d, nil
}
