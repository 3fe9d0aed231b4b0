package main

import (
	"bytes"
	"context"
	"errors"
	"ripple/internal/refdata"
	"strings"
	"testing"
)

func TestEvalSentimentCommand(t *testing.T) {
	dir := refdata.Path(t, "sentiment")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"eval", "sentiment", "--data", dir}, stdio{out: &out, err: &errOut})
	if err != nil {
		t.Fatalf("ripple eval sentiment: %v (stderr %q)", err, errOut.String())
	}
	for _, want := range []string{"accuracy", "macro-F1", "texts/s", "vader_tweets", "tweeteval_val", "movie_snippets", "uci_amazon", "uci_imdb", "uci_yelp"} {
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
	err := run(context.Background(), []string{"eval", "sentiment", "--data", t.TempDir()}, stdio{out: &out, err: &errOut})
	if err == nil || !strings.Contains(err.Error(), "vader_tweets") {
		t.Errorf("ripple eval sentiment on an empty folder: error %v, want one naming the missing set", err)
	}
}
