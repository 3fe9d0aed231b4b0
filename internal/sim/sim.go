// Package sim owns the causal ecosystem simulator: a business, a population
// with a social graph, channels with a known true effect on each stage
// transition, purchases, churn and word of mouth. It emits Segment-shaped
// messages that go through the same parse and enrich path as real data, and
// records the ground truth (each channel's incremental conversions, every
// person's true stage, the referral tree, each mention's sentiment) that the
// analytic engines are measured against.
package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"ripple/internal/event"
)

// Config says what to simulate. The same Config, seed included, always gives
// byte-identical events and truth.
type Config struct {
	Seed     uint64
	People   int
	Days     int
	Start    time.Time // midnight UTC of day 0; zero means 2025-01-06
	Business string    // "product" or "service"; empty means product
	// Channels is the channel mix; nil means DefaultChannels.
	Channels []ChannelSpec
	// SkipIncrementality leaves out the re-simulations with each channel
	// switched off; the truth then has no incremental columns.
	SkipIncrementality bool
}

// DefaultStart is day 0 when Config.Start is zero.
var DefaultStart = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// EventsPerPersonDay is roughly how many events one person makes per day
// with the default channels, to size a run for a target event count.
const EventsPerPersonDay = 0.45

// PeopleFor is the population that makes about events events over days.
func PeopleFor(events, days int) int {
	if days <= 0 {
		days = 90
	}
	return max(10, int(float64(events)/(EventsPerPersonDay*float64(days))))
}

func (c *Config) normalize() error {
	if c.Days == 0 {
		c.Days = 90
	}
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	if c.Business == "" {
		c.Business = "product"
	}
	switch {
	case c.People <= 0:
		return fmt.Errorf("sim: People is %d, want at least 1", c.People)
	case c.People > 1<<30:
		return fmt.Errorf("sim: People is %d, over the limit of %d", c.People, 1<<30)
	case c.Days < 1 || c.Days > 3650:
		return fmt.Errorf("sim: Days is %d, want 1 to 3650", c.Days)
	case c.Business != "product" && c.Business != "service":
		return fmt.Errorf("sim: Business is %q, want product or service", c.Business)
	}
	if c.Channels == nil {
		c.Channels = DefaultChannels(c.Business, c.Days)
	}
	return validateChannels(c.Channels)
}

// Run simulates cfg and calls emit with every message in order: day by day,
// and within a day in time order for each person. The message is reused
// after emit returns, but its Properties, Traits and Context are not, so a
// caller may keep copies of the struct. emit may be nil for the truth alone.
// Channel, Stage and the other derived fields are left for event.Enrich.
func Run(ctx context.Context, cfg Config, emit func(*event.Message) error) (*Truth, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	g := newGraph(cfg.Seed, cfg.People)
	service := cfg.Business == "service"

	// The switched-off worlds need no events, only their outcome; they run
	// beside the factual world on the other cores.
	type outcome struct {
		customers int64
		revenue   float64
	}
	var (
		wg    sync.WaitGroup
		cfOut = make([]outcome, len(cfg.Channels))
		cfErr = make([]error, len(cfg.Channels))
	)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if !cfg.SkipIncrementality {
		jobs := make(chan int)
		workers := runtime.GOMAXPROCS(0)
		for range workers {
			wg.Go(func() {
				for c := range jobs {
					w := newWorld(cfg.Seed, cfg.Days, service, cfg.Channels, g, cfg.People, c, false)
					cfErr[c] = w.run(cctx)
					cfOut[c] = outcome{w.customers, w.gross - w.refunds}
				}
			})
		}
		go func() {
			defer close(jobs)
			for c := range cfg.Channels {
				select {
				case jobs <- c:
				case <-cctx.Done():
					return
				}
			}
		}()
	}

	w := newWorld(cfg.Seed, cfg.Days, service, cfg.Channels, g, cfg.People, -1, true)
	if emit != nil {
		w.out = newEmitter(w, emit, cfg.Start)
	}
	err := w.run(ctx)
	if err != nil {
		cancel()
	}
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	if err := errors.Join(cfErr...); err != nil {
		return nil, fmt.Errorf("sim: counterfactual run: %w", err)
	}
	t := w.truth(cfg, g)
	if !cfg.SkipIncrementality {
		for c := range t.Channels {
			t.Channels[c].IncrementalConversions = t.Counts.Customers - cfOut[c].customers
			t.Channels[c].IncrementalRevenue = round2(t.Counts.Revenue - cfOut[c].revenue)
		}
	}
	return t, nil
}
