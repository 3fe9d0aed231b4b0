// Package attribution owns Ripple's multi-touch attribution engine: it shares
// the conversions and conversion value of customer journeys out to the
// channels that touched them, with the heuristic models (first touch, last
// touch, linear, position-based, time decay), the Markov chain removal-effect
// model of order 1 to MaxMarkovOrder (4) solved exactly, and the Shapley value.
//
// Conventions follow the ChannelAttribution package, the field's reference:
// for Markov models consecutive repeats of a channel collapse into one touch,
// removing a channel sends its transitions to the null state, and a channel's
// credit is its removal effect normalised to sum 1 times the totals.
package attribution

import (
	"fmt"
	"sort"
	"time"
)

// Journey is one customer path (or a group of identical paths, since counts
// are weights): the channels touched in order and what the path led to.
type Journey struct {
	// Channels are the touches in time order; repeats are allowed.
	Channels []string
	// Times, when not empty, holds one timestamp per touch. Only the time
	// decay model needs it.
	Times []time.Time
	// ConversionTime is when the journey converted; zero means at the last touch.
	ConversionTime time.Time
	// Conversions, Value and Null are the number of conversions, their total
	// value and the number of journeys that ended without converting.
	Conversions, Value, Null float64
}

// Credit is what one channel receives from a model.
type Credit struct {
	Channel     string
	Conversions float64
	Value       float64
	// RemovalEffect is set by the Markov model only: the relative drop of
	// the conversion probability when the channel is removed.
	RemovalEffect float64
}

// Result is a model's attribution: one Credit per channel seen in the
// journeys, sorted by channel name so that output is stable.
type Result struct {
	Model   string
	Credits []Credit
	// TotalConversions and TotalValue are the sums over all journeys.
	TotalConversions, TotalValue float64
	// ConversionProbability is set by the Markov model only: the probability
	// that a walk from the start state is absorbed in conversion.
	ConversionProbability float64
}

// Credit returns the credit of the named channel and whether it was seen.
func (r Result) Credit(channel string) (Credit, bool) {
	i := sort.Search(len(r.Credits), func(i int) bool { return r.Credits[i].Channel >= channel })
	if i < len(r.Credits) && r.Credits[i].Channel == channel {
		return r.Credits[i], true
	}
	return Credit{}, false
}

// Models returns the model names Attribute accepts.
func Models() []string {
	return []string{"first", "last", "linear", "position", "timedecay", "markov", "shapley"}
}

// Options tunes Attribute; the zero value gives every model's defaults.
type Options struct {
	// Markov configures the markov model.
	Markov MarkovOptions
	// HalfLife is the time decay half-life; zero means DefaultHalfLife.
	HalfLife time.Duration
	// Shapley configures the shapley model.
	Shapley ShapleyOptions
}

// Attribute runs the named model (one of Models) on js.
func Attribute(js []Journey, model string, opt Options) (Result, error) {
	switch model {
	case "first":
		return FirstTouch(js)
	case "last":
		return LastTouch(js)
	case "linear":
		return Linear(js)
	case "position":
		return PositionBased(js)
	case "timedecay":
		return TimeDecay(js, opt.HalfLife)
	case "markov":
		return Markov(js, opt.Markov)
	case "shapley":
		return Shapley(js, opt.Shapley)
	}
	return Result{}, fmt.Errorf("attribution: unknown model %q (want one of %v)", model, Models())
}

// channelIndex interns channel names to small ints in name order, so that
// every model can work on dense arrays and report in a stable order.
type channelIndex struct {
	names []string
	ids   map[string]int
}

func newChannelIndex(js []Journey) channelIndex {
	seen := make(map[string]struct{})
	for _, j := range js {
		for _, c := range j.Channels {
			if _, ok := seen[c]; !ok {
				seen[c] = struct{}{}
			}
		}
	}
	return indexFromSet(seen)
}

func indexFromSet(seen map[string]struct{}) channelIndex {
	names := make([]string, 0, len(seen))
	for c := range seen {
		names = append(names, c)
	}
	sort.Strings(names)
	ids := make(map[string]int, len(names))
	for i, c := range names {
		ids[c] = i
	}
	return channelIndex{names: names, ids: ids}
}

// validate checks what every model relies on, so that a journey built in
// code gets the same clear error as one read from a file.
func validate(js []Journey) error {
	for i, j := range js {
		if len(j.Channels) == 0 {
			return fmt.Errorf("attribution: journey %d: no channels", i)
		}
		for k, c := range j.Channels {
			if c == "" {
				return fmt.Errorf("attribution: journey %d: touch %d: empty channel name", i, k+1)
			}
		}
		if len(j.Times) != 0 && len(j.Times) != len(j.Channels) {
			return fmt.Errorf("attribution: journey %d: %d times for %d touches", i, len(j.Times), len(j.Channels))
		}
		for _, f := range []struct {
			name string
			v    float64
		}{{"conversions", j.Conversions}, {"value", j.Value}, {"null", j.Null}} {
			if !(f.v >= 0) || f.v > maxCount {
				return fmt.Errorf("attribution: journey %d: %s %v is not a finite non-negative number", i, f.name, f.v)
			}
		}
	}
	return nil
}

// maxCount bounds each count and value, far above any real path file, so
// that sums over any number of journeys stay finite.
const maxCount = 1e15

func totals(js []Journey) (conv, value float64) {
	for _, j := range js {
		conv += j.Conversions
		value += j.Value
	}
	return conv, value
}

// newResult fills a Result from per-channel sums indexed like ix.names.
func newResult(model string, ix channelIndex, conv, value []float64, js []Journey) Result {
	r := Result{Model: model, Credits: make([]Credit, len(ix.names))}
	for i, c := range ix.names {
		r.Credits[i] = Credit{Channel: c, Conversions: conv[i], Value: value[i]}
	}
	r.TotalConversions, r.TotalValue = totals(js)
	return r
}
