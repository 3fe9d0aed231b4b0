package budget

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// truthChannel is a channel of a hand-built history: spend that changes
// level every block days, and a true response with carry-over theta,
// half-saturation kappa and ceiling top (conversions per day).
type truthChannel struct {
	name              string
	level             float64 // mean daily spend
	theta, kappa, top float64
}

// handBuilt is a history of days days: a baseline of 100 a day, each
// channel's true effect, and Gaussian noise of sd noise. The levels a
// channel runs at are drawn per block from 0.2 to 1.8 times its mean.
func handBuilt(seed uint64, days, block int, noise float64, chans ...truthChannel) History {
	rng := rand.New(rand.NewPCG(seed, 7))
	h := History{Conversions: make([]float64, days), Revenue: make([]float64, days)}
	for t := range days {
		h.Conversions[t] = 100
	}
	for i, c := range chans {
		sp := make([]float64, days)
		m := 1.0
		for t := range days {
			// Blocks of each channel start on different days, so that the
			// channels do not all change together.
			if (t+i*block/len(chans))%block == 0 {
				m = 0.2 + 1.6*rng.Float64()
			}
			sp[t] = c.level * m
		}
		a := make([]float64, days)
		adstock(a, sp, c.theta)
		for t := range days {
			h.Conversions[t] += c.top * a[t] / (a[t] + c.kappa)
		}
		h.Channels = append(h.Channels, Channel{Name: c.name, Spend: sp})
	}
	for t := range days {
		h.Conversions[t] += noise * rng.NormFloat64()
		h.Revenue[t] = 50 * h.Conversions[t]
	}
	return h
}

func fit(t *testing.T, h History) *Model {
	t.Helper()
	m, err := Fit(h)
	if err != nil {
		t.Fatalf("Fit: %v", err)
	}
	return m
}

func total(m *Model) float64 {
	s := 0.0
	for _, v := range m.mean {
		s += v * float64(m.days)
	}
	return s
}

func byName(a *Advice, name string) ChannelAdvice {
	for _, c := range a.Channels {
		if c.Name == name {
			return c
		}
	}
	return ChannelAdvice{}
}

// A channel that moves nothing gets its floor, and only its floor.
func TestNoEffectGetsFloor(t *testing.T) {
	h := handBuilt(1, 180, 21, 3,
		truthChannel{name: "strong", level: 100, theta: 0.5, kappa: 200, top: 60},
		truthChannel{name: "medium", level: 100, theta: 0.3, kappa: 300, top: 40},
		truthChannel{name: "weak", level: 100, kappa: 300, top: 25},
		truthChannel{name: "none", level: 100},
	)
	m := fit(t, h)
	p := m.NewPlan(total(m))
	a, err := m.Recommend(p)
	if err != nil {
		t.Fatal(err)
	}
	none := byName(a, "none")
	if none.Limit != "min" || math.Abs(none.Spend-p.FloorShare*none.Current) > 1e-6*p.Total {
		t.Errorf("none: spend %.2f (limit %q), want its floor %.2f", none.Spend, none.Limit, p.FloorShare*none.Current)
	}
	if got := byName(a, "strong").Spend; got <= byName(a, "strong").Current {
		t.Errorf("strong: spend %.0f, want more than its current %.0f", got, byName(a, "strong").Current)
	}
	if a.Change.Conversions.Mean <= 0 {
		t.Errorf("change %+.1f, want a gain from moving money off a channel without effect", a.Change.Conversions.Mean)
	}
}

// Of two channels that add as much at today's spend, the saturated one gets
// less money and the one still far from saturation more.
func TestSaturatedGetsLess(t *testing.T) {
	h := handBuilt(2, 180, 21, 2,
		// At a spend of 100 a day both add about 20 a day: the first is
		// near its ceiling of 24, the second adds in proportion to spend.
		truthChannel{name: "saturated", level: 100, kappa: 20, top: 24},
		truthChannel{name: "linear", level: 100, kappa: 2000, top: 420},
	)
	m := fit(t, h)
	p := m.NewPlan(total(m))
	p.MaxShare = 0.9
	a, err := m.Recommend(p)
	if err != nil {
		t.Fatal(err)
	}
	sat, lin := byName(a, "saturated"), byName(a, "linear")
	if !(sat.Spend < sat.Current && lin.Spend > lin.Current) {
		t.Errorf("saturated %.0f (current %.0f), linear %.0f (current %.0f): want the saturated channel cut and the linear one raised",
			sat.Spend, sat.Current, lin.Spend, lin.Current)
	}
	fits := m.Channels()
	if fits[0].HalfSaturation >= fits[1].HalfSaturation {
		t.Errorf("half-saturation: saturated %.0f, linear %.0f; want the saturated one lower", fits[0].HalfSaturation, fits[1].HalfSaturation)
	}
}

