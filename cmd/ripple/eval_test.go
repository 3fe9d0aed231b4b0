package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"ripple/internal/refdata"
	"strings"
	"testing"
)

// TestEvalSentimentCommand measures the shipped model on the reference sets,
// found through RIPPLE_REFDATA. RIPPLE_DATA is set too, to a data directory
// that does not exist: it is the data directory only, and eval never reads
// it.
func TestEvalSentimentCommand(t *testing.T) {
	dir := filepath.Dir(refdata.Path(t, "sentiment"))
	env := map[string]string{"RIPPLE_DATA": filepath.Join(t.TempDir(), "no-such-data"), "RIPPLE_REFDATA": dir}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"eval", "sentiment", "--held-out=false"}, stdio{out: &out, err: &errOut, getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatalf("ripple eval sentiment: %v (stderr %q)", err, errOut.String())
	}
	for _, want := range []string{"accuracy", "macro-F1", "texts/s", "vader_tweets", "tweeteval_val", "movie_snippets", "uci_amazon", "uci_imdb", "uci_yelp", "semeval_train t", "semeval_brands t", "semeval_2016test t"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("ripple eval sentiment output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEvalCommandErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr error
		wantMsg string
	}{
		{[]string{"eval"}, errUsage, "Engines: sentiment"},
		{[]string{"eval", "astrology"}, errUsage, `unknown engine "astrology"`},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tt.args, stdio{out: &out, err: &errOut})
		if !errors.Is(err, tt.wantErr) || !strings.Contains(errOut.String(), tt.wantMsg) {
			t.Errorf("ripple %v: error %v, stderr %q; want %v and %q", tt.args, err, errOut.String(), tt.wantErr, tt.wantMsg)
		}
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"eval", "sentiment", "--refdata", t.TempDir()}, stdio{out: &out, err: &errOut})
	if err == nil || !strings.Contains(err.Error(), "vader_tweets") {
		t.Errorf("ripple eval sentiment on an empty folder: error %v, want one naming the missing set", err)
	}
}

// TestTrainSentimentCommand retrains the English model from the reference
// sets and checks that it is the committed model.tsv byte for byte: the
// shipped model is what the recipe in the code makes, nothing edited by
// hand, and a change to the rules or the recipe that forgets to retrain
// fails here.
func TestTrainSentimentCommand(t *testing.T) {
	if raceEnabled {
		t.Skip("trains on every reference set: test.sh runs it without the race detector")
	}
	dir := filepath.Dir(refdata.Path(t, "sentiment"))
	root, err := refdata.Root()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "model.tsv")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"train", "sentiment", "--refdata", dir, "--out", out}, stdio{out: &stdout, err: &stderr}); err != nil {
		t.Fatalf("ripple train sentiment: %v (stderr %q)", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "trained on 50248 texts") {
		t.Errorf("ripple train sentiment printed %q", stdout.String())
	}
	have, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(root, "internal", "sentiment", "lexicon", "en", "model.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Errorf("retrained model (%d bytes) differs from the committed one (%d bytes): run ripple train sentiment", len(have), len(want))
	}
}

func TestTrainCommandErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"train"}, "Usage: ripple train sentiment"},
		{[]string{"train", "spikes"}, "Usage: ripple train sentiment"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tt.args, stdio{out: &out, err: &errOut})
		if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("ripple %v: error %v, stderr %q", tt.args, err, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"train", "sentiment", "--refdata", t.TempDir(), "--out", filepath.Join(t.TempDir(), "m.tsv")}, stdio{out: &out, err: &errOut})
	if err == nil || !strings.Contains(err.Error(), "vader_tweets") {
		t.Errorf("ripple train sentiment on an empty folder: error %v, want one naming the missing set", err)
	}
	// Training writes only where it is told: without --out it writes nothing.
	err = run(context.Background(), []string{"train", "sentiment", "--refdata", t.TempDir()}, stdio{out: &out, err: &errOut})
	if err == nil || !strings.Contains(err.Error(), "--out: is required") {
		t.Errorf("ripple train sentiment without --out: error %v, want one saying --out is required", err)
	}
}
