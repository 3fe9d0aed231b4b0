package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ripple/internal/event"
)

func TestSimulate(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sim.ndjson")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"simulate", "--seed", "4", "--people", "800", "--days", "40", "--business", "service", "--out", out},
		stdio{out: &stdout, err: &stderr, getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatalf("simulate: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Simulated 800 people over 40 days of a service business") {
		t.Errorf("summary %q, want the people, days and business", stdout.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		if _, err := event.Parse(sc.Bytes(), n, time.Now(), event.Defaults{}); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
	}
	if n == 0 {
		t.Error("no events written")
	}
	for _, name := range []string{"channels.csv", "people.csv", "messages.csv", "referrals.csv", "mentions.csv", "spend.csv", "summary.json"} {
		if _, err := os.Stat(filepath.Join(dir, "sim.truth", name)); err != nil {
			t.Errorf("truth file: %v", err)
		}
	}
}

func TestSimulateUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"simulate"}, "--out is required"},
		{[]string{"simulate", "--out", "-", "--people", "5", "--events", "9"}, "not both"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		err := run(context.Background(), tt.args, stdio{out: &bytes.Buffer{}, err: &stderr, getenv: func(string) string { return "" }})
		if err == nil || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: error %v, stderr %q, want %q", tt.args, err, stderr.String(), tt.want)
		}
	}
}

func TestSimulateStdout(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"simulate", "--people", "200", "--days", "20", "--skip-incrementality", "--out", "-"},
		stdio{out: &stdout, err: &stderr, getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatalf("simulate: %v", err)
	}
	if !strings.HasPrefix(stdout.String(), `{"type":`) || !strings.Contains(stderr.String(), "Simulated 200 people") {
		t.Errorf("stdout starts %.40q, stderr %q: want NDJSON on stdout and the summary on stderr", stdout.String(), stderr.String())
	}
}