// Carry-over is recovered: a channel whose effect lingers (half-life 6.6
// days) is told apart from one whose effect is over the same day.
func TestCarryoverRecovered(t *testing.T) {
	h := handBuilt(3, 240, 28, 2,
		truthChannel{name: "lingers", level: 100, theta: 0.9, kappa: 300, top: 60},
		truthChannel{name: "instant", level: 100, theta: 0, kappa: 300, top: 60},
	)
	m := fit(t, h)
	fits := m.Channels()
	if hl := fits[0].HalfLife; hl < 3 || hl > 15 {
		t.Errorf("lingers: half-life %.1f days, want about 6.6", hl)
	}
	if hl := fits[1].HalfLife; hl > 1.5 {
		t.Errorf("instant: half-life %.1f days, want about 0", hl)
	}
	// What each adds per day at its mean spend is recovered within the
	// interval: the truth is top·s/(s+κ) with s = 100 at the mean level.
	for _, f := range fits {
		want := 60 * f.Spend / (f.Spend + 300)
		if want < f.Conversions.Low*0.8 || want > f.Conversions.High*1.2 {
			t.Errorf("%s: adds %.1f a day [%.1f, %.1f], true %.1f", f.Name, f.Conversions.Mean, f.Conversions.Low, f.Conversions.High, want)
		}
	}
}

