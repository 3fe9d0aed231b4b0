package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSentimentCommand(t *testing.T) {
	in := strings.Join([]string{
		"I love this shop!",
		"still waiting for my refund, never again",
		"",
		"El servicio es muy malo y no me gusta nada",
		strings.Repeat("ok ", 200000) + "great",
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"sentiment"}, stdio{in: strings.NewReader(in), out: &out, err: &errOut})
	if err != nil {
		t.Fatalf("ripple sentiment: %v (stderr %q)", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{"positive", "negative", "neutral", "unscored", "positive"}
	if len(lines) != len(want) {
		t.Fatalf("have %d output lines, want %d: %q", len(lines), len(want), out.String())
	}
	for i, line := range lines {
		label, score, ok := strings.Cut(line, "\t")
		if !ok || label != want[i] || score == "" {
			t.Errorf("line %d = %q, want label %s<TAB>score", i+1, line, want[i])
		}
	}
}

// TestSentimentCommandWithText checks that --with-text echoes each input
// line beside its label, as read (tabs and all), and the issue's examples.
func TestSentimentCommandWithText(t *testing.T) {
	in := "Great, another delay. Thanks a lot.\nThe product arrived on Tuesday.\nMe encanta este producto\na\ttab\n"
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"sentiment", "--with-text"}, stdio{in: strings.NewReader(in), out: &out, err: &errOut})
	if err != nil {
		t.Fatalf("ripple sentiment --with-text: %v (stderr %q)", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	texts := strings.Split(strings.TrimSuffix(in, "\n"), "\n")
	labels := []string{"negative", "neutral", "unscored", ""}
	if len(lines) != len(texts) {
		t.Fatalf("have %d output lines, want %d: %q", len(lines), len(texts), out.String())
	}
	for i, line := range lines {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 || f[2] != texts[i] || labels[i] != "" && f[0] != labels[i] {
			t.Errorf("line %d = %q, want %s<TAB>score<TAB>%q", i+1, line, labels[i], texts[i])
		}
	}
}

func TestSentimentCommandLongLine(t *testing.T) {
	in := strings.Repeat("a", 2<<20) + "\n"
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"sentiment"}, stdio{in: strings.NewReader(in), out: &out, err: &errOut})
	if err == nil || !strings.Contains(err.Error(), "limited to") {
		t.Fatalf("ripple sentiment on a 2 MiB line: error %v, want one naming the line limit", err)
	}
}

func TestSentimentCommandArgs(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"sentiment", "extra"}, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
	if !errors.Is(err, errUsage) {
		t.Errorf("ripple sentiment extra: error %v, want usage error", err)
	}
}
