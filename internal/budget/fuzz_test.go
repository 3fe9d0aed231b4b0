package budget

import (
	"encoding/json"
	"errors"
	"math"
	"sync"
	"testing"
)

// The budget package parses no text itself: the Value page and the REST API
// decode JSON into its types. These fuzz tests decode arbitrary JSON the
// same way and check that whatever arrives is either refused with an input
// error or answered with advice that keeps its own promises.

var fuzzModel = sync.OnceValues(func() (*Model, error) {
	return Fit(handBuilt(11, 42, 7, 2,
		truthChannel{name: "a", level: 100, theta: 0.5, kappa: 200, top: 40},
		truthChannel{name: "b", level: 50, kappa: 100, top: 20},
		truthChannel{name: "c", level: 30, kappa: 100, top: 5},
	))
})

func FuzzPlan(f *testing.F) {
	f.Add([]byte(`{"plan":{"total":8000,"days":42,"max_share":0.45,"floor_share":0.2,"stretch":3},"split":{"a":4000,"b":4000}}`))
	f.Add([]byte(`{"plan":{"total":500,"days":7,"objective":"revenue","max_share":1,"bounds":{"a":{"min":100,"max":200},"c":{"off":true}}},"split":{"c":1e300}}`))
	f.Add([]byte(`{"plan":{"total":1,"days":1,"max_share":0.5,"current":{"a":0,"b":1e-9}},"split":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := fuzzModel()
		if err != nil {
			t.Fatal(err)
		}
		var in struct {
			Plan  Plan               `json:"plan"`
			Split map[string]float64 `json:"split"`
		}
		if json.Unmarshal(data, &in) != nil {
			return
		}
		a, err := m.Recommend(in.Plan)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("Recommend: %v, want an input error", err)
			}
		} else {
			checkAdvice(t, a, true)
		}
		a, err = m.Evaluate(in.Plan, in.Split)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("Evaluate: %v, want an input error", err)
			}
			return
		}
		checkAdvice(t, a, false)
	})
}

func checkAdvice(t *testing.T, a *Advice, bounded bool) {
	t.Helper()
	sum := 0.0
	for _, c := range a.Channels {
		sum += c.Spend
		for _, v := range []float64{c.Spend, c.Min, c.Max, c.Marginal, c.Conversions.Mean, c.Conversions.Low, c.Conversions.High} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: %+v holds a value that is not finite", c.Name, c)
			}
		}
		if bounded && (c.Spend < c.Min*(1-1e-9)-1e-9 || c.Spend > c.Max*(1+1e-9)+1e-9) {
			t.Fatalf("%s: spend %v outside [%v, %v]", c.Name, c.Spend, c.Min, c.Max)
		}
	}
	if math.Abs(sum-a.Total) > 1e-6*math.Max(1, a.Total) {
		t.Fatalf("spends add up to %v, total %v", sum, a.Total)
	}
	if ch := a.Change.Conversions; !(ch.Low <= ch.Mean && ch.Mean <= ch.High) {
		t.Fatalf("change %+v: mean outside its interval", ch)
	}
}

func FuzzSuit(f *testing.F) {
	f.Add([]byte(`{"business":"product","stats":[{"platform":"pinterest","spend":100,"reached":500,"stages":{"stimulus":500,"find":200,"purchase":30}},{"platform":"x","reached":40,"stages":{"find":3}}]}`))
	f.Add([]byte(`{"business":"service","stats":[{"platform":"linkedin","spend":0,"reached":0,"stages":{}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in struct {
			Business string          `json:"business"`
			Stats    []PlatformStats `json:"stats"`
		}
		if json.Unmarshal(data, &in) != nil {
			return
		}
		s, err := Suit(in.Business, in.Stats)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("Suit: %v, want an input error", err)
			}
			return
		}
		for _, st := range s.Stages {
			if len(st.Best) == 0 || st.Default != (st.Reason != "") {
				t.Fatalf("%s: best %v, default %v, reason %q", st.Stage, st.Best, st.Default, st.Reason)
			}
			for _, r := range st.Platforms {
				if math.IsNaN(r.Rate) || math.IsInf(r.Rate, 0) || r.Low > r.Rate || r.Rate > r.High {
					t.Fatalf("%s, %s: rate %v outside [%v, %v]", st.Stage, r.Platform, r.Rate, r.Low, r.High)
				}
			}
		}
	})
}

func FuzzFit(f *testing.F) {
	seed, _ := json.Marshal(handBuilt(12, 28, 7, 1, truthChannel{name: "a", level: 10, kappa: 10, top: 5}))
	f.Add(seed)
	f.Add([]byte(`{"channels":[{"name":"a","spend":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}],"conversions":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var h History
		if json.Unmarshal(data, &h) != nil || len(h.Conversions) > 60 || len(h.Channels) > 4 {
			return // larger histories are valid but too slow to fuzz
		}
		m, err := Fit(h)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("Fit: %v, want an input error", err)
			}
			return
		}
		for _, c := range m.Channels() {
			for _, pt := range c.Curve {
				if e := pt.Conversions; math.IsNaN(e.Mean) || math.IsInf(e.Mean, 0) || e.Low > e.Mean || e.Mean > e.High {
					t.Fatalf("%s at %v: %+v", c.Name, pt.Spend, e)
				}
			}
		}
	})
}
