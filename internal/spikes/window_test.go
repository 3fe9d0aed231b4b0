package spikes

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// brute computes the statistics of a window by sorting it.
func brute(vals []float64) (median, mad, midMean float64) {
	s := slices.Sorted(slices.Values(vals))
	med := func(s []float64) float64 {
		n := len(s)
		if n%2 == 1 {
			return s[n/2]
		}
		return (s[n/2-1] + s[n/2]) / 2
	}
	median = med(s)
	dev := make([]float64, len(s))
	for i, v := range s {
		dev[i] = math.Abs(v - median)
	}
	slices.Sort(dev)
	mad = med(dev)
	lo, hi := len(s)/4, len(s)-len(s)/4
	for _, v := range s[lo:hi] {
		midMean += v
	}
	midMean /= float64(hi - lo)
	return median, mad, midMean
}

func TestWindowTable(t *testing.T) {
	tests := []struct {
		name             string
		size             int
		push             []float64
		median, mad, mid float64
	}{
		{"one", 3, []float64{5}, 5, 0, 5},
		{"odd", 5, []float64{1, 9, 2, 8, 3}, 3, 2, 13.0 / 3},
		{"even", 4, []float64{4, 1, 3, 2}, 2.5, 1, 2.5},
		{"slides", 3, []float64{100, 1, 2, 3}, 2, 1, 2},
		{"ties", 4, []float64{2, 2, 2, 7}, 2, 0, 2},
		{"outlier", 5, []float64{10, 11, 9, 10, 1e9}, 10, 1, 31.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWindow(tt.size)
			for _, v := range tt.push {
				w.push(v)
			}
			if got := w.median(); got != tt.median {
				t.Errorf("median: have %v, want %v", got, tt.median)
			}
			if got := w.mad(); got != tt.mad {
				t.Errorf("mad: have %v, want %v", got, tt.mad)
			}
			if got := w.midMean(); math.Abs(got-tt.mid) > 1e-9 {
				t.Errorf("midMean: have %v, want %v", got, tt.mid)
			}
		})
	}
}

// TestWindowMatchesSorting slides windows of many sizes over random and
// tie-heavy data and compares every statistic with a full sort.
func TestWindowMatchesSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 2, 3, 4, 7, 24, 100} {
		w := newWindow(size)
		var all []float64
		for i := range 600 {
			v := rng.NormFloat64()
			if i%3 == 0 {
				v = float64(rng.IntN(4)) // ties
			}
			w.push(v)
			all = append(all, v)
			last := all[max(0, len(all)-size):]
			med, mad, mid := brute(last)
			if w.median() != med || math.Abs(w.mad()-mad) > 1e-12 || math.Abs(w.midMean()-mid) > 1e-9 {
				t.Fatalf("size %d after %d pushes: have median %v mad %v midMean %v, want %v %v %v",
					size, i+1, w.median(), w.mad(), w.midMean(), med, mad, mid)
			}
		}
	}
}
