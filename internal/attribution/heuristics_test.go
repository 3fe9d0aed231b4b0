package attribution

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestHeuristics(t *testing.T) {
	js := []Journey{
		path("a > b > a > c", 2, 20, 5),
		path("b", 1, 6, 0),
		path("c > a", 1, 4, 1),
		path("d", 0, 0, 9), // seen, never converting: zero credit
	}
	tests := []struct {
		model string
		want  map[string][2]float64 // channel: conversions, value
	}{
		{"first", map[string][2]float64{"a": {2, 20}, "b": {1, 6}, "c": {1, 4}, "d": {0, 0}}},
		{"last", map[string][2]float64{"a": {1, 4}, "b": {1, 6}, "c": {2, 20}, "d": {0, 0}}},
		// a touches the first journey twice: two of its four shares.
		{"linear", map[string][2]float64{"a": {1 + 0.5, 10 + 2}, "b": {0.5 + 1, 5 + 6}, "c": {0.5 + 0.5, 5 + 2}, "d": {0, 0}}},
		// 40/20/40 over four touches: a 0.4+0.1, b 0.1, c 0.4.
		{"position", map[string][2]float64{"a": {1 + 0.5, 10 + 2}, "b": {0.2 + 1, 2 + 6}, "c": {0.8 + 0.5, 8 + 2}, "d": {0, 0}}},
		// Distinct channels: {a,b,c} thirds, {b}, {a,c} halves.
		{"shapley", map[string][2]float64{"a": {2.0/3 + 0.5, 20.0/3 + 2}, "b": {2.0/3 + 1, 20.0/3 + 6}, "c": {2.0/3 + 0.5, 20.0/3 + 2}, "d": {0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.model, func(t *testing.T) {
			r, err := Attribute(js, tc.model, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Credits) != len(tc.want) {
				t.Fatalf("have %d channels, want %d", len(r.Credits), len(tc.want))
			}
			for ch, want := range tc.want {
				c, ok := r.Credit(ch)
				if !ok {
					t.Fatalf("no credit for %s", ch)
				}
				if !closeTo(c.Conversions, want[0], 1e-12, 1e-15) || !closeTo(c.Value, want[1], 1e-12, 1e-15) {
					t.Errorf("%s: have %v conversions %v value, want %v %v", ch, c.Conversions, c.Value, want[0], want[1])
				}
			}
			if r.TotalConversions != 4 || r.TotalValue != 30 {
				t.Errorf("totals: have %v %v, want 4 30", r.TotalConversions, r.TotalValue)
			}
		})
	}
}

func TestCreditsSortedByName(t *testing.T) {
	r, err := FirstTouch([]Journey{path("zeta > alpha > mi", 1, 1, 0), path("beta", 1, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range r.Credits {
		names = append(names, c.Channel)
	}
	if have, want := strings.Join(names, ","), "alpha,beta,mi,zeta"; have != want {
		t.Errorf("have order %s, want %s", have, want)
	}
}

func TestTimeDecay(t *testing.T) {
	day := 24 * time.Hour
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	timed := func(chs string, conv, value float64, offsets ...time.Duration) Journey {
		j := path(chs, conv, value, 0)
		for _, o := range offsets {
			j.Times = append(j.Times, t0.Add(o))
		}
		return j
	}
	tests := []struct {
		name     string
		js       []Journey
		halfLife time.Duration
		want     map[string]float64 // conversions
	}{
		// One half-life apart: weights 1/2 and 1.
		{"default half-life", []Journey{timed("a > b", 3, 3, 0, 7*day)}, 0,
			map[string]float64{"a": 1, "b": 2}},
		{"one day half-life", []Journey{timed("a > b > c", 7, 7, 0, day, 2*day)}, day,
			map[string]float64{"a": 1, "b": 2, "c": 4}},
		{"same time", []Journey{timed("a > b", 2, 2, day, day)}, 0,
			map[string]float64{"a": 1, "b": 1}},
		// Converting a half-life after the last touch halves every weight
		// alike: the shares stay.
		{"conversion time given", []Journey{func() Journey {
			j := timed("a > b", 3, 3, 0, day)
			j.ConversionTime = t0.Add(30 * day)
			return j
		}()}, day, map[string]float64{"a": 1, "b": 2}},
		// Years old journeys must not underflow to zero weights.
		{"ancient", []Journey{func() Journey {
			j := timed("a > b", 3, 3, 0, day)
			j.ConversionTime = t0.Add(3000 * day)
			return j
		}()}, time.Hour, map[string]float64{"a": 3 / (1 + float64(1<<24)), "b": 3 * float64(1<<24) / (1 + float64(1<<24))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := TimeDecay(tc.js, tc.halfLife)
			if err != nil {
				t.Fatal(err)
			}
			for ch, want := range tc.want {
				c, _ := r.Credit(ch)
				if !closeTo(c.Conversions, want, 1e-12, 1e-15) || !closeTo(c.Value, want, 1e-12, 1e-15) {
					t.Errorf("%s: have %v conversions %v value, want %v", ch, c.Conversions, c.Value, want)
				}
			}
		})
	}
}

func TestTimeDecayErrors(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	late := path("a", 1, 1, 0)
	late.Times = []time.Time{t0}
	late.ConversionTime = t0.Add(-time.Hour)
	tests := []struct {
		name     string
		js       []Journey
		halfLife time.Duration
		want     string
	}{
		{"no timestamps", []Journey{path("a > b", 1, 1, 0)}, 0, "journey 0: time decay needs a timestamp"},
		{"negative half-life", nil, -time.Hour, "half-life -1h0m0s is negative"},
		{"touch after conversion", []Journey{late}, 0, "after the conversion"},
		{"times mismatch", []Journey{{Channels: []string{"a", "b"}, Times: []time.Time{t0}}}, 0, "1 times for 2 touches"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := TimeDecay(tc.js, tc.halfLife)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("have error %v, want one containing %q", err, tc.want)
			}
		})
	}
	_, err := TimeDecay([]Journey{path("a", 1, 1, 0)}, 0)
	if !errors.Is(err, ErrNoTimestamps) {
		t.Errorf("have %v, want ErrNoTimestamps", err)
	}
}

func TestAttributeUnknownModel(t *testing.T) {
	_, err := Attribute(nil, "lastish", Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown model "lastish"`) {
		t.Errorf("have %v, want an unknown model error", err)
	}
}

func TestShapleyExactMatchesSimplified(t *testing.T) {
	for _, channels := range []int{1, 3, 8, 15} {
		t.Run(fmt.Sprintf("%d channels", channels), func(t *testing.T) {
			js := genJourneys(5000, channels, uint64(channels))
			exact, err := Shapley(js, ShapleyOptions{Method: ShapleyExact})
			if err != nil {
				t.Fatal(err)
			}
			simple, err := Shapley(js, ShapleyOptions{Method: ShapleySimplified})
			if err != nil {
				t.Fatal(err)
			}
			sum := 0.0
			for i, e := range exact.Credits {
				s := simple.Credits[i]
				sum += e.Conversions
				if !closeTo(e.Conversions, s.Conversions, 1e-9, 1e-9) || !closeTo(e.Value, s.Value, 1e-9, 1e-9) {
					t.Errorf("%s: exact %v %v, simplified %v %v", e.Channel, e.Conversions, e.Value, s.Conversions, s.Value)
				}
			}
			// Efficiency: the Shapley value shares out v(all channels).
			if !closeTo(sum, exact.TotalConversions, 1e-9, 0) {
				t.Errorf("credits sum to %v, want %v", sum, exact.TotalConversions)
			}
		})
	}
}

func TestShapleyLimits(t *testing.T) {
	js := genJourneys(2000, MaxExactShapleyChannels+1, 5)
	if _, err := Shapley(js, ShapleyOptions{Method: ShapleyExact}); err == nil || !strings.Contains(err.Error(), "16 channels, at most 15") {
		t.Errorf("have %v, want a too many channels error", err)
	}
	auto, err := Shapley(js, ShapleyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	simple, err := Shapley(js, ShapleyOptions{Method: ShapleySimplified})
	if err != nil {
		t.Fatal(err)
	}
	for i := range auto.Credits {
		if auto.Credits[i] != simple.Credits[i] {
			t.Errorf("auto above the limit: have %+v, want the closed form %+v", auto.Credits[i], simple.Credits[i])
		}
	}
}
