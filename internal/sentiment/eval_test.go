package sentiment

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedSentimentDir finds ../shared/data/sentiment beside the repository
// root (the folder holding go.mod), or skips the test.
func sharedSentimentDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the package: cannot locate ../shared/data/sentiment")
		}
		dir = parent
	}
	data := filepath.Join(dir, "..", "shared", "data", "sentiment")
	if _, err := os.Stat(data); err != nil {
		t.Skipf("reference data not found at ../shared/data/sentiment beside the repository: %v", err)
	}
	return data
}

// TestEvalBars checks the engine against the public reference sets: macro-F1
// on TweetEval and accuracy on VADER's tweets and the UCI sets at least the
// published VADER figures.
func TestEvalBars(t *testing.T) {
	sets, err := LoadSets(sharedSentimentDir(t))
	if err != nil {
		t.Fatal(err)
	}
	a := Default()
	bars := map[string]struct{ acc, macroF1 float64 }{
		"vader_tweets":     {acc: 0.895},
		"vader_tweets_raw": {acc: 0.922},
		"tweeteval_val":    {macroF1: 0.60},
		"uci_amazon":       {acc: 0.754},
		"uci_imdb":         {acc: 0.767},
		"uci_yelp":         {acc: 0.722},
	}
	for _, s := range sets {
		rep := a.Evaluate(s)
		t.Logf("%-15s n=%5d acc=%.3f macroF1=%.3f F1=%.3f/%.3f/%.3f", rep.Set, rep.N, rep.Accuracy, rep.MacroF1, rep.F1[0], rep.F1[1], rep.F1[2])
		bar, ok := bars[s.Name]
		if !ok {
			continue
		}
		if rep.Accuracy < bar.acc {
			t.Errorf("%s: accuracy %.3f, want >= %.3f", s.Name, rep.Accuracy, bar.acc)
		}
		if rep.MacroF1 < bar.macroF1 {
			t.Errorf("%s: macro-F1 %.3f, want >= %.3f", s.Name, rep.MacroF1, bar.macroF1)
		}
	}
}
