package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"ripple/internal/config"
	"ripple/internal/sentiment"
)

// cmdTrain fits an engine's model on public reference data; only the
// sentiment engine has one.
func cmdTrain(ctx context.Context, s stdio, args []string) error {
	if len(args) == 0 || args[0] != "sentiment" {
		fmt.Fprintln(s.err, "Usage: ripple train sentiment [--refdata DIR] --out FILE")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return errHelp
		}
		return errUsage
	}
	fs := newFlagSet(s, "train sentiment", "train sentiment [--refdata DIR] --out FILE\n\nFits the model on the labelled sets in DIR/sentiment and writes it to FILE\n(the shipped model is internal/sentiment/lexicon/en/model.tsv).")
	cfg := fs.settings(config.RefData)
	out := fs.String("out", "", "model file to write (required: training writes only where it is told)")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("train sentiment: --out: is required: the model file to write, e.g. internal/sentiment/lexicon/en/model.tsv")
	}
	sets, err := sentiment.LoadSets(filepath.Join(cfg.RefData, "sentiment"))
	if err != nil {
		return fmt.Errorf("train sentiment: %w", err)
	}
	train, err := sentiment.RecipeSets(sets, sentiment.Recipe)
	if err != nil {
		return err
	}
	a, err := sentiment.NewRules()
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := a.Train(ctx, train, sentiment.TrainOptions{})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		return err
	}
	// Write beside the target, then rename: a failed run leaves the old
	// model whole.
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("train sentiment: --out: %w", err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("train sentiment: --out: %w", err)
	}
	fmt.Fprintf(s.out, "trained on %d texts in %.1fs: %d table rows kept; wrote %s (%d bytes)\n",
		m.Texts, time.Since(start).Seconds(), m.Rows(), *out, buf.Len())
	return nil
}
