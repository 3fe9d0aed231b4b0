package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"ripple/internal/event"
)

// Added is an identifier a message brought to the graph for the first time.
type Added struct {
	Key uint64
	Identifier
	Profile   int64 // the profile it joined
	MessageID string
	Time      time.Time
}

// Merge is one entry of the merge log: message MessageID joined profile
// From into profile Into through its identifier Via (a key), at Time.
type Merge struct {
	From, Into int64
	MessageID  string
	Via        uint64
	Time       time.Time
}

// Override says where a merged-away profile lives now: always a live
// profile, so one lookup finds an event's current profile.
type Override struct {
	Profile, Into int64
}

// Changes is what one batch changed in one workspace's graph. Overrides
// list the profiles merged away in the batch with where they live at its
// end. Moved lists those of them that had absorbed profiles before: the
// overrides stored into each must move to the same place, so that every
// override stays one step long. (Most merged-away profiles are a device's
// anonymous profile, which never absorbed any: Moved is usually empty.)
type Changes struct {
	Workspace string
	Added     []Added
	Merges    []Merge
	Overrides []Override
	Moved     []Override
}

func (c *Changes) empty() bool { return len(c.Added) == 0 && len(c.Merges) == 0 }

// Store keeps the identity graph. SaveIdentity must store all the changes
// given, or none.
type Store interface {
	// LoadIdentity calls link for each stored identifier of the workspace
	// (its key and the profile it joined) and override for each override.
	LoadIdentity(ctx context.Context, workspace string, link func(key uint64, profile int64), override func(Override)) error
	SaveIdentity(ctx context.Context, changes []Changes) error
}

// Stats count what resolving a batch did.
type Stats struct {
	Created    int // new profiles
	Merged     int // profiles merged into another
	Refused    int // identifiers that matched a profile the limits kept apart from the message's own
	Dropped    int // new identifiers not added because a profile was at its limit
	Blocked    int // placeholder values ignored ("null", "guest", zeros...)
	Unresolved int // messages with no usable identifier, left without a profile
}

func (s Stats) minus(o Stats) Stats {
	return Stats{s.Created - o.Created, s.Merged - o.Merged, s.Refused - o.Refused, s.Dropped - o.Dropped, s.Blocked - o.Blocked, s.Unresolved - o.Unresolved}
}

// Add adds o's counts to s.
func (s *Stats) Add(o Stats) {
	s.Created += o.Created
	s.Merged += o.Merged
	s.Refused += o.Refused
	s.Dropped += o.Dropped
	s.Blocked += o.Blocked
	s.Unresolved += o.Unresolved
}

// Resolver resolves every workspace's messages into profiles, batch after
// batch, as the ingest pipeline hands them over. It keeps each workspace's
// graph in memory, loaded from the store on the workspace's first batch,
// and stores what batches changed before their events may be stored: Resolve
// stores one batch's changes before it returns; a Pending groups several
// batches into one transaction. It is safe for concurrent use: batches of
// one workspace are resolved one after another, in the order they come.
type Resolver struct {
	store Store
	rules Rules
	now   func() time.Time

	mu     sync.Mutex
	graphs map[string]*entry
}

// entry is a workspace's graph behind its lock; a graph whose changes could
// not be stored is discarded (gone), and the next batch loads it afresh.
type entry struct {
	mu   sync.Mutex
	g    *graph
	gone bool
}

// New returns a resolver over st with the given rules; now stamps changes
// made by messages that carry no time.
func New(st Store, rules Rules, now func() time.Time) (*Resolver, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	rules.Priority = append([]Kind(nil), rules.Priority...)
	rules.Blocked = append([]string(nil), rules.Blocked...)
	return &Resolver{store: st, rules: rules, now: now, graphs: map[string]*entry{}}, nil
}

// Resolve sets each message's Profile to the profile it belongs to, in
// order (0 for a message without a usable identifier), and stores the
// changes to the graph before it returns, so the messages' events may be
// stored once it has. After an error nothing of the batch is kept, in
// memory or stored, and the messages' Profile must not be used.
func (r *Resolver) Resolve(ctx context.Context, msgs []event.Message) (Stats, error) {
	p := r.Begin()
	s, err := p.Resolve(ctx, msgs)
	if err != nil {
		return Stats{}, err
	}
	return s, p.Commit(ctx)
}

// Pending is a group of batches resolved into the graph whose changes are
// stored together, in one transaction, by Commit: an import can store its
// identity a few hundred thousand messages at a time, as it stores its
// events, instead of a chunk at a time. (Measured on 3M identifiers: a
// large transaction writes compressed row groups straight to the file,
// about 10% less work in all than many small commits and the checkpoint
// they leave.) Until Commit returns, the events of its messages must not be
// stored: they name profiles the store does not have yet. A Pending holds
// the graphs of the workspaces its batches touched, so other batches of
// those workspaces wait for it; give a long-lived Pending one workspace's
// messages (a batch of several workspaces locks them in name order).
// A Pending is not safe for concurrent use.
type Pending struct {
	r     *Resolver
	held  map[string]*pendingGraph
	order []string
	done  bool
}

type pendingGraph struct {
	e *entry
	b batch
}

// errDone means a Pending was used after Commit or Abort, or after an error
// ended it.
var errDone = errors.New("identity: the pending changes were already committed or abandoned")

// Begin starts a group of batches whose changes Commit stores together.
func (r *Resolver) Begin() *Pending {
	return &Pending{r: r, held: map[string]*pendingGraph{}}
}