func TestRecommendBounds(t *testing.T) {
	h := handBuilt(4, 120, 21, 3,
		truthChannel{name: "a", level: 100, kappa: 1000, top: 200},
		truthChannel{name: "b", level: 50, kappa: 200, top: 30},
		truthChannel{name: "c", level: 80, kappa: 200, top: 30},
		truthChannel{name: "d", level: 20, kappa: 100, top: 10},
	)
	m := fit(t, h)
	tot := total(m)
	p := m.NewPlan(tot)
	p.Bounds = map[string]Bound{"b": {Min: 0.3 * tot, Max: 0.35 * tot}, "d": {Off: true}}
	a, err := m.Recommend(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, c := range a.Channels {
		sum += c.Spend
		if c.Spend < c.Min-1e-6 || c.Spend > c.Max+1e-6 {
			t.Errorf("%s: spend %.2f outside [%.2f, %.2f]", c.Name, c.Spend, c.Min, c.Max)
		}
	}
	if math.Abs(sum-tot) > 1e-6*tot {
		t.Errorf("spends add up to %.2f, want the total %.2f", sum, tot)
	}
	// "a" is nearly linear and the best: only the share cap holds it back.
	if got := byName(a, "a"); got.Limit != "max" || math.Abs(got.Spend-p.MaxShare*tot) > 1e-6*tot {
		t.Errorf("a: spend %.0f, limit %q; want the cap %.0f", got.Spend, got.Limit, p.MaxShare*tot)
	}
	if got := byName(a, "b").Spend; got < 0.3*tot-1e-6 || got > 0.35*tot+1e-6 {
		t.Errorf("b: spend %.0f, want within its own bounds", got)
	}
	if got := byName(a, "d").Spend; got != 0 {
		t.Errorf("d is off: spend %.2f, want 0", got)
	}
	// The same split typed in as a what-if gives the same outcome.
	split := map[string]float64{}
	for _, c := range a.Channels {
		split[c.Name] = c.Spend
	}
	w, err := m.Evaluate(p, split)
	if err != nil {
		t.Fatal(err)
	}
	if w.Proposed.Conversions != a.Proposed.Conversions || w.Change.Conversions != a.Change.Conversions {
		t.Errorf("what-if of the recommendation: %+v, want %+v", w.Change.Conversions, a.Change.Conversions)
	}
	// Evaluating the current split changes nothing.
	cur := map[string]float64{}
	for _, c := range a.Channels {
		cur[c.Name] = c.Current
	}
	w, err = m.Evaluate(m.NewPlan(tot), cur)
	if err != nil {
		t.Fatal(err)
	}
	if c := w.Change.Conversions; c.Mean != 0 || c.Low != 0 || c.High != 0 {
		t.Errorf("what-if of the current split: change %+v, want zero", c)
	}
}

// A channel that never spent cannot be judged: it keeps its minimum.
func TestNeverRanChannel(t *testing.T) {
	h := handBuilt(5, 60, 14, 2, truthChannel{name: "a", level: 100, kappa: 300, top: 40})
	h.Channels = append(h.Channels, Channel{Name: "new", Spend: make([]float64, 60)})
	m := fit(t, h)
	f := m.Channels()[1]
	if f.Measured || f.Conversions.Mean != 0 {
		t.Errorf("new: measured %v, adds %.2f; want unmeasured and nothing", f.Measured, f.Conversions.Mean)
	}
	p := m.NewPlan(total(m))
	p.MaxShare = 1
	a, err := m.Recommend(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := byName(a, "new"); got.Spend != 0 || got.Measured {
		t.Errorf("new: spend %.2f, want 0", got.Spend)
	}
	p.Bounds = map[string]Bound{"new": {Min: 500}}
	if a, err = m.Recommend(p); err != nil {
		t.Fatal(err)
	} else if got := byName(a, "new").Spend; got != 500 {
		t.Errorf("new with a minimum of 500: spend %.2f, want 500", got)
	}
}

// The same history always gives the same advice, to the last digit.
func TestDeterministic(t *testing.T) {
	h := handBuilt(6, 90, 14, 3,
		truthChannel{name: "a", level: 100, theta: 0.5, kappa: 300, top: 40},
		truthChannel{name: "b", level: 60, kappa: 100, top: 20},
	)
	var advice [2]*Advice
	for i := range advice {
		m := fit(t, h)
		a, err := m.Recommend(m.NewPlan(total(m)))
		if err != nil {
			t.Fatal(err)
		}
		advice[i] = a
	}
	if !reflect.DeepEqual(advice[0], advice[1]) {
		t.Error("two fits of one history gave different advice")
	}
}

func TestFitRefusesBadHistory(t *testing.T) {
	good := func() History {
		return handBuilt(7, 30, 7, 1, truthChannel{name: "a", level: 10, kappa: 10, top: 5})
	}
	tests := []struct {
		name  string
		edit  func(h *History)
		field string
	}{
		{"no channels", func(h *History) { h.Channels = nil }, "channels:"},
		{"too short", func(h *History) {
			h.Conversions = h.Conversions[:20]
			h.Revenue = h.Revenue[:20]
			h.Channels[0].Spend = h.Channels[0].Spend[:20]
		}, "conversions: 20 days"},
		{"spend of other length", func(h *History) { h.Channels[0].Spend = h.Channels[0].Spend[:29] }, "channels[0].spend: 29 days"},
		{"negative spend", func(h *History) { h.Channels[0].Spend[3] = -1 }, "channels[0].spend[3]"},
		{"NaN spend", func(h *History) { h.Channels[0].Spend[4] = math.NaN() }, "channels[0].spend[4]"},
		{"infinite conversions", func(h *History) { h.Conversions[5] = math.Inf(1) }, "conversions[5]"},
		{"huge spend", func(h *History) { h.Channels[0].Spend[6] = 1e300 }, "channels[0].spend[6]"},
		{"revenue of other length", func(h *History) { h.Revenue = h.Revenue[:10] }, "revenue: 10 days"},
		{"NaN revenue", func(h *History) { h.Revenue[2] = math.NaN() }, "revenue[2]"},
		{"no name", func(h *History) { h.Channels[0].Name = "" }, "channels[0].name"},
		{"name twice", func(h *History) { h.Channels = append(h.Channels, h.Channels[0]) }, "channels[1].name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good()
			tt.edit(&h)
			_, err := Fit(h)
			if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("Fit: %v, want an input error naming %q", err, tt.field)
			}
		})
	}
}

