package budget

import (
	"math"
	"slices"
	"sync"
)

// Model is a fitted response model: one curve per channel for conversions,
// and for revenue when the history has it. It is immutable and safe for
// concurrent use.
type Model struct {
	days  int
	names []string
	mean  []float64 // mean daily spend over the history: the current split
	ref   []float64 // mean daily spend on the days a channel ran
	peak  []float64 // highest mean daily spend over any 7 days
	conv  *response
	rev   *response // nil without revenue
}

// Fit fits the response model to h. It needs at least MinDays days; bad
// input is an error naming the field, wrapping ErrInput.
func Fit(h History) (*Model, error) {
	if err := h.validate(); err != nil {
		return nil, err
	}
	n := len(h.Conversions)
	C := len(h.Channels)
	m := &Model{days: n, names: make([]string, C), mean: make([]float64, C), ref: make([]float64, C), peak: make([]float64, C)}
	spend := make([][]float64, C)
	for c, ch := range h.Channels {
		m.names[c] = ch.Name
		spend[c] = ch.Spend
		var sum float64
		running := 0
		for _, v := range ch.Spend {
			sum += v
			if v > 0 {
				running++
			}
		}
		m.mean[c] = sum / float64(n)
		if running > 0 {
			m.ref[c] = sum / float64(running)
		}
		var week float64
		for t, v := range ch.Spend {
			week += v
			if t >= 7 {
				week -= ch.Spend[t-7]
			}
			if t >= 6 {
				m.peak[c] = max(m.peak[c], week/7)
			}
		}
	}
	// The two outcomes are fitted apart; side by side they take the time
	// of one on two cores.
	var wg sync.WaitGroup
	if h.Revenue != nil {
		wg.Go(func() { m.rev = fitResponse(spend, m.ref, h.Revenue) })
	}
	m.conv = fitResponse(spend, m.ref, h.Conversions)
	wg.Wait()
	return m, nil
}

// Days is the length of the history the model was fitted on.
func (m *Model) Days() int { return m.days }

// FitQuality says how well the model follows one outcome of the history.
type FitQuality struct {
	Outcome Objective `json:"outcome"`
	// Noise is the standard deviation of what the model leaves unexplained
	// per day.
	Noise float64 `json:"noise"`
	// Autocorrelation is the lag-1 autocorrelation of the unexplained part:
	// near 0 when the model leaves no pattern behind, near 1 when something
	// that moves the outcome (a promotion, a season, a channel not in the
	// history) is missing from it.
	Autocorrelation float64 `json:"autocorrelation"`
}

// Quality is the fit's quality for conversions, and revenue when modelled.
func (m *Model) Quality() []FitQuality {
	q := []FitQuality{{Conversions, m.conv.sigma, m.conv.rho}}
	if m.rev != nil {
		q = append(q, FitQuality{Revenue, m.rev.sigma, m.rev.rho})
	}
	return q
}

// ChannelFit is one channel's fitted response, for a chart and its table.
type ChannelFit struct {
	Name string `json:"name"`
	// Measured is false for a channel that never spent in the history: its
	// response is unknown and the advice keeps it at its minimum.
	Measured bool `json:"measured"`
	// Spend is the mean daily spend over the history.
	Spend float64 `json:"spend"`
	// HalfLife is the carry-over in days: how long until a day's spend has
	// kept half its effect.
	HalfLife float64 `json:"half_life_days"`
	// HalfSaturation is the daily spend at which the channel gives half of
	// what it could give at any spend (the posterior median).
	HalfSaturation float64 `json:"half_saturation"`
	// Conversions and Revenue are what the channel adds per day at Spend.
	Conversions Estimate  `json:"conversions"`
	Revenue     *Estimate `json:"revenue,omitempty"`
	// Curve is the response per day over daily spend from zero to twice
	// the larger of Spend and the highest week's spend.
	Curve []Point `json:"curve"`
}

// Point is one point of a response curve: at a steady daily spend, what the
// channel adds per day.
type Point struct {
	Spend       float64   `json:"spend"`
	Conversions Estimate  `json:"conversions"`
	Revenue     *Estimate `json:"revenue,omitempty"`
}

// CurvePoints is the number of points of each curve.
const CurvePoints = 41

// Channels returns every channel's fit, in the order of the history.
func (m *Model) Channels() []ChannelFit {
	out := make([]ChannelFit, len(m.names))
	for c, name := range m.names {
		r := m.conv
		f := ChannelFit{Name: name, Measured: r.active[c], Spend: m.mean[c], Conversions: r.estimate(c, m.mean[c])}
		if r.active[c] {
			f.HalfLife, f.HalfSaturation = r.hyperOf(c)
		}
		if m.rev != nil {
			e := m.rev.estimate(c, m.mean[c])
			f.Revenue = &e
		}
		top := 2 * max(m.mean[c], m.peak[c])
		for i := range CurvePoints {
			s := top * float64(i) / (CurvePoints - 1)
			pt := Point{Spend: s, Conversions: r.estimate(c, s)}
			if m.rev != nil {
				e := m.rev.estimate(c, s)
				pt.Revenue = &e
			}
			f.Curve = append(f.Curve, pt)
		}
		out[c] = f
	}
	return out
}

// estimate is what channel c adds per day at daily spend s, over the draws.
func (r *response) estimate(c int, s float64) Estimate {
	v := make([]float64, draws)
	for k := range draws {
		v[k] = r.draw(k, c, s)
	}
	return summarize(v)
}

// hyperOf is channel c's posterior mean half-life and median
// half-saturation.
func (r *response) hyperOf(c int) (halfLifeDays, halfSat float64) {
	C := len(r.ref)
	ks := make([]float64, draws)
	for k := range draws {
		halfLifeDays += halfLife(thetaGrid[r.theta[k*C+c]]) / draws
		ks[k] = kappaGrid[r.kappa[k*C+c]] * r.ref[c]
	}
	slices.Sort(ks)
	return halfLifeDays, quantile(ks, 0.5)
}

// summarize is the mean and the 5th and 95th percentiles of v (sorted in
// place).
func summarize(v []float64) Estimate {
	var sum float64
	for _, x := range v {
		sum += x
	}
	slices.Sort(v)
	return Estimate{Mean: sum / float64(len(v)), Low: quantile(v, 0.05), High: quantile(v, 0.95)}
}

// quantile of sorted v, interpolating between order statistics.
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	x := q * float64(len(v)-1)
	i := int(x)
	if i >= len(v)-1 {
		return v[len(v)-1]
	}
	f := x - float64(i)
	return v[i]*(1-f) + v[i+1]*f
}
