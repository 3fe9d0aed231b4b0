// Package budget owns budget advice: it fits a response curve per channel
// from daily spend and daily outcomes (a media-mix model with carry-over
// and saturation), recommends how to split a total budget across channels
// within bounds, evaluates any split a user proposes, and says which
// platforms suit a business per stage of the ecosystem.
//
// The model is the one Robyn, Meridian and LightweightMMM share: each
// channel's daily spend goes through geometric carry-over (adstock) and a
// Hill saturation curve; the day's outcome is a baseline (a level kept at
// zero or above, a trend, the day of the week) plus each channel's
// non-negative coefficient times its transformed spend. It is fitted as
// Meridian's is, by sampling the posterior rather than by picking one
// answer: Metropolis steps over each channel's carry-over and saturation
// and over the priors' scales, scored by the evidence (the likelihood with
// the coefficients integrated out), and a Gibbs draw of the coefficients
// after each step. The prior on a coefficient grows with the channel's
// spend to a power the data choose, between "every channel adds about as
// much" and "every channel returns about as much per unit of money"
// (Meridian's ROI prior); the saturation point's prior is centred on the
// channel's usual spend. Every interval comes from those draws.
//
// The model learns from variation: a channel whose spend never changed
// cannot be told apart from the baseline, and its interval says so. Curves
// are steady-state (the response to a daily spend held long enough for its
// carry-over to build up) and additive: channels that compete for the
// same people gain less together than their curves add up to, so predicted
// gains from moving much money at once are optimistic (see the README for
// how much, on simulated businesses).
package budget

import (
	"errors"
	"fmt"
	"math"
)

// Channel is one channel's daily spend, in the reporting currency:
// Spend[i] is day i of the history. A day without spend is 0.
type Channel struct {
	Name  string    `json:"name"`
	Spend []float64 `json:"spend"`
}

// History is what a business measured day by day: spend per channel and the
// outcome of every day, the same days for all. Conversions are new customers
// (or any counted conversion); Revenue is net revenue, and may be nil when
// only conversions are modelled. Outcomes are totals for the business, not
// attributed per channel: the model finds each channel's increment from how
// the total moved with its spend, where attribution would credit whatever
// touched a buyer.
type History struct {
	Channels    []Channel `json:"channels"`
	Conversions []float64 `json:"conversions"`
	Revenue     []float64 `json:"revenue,omitempty"`
}

// MinDays is the shortest history Fit accepts: four weeks, so that the day
// of the week and a trend can be told apart from the channels.
const MinDays = 28

// MaxChannels bounds the channels of one fit.
const MaxChannels = 64

// MaxAmount bounds a day's spend or outcome: beyond it sums of a history
// could overflow, and no business spends it.
const MaxAmount = 1e15

// Estimate is a posterior mean with its 90% interval (5th to 95th
// percentile of the posterior draws).
type Estimate struct {
	Mean float64 `json:"mean"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// ErrInput is wrapped by every error about bad input, so a caller can answer
// 400 rather than 500.
var ErrInput = errors.New("invalid input")

func inputErr(format string, args ...any) error {
	return fmt.Errorf("budget: %s: %w", fmt.Sprintf(format, args...), ErrInput)
}

func (h *History) validate() error {
	n := len(h.Conversions)
	switch {
	case len(h.Channels) == 0:
		return inputErr("channels: at least one channel is required")
	case len(h.Channels) > MaxChannels:
		return inputErr("channels: %d channels, at most %d", len(h.Channels), MaxChannels)
	case n < MinDays:
		return inputErr("conversions: %d days, at least %d are needed", n, MinDays)
	case h.Revenue != nil && len(h.Revenue) != n:
		return inputErr("revenue: %d days, conversions has %d", len(h.Revenue), n)
	}
	if err := checkSeries("conversions", h.Conversions); err != nil {
		return err
	}
	if h.Revenue != nil {
		if err := checkSeries("revenue", h.Revenue); err != nil {
			return err
		}
	}
	seen := make(map[string]bool, len(h.Channels))
	for i, c := range h.Channels {
		switch {
		case c.Name == "":
			return inputErr("channels[%d].name: is required", i)
		case seen[c.Name]:
			return inputErr("channels[%d].name: %q is used twice", i, c.Name)
		case len(c.Spend) != n:
			return inputErr("channels[%d].spend: %d days, conversions has %d", i, len(c.Spend), n)
		}
		seen[c.Name] = true
		for t, v := range c.Spend {
			if !(v >= 0 && v <= MaxAmount) {
				return inputErr("channels[%d].spend[%d]: %v is not a spend (want 0 to %g)", i, t, v, MaxAmount)
			}
		}
	}
	return nil
}

// checkSeries refuses non-finite outcomes. Negative ones are allowed: net
// revenue of a day with more refunds than orders is below zero.
func checkSeries(field string, s []float64) error {
	for t, v := range s {
		if !(math.Abs(v) <= MaxAmount) {
			return inputErr("%s[%d]: %v is not an outcome (want a number from -%g to %g)", field, t, v, MaxAmount, MaxAmount)
		}
	}
	return nil
}
