package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"ripple/internal/access"
	"ripple/internal/event"
	"ripple/internal/sim"
	"ripple/internal/store"
)

func cmdDemo(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "demo", `demo [--data DIR] [--addr HOST:PORT] [--events N] [--seed N] [--business product|service]

On first run, creates DIR with a workspace, a write key, an owner user and a
simulated business (its ground truth in DIR/truth/), then serves it. On later
runs it serves DIR as it is.`)
	cfg := serverSettings(fs)
	events := fs.Int("events", 300000, "about how many events to simulate")
	days := fs.Int("days", 90, "days of history to simulate, ending today")
	seed := fs.Uint64("seed", 1, "simulation seed: the same seed gives the same business")
	business := fs.String("business", "product", "what the business sells: product or service")
	if err := fs.parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg.Data)
	if err != nil {
		return err
	}
	defer st.Close()
	existing, err := st.Workspaces(ctx)
	if err != nil {
		return err
	}
	var intro string
	if len(existing) > 0 {
		intro = fmt.Sprintf("Serving the existing data in %s (%d workspaces). Sign in with the login printed when it was created;\n'ripple user create' adds another user.\n", cfg.Data, len(existing))
	} else {
		intro, err = seedDemo(ctx, s, st, demoConfig{events: *events, days: *days, seed: *seed, business: *business})
		if err != nil {
			return err
		}
	}
	return serve(ctx, st, *cfg, newLogger(s, cfg.LogLevel), func(bound string) {
		fmt.Fprintf(s.out, "\n%s\nOpen http://%s and sign in. Press Ctrl-C to stop.\n", intro, bound)
	})
}

type demoConfig struct {
	events, days int
	seed         uint64
	business     string
}

// seedDemo fills an empty store with one simulated business and returns what
// to tell the user: where to sign in, with what, and the write key.
func seedDemo(ctx context.Context, s stdio, st *store.Store, cfg demoConfig) (string, error) {
	name := "Demo Shop"
	if cfg.business == "service" {
		name = "Demo Studio"
	}
	_, settings := domain(st)
	ws, err := settings.Create(ctx, name, cfg.business)
	if err != nil {
		return "", err
	}
	op := access.Operator(ws.ID)
	_, key, err := settings.CreateKey(ctx, op, "demo")
	if err != nil {
		return "", err
	}
	const email = "owner@ripple.demo"
	_, password, err := settings.Add(ctx, op, email, "Demo Owner", string(access.Owner))
	if err != nil {
		return "", err
	}

	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -cfg.days)
	fmt.Fprintf(s.err, "simulating about %d events of %s over %d days...\n", cfg.events, name, cfg.days)
	began := time.Now()
	truth, n, err := loadSimulation(ctx, st, ws.ID, sim.Config{
		Seed: cfg.seed, People: sim.PeopleFor(cfg.events, cfg.days), Days: cfg.days, Start: start, Business: cfg.business,
	}, cfg.events)
	if err != nil {
		return "", err
	}
	if err := st.Checkpoint(ctx); err != nil {
		return "", err
	}
	truthDir := filepath.Join(st.Dir(), "truth")
	if err := truth.WriteDir(truthDir); err != nil {
		return "", err
	}
	fmt.Fprintf(s.err, "stored %d events in %s; ground truth in %s\n", n, time.Since(began).Round(time.Millisecond), truthDir)
	return fmt.Sprintf("Workspace %q (%s) is ready.\n  sign in:   %s\n  password:  %s   (shown once; stored only as a hash)\n  write key: %s   (shown once; send events to /v1/batch with it)",
		name, ws.ID, email, password, key), nil
}

// loadSimulation runs the simulator into the store as a bulk load, through
// the same enrichment as collected events, and stores its daily spend.
func loadSimulation(ctx context.Context, st *store.Store, workspace string, cfg sim.Config, events int) (*sim.Truth, int, error) {
	bulk, err := st.BeginBulk(ctx)
	if err != nil {
		return nil, 0, err
	}
	bulk.Reserve(events)
	const chunk = 8192
	buf := make([]event.Message, 0, chunk)
	stored := 0
	flush := func() error {
		n, err := bulk.AppendEvents(ctx, buf)
		stored += n
		buf = make([]event.Message, 0, chunk) // the load appends buf after it returns
		return err
	}
	truth, err := sim.Run(ctx, cfg, func(m *event.Message) error {
		c := *m
		if err := event.Enrich(&c, -1); err != nil {
			return fmt.Errorf("simulated message %s: %w", c.MessageID, err)
		}
		c.Workspace = workspace
		c.ReceivedAt = c.Timestamp
		buf = append(buf, c)
		if len(buf) == chunk {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		bulk.Abort()
		return nil, 0, err
	}
	if err := bulk.Close(); err != nil {
		return nil, 0, err
	}
	spend := make([]store.Spend, len(truth.Spend))
	for i, sp := range truth.Spend {
		spend[i] = store.Spend{Day: cfg.Start.AddDate(0, 0, sp.Day), Channel: sp.Channel, Amount: sp.Amount}
	}
	return truth, stored, st.AppendSpend(ctx, workspace, spend)
}
