package attribution

import (
	"fmt"
	"math/bits"
)

// MaxExactShapleyChannels is the most channels the exact Shapley value is
// computed for: it walks all 2^n coalitions.
const MaxExactShapleyChannels = 15

// ShapleyMethod picks how Shapley computes the value.
type ShapleyMethod int

const (
	// ShapleyAuto is exact over coalitions up to MaxExactShapleyChannels
	// channels and the closed form above.
	ShapleyAuto ShapleyMethod = iota
	// ShapleyExact sums marginal contributions over every coalition.
	ShapleyExact
	// ShapleySimplified is the closed form of Zhao et al. (2018): each
	// journey's conversions are shared equally among its distinct channels.
	ShapleySimplified
)

// ShapleyOptions configures Shapley.
type ShapleyOptions struct {
	Method ShapleyMethod
}

// Shapley attributes by the Shapley value of the game whose coalition value
// v(S) is the conversions (or value) of the journeys whose set of channels
// is a subset of S. That game is a sum of unanimity games, so the exact
// value equals the closed form; the exact method is kept to check it and as
// the definition.
func Shapley(js []Journey, opt ShapleyOptions) (Result, error) {
	if err := validate(js); err != nil {
		return Result{}, err
	}
	ix := newChannelIndex(js)
	n := len(ix.names)
	method := opt.Method
	if method == ShapleyAuto {
		method = ShapleySimplified
		if n <= MaxExactShapleyChannels {
			method = ShapleyExact
		}
	}
	switch method {
	case ShapleyExact:
		if n > MaxExactShapleyChannels {
			return Result{}, fmt.Errorf("attribution: exact Shapley: %d channels, at most %d", n, MaxExactShapleyChannels)
		}
		conv, value := shapleyExact(js, ix)
		return newResult("shapley", ix, conv, value, js), nil
	case ShapleySimplified:
		conv, value := shapleySimplified(js, ix)
		return newResult("shapley", ix, conv, value, js), nil
	}
	return Result{}, fmt.Errorf("attribution: unknown Shapley method %d", method)
}

func shapleySimplified(js []Journey, ix channelIndex) (conv, value []float64) {
	conv = make([]float64, len(ix.names))
	value = make([]float64, len(ix.names))
	mark := make([]int, len(ix.names))
	var set []int
	for k, j := range js {
		set = set[:0]
		for _, c := range j.Channels {
			id := ix.ids[c]
			if mark[id] != k+1 {
				mark[id] = k + 1
				set = append(set, id)
			}
		}
		share := 1 / float64(len(set))
		for _, id := range set {
			conv[id] += share * j.Conversions
			value[id] += share * j.Value
		}
	}
	return conv, value
}

func shapleyExact(js []Journey, ix channelIndex) (conv, value []float64) {
	n := len(ix.names)
	size := 1 << n
	// vc[S] and vv[S] start as the conversions and value of journeys whose
	// channel set is exactly S; the subset-sum transform then makes them
	// the coalition values.
	vc := make([]float64, size)
	vv := make([]float64, size)
	for _, j := range js {
		var s int
		for _, c := range j.Channels {
			s |= 1 << ix.ids[c]
		}
		vc[s] += j.Conversions
		vv[s] += j.Value
	}
	for i := 0; i < n; i++ {
		bit := 1 << i
		for s := 0; s < size; s++ {
			if s&bit != 0 {
				vc[s] += vc[s^bit]
				vv[s] += vv[s^bit]
			}
		}
	}
	// weight[k] = k!(n-k-1)!/n!, the chance that a coalition of size k
	// precedes a given player in a random order.
	weight := make([]float64, n)
	for k := 0; k < n; k++ {
		w := 1 / float64(n)
		// 1/C(n-1, k) built up as a product to stay exact in floating point.
		for i := 1; i <= k; i++ {
			w *= float64(i) / float64(n-1-k+i)
		}
		weight[k] = w
	}
	conv = make([]float64, n)
	value = make([]float64, n)
	for i := 0; i < n; i++ {
		bit := 1 << i
		var sc, sv float64
		for s := 0; s < size; s++ {
			if s&bit != 0 {
				continue
			}
			w := weight[bits.OnesCount(uint(s))]
			sc += w * (vc[s|bit] - vc[s])
			sv += w * (vv[s|bit] - vv[s])
		}
		conv[i], value[i] = sc, sv
	}
	return conv, value
}
