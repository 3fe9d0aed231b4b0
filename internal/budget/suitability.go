package budget

import (
	"math"
	"slices"

	"ripple/internal/event"
)

// The kinds of business, a workspace setting.
const (
	Product = "product"
	Service = "service"
)

// Guidance is the seed's advice on where each kind of business does best
// until its own data says otherwise.
var Guidance = map[string][]string{
	Product: {"pinterest", "instagram", "youtube", "facebook"},
	Service: {"x", "linkedin", "facebook"},
}

// PlatformStats is what a workspace measured for one platform over a
// period: what it spent there, how many people the platform touched, and
// how many of those reached each stage.
type PlatformStats struct {
	Platform string                `json:"platform"`
	Spend    float64               `json:"spend"`
	Reached  int64                 `json:"reached"`
	Stages   map[event.Stage]int64 `json:"stages"`
}

// Suitability says which platforms perform best per stage for a business.
type Suitability struct {
	Business string             `json:"business"`
	Stages   []StageSuitability `json:"stages"`
}

// StageSuitability is one stage's answer. Best holds the platforms that
// perform best by the workspace's own data; when Default is true there was
// too little data to tell (Reason says why) and Best is the seed's
// guidance for the kind of business: a default, not a finding.
type StageSuitability struct {
	Stage     event.Stage    `json:"stage"`
	Best      []string       `json:"best"`
	Default   bool           `json:"default"`
	Reason    string         `json:"reason,omitempty"`
	Platforms []PlatformRate `json:"platforms"`
}

// PlatformRate is one platform's performance at one stage. Rate is the
// share of the people the platform touched who reached the stage; at the
// stimulus stage, which everyone touched reaches, it is the people
// stimulated per 1,000 of spend instead (no rate without spend). Low and
// High bound its 95% interval. Measured is true when the interval is
// narrower than the rate itself.
type PlatformRate struct {
	Platform string  `json:"platform"`
	People   int64   `json:"people"`
	Rate     float64 `json:"rate"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	// CostPer is the spend per person who reached the stage, 0 without
	// spend or people.
	CostPer  float64 `json:"cost_per"`
	Measured bool    `json:"measured"`
}

// z95 is the normal quantile of a two-sided 95% interval.
const z95 = 1.959964

// Suit ranks platforms per stage for a business of the given kind.
//
// A stage's answer is a finding only when at least two platforms are
// measured there, a rate being measured when its 95% interval is narrower
// than the rate itself: about 16 people at the stage, enough to tell a
// platform that does twice as well as another from it. The best are then
// the measured platforms whose interval reaches the top one's, and the
// answer is still a default when that takes in every measured platform,
// since the data then rank nothing.
func Suit(business string, stats []PlatformStats) (*Suitability, error) {
	guide, ok := Guidance[business]
	if !ok {
		return nil, inputErr("business: %q, want product or service", business)
	}
	seen := map[string]bool{}
	for i, p := range stats {
		switch {
		case p.Platform == "":
			return nil, inputErr("stats[%d].platform: is required", i)
		case seen[p.Platform]:
			return nil, inputErr("stats[%d].platform: %q is used twice", i, p.Platform)
		case !isSpend(p.Spend):
			return nil, inputErr("stats[%d].spend: %v, want a finite amount ≥ 0", i, p.Spend)
		case p.Reached < 0:
			return nil, inputErr("stats[%d].reached: %d is negative", i, p.Reached)
		}
		seen[p.Platform] = true
		for s, k := range p.Stages {
			switch {
			case s.Rank() == 0:
				return nil, inputErr("stats[%d].stages: %q is not a stage", i, s)
			case k < 0:
				return nil, inputErr("stats[%d].stages[%s]: %d is negative", i, s, k)
			case k > p.Reached:
				return nil, inputErr("stats[%d].stages[%s]: %d people, more than the %d the platform reached", i, s, k, p.Reached)
			}
		}
	}
	out := &Suitability{Business: business}
	for _, st := range event.Stages {
		ss := StageSuitability{Stage: st}
		for _, p := range stats {
			k := p.Stages[st]
			r := PlatformRate{Platform: p.Platform, People: k}
			if p.Spend > 0 && k > 0 {
				r.CostPer = p.Spend / float64(k)
			}
			switch {
			case st == event.Stimulus && p.Spend > 0:
				per := p.Spend / 1000
				lo, hi := poissonInterval(k)
				r.Rate, r.Low, r.High = float64(k)/per, lo/per, hi/per
			case st != event.Stimulus && p.Reached > 0:
				r.Rate = float64(k) / float64(p.Reached)
				r.Low, r.High = wilson(k, p.Reached)
			default:
				ss.Platforms = append(ss.Platforms, r)
				continue
			}
			r.Measured = r.Rate > 0 && r.High-r.Low < r.Rate
			ss.Platforms = append(ss.Platforms, r)
		}
		// Measured first, then by rate; by name for a stable order.
		slices.SortStableFunc(ss.Platforms, func(a, b PlatformRate) int {
			switch {
			case a.Measured != b.Measured:
				if a.Measured {
					return -1
				}
				return 1
			case a.Rate != b.Rate:
				if a.Rate > b.Rate {
					return -1
				}
				return 1
			}
			return compareStrings(a.Platform, b.Platform)
		})
		measured := 0
		for _, r := range ss.Platforms {
			if r.Measured {
				measured++
			}
		}
		switch {
		case measured < 2:
			ss.Default, ss.Reason = true, tooLittle(measured)
		default:
			top := ss.Platforms[0]
			for _, r := range ss.Platforms[:measured] {
				if r.High >= top.Low {
					ss.Best = append(ss.Best, r.Platform)
				}
			}
			if len(ss.Best) == measured {
				ss.Best = nil
				ss.Default, ss.Reason = true, "the measured platforms do not differ: every one's 95% interval reaches the best one's"
			}
		}
		if ss.Default {
			ss.Best = slices.Clone(guide)
		}
		out.Stages = append(out.Stages, ss)
	}
	return out, nil
}

func tooLittle(measured int) string {
	const why = "a platform is measured once its 95% interval is narrower than its rate, about 16 people at the stage"
	switch measured {
	case 0:
		return "no platform is measured at this stage: " + why
	default:
		return "only one platform is measured at this stage: " + why
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// wilson is the Wilson score 95% interval of k successes in n trials: it
// stays inside [0, 1] and behaves at rates near zero, where the normal
// approximation does not.
func wilson(k, n int64) (lo, hi float64) {
	p := float64(k) / float64(n)
	z2 := z95 * z95
	nf := float64(n)
	den := 1 + z2/nf
	mid := (p + z2/(2*nf)) / den
	half := z95 * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / den
	// At k = 0 or k = n rounding can leave the rate a hair outside.
	return max(0, min(p, mid-half)), min(1, max(p, mid+half))
}

// poissonInterval is the score 95% interval of a Poisson count k.
func poissonInterval(k int64) (lo, hi float64) {
	x := float64(k)
	z2 := z95 * z95
	half := z95 * math.Sqrt(x+z2/4)
	return max(0, min(x, x+z2/2-half)), x + z2/2 + half
}
