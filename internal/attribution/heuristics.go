package attribution

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// DefaultHalfLife is the time decay half-life when none is given.
const DefaultHalfLife = 7 * 24 * time.Hour

// ErrNoTimestamps is returned by TimeDecay when a journey has no touch times.
var ErrNoTimestamps = errors.New("time decay needs a timestamp on every touch (write touches as channel@RFC3339 or channel@unixseconds)")

// FirstTouch gives each journey's conversions and value to its first touch.
func FirstTouch(js []Journey) (Result, error) {
	return weighted("first", js, func(j Journey, w []float64) {
		w[0] = 1
	})
}

// LastTouch gives each journey's conversions and value to its last touch.
func LastTouch(js []Journey) (Result, error) {
	return weighted("last", js, func(j Journey, w []float64) {
		w[len(w)-1] = 1
	})
}

// Linear shares each journey's conversions and value equally among its
// touches; repeats count, so a channel touched twice gets two shares.
func Linear(js []Journey) (Result, error) {
	return weighted("linear", js, func(j Journey, w []float64) {
		for i := range w {
			w[i] = 1 / float64(len(w))
		}
	})
}

// PositionBased gives 40% to the first touch, 40% to the last and shares
// 20% among the touches between; a one-touch journey gives its touch 100%
// and a two-touch journey 50% each.
func PositionBased(js []Journey) (Result, error) {
	return weighted("position", js, func(j Journey, w []float64) {
		switch n := len(w); n {
		case 1:
			w[0] = 1
		case 2:
			w[0], w[1] = 0.5, 0.5
		default:
			w[0], w[n-1] = 0.4, 0.4
			for i := 1; i < n-1; i++ {
				w[i] = 0.2 / float64(n-2)
			}
		}
	})
}

// TimeDecay weights each touch by 2^(-age/halfLife), age being the time from
// the touch to the conversion (the journey's ConversionTime, or its last
// touch when that is zero), and shares each journey by the normalised
// weights. A zero halfLife means DefaultHalfLife. Every journey needs Times.
func TimeDecay(js []Journey, halfLife time.Duration) (Result, error) {
	if halfLife == 0 {
		halfLife = DefaultHalfLife
	}
	if halfLife < 0 {
		return Result{}, fmt.Errorf("attribution: time decay: half-life %v is negative", halfLife)
	}
	for i, j := range js {
		if len(j.Times) == 0 {
			return Result{}, fmt.Errorf("attribution: journey %d: %w", i, ErrNoTimestamps)
		}
		end := j.ConversionTime
		if end.IsZero() {
			end = j.Times[len(j.Times)-1]
		}
		for k, t := range j.Times {
			if t.After(end) {
				return Result{}, fmt.Errorf("attribution: journey %d: touch %d at %v is after the conversion at %v", i, k+1, t.Format(time.RFC3339), end.Format(time.RFC3339))
			}
		}
	}
	h := halfLife.Seconds()
	return weighted("timedecay", js, func(j Journey, w []float64) {
		end := j.ConversionTime
		if end.IsZero() {
			end = j.Times[len(j.Times)-1]
		}
		// Weights are relative to the newest touch so that very old
		// journeys do not underflow to all zeros.
		newest := j.Times[0]
		for _, t := range j.Times {
			if t.After(newest) {
				newest = t
			}
		}
		shift := end.Sub(newest).Seconds()
		sum := 0.0
		for i, t := range j.Times {
			w[i] = math.Exp2(-(end.Sub(t).Seconds() - shift) / h)
			sum += w[i]
		}
		for i := range w {
			w[i] /= sum
		}
	})
}

// weighted runs a heuristic: share(j, w) fills w, one weight per touch of j
// summing to 1, and each touch's channel gets that share of the journey.
func weighted(model string, js []Journey, share func(j Journey, w []float64)) (Result, error) {
	if err := validate(js); err != nil {
		return Result{}, err
	}
	ix := newChannelIndex(js)
	conv := make([]float64, len(ix.names))
	value := make([]float64, len(ix.names))
	var w []float64
	for _, j := range js {
		if j.Conversions == 0 && j.Value == 0 {
			continue
		}
		w = w[:0]
		for range j.Channels {
			w = append(w, 0)
		}
		share(j, w)
		for i, c := range j.Channels {
			id := ix.ids[c]
			conv[id] += w[i] * j.Conversions
			value[id] += w[i] * j.Value
		}
	}
	return newResult(model, ix, conv, value, js), nil
}
