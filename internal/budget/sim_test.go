package budget

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"ripple/internal/event"
	"ripple/internal/sim"
)

// The re-simulation check drives the simulator through its channel list
// alone. A business varies its budgets over time (without that no model
// can tell a channel from the baseline), so every paid channel runs as
// flights, each a channel of the simulator named "key#f" with its own
// reach; the fit sees their spend added up per channel. Every world of the
// check, history and re-simulations alike, has the same flights, so a
// split is compared with another on the same business.
//
// The simulated business starts from nobody knowing it, and its first
// weeks are a ramp no real history has: the history the model sees is the
// 90 days after a warm-up of 60, and a re-simulation holds its split from
// day 0 and is measured on the same 90 days, the steady state the model's
// curves describe.
const (
	flights   = 5
	simPeople = 20000
	simDays   = 90
	warmUp    = 60
)

// levels are the history's budget multipliers: each paid channel runs
// every level once, in an order drawn from the seed, so that over its
// flights (of different lengths) it spends about the simulator's default.
var levels = []float64{0.2, 0.6, 1, 1.4, 1.8}

type simBusiness struct {
	seed     uint64
	business string
	base     []sim.ChannelSpec // the simulator's default channels
	paid     []int             // indexes into base of the channels with a cost
	// cuts are the days of the window each paid channel's flights start:
	// drawn per channel, so that channels do not all change on the same
	// days (no model could tell them apart if they did).
	cuts [][]int
}

func newSimBusiness(seed uint64, business string) *simBusiness {
	b := &simBusiness{seed: seed, business: business, base: sim.DefaultChannels(business, warmUp+simDays)}
	rng := rand.New(rand.NewPCG(seed, 0x6375747321))
	for i, c := range b.base {
		if c.CPM == 0 {
			continue
		}
		b.paid = append(b.paid, i)
		// Four cuts at least a week apart and from either end.
		for {
			cut := make([]int, flights-1)
			for k := range cut {
				cut[k] = 7 + rng.IntN(simDays-14)
			}
			slices.Sort(cut)
			ok := true
			for k := 1; k < len(cut); k++ {
				ok = ok && cut[k]-cut[k-1] >= 7
			}
			if ok {
				b.cuts = append(b.cuts, cut)
				break
			}
		}
	}
	return b
}

// channels is the simulator's channel list with paid channel j at
// reach[j][f] in flight f. The first flight also runs through the warm-up,
// and every channel runs on every day.
func (b *simBusiness) channels(reach [][]float64) []sim.ChannelSpec {
	var out []sim.ChannelSpec
	j := 0
	for _, c := range b.base {
		c.From, c.To = 0, 0
		if c.CPM == 0 {
			out = append(out, c)
			continue
		}
		for f := range flights {
			fc := c
			fc.Key = c.Key + "#" + strconv.Itoa(f)
			fc.From, fc.To = 0, warmUp+simDays
			if f > 0 {
				fc.From = warmUp + b.cuts[j][f-1]
			}
			if f < flights-1 {
				fc.To = warmUp + b.cuts[j][f]
			}
			fc.Reach = reach[j][f]
			out = append(out, fc)
		}
		j++
	}
	return out
}

// historyReach is the business's past: every paid channel through the
// levels in an order of its own.
func (b *simBusiness) historyReach() [][]float64 {
	rng := rand.New(rand.NewPCG(b.seed, 0x6275646765))
	out := make([][]float64, len(b.paid))
	for j, i := range b.paid {
		perm := rng.Perm(flights)
		out[j] = make([]float64, flights)
		for f := range flights {
			out[j][f] = b.base[i].Reach * levels[perm[f]]
		}
	}
	return out
}

// simOutcome is what happened in the 90 days of the window: what the
// business saw day by day, and its totals.
type simOutcome struct {
	history   History
	customers int64
	revenue   float64
	spend     []float64 // per paid channel
}

