package budget

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
)

// The re-simulation check: simulate a business, fit the model to what the
// business saw, recommend a split of the same total, then simulate the
// same business again (same seed) with the recommended split, the current
// split and an equal split held for the whole run, and compare the true
// new customers of the 90 days the history covered.
//
// The model's design and priors were chosen on the development seeds
// (RIPPLE_BUDGET_SEEDS=dev); the report seeds ran once per design kept.
var (
	devSeeds    = []uint64{1, 2, 3}
	reportSeeds = []uint64{11, 12, 13, 14, 15}
)

type resimResult struct {
	seed                           uint64
	business                       string
	advice                         *Advice
	current, equal, recommended    []float64
	curWorld, eqWorld, recWorld    *simOutcome
	predicted, predictedRev        Estimate
	trueChange, trueChangeRev      float64
	vsCurrent, vsEqual, vsEqualRev float64 // relative gains of the recommendation
}

func resimCheck(ctx context.Context, seed uint64, business string) (*resimResult, error) {
	b := newSimBusiness(seed, business)
	past, err := b.run(ctx, b.historyReach())
	if err != nil {
		return nil, err
	}
	m, err := Fit(past.history)
	if err != nil {
		return nil, err
	}
	total := sum(past.spend)
	capacity := b.capacity(past)
	plan := m.NewPlan(total)
	plan.Bounds = map[string]Bound{}
	eqMax := make([]float64, len(capacity))
	for j, c := range past.history.Channels {
		// The default caps, and no more than the channel's audience can
		// take: a business knows how many people it can reach.
		eqMax[j] = 0.95 * capacity[j]
		hi := min(plan.MaxShare*total, plan.Stretch*m.peak[j]*float64(plan.Days), eqMax[j])
		plan.Bounds[c.Name] = Bound{Min: plan.FloorShare * past.spend[j], Max: hi}
	}
	adv, err := m.Recommend(plan)
	if err != nil {
		return nil, err
	}
	r := &resimResult{seed: seed, business: business, advice: adv, current: past.spend, equal: equalSplit(total, eqMax)}
	for _, c := range adv.Channels {
		r.recommended = append(r.recommended, c.Spend)
	}
	if r.curWorld, err = b.resimulate(ctx, r.current, past); err != nil {
		return nil, err
	}
	if r.eqWorld, err = b.resimulate(ctx, r.equal, past); err != nil {
		return nil, err
	}
	if r.recWorld, err = b.resimulate(ctx, r.recommended, past); err != nil {
		return nil, err
	}
	r.predicted, r.predictedRev = adv.Change.Conversions, *adv.Change.Revenue
	r.trueChange = float64(r.recWorld.customers - r.curWorld.customers)
	r.trueChangeRev = r.recWorld.revenue - r.curWorld.revenue
	r.vsCurrent = r.trueChange / float64(r.curWorld.customers)
	r.vsEqual = float64(r.recWorld.customers-r.eqWorld.customers) / float64(r.eqWorld.customers)
	r.vsEqualRev = (r.recWorld.revenue - r.eqWorld.revenue) / r.eqWorld.revenue
	return r, nil
}

