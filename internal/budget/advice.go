package budget

import (
	"math"
)

// Objective is what a recommendation maximises.
type Objective string

// The objectives.
const (
	Conversions Objective = "conversions"
	Revenue     Objective = "revenue"
)

// Plan says what to split and within which bounds. Amounts are money over
// the plan's Days. Start from NewPlan, which sets the defaults, and change
// what the user chose.
type Plan struct {
	// Total is the budget to split over Days.
	Total float64 `json:"total"`
	// Days is the horizon; NewPlan sets the history's length.
	Days      int       `json:"days"`
	Objective Objective `json:"objective"`
	// MaxShare caps every channel without a Max of its own at this share of
	// Total, so that the advice never puts everything in one channel (see
	// NewPlan for the default).
	MaxShare float64 `json:"max_share"`
	// FloorShare keeps every channel that runs now at this share of its
	// current spend at least, so that its effect stays measurable.
	FloorShare float64 `json:"floor_share"`
	// Stretch caps every channel without a Max of its own at this multiple
	// of the highest daily spend it ran at for a week (0: no such cap): the
	// curve beyond what was ever spent is a guess.
	Stretch float64 `json:"stretch"`
	// Current is each channel's spend over Days now; nil means the history's
	// mean daily spend times Days.
	Current map[string]float64 `json:"current,omitempty"`
	// Bounds replace the defaults for the channels they name.
	Bounds map[string]Bound `json:"bounds,omitempty"`
}

// Bound is one channel's range over the plan's Days. It replaces the
// channel's defaults: Min replaces the floor (0 is no floor), Max the caps
// (0 keeps the plan's caps), and Off keeps the channel at zero.
type Bound struct {
	Min float64 `json:"min"`
	Max float64 `json:"max,omitempty"`
	Off bool    `json:"off,omitempty"`
}

// The defaults NewPlan sets.
const (
	DefaultMaxShare   = 0.45
	DefaultFloorShare = 0.2
	DefaultStretch    = 3
)

// NewPlan is a plan to split total over the model's history length with
// the default bounds. The share cap is DefaultMaxShare, or one and a half
// equal shares when there are too few measured channels for that cap to
// hold the total (two channels: 75% each).
func (m *Model) NewPlan(total float64) Plan {
	measured := 0
	for _, a := range m.conv.active {
		if a {
			measured++
		}
	}
	share := DefaultMaxShare
	if measured > 0 {
		share = min(1, max(share, 1.5/float64(measured)))
	}
	return Plan{
		Total: total, Days: m.days, Objective: Conversions,
		MaxShare: share, FloorShare: DefaultFloorShare, Stretch: DefaultStretch,
	}
}

// Advice is a split with what it is expected to bring, against the current
// split. Conversions and revenue are what the channels add over Days (the
// baseline, what comes without any channel, is left out of both sides).
type Advice struct {
	Days      int             `json:"days"`
	Total     float64         `json:"total"`
	Objective Objective       `json:"objective"`
	Channels  []ChannelAdvice `json:"channels"`
	Current   Totals          `json:"current"`
	Proposed  Totals          `json:"proposed"`
	// Change is Proposed − Current, draw by draw, so its interval is the
	// interval of the difference, narrower than the two apart.
	Change Totals `json:"change"`
}

// Totals are conversions and revenue over the plan's Days; Revenue is nil
// when the model has none.
type Totals struct {
	Conversions Estimate  `json:"conversions"`
	Revenue     *Estimate `json:"revenue,omitempty"`
}

