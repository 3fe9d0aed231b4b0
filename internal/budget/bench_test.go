package budget

import (
	"math"
	"math/rand/v2"
	"testing"
)

// synthetic is a history of days days and C channels with known curves:
// channel c has carry-over θ, half-saturation κ and ceiling β, and spend
// that changes level every few weeks; the outcome is a baseline plus the
// channels' effects plus Poisson-like noise.
func synthetic(seed uint64, C, days int) History {
	rng := rand.New(rand.NewPCG(seed, 1))
	h := History{Conversions: make([]float64, days), Revenue: make([]float64, days)}
	for c := range C {
		level := 50 + 450*rng.Float64()
		theta := []float64{0, 0.5, 0.8, 0.9}[c%4]
		kappa := level * (0.5 + 2*rng.Float64())
		beta := 2 + 10*rng.Float64()
		sp := make([]float64, days)
		m := 1.0
		for t := range days {
			if t%21 == 0 {
				m = 0.2 + 1.6*rng.Float64()
			}
			sp[t] = level * m * (0.9 + 0.2*rng.Float64())
		}
		a := make([]float64, days)
		adstock(a, sp, theta)
		for t := range days {
			h.Conversions[t] += beta * a[t] / (a[t] + kappa)
		}
		h.Channels = append(h.Channels, Channel{Name: "ch" + string(rune('a'+c)), Spend: sp})
	}
	for t := range days {
		h.Conversions[t] += 40 + 5*math.Sin(float64(t)/30)
		h.Conversions[t] += math.Sqrt(h.Conversions[t]) * rng.NormFloat64()
		h.Revenue[t] = 60 * h.Conversions[t] * (0.9 + 0.2*rng.Float64())
	}
	return h
}

// BenchmarkAdvise fits 14 channels × 365 days, conversions and revenue,
// and recommends a split: the Value page's whole budget computation.
func BenchmarkAdvise(b *testing.B) {
	h := synthetic(1, 14, 365)
	b.ReportAllocs()
	for b.Loop() {
		m, err := Fit(h)
		if err != nil {
			b.Fatal(err)
		}
		var total float64
		for c := range h.Channels {
			total += m.mean[c] * 365
		}
		if _, err := m.Recommend(m.NewPlan(total)); err != nil {
			b.Fatal(err)
		}
	}
}
