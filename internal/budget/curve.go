package budget

import "math"

// adstock is geometric carry-over normalised so that weights sum to one:
// a(t) = θ·a(t−1) + (1−θ)·x(t). A constant daily spend s therefore builds
// up to an adstock of s, so the saturation curve is read in units of daily
// spend. A history starts in the middle of a business's life: before day 0
// the channel is taken to have run steadily at its first week's spend.
func adstock(dst, x []float64, theta float64) {
	a := 0.0
	w := min(7, len(x))
	for _, v := range x[:w] {
		a += v / float64(w)
	}
	for t, v := range x {
		a = theta*a + (1-theta)*v
		dst[t] = a
	}
}

// halfLife is the number of days after which carry-over θ has kept half of
// a day's effect.
func halfLife(theta float64) float64 {
	if theta <= 0 {
		return 0
	}
	return math.Log(0.5) / math.Log(theta)
}
