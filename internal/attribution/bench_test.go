package attribution

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// genJourneys makes n synthetic journeys over the given number of channels
// from a fixed seed: path lengths are geometric with mean 4 (at most 30),
// channels follow a skewed popularity with a chance of repeating the last
// one, and a journey converts with a probability that grows with the
// channels it touched, so that removal effects differ.
func genJourneys(n, channels int, seed uint64) []Journey {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	names := make([]string, channels)
	pop := make([]float64, channels)
	lift := make([]float64, channels)
	total := 0.0
	for i := range names {
		names[i] = fmt.Sprintf("ch%02d", i)
		pop[i] = 1 / float64(i+1)
		total += pop[i]
		lift[i] = 0.02 + 0.1*rng.Float64()
	}
	pick := func() int {
		u := rng.Float64() * total
		for i, p := range pop {
			if u < p {
				return i
			}
			u -= p
		}
		return channels - 1
	}
	js := make([]Journey, n)
	// One backing array for every path keeps the generated data compact.
	buf := make([]string, 0, 5*n)
	for k := range js {
		length := 1
		for length < 30 && rng.Float64() < 0.75 {
			length++
		}
		start := len(buf)
		p := 0.02
		last := -1
		for range length {
			c := pick()
			if last >= 0 && rng.Float64() < 0.2 {
				c = last
			}
			buf = append(buf, names[c])
			p += lift[c]
			last = c
		}
		j := Journey{Channels: buf[start:len(buf):len(buf)]}
		if rng.Float64() < min(p, 0.9) {
			j.Conversions = 1
			j.Value = 10 + 90*rng.Float64()
		} else {
			j.Null = 1
		}
		js[k] = j
	}
	return js
}

var (
	benchOnce     sync.Once
	benchJourneys []Journey
)

// millionJourneys is the benchmark data set: 1M journeys, 20 channels.
func millionJourneys() []Journey {
	benchOnce.Do(func() { benchJourneys = genJourneys(1_000_000, 20, 2018) })
	return benchJourneys
}

// Each benchmark op attributes the whole 1M-journey set from the journeys in
// memory, aggregation included, so ns/op is the time per 1M journeys.
// cpu-s/1M-journeys adds up the CPU time of every core.
func benchModel(b *testing.B, run func([]Journey) (Result, error)) {
	js := millionJourneys()
	b.ResetTimer()
	cpu := processCPU()
	for b.Loop() {
		if _, err := run(js); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/1M-journeys")
	// CPU seconds over both cores: unlike wall time, it does not grow when
	// other programs load the machine.
	b.ReportMetric((processCPU()-cpu).Seconds()/float64(b.N), "cpu-s/1M-journeys")
}

func BenchmarkMarkov(b *testing.B) {
	for _, k := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("order%d", k), func(b *testing.B) {
			benchModel(b, func(js []Journey) (Result, error) {
				return Markov(js, MarkovOptions{Order: k})
			})
		})
	}
}

func BenchmarkHeuristics(b *testing.B) {
	for _, m := range []string{"first", "last", "linear", "position", "shapley"} {
		b.Run(m, func(b *testing.B) {
			benchModel(b, func(js []Journey) (Result, error) {
				return Attribute(js, m, Options{})
			})
		})
	}
}