func TestPlanRefusesBadFields(t *testing.T) {
	h := handBuilt(8, 60, 14, 2,
		truthChannel{name: "a", level: 100, kappa: 300, top: 40},
		truthChannel{name: "b", level: 100, kappa: 300, top: 40},
		truthChannel{name: "c", level: 100, kappa: 300, top: 40},
	)
	h.Revenue = nil
	m := fit(t, h)
	tot := total(m)
	tests := []struct {
		name  string
		edit  func(p *Plan)
		field string
	}{
		{"zero total", func(p *Plan) { p.Total = 0 }, "total: 0"},
		{"negative total", func(p *Plan) { p.Total = -5 }, "total: -5"},
		{"no days", func(p *Plan) { p.Days = 0 }, "days: 0"},
		{"share cap zero", func(p *Plan) { p.MaxShare = 0 }, "max_share"},
		{"floor above one", func(p *Plan) { p.FloorShare = 1.5 }, "floor_share"},
		{"negative stretch", func(p *Plan) { p.Stretch = -1 }, "stretch"},
		{"unknown objective", func(p *Plan) { p.Objective = "clicks" }, "objective"},
		{"revenue without revenue", func(p *Plan) { p.Objective = Revenue }, "objective: revenue"},
		{"unknown current", func(p *Plan) { p.Current = map[string]float64{"zz": 1} }, `current["zz"]`},
		{"negative current", func(p *Plan) { p.Current = map[string]float64{"a": -1} }, `current["a"]`},
		{"unknown bound", func(p *Plan) { p.Bounds = map[string]Bound{"zz": {}} }, `bounds["zz"]`},
		{"min above max", func(p *Plan) { p.Bounds = map[string]Bound{"a": {Min: 5, Max: 4}} }, `bounds["a"]: min 5 is above max 4`},
		{"minimums above total", func(p *Plan) { p.Bounds = map[string]Bound{"a": {Min: 2 * tot}} }, "below the channels' minimums"},
		{"maximums below total", func(p *Plan) { p.MaxShare = 0.2 }, "more than the channels can take"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := m.NewPlan(tot)
			tt.edit(&p)
			_, err := m.Recommend(p)
			if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("Recommend: %v, want an input error naming %q", err, tt.field)
			}
		})
	}
	for _, tt := range []struct {
		split map[string]float64
		field string
	}{
		{map[string]float64{"zz": 1}, `split["zz"]`},
		{map[string]float64{"a": math.NaN()}, `split["a"]`},
		{map[string]float64{"a": -3}, `split["a"]`},
	} {
		if _, err := m.Evaluate(m.NewPlan(tot), tt.split); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("Evaluate(%v): %v, want an input error naming %q", tt.split, err, tt.field)
		}
	}
}

// The curves a chart draws start at zero, rise, and carry intervals that
// hold their mean.
func TestCurves(t *testing.T) {
	h := handBuilt(9, 90, 14, 2, truthChannel{name: "a", level: 100, theta: 0.3, kappa: 150, top: 50})
	m := fit(t, h)
	f := m.Channels()[0]
	if len(f.Curve) != CurvePoints || f.Curve[0].Spend != 0 || f.Curve[0].Conversions.Mean != 0 {
		t.Fatalf("curve: %d points starting at %+v, want %d from zero", len(f.Curve), f.Curve[0], CurvePoints)
	}
	for i, pt := range f.Curve[1:] {
		prev := f.Curve[i]
		if pt.Conversions.Mean < prev.Conversions.Mean || pt.Spend <= prev.Spend {
			t.Errorf("point %d: %+v after %+v, want rising", i+1, pt, prev)
		}
		if !(pt.Conversions.Low <= pt.Conversions.Mean && pt.Conversions.Mean <= pt.Conversions.High) {
			t.Errorf("point %d: mean %.2f outside [%.2f, %.2f]", i+1, pt.Conversions.Mean, pt.Conversions.Low, pt.Conversions.High)
		}
		if pt.Revenue == nil {
			t.Fatalf("point %d: no revenue, but the history has revenue", i+1)
		}
	}
	if last := f.Curve[CurvePoints-1].Spend; last < 2*f.Spend {
		t.Errorf("curve ends at %.0f a day, want at least twice the mean spend %.0f", last, f.Spend)
	}
}