// Resolve resolves a batch into the graph, setting each message's Profile,
// and keeps its changes for Commit. The messages may be reused once it
// returns. After an error the whole Pending is abandoned.
func (p *Pending) Resolve(ctx context.Context, msgs []event.Message) (Stats, error) {
	if p.done {
		return Stats{}, errDone
	}
	var fresh []string
	for i := range msgs {
		ws := msgs[i].Workspace
		if _, ok := p.held[ws]; !ok && !slices.Contains(fresh, ws) {
			fresh = append(fresh, ws)
		}
	}
	slices.Sort(fresh) // one order for everyone who locks several
	for _, ws := range fresh {
		e, err := p.r.lock(ctx, ws)
		if err != nil {
			p.Abort()
			return Stats{}, err
		}
		p.held[ws] = &pendingGraph{e: e}
		p.order = append(p.order, ws)
	}
	var total Stats
	for i := range msgs {
		m := &msgs[i]
		pg := p.held[m.Workspace]
		at := m.Timestamp
		if at.IsZero() {
			at = p.r.now()
		}
		before := pg.b.stats
		prof, err := pg.e.g.resolve(m, at, &pg.b)
		if err != nil {
			p.Abort()
			return Stats{}, err
		}
		m.Profile = prof
		total.Add(pg.b.stats.minus(before))
	}
	return total, nil
}

// Commit stores every change of the Pending's batches in one transaction
// and lets other batches of its workspaces go on. After an error nothing of
// them is kept, in memory or stored.
func (p *Pending) Commit(ctx context.Context) error {
	if p.done {
		return errDone
	}
	var changes []Changes
	for _, ws := range p.order {
		pg := p.held[ws]
		c := Changes{Workspace: ws, Added: pg.b.added, Merges: pg.b.merges}
		for _, mg := range pg.b.merges {
			o := Override{Profile: mg.From, Into: int64(pg.e.g.find(uint32(mg.From)))}
			c.Overrides = append(c.Overrides, o)
			if pg.e.g.profiles[mg.From].absorbed {
				c.Moved = append(c.Moved, o)
			}
		}
		if !c.empty() {
			changes = append(changes, c)
		}
	}
	if len(changes) > 0 {
		if err := p.r.store.SaveIdentity(ctx, changes); err != nil {
			p.Abort()
			return fmt.Errorf("identity: store changes: %w", err)
		}
	}
	p.release(false)
	return nil
}

// Abort abandons the Pending's batches: the graphs they changed are dropped,
// to be loaded again from the store by the next batch.
func (p *Pending) Abort() {
	if !p.done {
		p.release(true)
	}
}

func (p *Pending) release(discard bool) {
	p.done = true
	if discard {
		p.r.mu.Lock()
		for ws, pg := range p.held {
			pg.e.gone = true
			if p.r.graphs[ws] == pg.e {
				delete(p.r.graphs, ws)
			}
		}
		p.r.mu.Unlock()
	}
	for _, pg := range p.held {
		pg.e.mu.Unlock()
	}
	p.held = nil
}

// lock returns ws's entry locked, loading its graph on first use.
func (r *Resolver) lock(ctx context.Context, ws string) (*entry, error) {
	for {
		r.mu.Lock()
		e := r.graphs[ws]
		if e == nil {
			e = &entry{}
			r.graphs[ws] = e
		}
		r.mu.Unlock()
		e.mu.Lock()
		if e.gone {
			e.mu.Unlock()
			continue
		}
		if e.g == nil {
			g, err := load(ctx, r.store, ws, &r.rules)
			if err != nil {
				e.mu.Unlock()
				return nil, err
			}
			e.g = g
		}
		return e, nil
	}
}

// load builds ws's graph from the store.
func load(ctx context.Context, st Store, ws string, rules *Rules) (*graph, error) {
	g := newGraph(ws, rules)
	var bad error
	valid := func(p int64) bool {
		if p < 1 || p >= 1<<32-1 {
			bad = fmt.Errorf("profile id %d is out of range", p)
			return false
		}
		return true
	}
	err := st.LoadIdentity(ctx, ws,
		func(key uint64, profile int64) {
			if k := KindOf(key); k == 0 || int(k) >= numKinds {
				bad = fmt.Errorf("identifier key %#x names no kind", key)
				return
			}
			if !valid(profile) {
				return
			}
			p := uint32(profile)
			g.ensure(p)
			g.link(key, p)
			if k := KindOf(key); g.profiles[p].counts[k] < 255 {
				g.profiles[p].counts[k]++
			}
		},
		func(o Override) {
			if !valid(o.Profile) || !valid(o.Into) || o.Profile == o.Into {
				return
			}
			g.ensure(uint32(max(o.Profile, o.Into)))
			g.profiles[o.Profile].parent = uint32(o.Into)
			g.profiles[o.Into].absorbed = true
		})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, fmt.Errorf("identity: load %s: %w", ws, err)
	}
	// Counts were made per profile an identifier first joined; a live
	// profile holds its merged-away profiles' identifiers too.
	for p := uint32(1); p < uint32(len(g.profiles)); p++ {
		if r := g.find(p); r != p {
			for k, n := range g.profiles[p].counts {
				g.profiles[r].counts[k] = uint8(min(255, int(g.profiles[r].counts[k])+int(n)))
			}
			g.profiles[p].counts = [numKinds]uint8{}
		}
	}
	return g, nil
}
