package spikes

import (
	"math"
	"slices"
)

// window holds the last len(ring) values both in arrival order and in sorted
// order. Each push is a binary search plus one memmove of at most the window
// size, and the median and the MAD are read in O(log n): far cheaper than
// sorting the window again for every point.
type window struct {
	ring   []float64
	head   int // oldest value once the window is full
	sorted []float64
}

func newWindow(size int) *window {
	return &window{ring: make([]float64, 0, size), sorted: make([]float64, 0, size)}
}

func (w *window) len() int { return len(w.sorted) }

func (w *window) full() bool { return len(w.ring) == cap(w.ring) }

// push adds v and, when the window is full, drops the oldest value.
// v must not be NaN: the sorted order depends on it.
func (w *window) push(v float64) {
	if !w.full() {
		w.ring = append(w.ring, v)
		w.sorted = slices.Insert(w.sorted, lowerBound(w.sorted, v), v)
		return
	}
	old := w.ring[w.head]
	w.ring[w.head] = v
	w.head++
	if w.head == len(w.ring) {
		w.head = 0
	}
	s := w.sorted
	i := lowerBound(s, old) // s[i] == old
	j := lowerBound(s, v)
	// Replace s[i] by v with a single shift of the values between them.
	if j > i {
		copy(s[i:j-1], s[i+1:j])
		s[j-1] = v
	} else {
		copy(s[j+1:i+1], s[j:i])
		s[j] = v
	}
}

// median returns the median of the window, or NaN when it is empty.
func (w *window) median() float64 {
	n := len(w.sorted)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return w.sorted[n/2]
	}
	return (w.sorted[n/2-1] + w.sorted[n/2]) / 2
}

// midMean returns the mean of the middle half of the window (the
// interquartile mean), or NaN when it is empty.
func (w *window) midMean() float64 {
	n := len(w.sorted)
	if n == 0 {
		return math.NaN()
	}
	lo, hi := n/4, n-n/4
	var sum float64
	for _, v := range w.sorted[lo:hi] {
		sum += v
	}
	return sum / float64(hi-lo)
}

// mad returns the median absolute deviation from the median (unscaled),
// or NaN when the window is empty.
func (w *window) mad() float64 {
	n := len(w.sorted)
	if n == 0 {
		return math.NaN()
	}
	m := w.median()
	if n%2 == 1 {
		return w.kthDistance(m, n/2)
	}
	return (w.kthDistance(m, n/2-1) + w.kthDistance(m, n/2)) / 2
}

// kthDistance returns the k-th smallest (0-based) of |x - m| over the window.
// The distances of the values below m and of those at or above m form two
// ascending sequences, so the k-th smallest of their union is found by a
// binary search on how many come from the lower side.
func (w *window) kthDistance(m float64, k int) float64 {
	s := w.sorted
	p := lowerBound(s, m) // s[:p] < m <= s[p:]
	// left(j) = m - s[p-1-j], right(j) = s[p+j] - m, both ascending in j.
	nl, nr := p, len(s)-p
	take := k + 1
	lo, hi := max(0, take-nr), min(take, nl)
	for lo < hi {
		a := int(uint(lo+hi) >> 1)
		if m-s[p-1-a] < s[p+take-a-1]-m {
			lo = a + 1
		} else {
			hi = a
		}
	}
	v := math.Inf(-1)
	if lo > 0 {
		v = m - s[p-lo]
	}
	if take-lo > 0 {
		v = max(v, s[p+take-lo-1]-m)
	}
	return v
}

// lowerBound returns the first index of s holding a value >= v; s is
// sorted and free of NaN, which spares the generic search its NaN checks.
func lowerBound(s []float64, v float64) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// span returns the largest minus the smallest value, or 0 when empty.
func (w *window) span() float64 {
	if len(w.sorted) == 0 {
		return 0
	}
	return w.sorted[len(w.sorted)-1] - w.sorted[0]
}

// quantile returns the value of rank ⌊q(n−1)⌋ in the window, or NaN when
// it is empty.
func (w *window) quantile(q float64) float64 {
	if len(w.sorted) == 0 {
		return math.NaN()
	}
	return w.sorted[int(q*float64(len(w.sorted)-1))]
}
