package spikes

import (
	"math"
	"math/rand/v2"
	"time"
)

// A synthetic series with known anomalies, for measuring detectors.
// Every series is hourly, has daily and weekly seasonality, a trend,
// Poisson noise with a little overdispersion, and events placed after the
// detector's two weeks of history.

type eventKind string

const (
	kindSpike eventKind = "spike" // 1-3 hours at 2.5-5x the rate
	kindShift eventKind = "shift" // the rate moves to 1.6-2.5x or 0.4-0.6x for good
	kindBurst eventKind = "burst" // 6-18 hours of lognormal noise, sigma 0.4-0.7
	kindNone  eventKind = "none"  // no events: false alarms only
)

// event is one injected anomaly; a flag at an index in [start, end) detects
// it.
type event struct {
	kind       eventKind
	start, end int
}

type series struct {
	times  []time.Time
	values []float64
	events []event
}

const (
	synthWeeks = 8
	synthWarm  = 2*168 + 24 // events start after two weeks and a day
)

// synth builds a counts series whose events are all of kind k.
func synth(seed uint64, k eventKind) series {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	n := synthWeeks * 168
	base := math.Exp(math.Log(20) + rng.Float64()*(math.Log(300)-math.Log(20)))
	amp := 0.4 + 0.3*rng.Float64()
	weekend := 0.5 + 0.35*rng.Float64()
	trend := -0.3 + 0.9*rng.Float64() // relative change over the series
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(168)) * time.Hour)

	mult := make([]float64, n)  // event multiplier of the rate
	sigma := make([]float64, n) // event lognormal noise
	for i := range mult {
		mult[i] = 1
	}
	var events []event
	switch k {
	case kindSpike:
		// Five spikes, one per slice of the scored span.
		span := (n - synthWarm) / 5
		for j := range 5 {
			s := synthWarm + j*span + rng.IntN(span-10)
			dur := 1 + rng.IntN(3)
			m := 2.5 + 2.5*rng.Float64()
			for i := s; i < s+dur; i++ {
				mult[i] = m
			}
			events = append(events, event{k, s, s + dur + 2})
		}
	case kindShift:
		// Two lasting shifts, each half of the time down.
		half := (n - synthWarm) / 2
		for j := range 2 {
			s := synthWarm + j*half + rng.IntN(half-7*24)
			m := 1.6 + 0.9*rng.Float64()
			if rng.IntN(2) == 0 {
				m = 0.4 + 0.2*rng.Float64()
			}
			for i := s; i < n; i++ {
				mult[i] *= m
			}
			events = append(events, event{k, s, s + 24})
		}
	case kindBurst:
		span := (n - synthWarm) / 3
		for j := range 3 {
			s := synthWarm + j*span + rng.IntN(span-24)
			dur := 6 + rng.IntN(13)
			sd := 0.4 + 0.3*rng.Float64()
			for i := s; i < s+dur; i++ {
				sigma[i] = sd
			}
			events = append(events, event{k, s, s + dur + 2})
		}
	}

	sr := series{times: make([]time.Time, n), values: make([]float64, n), events: events}
	for i := range n {
		t := start.Add(time.Duration(i) * time.Hour)
		h := float64(t.Hour())
		daily := 1 + amp*math.Cos(2*math.Pi*(h-15)/24) + 0.1*math.Cos(4*math.Pi*(h-9)/24)
		weekly := 1.0
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekly = weekend
		}
		rate := base * daily * weekly * (1 + trend*float64(i)/float64(n)) * mult[i]
		rate *= math.Exp(0.08*rng.NormFloat64() - 0.0032) // overdispersion
		if sigma[i] > 0 {
			rate *= math.Exp(sigma[i]*rng.NormFloat64() - sigma[i]*sigma[i]/2)
		}
		sr.times[i] = t
		sr.values[i] = poisson(rng, rate)
	}
	return sr
}

// poisson draws a Poisson count: Knuth's product method for small rates,
// the normal approximation above.
func poisson(rng *rand.Rand, rate float64) float64 {
	if rate < 30 {
		l, k, p := math.Exp(-rate), 0.0, 1.0
		for {
			p *= rng.Float64()
			if p <= l {
				return k
			}
			k++
		}
	}
	return max(0, math.Round(rate+math.Sqrt(rate)*rng.NormFloat64()))
}
