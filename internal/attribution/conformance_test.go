package attribution

import (
	"encoding/csv"
	"math"
	"os"
	"ripple/internal/refdata"
	"strconv"
	"strings"
	"testing"
)

func loadPathData(t testing.TB) []Journey {
	t.Helper()
	f, err := os.Open(refdata.Path(t, "attribution/pathdata.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	js, err := ParsePaths(f, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// readReference reads a reference CSV, skipping # comment lines, into rows
// keyed by the first column.
func readReference(t *testing.T, name string) (header []string, rows map[string][]float64, comment string) {
	t.Helper()
	b, err := os.ReadFile(refdata.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "#") {
			comment = l
			continue
		}
		body = append(body, l)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(body, "\n"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = map[string][]float64{}
	for _, r := range recs[1:] {
		vs := make([]float64, len(r)-1)
		for i, f := range r[1:] {
			if vs[i], err = strconv.ParseFloat(f, 64); err != nil {
				t.Fatal(err)
			}
		}
		rows[r[0]] = vs
	}
	return recs[0], rows, comment
}

// close reports whether have is within rel of want, relative, with an
// absolute floor for values printed to a fixed number of decimals.
func closeTo(have, want, rel, abs float64) bool {
	return math.Abs(have-want) <= max(rel*math.Abs(want), abs)
}

// relErr is |have-want|/|want|, or the absolute error when want is 0.
func relErr(have, want float64) float64 {
	if want == 0 {
		return math.Abs(have)
	}
	return math.Abs(have-want) / math.Abs(want)
}

func TestConformanceHeuristics(t *testing.T) {
	js := loadPathData(t)
	header, ref, _ := readReference(t, "attribution/heuristics.csv")
	type model struct {
		name, column string
		run          func([]Journey) (Result, error)
	}
	models := []model{
		{"first", "first", FirstTouch},
		{"last", "last", LastTouch},
		{"linear", "linear", Linear},
		{"position", "position", PositionBased},
		{"shapley exact", "shapley", func(js []Journey) (Result, error) {
			return Shapley(js, ShapleyOptions{Method: ShapleyExact})
		}},
		{"shapley simplified", "shapley", func(js []Journey) (Result, error) {
			return Shapley(js, ShapleyOptions{Method: ShapleySimplified})
		}},
	}
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			col := -1
			for i, h := range header[1:] {
				if h == m.column+"_conversions" {
					col = i
				}
			}
			if col < 0 {
				t.Fatalf("reference has no %s_conversions column", m.column)
			}
			res, err := m.run(js)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Credits) != len(ref) {
				t.Errorf("have %d channels, want %d", len(res.Credits), len(ref))
			}
			worst := 0.0
			defer func() { t.Logf("worst relative error %.2g", worst) }()
			for _, c := range res.Credits {
				want, ok := ref[c.Channel]
				if !ok {
					t.Errorf("channel %q not in the reference", c.Channel)
					continue
				}
				worst = max(worst, relErr(c.Conversions, want[col]), relErr(c.Value, want[col+1]))
				// The reference is printed with 9 decimals.
				if !closeTo(c.Conversions, want[col], 1e-6, 1e-9) {
					t.Errorf("%s conversions: have %.9f, want %.9f", c.Channel, c.Conversions, want[col])
				}
				if !closeTo(c.Value, want[col+1], 1e-6, 1e-9) {
					t.Errorf("%s value: have %.9f, want %.9f", c.Channel, c.Value, want[col+1])
				}
			}
		})
	}
}

func TestConformanceMarkov(t *testing.T) {
	js := loadPathData(t)
	for _, tc := range []struct {
		file   string
		noNull bool
	}{
		{"attribution/markov_o1_null.csv", false},
		{"attribution/markov_o1_nonull.csv", true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, ref, comment := readReference(t, tc.file)
			res, err := Markov(js, MarkovOptions{Order: 1, NoNull: tc.noNull})
			if err != nil {
				t.Fatal(err)
			}
			var wantP float64
			for _, f := range strings.Fields(comment) {
				if v, ok := strings.CutPrefix(f, "P(conv)="); ok {
					wantP, _ = strconv.ParseFloat(v, 64)
				}
			}
			if !closeTo(res.ConversionProbability, wantP, 1e-6, 1e-12) {
				t.Errorf("P(conv): have %.12f, want %.12f", res.ConversionProbability, wantP)
			}
			if len(res.Credits) != len(ref) {
				t.Errorf("have %d channels, want %d", len(res.Credits), len(ref))
			}
			worst := 0.0
			defer func() { t.Logf("worst relative error %.2g", worst) }()
			for _, c := range res.Credits {
				want, ok := ref[c.Channel]
				if !ok {
					t.Errorf("channel %q not in the reference", c.Channel)
					continue
				}
				worst = max(worst, relErr(c.RemovalEffect, want[0]), relErr(c.Conversions, want[1]), relErr(c.Value, want[2]))
				for i, have := range []float64{c.RemovalEffect, c.Conversions, c.Value} {
					abs := 1e-9
					if i == 0 {
						abs = 1e-12
					}
					if !closeTo(have, want[i], 1e-6, abs) {
						t.Errorf("%s column %d: have %.12f, want %.12f", c.Channel, i+1, have, want[i])
					}
				}
			}
		})
	}
}

// TestConformanceMarkovIterative solves the reference chain by Gauss-Seidel
// too (it is small enough for elimination, which Markov picks), so the
// iterative path is held to the exact reference as well.
func TestConformanceMarkovIterative(t *testing.T) {
	js := loadPathData(t)
	_, ref, _ := readReference(t, "attribution/markov_o1_null.csv")
	ch, ix, err := buildChain(js, 1, false, 2)
	if err != nil {
		t.Fatal(err)
	}
	m := len(ch.conv)
	s := &solver{ch: &ch, removed: make([]bool, m), x: make([]float64, m), hi: make([]float64, m)}
	p, err := s.solve(0)
	if err != nil {
		t.Fatal(err)
	}
	for c, name := range ix.names {
		pc, err := s.solve(c + 1)
		if err != nil {
			t.Fatal(err)
		}
		if have, want := 1-pc/p, ref[name][0]; !closeTo(have, want, 1e-6, 1e-12) {
			t.Errorf("%s removal effect: have %.12f, want %.12f", name, have, want)
		}
	}
}
