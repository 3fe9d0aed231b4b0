package attribution

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// path builds a journey from "a > b > c" with the given outcome counts.
func path(p string, conv, value, null float64) Journey {
	return Journey{Channels: strings.Split(p, " > "), Conversions: conv, Value: value, Null: null}
}

func TestMarkovHandChecked(t *testing.T) {
	literature := []Journey{
		path("C1 > C2 > C3", 1, 10, 0),
		path("C1", 0, 0, 1),
		path("C2 > C3", 0, 0, 1),
	}
	// A > C converts and B > C does not: order 1 cannot tell the two C
	// states apart, order 2 can.
	memory := []Journey{path("A > C", 1, 4, 0), path("B > C", 0, 0, 1)}
	// A journey that loops A > B > A, collapsed repeats included.
	loop := []Journey{path("A > A > B > A", 1, 2, 0), path("A", 0, 0, 1)}
	tests := []struct {
		name   string
		js     []Journey
		opt    MarkovOptions
		p      float64
		effect map[string]float64
		conv   map[string]float64
	}{
		{"literature order 1", literature, MarkovOptions{Order: 1}, 1.0 / 3,
			map[string]float64{"C1": 0.5, "C2": 1, "C3": 1},
			map[string]float64{"C1": 0.2, "C2": 0.4, "C3": 0.4}},
		{"literature order 2", literature, MarkovOptions{Order: 2}, 1.0 / 3,
			map[string]float64{"C1": 0.5, "C2": 1, "C3": 1},
			map[string]float64{"C1": 0.2, "C2": 0.4, "C3": 0.4}},
		// At order 3 C2 > C3 after C1 and C2 > C3 from the start differ, and
		// only the first converts.
		{"literature order 3", literature, MarkovOptions{Order: 3}, 1.0 / 3,
			map[string]float64{"C1": 1, "C2": 1, "C3": 1},
			map[string]float64{"C1": 1.0 / 3, "C2": 1.0 / 3, "C3": 1.0 / 3}},
		{"literature no null", literature, MarkovOptions{Order: 1, NoNull: true}, 1,
			map[string]float64{"C1": 1, "C2": 1, "C3": 1},
			map[string]float64{"C1": 1.0 / 3, "C2": 1.0 / 3, "C3": 1.0 / 3}},
		{"memory order 1", memory, MarkovOptions{Order: 1}, 0.5,
			map[string]float64{"A": 0.5, "B": 0.5, "C": 1},
			map[string]float64{"A": 0.25, "B": 0.25, "C": 0.5}},
		{"memory order 2", memory, MarkovOptions{Order: 2}, 0.5,
			map[string]float64{"A": 1, "B": 0, "C": 1},
			map[string]float64{"A": 0.5, "B": 0, "C": 0.5}},
		// x_A = 1/3 + x_B/3 and x_B = x_A give P = 1/2; without B, 1/3.
		{"loop order 1", loop, MarkovOptions{Order: 1}, 0.5,
			map[string]float64{"A": 1, "B": 1.0 / 3},
			map[string]float64{"A": 0.75, "B": 0.25}},
		// Order 2: start>A then (A)>B or end; (A,B)>A; (B,A) converts.
		{"loop order 2", loop, MarkovOptions{Order: 2}, 0.5,
			map[string]float64{"A": 1, "B": 1},
			map[string]float64{"A": 0.5, "B": 0.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Markov(tc.js, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !closeTo(r.ConversionProbability, tc.p, 1e-12, 0) {
				t.Errorf("P(conv): have %v, want %v", r.ConversionProbability, tc.p)
			}
			for ch, want := range tc.effect {
				c, ok := r.Credit(ch)
				if !ok {
					t.Fatalf("no credit for %s", ch)
				}
				if !closeTo(c.RemovalEffect, want, 1e-12, 1e-15) {
					t.Errorf("%s removal effect: have %v, want %v", ch, c.RemovalEffect, want)
				}
				if !closeTo(c.Conversions, tc.conv[ch]*r.TotalConversions, 1e-12, 1e-15) {
					t.Errorf("%s conversions: have %v, want %v", ch, c.Conversions, tc.conv[ch]*r.TotalConversions)
				}
				if !closeTo(c.Value, tc.conv[ch]*r.TotalValue, 1e-12, 1e-15) {
					t.Errorf("%s value: have %v, want %v", ch, c.Value, tc.conv[ch]*r.TotalValue)
				}
			}
		})
	}
}

// naiveMarkov is an independent, slow rendering of the model: states are
// strings, probabilities come from plain fixed-point iteration.
func naiveMarkov(js []Journey, order int, noNull bool) (p float64, effects map[string]float64) {
	type key struct{ from, to string }
	counts := map[key]float64{}
	out := map[string]float64{}
	channels := map[string]bool{}
	for _, j := range js {
		w := j.Conversions
		if !noNull {
			w += j.Null
		}
		if w == 0 {
			continue
		}
		var hist []string
		state := "(start)"
		for _, c := range j.Channels {
			channels[c] = true
			if len(hist) > 0 && hist[len(hist)-1] == c {
				continue
			}
			hist = append(hist, c)
			next := strings.Join(hist[max(0, len(hist)-order):], "|")
			counts[key{state, next}] += w
			out[state] += w
			state = next
		}
		counts[key{state, "(conv)"}] += j.Conversions
		out[state] += j.Conversions
		if !noNull {
			counts[key{state, "(null)"}] += j.Null
			out[state] += j.Null
		}
	}
	solve := func(removed string) float64 {
		type edge struct {
			from, to string
			p        float64
		}
		var edges []edge
		for k, c := range counts {
			if removed == "" || !strings.Contains("|"+k.from+"|", "|"+removed+"|") {
				edges = append(edges, edge{k.from, k.to, c / out[k.from]})
			}
		}
		x := map[string]float64{"(conv)": 1}
		for range 100000 {
			nx := map[string]float64{"(conv)": 1}
			for _, e := range edges {
				nx[e.from] += e.p * x[e.to]
			}
			diff := 0.0
			for s, v := range nx {
				diff = max(diff, math.Abs(v-x[s]))
			}
			x = nx
			if diff < 1e-16 {
				break
			}
		}
		return x["(start)"]
	}
	p = solve("")
	effects = map[string]float64{}
	for c := range channels {
		effects[c] = 1 - solve(c)/p
	}
	return p, effects
}

func TestMarkovMatchesNaive(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		js := genJourneys(300, 5, seed)
		for order := 1; order <= 3; order++ {
			for _, noNull := range []bool{false, true} {
				t.Run(fmt.Sprintf("seed%d/order%d/nonull=%v", seed, order, noNull), func(t *testing.T) {
					r, err := Markov(js, MarkovOptions{Order: order, NoNull: noNull})
					if err != nil {
						t.Fatal(err)
					}
					p, effects := naiveMarkov(js, order, noNull)
					if !closeTo(r.ConversionProbability, p, 1e-9, 0) {
						t.Errorf("P(conv): have %v, want %v", r.ConversionProbability, p)
					}
					for _, c := range r.Credits {
						if !closeTo(c.RemovalEffect, effects[c.Channel], 1e-9, 1e-12) {
							t.Errorf("%s removal effect: have %v, want %v", c.Channel, c.RemovalEffect, effects[c.Channel])
						}
					}
				})
			}
		}
	}
}