// ChannelAdvice is one channel's part of a split.
type ChannelAdvice struct {
	Name     string  `json:"name"`
	Measured bool    `json:"measured"`
	Current  float64 `json:"current"`
	Spend    float64 `json:"spend"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	// Limit is "min" or "max" when the recommendation sits on that bound.
	Limit string `json:"limit,omitempty"`
	// Conversions and Revenue are what the channel adds over Days at Spend.
	Conversions Estimate  `json:"conversions"`
	Revenue     *Estimate `json:"revenue,omitempty"`
	// Marginal is what one more unit of money would add to the objective
	// at Spend (posterior mean).
	Marginal float64 `json:"marginal"`
	// Extrapolated is true when Spend per day is beyond any week the
	// channel ran at: the curve there is the model's guess.
	Extrapolated bool `json:"extrapolated"`
}

// steps is the number of increments the greedy allocation hands out.
const steps = 4000

// allocate hands total − Σlo out in small increments, each to the channel
// whose value gains most from it per unit of money, within hi. A channel's
// gain is recomputed only when it receives an increment. When nothing gains
// any more, what is left is spread by headroom, which changes nothing the
// model can see.
func allocate(total float64, lo, hi []float64, value func(c int, x float64) float64) []float64 {
	C := len(lo)
	s := append([]float64(nil), lo...)
	left := total
	for _, v := range lo {
		left -= v
	}
	delta := left / steps
	gain := make([]float64, C)
	update := func(c int) {
		step := min(delta, hi[c]-s[c], left)
		if step <= 0 {
			gain[c] = math.Inf(-1)
			return
		}
		gain[c] = (value(c, s[c]+step) - value(c, s[c])) / step
	}
	for c := range C {
		update(c)
	}
	for left > 1e-9*total {
		best := -1
		for c := range C {
			if !math.IsInf(gain[c], -1) && (best < 0 || gain[c] > gain[best]) {
				best = c
			}
		}
		if best < 0 {
			break
		}
		if gain[best] <= 0 {
			room := 0.0
			for c := range C {
				room += hi[c] - s[c]
			}
			for c := range C {
				s[c] += left * (hi[c] - s[c]) / room
			}
			break
		}
		step := min(delta, hi[best]-s[best], left)
		s[best] += step
		left -= step
		if left < delta {
			// The last increment is smaller: every gain changes.
			for c := range C {
				update(c)
			}
			continue
		}
		update(best)
	}
	return s
}

// Recommend splits p.Total across the channels within their bounds to
// maximise p.Objective, by handing the budget out in small increments,
// each to the channel whose curve gains most from it (marginal returns
// equalised; optimal for concave curves up to one increment).
func (m *Model) Recommend(p Plan) (*Advice, error) {
	if err := m.check(&p); err != nil {
		return nil, err
	}
	if p.Total == 0 {
		return nil, inputErr("total: 0, want a positive amount")
	}
	r := m.conv
	if p.Objective == Revenue {
		r = m.rev
	}
	cur := m.current(p)
	lo, hi := m.ranges(p, cur)
	var sumLo, sumHi float64
	for c := range lo {
		sumLo += lo[c]
		sumHi += hi[c]
	}
	switch {
	case sumLo > p.Total*(1+1e-9):
		return nil, inputErr("total: %.2f is below the channels' minimums, which add up to %.2f", p.Total, sumLo)
	case sumHi < p.Total*(1-1e-9):
		return nil, inputErr("total: %.2f is more than the channels can take within their maximums, %.2f", p.Total, sumHi)
	}
	s := allocate(p.Total, lo, hi, func(c int, x float64) float64 {
		return float64(p.Days) * r.mean(c, x/float64(p.Days))
	})
	a := m.advice(p, cur, s, lo, hi)
	for c := range a.Channels {
		ch := &a.Channels[c]
		switch tol := 1e-6 * p.Total; {
		case hi[c]-s[c] <= tol && hi[c] > lo[c]:
			ch.Limit = "max"
		case s[c]-lo[c] <= tol:
			ch.Limit = "min"
		}
	}
	return a, nil
}

// Evaluate is the what-if: the advice for a split the user chose, over the
// plan's Days, against the plan's current split. Channels the split does
// not name get nothing. The plan's bounds are reported, not enforced, and
// its Total is ignored: the split's own sum is the total.
func (m *Model) Evaluate(p Plan, split map[string]float64) (*Advice, error) {
	s := make([]float64, len(m.names))
	idx := m.index()
	for name, v := range split {
		c, ok := idx[name]
		if !ok {
			return nil, inputErr("split[%q]: no such channel in the history", name)
		}
		if !isSpend(v) {
			return nil, inputErr("split[%q]: %v is not a spend (want a finite number ≥ 0)", name, v)
		}
		s[c] = v
	}
	p.Total = 0
	for _, v := range s {
		p.Total += v
	}
	if err := m.check(&p); err != nil {
		return nil, err
	}
	cur := m.current(p)
	lo, hi := m.ranges(p, cur)
	return m.advice(p, cur, s, lo, hi), nil
}

func isSpend(v float64) bool { return v >= 0 && !math.IsInf(v, 0) } // NaN fails v >= 0

func (m *Model) index() map[string]int {
	idx := make(map[string]int, len(m.names))
	for c, n := range m.names {
		idx[n] = c
	}
	return idx
}

// current is the plan's current split, or the history's mean daily spend
// times the plan's days.
func (m *Model) current(p Plan) []float64 {
	cur := make([]float64, len(m.names))
	if p.Current == nil {
		for c := range cur {
			cur[c] = m.mean[c] * float64(p.Days)
		}
		return cur
	}
	idx := m.index()
	for name, v := range p.Current {
		cur[idx[name]] = v
	}
	return cur
}

// check refuses a plan with a field out of range, naming it. Total may be
// zero only for a what-if of nothing.
func (m *Model) check(p *Plan) error {
	switch {
	case p.Days <= 0:
		return inputErr("days: %d, want at least 1", p.Days)
	case !isSpend(p.Total):
		return inputErr("total: %v, want an amount ≥ 0", p.Total)
	case !(p.MaxShare > 0 && p.MaxShare <= 1):
		return inputErr("max_share: %v, want more than 0 and at most 1", p.MaxShare)
	case !(p.FloorShare >= 0 && p.FloorShare <= 1):
		return inputErr("floor_share: %v, want 0 to 1", p.FloorShare)
	case !isSpend(p.Stretch):
		return inputErr("stretch: %v, want 0 (no cap) or more", p.Stretch)
	}
	switch p.Objective {
	case "":
		p.Objective = Conversions
	case Conversions:
	case Revenue:
		if m.rev == nil {
			return inputErr("objective: revenue, but the history has no revenue")
		}
	default:
		return inputErr("objective: %q, want conversions or revenue", p.Objective)
	}
	idx := m.index()
	for name, v := range p.Current {
		if _, ok := idx[name]; !ok {
			return inputErr("current[%q]: no such channel in the history", name)
		}
		if !isSpend(v) {
			return inputErr("current[%q]: %v is not a spend (want a finite number ≥ 0)", name, v)
		}
	}
	for name, b := range p.Bounds {
		switch _, ok := idx[name]; {
		case !ok:
			return inputErr("bounds[%q]: no such channel in the history", name)
		case !isSpend(b.Min):
			return inputErr("bounds[%q].min: %v, want a finite amount ≥ 0", name, b.Min)
		case !isSpend(b.Max):
			return inputErr("bounds[%q].max: %v, want a finite amount ≥ 0", name, b.Max)
		case b.Max > 0 && b.Min > b.Max:
			return inputErr("bounds[%q]: min %v is above max %v", name, b.Min, b.Max)
		}
	}
	return nil
}

// ranges is each channel's minimum and maximum under plan p.
func (m *Model) ranges(p Plan, cur []float64) (lo, hi []float64) {
	C := len(m.names)
	lo, hi = make([]float64, C), make([]float64, C)
	for c, name := range m.names {
		lo[c] = p.FloorShare * cur[c]
		hi[c] = p.MaxShare * p.Total
		if p.Stretch > 0 {
			hi[c] = min(hi[c], p.Stretch*m.peak[c]*float64(p.Days))
		}
		if !m.conv.active[c] {
			// Never ran: nothing is known of its curve.
			hi[c] = lo[c]
		}
		if b, ok := p.Bounds[name]; ok {
			lo[c] = b.Min
			if b.Max > 0 {
				hi[c] = b.Max
			}
			if b.Off {
				lo[c], hi[c] = 0, 0
			}
		}
		hi[c] = max(hi[c], lo[c])
	}
	return lo, hi
}

// advice evaluates split s against cur over p.Days.
func (m *Model) advice(p Plan, cur, s, lo, hi []float64) *Advice {
	H := float64(p.Days)
	C := len(m.names)
	obj := m.conv
	if p.Objective == Revenue {
		obj = m.rev
	}
	a := &Advice{Days: p.Days, Total: p.Total, Objective: p.Objective, Channels: make([]ChannelAdvice, C)}
	for c, name := range m.names {
		ch := ChannelAdvice{
			Name: name, Measured: m.conv.active[c], Current: cur[c], Spend: s[c], Min: lo[c], Max: hi[c],
			Conversions:  scale(m.conv.estimate(c, s[c]/H), H),
			Extrapolated: m.conv.active[c] && s[c]/H > m.peak[c]*(1+1e-9),
		}
		if m.rev != nil {
			e := scale(m.rev.estimate(c, s[c]/H), H)
			ch.Revenue = &e
		}
		const eps = 1e-3
		x := s[c] / H
		ch.Marginal = (obj.mean(c, x+eps) - obj.mean(c, x)) / eps
		a.Channels[c] = ch
	}
	a.Current.Conversions, a.Proposed.Conversions, a.Change.Conversions = m.conv.compare(cur, s, H)
	if m.rev != nil {
		c, pr, ch := m.rev.compare(cur, s, H)
		a.Current.Revenue, a.Proposed.Revenue, a.Change.Revenue = &c, &pr, &ch
	}
	return a
}

// compare sums the channels' contributions under two splits, draw by draw.
func (r *response) compare(cur, s []float64, H float64) (Estimate, Estimate, Estimate) {
	vc, vs, vd := make([]float64, draws), make([]float64, draws), make([]float64, draws)
	for k := range draws {
		for c := range r.ref {
			vc[k] += r.draw(k, c, cur[c]/H) * H
			vs[k] += r.draw(k, c, s[c]/H) * H
		}
		vd[k] = vs[k] - vc[k]
	}
	return summarize(vc), summarize(vs), summarize(vd)
}

func scale(e Estimate, f float64) Estimate {
	return Estimate{Mean: e.Mean * f, Low: e.Low * f, High: e.High * f}
}
