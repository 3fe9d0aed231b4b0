package attribution

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParsePaths(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want []Journey
	}{
		{"reference format",
			"path;total_conversions;total_conversion_value;total_null\neta > iota > alpha > eta;1;0.244;3\nbeta;0;0;2\n",
			[]Journey{
				{Channels: []string{"eta", "iota", "alpha", "eta"}, Conversions: 1, Value: 0.244, Null: 3},
				{Channels: []string{"beta"}, Null: 2},
			}},
		{"quoted, CRLF, BOM, blank lines, columns reordered",
			"\ufeff\"total_null\";\"path\";\"total_conversions\"\r\n\r\n\"1\";\"a>b\";\"2\"\r\n",
			[]Journey{{Channels: []string{"a", "b"}, Conversions: 2, Null: 1}}},
		{"header only", "path;total_conversions\n", nil},
		{"timestamps",
			"path;total_conversions;conversion_time\nsearch@2024-05-01T10:00:00Z > email@1714561200;1;2024-05-02T00:00:00+02:00\n",
			[]Journey{{
				Channels:       []string{"search", "email"},
				Times:          []time.Time{t0, t0.Add(time.Hour)},
				ConversionTime: time.Date(2024, 5, 1, 22, 0, 0, 0, time.UTC),
				Conversions:    1,
			}}},
		// The text after @ is not a time, so it is part of the name.
		{"at sign in a name", "path;total_conversions\nnews@site > x;1\n",
			[]Journey{{Channels: []string{"news@site", "x"}, Conversions: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			have, err := ParsePaths(strings.NewReader(tc.in), ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if h, w := fmt.Sprintf("%v", norm(have)), fmt.Sprintf("%v", norm(tc.want)); h != w {
				t.Errorf("have %s\nwant %s", h, w)
			}
		})
	}
}

// norm renders times in UTC so that journeys compare by printing.
func norm(js []Journey) []Journey {
	out := make([]Journey, len(js))
	for i, j := range js {
		out[i] = j
		out[i].Times = nil
		for _, t := range j.Times {
			out[i].Times = append(out[i].Times, t.UTC())
		}
		if !j.ConversionTime.IsZero() {
			out[i].ConversionTime = j.ConversionTime.UTC()
		}
	}
	return out
}

func TestParsePathsErrors(t *testing.T) {
	const h = "path;total_conversions;total_conversion_value;total_null\n"
	tests := []struct {
		name string
		in   string
		opt  ParseOptions
		want string
	}{
		{"empty input", "", ParseOptions{}, "empty input"},
		{"unknown column", "path;conversions\n", ParseOptions{}, `line 1: header: column 2: unknown name "conversions"`},
		{"repeated column", "path;path;total_conversions\n", ParseOptions{}, `line 1: header: column 2: "path" given twice`},
		{"no conversions column", "path;total_null\n", ParseOptions{}, `no "total_conversions" column`},
		{"too few fields", h + "a;1;2\n", ParseOptions{}, "line 2: 3 fields, want 4"},
		{"not a number", h + "a;1;2;x\n", ParseOptions{}, `line 2: total_null: "x" is not a number`},
		{"negative", h + "a > b;-1;2;0\n", ParseOptions{}, `line 2: total_conversions: "-1" is negative`},
		{"NaN", h + "a;NaN;2;0\n", ParseOptions{}, `line 2: total_conversions: "NaN" is not a number`},
		{"infinite", h + "a;1;+Inf;0\n", ParseOptions{}, `line 2: total_conversion_value: "+Inf" is not a number`},
		{"empty number", h + "a;1;;0\n", ParseOptions{}, "line 2: total_conversion_value: empty"},
		{"empty path", h + "a;1;1;0\n;1;1;0\n", ParseOptions{}, "line 3: path: empty"},
		{"empty touch", h + "a >  > b;1;1;0\n", ParseOptions{}, "line 2: path: touch 2: empty channel name"},
		{"mixed timestamps", h + "a@1714557600 > b;1;1;0\n", ParseOptions{}, `line 2: path: touch 2 "b" has no timestamp`},
		{"out of order", h + "a@1714557600 > b@1714550000;1;1;0\n", ParseOptions{}, `line 2: path: touch 2 "b" is earlier than touch 1`},
		{"no name before time", h + "@1714557600;1;1;0\n", ParseOptions{}, "line 2: path: touch 1: empty channel name before the timestamp"},
		{"times required", h + "a > b;1;1;0\n", ParseOptions{RequireTimes: true}, `line 2: path: touch 1 "a": time decay needs a timestamp`},
		{"bad conversion time", "path;total_conversions;conversion_time\na@1714557600;1;soon\n", ParseOptions{}, `line 2: conversion_time: "soon" is neither`},
		{"conversion before touch", "path;total_conversions;conversion_time\na@1714557600;1;1714550000\n", ParseOptions{}, "line 2: conversion_time: 1714550000 is before the last touch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePaths(strings.NewReader(tc.in), tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("have error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestParsePathsTooLong(t *testing.T) {
	in := "path;total_conversions\n" + strings.Repeat("a > ", maxLine/4+1) + "a;1\n"
	_, err := ParsePaths(strings.NewReader(in), ParseOptions{})
	if err == nil || !strings.Contains(err.Error(), "line 2: longer than") {
		t.Errorf("have %v, want a line too long error", err)
	}
}

func FuzzParsePaths(f *testing.F) {
	f.Add("path;total_conversions;total_conversion_value;total_null\neta > iota > alpha > eta;1;0.244;3\nbeta;0;0;2\n")
	f.Add("path;total_conversions;conversion_time\nsearch@2024-05-01T10:00:00Z > email@1714561200;1;2024-05-02T00:00:00+02:00\n")
	f.Add("\"path\";\"total_conversions\"\r\n\"a>a>b\";\"2\"\r\n")
	f.Add("total_null;path;total_conversions\n0;x@y > y;1e3\n")
	f.Fuzz(func(t *testing.T, in string) {
		js, err := ParsePaths(strings.NewReader(in), ParseOptions{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "paths: ") {
				t.Errorf("error %q lacks the paths: prefix", err)
			}
			return
		}
		timed := true
		for i, j := range js {
			if len(j.Channels) == 0 {
				t.Fatalf("journey %d has no channels", i)
			}
			for _, c := range j.Channels {
				if c == "" || strings.Contains(c, ">") || strings.Contains(c, ";") || c != strings.TrimSpace(c) {
					t.Fatalf("journey %d: bad channel name %q", i, c)
				}
			}
			for _, v := range []float64{j.Conversions, j.Value, j.Null} {
				if !(v >= 0) || math.IsInf(v, 0) {
					t.Fatalf("journey %d: bad count %v", i, v)
				}
			}
			if len(j.Times) != 0 && len(j.Times) != len(j.Channels) {
				t.Fatalf("journey %d: %d times for %d touches", i, len(j.Times), len(j.Channels))
			}
			timed = timed && len(j.Times) > 0
		}
		// Whatever parses, every model takes without error.
		for _, m := range Models() {
			if m == "timedecay" && !timed {
				continue
			}
			if _, err := Attribute(js, m, Options{Markov: MarkovOptions{Order: 2}}); err != nil {
				t.Fatalf("%s on parsed journeys: %v", m, err)
			}
		}
	})
}

func TestParsePathsHugeCounts(t *testing.T) {
	in := "path;total_conversions\na;1e15\nb;2e15\n"
	_, err := ParsePaths(strings.NewReader(in), ParseOptions{})
	if err == nil || !strings.Contains(err.Error(), `line 3: total_conversions: "2e15" is too large`) {
		t.Errorf("have %v, want a too large error on line 3", err)
	}
}