// TestGaussSeidelMatchesDirect solves the same chains by elimination and by
// Gauss-Seidel: the iterative solver must reach machine precision.
func TestGaussSeidelMatchesDirect(t *testing.T) {
	for _, tc := range []struct{ channels, order int }{{12, 1}, {12, 2}, {6, 3}, {4, 4}} {
		t.Run(fmt.Sprintf("%dch/order%d", tc.channels, tc.order), func(t *testing.T) {
			js := genJourneys(20000, tc.channels, 7)
			ch, ix, err := buildChain(js, tc.order, false, 2)
			if err != nil {
				t.Fatal(err)
			}
			if m := len(ch.conv); m > directLimit {
				t.Fatalf("%d states, more than the direct limit %d", m, directLimit)
			}
			direct := ch.newSolver()
			m := len(ch.conv)
			iter := &solver{ch: &ch, removed: make([]bool, m), x: make([]float64, m), hi: make([]float64, m)}
			for c := 0; c <= len(ix.names); c++ {
				want, err := direct.solve(c)
				if err != nil {
					t.Fatal(err)
				}
				have, err := iter.solve(c)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(have-want) > 1e-14 {
					t.Errorf("without channel %d: Gauss-Seidel %.17g, elimination %.17g", c, have, want)
				}
			}
		})
	}
}

func TestMarkovDeterministic(t *testing.T) {
	// Large enough to count in parallel and to solve by Gauss-Seidel.
	js := genJourneys(40000, 20, 3)
	a, err := Markov(js, MarkovOptions{Order: 3})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(js), func(i, k int) { js[i], js[k] = js[k], js[i] })
	b, err := Markov(js, MarkovOptions{Order: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Credits {
		if !closeTo(a.Credits[i].Conversions, b.Credits[i].Conversions, 1e-12, 0) {
			t.Errorf("%s: have %v after shuffling, want %v", a.Credits[i].Channel, b.Credits[i].Conversions, a.Credits[i].Conversions)
		}
	}
}

func TestMarkovErrors(t *testing.T) {
	ok := []Journey{path("a > b", 1, 1, 0)}
	tests := []struct {
		name string
		js   []Journey
		opt  MarkovOptions
		want string
	}{
		{"order too high", ok, MarkovOptions{Order: MaxMarkovOrder + 1}, "order"},
		{"negative order", ok, MarkovOptions{Order: -1}, "order"},
		{"no channels", []Journey{{Conversions: 1}}, MarkovOptions{}, "journey 0: no channels"},
		{"empty channel", []Journey{{Channels: []string{"a", ""}}}, MarkovOptions{}, "touch 2: empty channel"},
		{"negative count", []Journey{{Channels: []string{"a"}, Null: -1}}, MarkovOptions{}, "null -1"},
		{"NaN", []Journey{{Channels: []string{"a"}, Conversions: math.NaN()}}, MarkovOptions{}, "conversions NaN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Markov(tc.js, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("have error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestMarkovNoConversions(t *testing.T) {
	r, err := Markov([]Journey{path("a > b", 0, 0, 3)}, MarkovOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.ConversionProbability != 0 || len(r.Credits) != 2 || r.Credits[0].Conversions != 0 {
		t.Errorf("have %+v, want two channels with no credit and P(conv) 0", r)
	}
}