func TestResimulate(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates each business some thirty times")
	}
	if raceEnabled {
		t.Skip("minutes under the race detector: test.sh runs it without")
	}
	seeds, kind := reportSeeds, "report"
	if os.Getenv("RIPPLE_BUDGET_SEEDS") == "dev" {
		seeds, kind = devSeeds, "development"
	}
	results := runSeeds(t, seeds)
	var w strings.Builder
	fmt.Fprintf(&w, "%s seeds, %d people, %d days after a warm-up of %d; true new customers in those days\n", kind, simPeople, simDays, warmUp)
	fmt.Fprintf(&w, "%-8s %4s %8s %8s %8s %9s %9s  %-24s %7s  %9s %9s\n",
		"business", "seed", "current", "equal", "advised", "vs cur", "vs equal", "predicted change [90%]", "true", "rev vs eq", "spent")
	for _, r := range results {
		// How far each world's spend is off the total, at worst.
		tot := sum(r.current)
		off := 0.0
		for _, o := range []*simOutcome{r.curWorld, r.eqWorld, r.recWorld} {
			off = max(off, math.Abs(sum(o.spend)/tot-1))
		}
		fmt.Fprintf(&w, "%-8s %4d %8d %8d %8d %+8.1f%% %+8.1f%%  %6.0f [%6.0f, %6.0f] %7.0f  %+8.1f%% %8.2f%%\n",
			r.business, r.seed, r.curWorld.customers, r.eqWorld.customers, r.recWorld.customers,
			100*r.vsCurrent, 100*r.vsEqual, r.predicted.Mean, r.predicted.Low, r.predicted.High, r.trueChange, 100*r.vsEqualRev, 100*off)
	}
	// Where the money went, as shares of the total: current → advised.
	for _, r := range results {
		fmt.Fprintf(&w, "%s %d:", r.business, r.seed)
		tot := sum(r.current)
		for j, c := range r.advice.Channels {
			name, _, _ := strings.Cut(c.Name, "/")
			fmt.Fprintf(&w, " %s %.0f→%.0f%%", name, 100*r.current[j]/tot, 100*r.recommended[j]/tot)
		}
		fmt.Fprintln(&w)
	}
	for _, biz := range []string{"product", "service", ""} {
		var cur, eq []float64
		covered, n := 0, 0
		for _, r := range results {
			if biz != "" && r.business != biz {
				continue
			}
			cur, eq = append(cur, r.vsCurrent), append(eq, r.vsEqual)
			n++
			if r.predicted.Low <= r.trueChange && r.trueChange <= r.predicted.High {
				covered++
			}
		}
		name := biz
		if name == "" {
			name = "all"
		}
		fmt.Fprintf(&w, "%-8s vs current %s; vs equal %s; true change inside the 90%% interval %d of %d\n",
			name, spread(cur), spread(eq), covered, n)
	}
	t.Log("\n" + w.String())
	// Beating the current split is robust (by a sixth or more on every
	// seed); beating the equal split is not: in this simulator every
	// channel saturates fast, so spreading money evenly is close to the
	// best there is (splits built from the true returns beat it by 1–2%),
	// and the advice ties it. The check only holds the advice to within 3%
	// of it: further below, the model has lost its way.
	for _, r := range results {
		if r.vsCurrent <= 0 {
			t.Errorf("%s seed %d: the advised split brought %d new customers, the current one %d: want more",
				r.business, r.seed, r.recWorld.customers, r.curWorld.customers)
		}
		if r.vsEqual < -0.03 {
			t.Errorf("%s seed %d: the advised split brought %d new customers, the equal one %d: %.1f%% fewer, want at most 3%%",
				r.business, r.seed, r.recWorld.customers, r.eqWorld.customers, -100*r.vsEqual)
		}
	}
}

// spread is the mean of v in percent, with its lowest and highest.
func spread(v []float64) string {
	lo, hi, s := math.Inf(1), math.Inf(-1), 0.0
	for _, x := range v {
		lo, hi, s = min(lo, x), max(hi, x), s+x
	}
	return fmt.Sprintf("mean %+.1f%% (%+.1f%% to %+.1f%%)", 100*s/float64(len(v)), 100*lo, 100*hi)
}

// runSeeds runs the check for each seed and business, two at a time (each
// simulation runs on one core).
func runSeeds(t *testing.T, seeds []uint64) []*resimResult {
	type job struct {
		seed uint64
		biz  string
	}
	var jobs []job
	for _, biz := range []string{"product", "service"} {
		for _, s := range seeds {
			jobs = append(jobs, job{s, biz})
		}
	}
	results := make([]*resimResult, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = resimCheck(t.Context(), j.seed, j.biz)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s seed %d: %v", jobs[i].biz, jobs[i].seed, err)
		}
	}
	return results
}
