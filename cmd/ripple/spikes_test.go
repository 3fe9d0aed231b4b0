package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// spikeCSV writes three weeks of hourly counts with a daily cycle, a
// little deterministic noise and one spike at row spikeAt.
func spikeCSV(layout string, spikeAt int) (string, string) {
	var b strings.Builder
	b.WriteString("timestamp,value\n")
	start := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	seed := uint32(7)
	var spikeStamp string
	for i := range 3 * 168 {
		t := start.Add(time.Duration(i) * time.Hour)
		seed = seed*1664525 + 1013904223
		noise := float64(seed>>24)/255*10 - 5
		v := math.Round(100 + 50*math.Sin(2*math.Pi*float64(t.Hour())/24) + noise)
		stamp := t.Format(layout)
		if i == spikeAt {
			v *= 4
			spikeStamp = stamp
		}
		fmt.Fprintf(&b, "%s,%v\n", stamp, v)
	}
	return b.String(), spikeStamp
}

func runSpikes(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	s := stdio{in: strings.NewReader(stdin), out: &out, err: &errb, getenv: func(string) string { return "" }}
	err := run(context.Background(), append([]string{"spikes"}, args...), s)
	return out.String(), errb.String(), err
}

func TestSpikesCommand(t *testing.T) {
	plain, plainSpike := spikeCSV("2006-01-02 15:04:05", 450)
	rfc, rfcSpike := spikeCSV(time.RFC3339, 470)
	path := filepath.Join(t.TempDir(), "series.csv")
	if err := os.WriteFile(path, []byte(plain), 0o600); err != nil {
		t.Fatal(err)
	}
	// Reverse the rows after the header: the command sorts them.
	lines := strings.Split(strings.TrimSpace(rfc), "\n")
	for i, j := 1, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	reversed := strings.Join(lines, "\n") + "\n"

	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string // a line the output must hold
	}{
		{"file", "", []string{path}, plainSpike + ","},
		{"stdin", plain, []string{"-"}, plainSpike + ","},
		{"rfc3339 unsorted", reversed, []string{"--direction", "both", "-"}, rfcSpike + ","},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runSpikes(t, tt.stdin, tt.args...)
			if err != nil {
				t.Fatalf("have error %v, want none", err)
			}
			found := false
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if strings.HasPrefix(l, tt.want) {
					found = true
				}
				if strings.Count(l, ",") != 1 {
					t.Errorf("have line %q, want timestamp,score", l)
				}
			}
			if !found {
				t.Errorf("have output %q, want a line starting %q", out, tt.want)
			}
		})
	}
}

func TestSpikesCommandErrors(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string // substring of the error
	}{
		{"bad timestamp", "2024-01-01 00:00:00,1\nyesterday,2\n", []string{"-"}, "line 2: timestamp"},
		{"bad value", "2024-01-01 00:00:00,1\n2024-01-01 01:00:00,lots\n", []string{"-"}, "line 2: value"},
		{"negative count", "2024-01-01 00:00:00,1\n2024-01-01 01:00:00,-3\n", []string{"-"}, "line 2: value -3"},
		{"share above one", "2024-01-01 00:00:00,0.5\n2024-01-01 01:00:00,1.5\n", []string{"--kind", "shares", "-"}, "line 2: value 1.5"},
		{"negative share", "2024-01-01 00:00:00,0.5\n2024-01-01 01:00:00,-0.5\n", []string{"--kind", "shares", "-"}, "line 2: value -0.5"},
		{"bad kind", "", []string{"--kind", "ratios", "-"}, "--kind"},
		{"bad direction", "", []string{"--direction", "sideways", "-"}, "--direction"},
		{"empty", "", []string{"-"}, "no rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runSpikes(t, tt.stdin, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("have error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestSpikesCommandShortSeries(t *testing.T) {
	_, stderr, err := runSpikes(t, "2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2\n", "-")
	if err != nil {
		t.Fatalf("have error %v, want none", err)
	}
	if !strings.Contains(stderr, "--min-history") {
		t.Errorf("have stderr %q, want a note about --min-history", stderr)
	}
}

func TestSpikesCommandEpisodes(t *testing.T) {
	// A spike of three hours is one alert by default; --every prints each
	// of its anomalous hours.
	csv, _ := spikeCSV("2006-01-02 15:04:05", -1)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	var spikeStamp string
	for i := 400; i < 403; i++ { // line i is row i-1
		stamp, v, _ := strings.Cut(lines[i], ",")
		n, _ := strconv.ParseFloat(v, 64)
		lines[i] = fmt.Sprintf("%s,%v", stamp, n*5)
		if i == 400 {
			spikeStamp = stamp
		}
	}
	in := strings.Join(lines, "\n") + "\n"
	out, _, err := runSpikes(t, in, "-")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(strings.TrimSpace(out), "\n"); len(got) != 1 || !strings.HasPrefix(got[0], spikeStamp+",") {
		t.Errorf("default: have %q, want one alert at %s", out, spikeStamp)
	}
	out, _, err = runSpikes(t, in, "--every", "-")
	if err != nil {
		t.Fatal(err)
	}
	// The hour after the spike may be flagged too: the last four hours
	// taken together still deviate.
	if got := strings.Split(strings.TrimSpace(out), "\n"); len(got) < 3 || len(got) > 4 || !strings.HasPrefix(got[0], spikeStamp+",") {
		t.Errorf("--every: have %q, want the 3 spike hours from %s", out, spikeStamp)
	}
}

func TestSpikesCommandRepeatsAndValues(t *testing.T) {
	// A value series below zero with one timestamp written twice (a clock
	// change): it is read, the repeat is named with its lines, and a
	// drop is found with --kind values.
	csv, _ := spikeCSV("2006-01-02 15:04:05", -1)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	for i := 1; i < len(lines); i++ {
		stamp, v, _ := strings.Cut(lines[i], ",")
		n, _ := strconv.ParseFloat(v, 64)
		if i == 300 {
			n -= 120
		}
		lines[i] = fmt.Sprintf("%s,%v", stamp, n/10-20.5)
	}
	dup := lines[200]
	drop, _, _ := strings.Cut(lines[300], ",")
	lines = append(lines[:201], append([]string{dup}, lines[201:]...)...)
	in := strings.Join(lines, "\n") + "\n"
	if _, _, err := runSpikes(t, in, "-"); err == nil || !strings.Contains(err.Error(), "cannot be negative (use kind values)") {
		t.Errorf("as counts: have error %v, want one about negative counts", err)
	}
	out, stderr, err := runSpikes(t, in, "--kind", "values", "--direction", "both", "-")
	if err != nil {
		t.Fatalf("have error %v, want none", err)
	}
	stamp, _, _ := strings.Cut(dup, ",")
	if want := fmt.Sprintf("timestamp %s repeats on lines 201, 202; values averaged", stamp); !strings.Contains(stderr, want) {
		t.Errorf("have stderr %q, want %q", stderr, want)
	}
	if got := strings.TrimSpace(out); !strings.HasPrefix(got, drop+",-") || strings.Count(got, "\n") != 0 {
		t.Errorf("have output %q, want one alert at %s with a negative score", out, drop)
	}
}
