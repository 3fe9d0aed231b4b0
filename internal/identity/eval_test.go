package identity_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/identity"
	"ripple/internal/sim"
	"ripple/internal/store"
)

// The demo population: what `ripple demo` simulates by default (about
// 300,000 events over 90 days of a product business).
func demoConfig(seed uint64) sim.Config {
	return sim.Config{Seed: seed, People: sim.PeopleFor(300000, 90), Days: 90, SkipIncrementality: true}
}

// Seeds: the rules and limits were decided on devSeed; testSeed, the demo's
// own seed, was measured once per design.
const devSeed, testSeed = 2, 1

// pairs counts pairs of messages: those in one resolved profile, those of
// one true person, and those both.
type pairs struct {
	resolved, true_, both float64
	messages, profiles    int
	people, unresolved    int
}

func (p pairs) precision() float64 { return p.both / p.resolved }
func (p pairs) recall() float64    { return p.both / p.true_ }

func (p pairs) String() string {
	return fmt.Sprintf("precision %.4f recall %.4f (%d messages, %d unresolved; %d profiles for %d people)",
		p.precision(), p.recall(), p.messages, p.unresolved, p.profiles, p.people)
}

// count scores a clustering of messages (profile per message, 0 for none,
// which pairs with nothing) against their true people.
func count(profileOf map[string]int64, tr *sim.Truth) pairs {
	type cell struct {
		profile int64
		person  int
	}
	cells, profiles, people := map[cell]int{}, map[int64]int{}, map[int]int{}
	var out pairs
	for id, p := range profileOf {
		person, ok := tr.PersonOf(id)
		if !ok {
			panic("no truth for message " + id)
		}
		out.messages++
		people[person]++
		if p == 0 {
			out.unresolved++
			continue
		}
		cells[cell{p, person}]++
		profiles[p]++
	}
	c2 := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	for _, n := range cells {
		out.both += c2(n)
	}
	for _, n := range profiles {
		out.resolved += c2(n)
	}
	for _, n := range people {
		out.true_ += c2(n)
	}
	out.profiles, out.people = len(profiles), len(people)
	return out
}

// baselines are two other clusterings of the same messages: by
// coalesce(user_id, anonymous_id), what Ripple counted as a person before
// identity resolution, and by joining every message that shares any
// identifier, placeholders left out but no limit applied: the most any
// resolver of these identifiers can join, and what joining it all costs.
type baselines struct {
	coalesce, joined map[string]int64
}

// resolveDemo simulates the demo population of seed, resolves it batch by
// batch as the pipeline will (identity, then the events), stores both in a
// fresh store and reads every event's current profile back from it.
func resolveDemo(t testing.TB, seed uint64, rules identity.Rules) (map[string]int64, *sim.Truth, identity.Stats, baselines) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ws := createWorkspace(t, st, "Eval")
	r, err := identity.New(st, rules, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	var total identity.Stats
	buf := make([]event.Message, 0, 4096)
	flush := func() error {
		s, err := r.Resolve(ctx, buf)
		if err != nil {
			return err
		}
		total.Add(s)
		if _, err := st.AppendEvents(ctx, buf); err != nil {
			return err
		}
		buf = buf[:0]
		return nil
	}
	base := baselines{coalesce: map[string]int64{}}
	person := map[string]int64{}
	parent := map[string]string{}
	find := func(x string) string {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	idsOf := map[string][]string{}
	tr, err := sim.Run(ctx, demoConfig(seed), func(m *event.Message) error {
		c := *m
		if err := event.Enrich(&c, -1); err != nil {
			return err
		}
		key := c.PersonKey()
		if person[key] == 0 {
			person[key] = int64(len(person) + 1)
		}
		base.coalesce[c.MessageID] = person[key]
		var ids []string
		for _, id := range identity.Identifiers(&c) {
			k := id.String()
			if _, ok := parent[k]; !ok {
				parent[k] = k
			}
			if len(ids) > 0 {
				parent[find(k)] = find(ids[0])
			}
			ids = append(ids, k)
		}
		idsOf[c.MessageID] = ids
		c.Workspace, c.ReceivedAt = ws.ID, c.Timestamp
		buf = append(buf, c)
		if len(buf) == cap(buf) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	profileOf := map[string]int64{}
	if err := st.EventProfiles(ctx, ws.ID, func(id string, p int64) error {
		profileOf[id] = p
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if int64(len(profileOf)) != tr.Counts.Events {
		t.Fatalf("%d events stored, the simulator made %d", len(profileOf), tr.Counts.Events)
	}
	base.joined = map[string]int64{}
	roots := map[string]int64{}
	for id, ids := range idsOf {
		if len(ids) == 0 {
			base.joined[id] = 0
			continue
		}
		r := find(ids[0])
		if roots[r] == 0 {
			roots[r] = int64(len(roots) + 1)
		}
		base.joined[id] = roots[r]
	}
	return profileOf, tr, total, base
}

// TestAccuracy measures pairwise precision and recall of the resolved
// profiles against the simulator's true person of every message, on the
// demo population: of the pairs of messages put in one profile, the share
// that are one person's; of the pairs of one person's messages, the share
// put in one profile. The rules and limits were decided on the development
// seed; the test seed is the demo's own. The bars are the issue's, on the
// test seed: 0.99 and 0.97. Even those figures are optimistic: the
// simulator's identity layer and the resolver were written together.
func TestAccuracy(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("simulates and resolves 600,000 events (test.sh runs it without the race detector)")
	}
	for _, c := range []struct {
		name string
		seed uint64
	}{{"dev", devSeed}, {"test", testSeed}} {
		profileOf, tr, stats, base := resolveDemo(t, c.seed, identity.DefaultRules())
		got := count(profileOf, tr)
		t.Logf("%s seed %d: resolved: %v; %+v", c.name, c.seed, got, stats)
		t.Logf("%s seed %d: coalesce(user_id, anonymous_id): %v", c.name, c.seed, count(base.coalesce, tr))
		t.Logf("%s seed %d: every shared identifier joined, no limits: %v", c.name, c.seed, count(base.joined, tr))
		if c.name == "test" && (got.precision() < 0.99 || got.recall() < 0.97) {
			t.Errorf("test seed: precision %.4f, recall %.4f: want at least 0.99 and 0.97", got.precision(), got.recall())
		}
	}
}
