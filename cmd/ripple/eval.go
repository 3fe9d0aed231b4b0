package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"ripple/internal/config"
	"ripple/internal/sentiment"
)

// evaluators lists the engines `ripple eval` can measure, by name.
var evaluators = map[string]func(ctx context.Context, s stdio, args []string) error{
	"sentiment": evalSentiment,
}

// cmdEval measures an engine against public reference data.
func cmdEval(ctx context.Context, s stdio, args []string) error {
	names := make([]string, 0, len(evaluators))
	for n := range evaluators {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(s.err, "Usage: ripple eval ENGINE [flags]\n\nEngines: %s\n", strings.Join(names, ", "))
		if len(args) == 0 {
			return errUsage
		}
		return errHelp
	}
	run, ok := evaluators[args[0]]
	if !ok {
		fmt.Fprintf(s.err, "ripple eval: unknown engine %q (have: %s)\n", args[0], strings.Join(names, ", "))
		return errUsage
	}
	return run(ctx, s, args[1:])
}

// evalSentiment prints accuracy, macro-F1, per-class F1 and speed of the
// sentiment engine on each reference set, then the same measures held out:
// each set without the texts of the held-out recipe, labelled by the model
// that recipe trains.
func evalSentiment(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "eval sentiment", "eval sentiment [--refdata DIR] [--held-out=false]\n\nReads the labelled sets in DIR/sentiment.")
	cfg := fs.settings(config.RefData)
	heldOut := fs.Bool("held-out", true, "train the held-out recipe and print its table")
	if err := fs.parse(args); err != nil {
		return err
	}
	sets, err := sentiment.LoadSets(filepath.Join(cfg.RefData, "sentiment"))
	if err != nil {
		return fmt.Errorf("eval sentiment: %w", err)
	}
	a, err := sentiment.New()
	if err != nil {
		return err
	}
	var reps []sentiment.Report
	for _, set := range sets {
		if err := ctx.Err(); err != nil {
			return err
		}
		reps = append(reps, a.Evaluate(set))
	}
	fmt.Fprintln(s.out, "The shipped model (trained on the sets marked t, which also hold most of tweeteval_val's tweets; on those its scores are not a measure):")
	if err := printReports(s.out, reps, sentiment.Recipe); err != nil {
		return err
	}
	if !*heldOut {
		return nil
	}
	train, err := sentiment.RecipeSets(sets, sentiment.HeldOutRecipe)
	if err != nil {
		return err
	}
	start := time.Now()
	held, err := a.HeldOut(ctx, train, sets, sentiment.TrainOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "\nHeld out (the recipe without %s and %s, trained in %.0fs; each set without the texts it was trained on):\n",
		sentiment.SetPoolBrands, sentiment.SetPoolTest, time.Since(start).Seconds())
	return printReports(s.out, held, sentiment.HeldOutRecipe)
}

// printReports prints one table row per report, marking with t the sets
// recipe trains on.
func printReports(w io.Writer, reps []sentiment.Report, recipe []sentiment.RecipeSet) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\tclasses\ttexts\tunscored\taccuracy\tmacro-F1\tF1 pos\tF1 neu\tF1 neg\ttexts/s\t")
	for _, r := range reps {
		if r.N == 0 {
			continue // a held-out table's training set: nothing of it is held out
		}
		name := r.Set
		if sentiment.InRecipe(recipe, r.Set) {
			name += " t"
		}
		classes, neu, neg := "3", fmt.Sprintf("%.3f", r.F1[1]), fmt.Sprintf("%.3f", r.F1[2])
		if r.Binary {
			classes, neg = "2", "-"
			neu = fmt.Sprintf("%.3f", r.F1[1]) + "*"
		}
		speed := "-"
		if r.TextsPerSec > 0 {
			speed = fmt.Sprintf("%.0f", r.TextsPerSec)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t\n",
			name, classes, r.N, r.Unscored, r.Accuracy, r.MacroF1, r.F1[0], neu, neg, speed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "2-class sets score positive against not positive; * is the F1 of \"not positive\".")
	return err
}
