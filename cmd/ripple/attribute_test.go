package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"ripple/internal/refdata"
	"strconv"
	"strings"
	"testing"
)

// attributionCSV reads CSV text, skipping # comment lines, into rows keyed
// by the first column, and returns the header.
func attributionCSV(t *testing.T, text string) ([]string, map[string][]string) {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(lines, "\n"))).ReadAll()
	if err != nil {
		t.Fatalf("reading CSV: %v\n%s", err, text)
	}
	rows := map[string][]string{}
	for _, r := range recs[1:] {
		rows[r[0]] = r[1:]
	}
	return recs[0], rows
}

func TestAttributeCommand(t *testing.T) {
	paths := refdata.Path(t, "attribution/pathdata.csv")
	heur, err := os.ReadFile(refdata.Path(t, "attribution/heuristics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	hHeader, hRows := attributionCSV(t, string(heur))
	tests := []struct {
		args []string
		ref  string // reference file, or "" for heuristics.csv
		col  int    // column of conversions in the reference row; value follows
	}{
		{args: []string{"--model", "first"}, col: 0},
		{args: []string{"--model", "last"}, col: 2},
		{args: []string{"--model", "linear"}, col: 4},
		{args: []string{"--model", "position"}, col: 6},
		{args: []string{"--model", "shapley"}, col: 8},
		{args: []string{"--model", "markov"}, ref: "markov_o1_null.csv", col: 1},
		{args: []string{"--model", "markov", "--order", "1", "--no-null"}, ref: "markov_o1_nonull.csv", col: 1},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"attribute", "--paths", paths}, tc.args...)
			if err := run(context.Background(), args, stdio{out: &out, err: &errb, getenv: func(string) string { return "" }}); err != nil {
				t.Fatalf("run: %v\n%s", err, errb.String())
			}
			header, have := attributionCSV(t, out.String())
			if strings.Join(header, ",") != "channel,conversions,value" {
				t.Errorf("have header %v, want channel,conversions,value", header)
			}
			wantRows := hRows
			if tc.ref != "" {
				b, err := os.ReadFile(refdata.Path(t, "attribution/"+tc.ref))
				if err != nil {
					t.Fatal(err)
				}
				_, wantRows = attributionCSV(t, string(b))
			} else if !strings.HasPrefix(hHeader[tc.col+1], tc.args[1]+"_") {
				t.Fatalf("heuristics.csv column %d is %s, not %s", tc.col+1, hHeader[tc.col+1], tc.args[1])
			}
			if len(have) != len(wantRows) {
				t.Errorf("have %d channels, want %d", len(have), len(wantRows))
			}
			for ch, want := range wantRows {
				got, ok := have[ch]
				if !ok {
					t.Errorf("no row for %s", ch)
					continue
				}
				for i := range 2 {
					h, _ := strconv.ParseFloat(got[i], 64)
					w, _ := strconv.ParseFloat(want[tc.col+i], 64)
					if math.Abs(h-w) > max(1e-6*math.Abs(w), 1e-9) {
						t.Errorf("%s column %d: have %s, want %s", ch, i+2, got[i], want[tc.col+i])
					}
				}
			}
		})
	}
}

func TestAttributeCommandStdin(t *testing.T) {
	in := "path;total_conversions;total_conversion_value;total_null\n" +
		"C1 > C2 > C3;1;10;0\nC1;0;0;1\nC2 > C3;0;0;1\n"
	var out bytes.Buffer
	err := run(context.Background(), []string{"attribute", "--paths", "-", "--model", "markov", "--order", "2"},
		stdio{in: strings.NewReader(in), out: &out, err: &out})
	if err != nil {
		t.Fatal(err)
	}
	want := "channel,conversions,value\nC1,0.200000000,2.000000000\nC2,0.400000000,4.000000000\nC3,0.400000000,4.000000000\n"
	if out.String() != want {
		t.Errorf("have\n%s\nwant\n%s", out.String(), want)
	}
}

func TestAttributeCommandTimeDecay(t *testing.T) {
	in := "path;total_conversions;total_conversion_value\n" +
		"a@2024-05-01T00:00:00Z > b@2024-05-02T00:00:00Z;3;30\n"
	var out bytes.Buffer
	err := run(context.Background(), []string{"attribute", "--paths", "-", "--model", "timedecay", "--half-life", "24h"},
		stdio{in: strings.NewReader(in), out: &out, err: &out})
	if err != nil {
		t.Fatal(err)
	}
	want := "channel,conversions,value\na,1.000000000,10.000000000\nb,2.000000000,20.000000000\n"
	if out.String() != want {
		t.Errorf("have\n%s\nwant\n%s", out.String(), want)
	}
}

func TestAttributeCommandErrors(t *testing.T) {
	const h = "path;total_conversions;total_conversion_value;total_null\n"
	tests := []struct {
		name string
		args []string
		in   string
		want string
	}{
		{"no paths", []string{"--model", "first"}, "", "--paths is required"},
		{"no model", []string{"--paths", "-"}, h, "--model is required"},
		{"unknown model", []string{"--paths", "-", "--model", "u-shaped"}, h, `--model "u-shaped"`},
		{"bad order", []string{"--paths", "-", "--model", "markov", "--order", "9"}, h, "--order 9"},
		{"bad half-life", []string{"--paths", "-", "--model", "timedecay", "--half-life", "soon"}, h, `--half-life: "soon"`},
		{"timedecay without times", []string{"--paths", "-", "--model", "timedecay"}, h + "a > b;1;1;0\n", "stdin: paths: line 2: path: touch 1 \"a\": time decay needs a timestamp"},
		{"bad row", []string{"--paths", "-", "--model", "linear"}, h + "a;1;1;0\nb;one;1;0\n", `line 3: total_conversions: "one" is not a number`},
		{"missing file", []string{"--paths", filepath.Join(t.TempDir(), "none.csv"), "--model", "first"}, "", "none.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"attribute"}, tc.args...),
				stdio{in: strings.NewReader(tc.in), out: &out, err: &out})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("have error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