// run simulates the business and keeps what the business itself would
// have: spend per channel per day, new customers per day (each person's
// first order) and net revenue per day from the orders and refunds it
// received. The simulator's true effects are never looked at.
func (b *simBusiness) run(ctx context.Context, reach [][]float64) (*simOutcome, error) {
	cfg := sim.Config{Seed: b.seed, People: simPeople, Days: warmUp + simDays, Business: b.business,
		Channels: b.channels(reach), SkipIncrementality: true}
	h := History{Conversions: make([]float64, simDays), Revenue: make([]float64, simDays)}
	start := sim.DefaultStart.AddDate(0, 0, warmUp)
	emit := func(m *event.Message) error {
		sign := 0.0
		switch m.Event {
		case "Order Completed", "Subscription Started":
			sign = 1
		case "Order Refunded":
			sign = -1
		default:
			return nil
		}
		d := int(math.Floor(m.Timestamp.Sub(start).Hours() / 24))
		if d < 0 || d >= simDays {
			return nil
		}
		var p struct {
			Revenue float64 `json:"revenue"`
		}
		if err := json.Unmarshal(m.Properties, &p); err != nil {
			return err
		}
		h.Revenue[d] += sign * p.Revenue
		return nil
	}
	tr, err := sim.Run(ctx, cfg, emit)
	if err != nil {
		return nil, err
	}
	for _, p := range tr.People {
		if d := p.StageDays[4] - warmUp; d >= 0 && d < simDays { // the day of the first purchase
			h.Conversions[d]++
		}
	}
	for _, i := range b.paid {
		h.Channels = append(h.Channels, Channel{Name: b.base[i].Key, Spend: make([]float64, simDays)})
	}
	for _, s := range tr.Spend {
		if j := b.paidIndex(s.Channel); j >= 0 && s.Day >= warmUp {
			h.Channels[j].Spend[s.Day-warmUp] += s.Amount
		}
	}
	o := &simOutcome{history: h, spend: make([]float64, len(b.paid))}
	o.customers = int64(sum(h.Conversions))
	o.revenue = sum(h.Revenue)
	for j, c := range h.Channels {
		o.spend[j] = sum(c.Spend)
	}
	return o, nil
}

func (b *simBusiness) paidIndex(key string) int {
	key, _, _ = strings.Cut(key, "#")
	for j, i := range b.paid {
		if b.base[i].Key == key {
			return j
		}
	}
	return -1
}

// resimulate runs the business with split (money per paid channel over the
// window) held constant: each channel's reach is scaled until its spend is
// the split's, since search and email spend only on the people they can
// reach, which the other channels change. It stops when the channels'
// spend is off the split by less than 0.5% of the total, added up over
// channels (the spend of a reach varies by about 0.3% from run to run).
func (b *simBusiness) resimulate(ctx context.Context, split []float64, past *simOutcome) (*simOutcome, error) {
	reach := make([][]float64, len(b.paid))
	for j, i := range b.paid {
		r := b.base[i].Reach * split[j] / past.spend[j]
		reach[j] = []float64{r, r, r, r, r}
	}
	var out *simOutcome
	for range 6 {
		var err error
		out, err = b.run(ctx, reach)
		if err != nil {
			return nil, err
		}
		off := 0.0
		for j := range b.paid {
			off += math.Abs(out.spend[j] - split[j])
			if out.spend[j] > 0 {
				r := math.Min(1, reach[j][0]*split[j]/out.spend[j])
				reach[j] = []float64{r, r, r, r, r}
			}
		}
		if off < 0.005*sum(split) {
			break
		}
	}
	return out, nil
}

// capacity is what each paid channel would cost at a reach of one, every
// reachable person every day: a business knows its audiences and lists.
func (b *simBusiness) capacity(past *simOutcome) []float64 {
	out := make([]float64, len(b.paid))
	for j, i := range b.paid {
		out[j] = past.spend[j] / b.base[i].Reach
	}
	return out
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// equalSplit is total in equal parts, a channel that cannot take its part
// passing the rest on to the others.
func equalSplit(total float64, max []float64) []float64 {
	out := make([]float64, len(max))
	open := len(max)
	left := total
	done := make([]bool, len(max))
	for open > 0 && left > 1e-9 {
		part := left / float64(open)
		for j := range out {
			if done[j] {
				continue
			}
			give := math.Min(part, max[j]-out[j])
			out[j] += give
			left -= give
			if max[j]-out[j] <= 1e-9 {
				done[j] = true
				open--
			}
		}
	}
	return out
}
