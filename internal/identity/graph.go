package identity

import (
	"errors"
	"math/bits"
	"slices"
	"strings"
	"time"

	"ripple/internal/event"
)

// graph is one workspace's identity graph in memory: every identifier's key
// with the profile it joined, and the profiles as a union-find forest (a
// merged-away profile points at the one it joined). Profile ids are the
// workspace's own, dense from 1, so profiles are slices indexed by id.
//
// A graph is not safe for concurrent use; the Resolver locks it.
type graph struct {
	ws    string
	rules *Rules
	rank  [numKinds]int
	ex    extractor

	// The identifier table: open addressing with linear probing; a key is
	// never 0 (its low bits hold the kind). A slot holds the key and its
	// profile together, so a probe costs one cache line, not two.
	slots []slot
	n     int

	profiles []profile // indexed by id; [0] is unused

	// The last key made for each kind: consecutive messages from one device
	// repeat their ids, and a key costs a SHA-256.
	memo [numKinds]struct {
		value string
		key   uint64
	}

	cands []cand // per-message scratch
}

type slot struct {
	key     uint64
	profile uint32
}

// profile is one profile's place in the forest, in one cache line's worth
// for the same reason.
type profile struct {
	parent   uint32          // itself for a live profile
	counts   [numKinds]uint8 // identifiers of each kind, on a live profile
	absorbed bool            // others were merged into it, ever
}

// cand is one identifier of the message being resolved.
type cand struct {
	Identifier
	key    uint64
	rank   int
	root   uint32 // the live profile that holds it, 0 if new
	active bool
}

// errFull means a workspace ran out of 32-bit profile ids.
var errFull = errors.New("identity: the workspace has 4 billion profiles, the most one graph holds")

func newGraph(ws string, rules *Rules) *graph {
	g := &graph{ws: ws, rules: rules, rank: rules.ranks(), profiles: make([]profile, 1), slots: make([]slot, 1024)}
	g.ex.blocked = blockedSet(rules.Blocked)
	return g
}

func (g *graph) home(key uint64) int {
	hi, _ := bits.Mul64(key, uint64(len(g.slots)))
	return int(hi)
}

// lookup is the profile key joined when it was first seen, or 0.
func (g *graph) lookup(key uint64) uint32 {
	for i := g.home(key); ; i++ {
		if i == len(g.slots) {
			i = 0
		}
		switch g.slots[i].key {
		case key:
			return g.slots[i].profile
		case 0:
			return 0
		}
	}
}

// link records that key joined profile p; a key already present keeps its
// first profile.
func (g *graph) link(key uint64, p uint32) {
	if (g.n+1)*8 > len(g.slots)*7 {
		g.grow(len(g.slots) * 2)
	}
	for i := g.home(key); ; i++ {
		if i == len(g.slots) {
			i = 0
		}
		switch g.slots[i].key {
		case key:
			return
		case 0:
			g.slots[i] = slot{key, p}
			g.n++
			return
		}
	}
}

func (g *graph) grow(n int) {
	old := g.slots
	g.slots, g.n = make([]slot, n), 0
	for _, s := range old {
		if s.key != 0 {
			g.link(s.key, s.profile)
		}
	}
}

// find is the live profile p was merged into, p itself if it is live.
func (g *graph) find(p uint32) uint32 {
	ps := g.profiles
	for ps[p].parent != p {
		ps[p].parent = ps[ps[p].parent].parent // path halving
		p = ps[p].parent
	}
	return p
}

// ensure makes profile ids up to p exist, each live on its own.
func (g *graph) ensure(p uint32) {
	for uint32(len(g.profiles)) <= p {
		g.profiles = append(g.profiles, profile{parent: uint32(len(g.profiles))})
	}
}

func (g *graph) newProfile() (uint32, error) {
	p := uint32(len(g.profiles))
	if p == 0 || p == ^uint32(0) {
		return 0, errFull
	}
	g.ensure(p)
	return p, nil
}

func (g *graph) key(id Identifier) uint64 {
	m := &g.memo[id.Kind]
	if m.key != 0 && m.value == id.Value {
		return m.key
	}
	k := Key(g.ws, id)
	m.value, m.key = id.Value, k
	return k
}

// batch collects what resolving batches changed, for the store.
type batch struct {
	stats  Stats
	added  []Added
	merges []Merge
	// The last message's id, copied once however many changes it made.
	lastMsg *event.Message
	lastID  string
}

func (b *batch) messageID(m *event.Message) string {
	if b.lastMsg != m || b.lastID != m.MessageID {
		b.lastMsg, b.lastID = m, strings.Clone(m.MessageID)
	}
	return b.lastID
}

// resolve matches m's identifiers against the graph and returns the profile
// m belongs to (0 when it carries no usable identifier), creating, growing
// and merging profiles as the rules allow, and recording each change in b
// as made at time at.
//
// The matching is Segment's flat matching: the profiles holding any of the
// message's identifiers are merged into one, with the message's new
// identifiers added, unless the result would hold more of a kind than its
// limit. Then the weakest identifier (by priority, then the later in the
// message) that adds to the excess is set aside and the message matched
// again without it, until the result is within every limit. Because every
// profile is always within its limits, a profile never holds two user ids,
// and no chain of merges can join two.
func (g *graph) resolve(m *event.Message, at time.Time, b *batch) (int64, error) {
	ids := g.ex.extract(m)
	b.stats.Blocked += g.ex.blocks
	if len(ids) == 0 {
		b.stats.Unresolved++
		return 0, nil
	}
	cs := g.cands[:0]
	for _, c := range ids {
		if c.previous {
			// An alias's previousId is a user id when the workspace knows it as
			// one (an alias of two accounts, which the user id limit refuses),
			// else the anonymous id the person had before signing up.
			if g.lookup(g.key(c.Identifier)) == 0 {
				c.Kind = AnonymousID
			}
		}
		k := g.key(c.Identifier)
		if slices.ContainsFunc(cs, func(x cand) bool { return x.key == k }) {
			continue
		}
		cs = append(cs, cand{Identifier: c.Identifier, key: k, rank: g.rank[c.Kind], active: true})
	}
	g.cands = cs
	// The common message: every identifier known, all on one profile.
	same := uint32(0)
	for i := range cs {
		if p := g.lookup(cs[i].key); p != 0 {
			cs[i].root = g.find(p)
		}
		if i == 0 {
			same = cs[i].root
		} else if cs[i].root != same {
			same = 0
		}
	}
	if same != 0 {
		return int64(same), nil
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.rank - b.rank })

	var excess [numKinds]bool
	for g.overLimit(cs, &excess) {
		// Set aside the weakest identifier that adds to an excess: a new one
		// of an exceeded kind, or one that matched a profile holding some.
		// There always is one, since an excess is a sum of what they bring.
		aside := false
		for i := len(cs) - 1; i >= 0 && !aside; i-- {
			c := &cs[i]
			if !c.active {
				continue
			}
			adds := c.root == 0 && excess[c.Kind]
			if c.root != 0 {
				for k := range excess {
					adds = adds || excess[k] && g.profiles[c.root].counts[k] > 0
				}
			}
			if adds {
				c.active, aside = false, true
			}
		}
		if !aside {
			break
		}
	}

	// The surviving profile: the one holding the strongest identifier, the
	// oldest of those on a tie.
	survivor := uint32(0)
	for i := range cs {
		if c := &cs[i]; c.active && c.root != 0 && (survivor == 0 || g.stronger(c.root, survivor)) {
			survivor = c.root
		}
	}
	if survivor == 0 {
		p, err := g.newProfile()
		if err != nil {
			return 0, err
		}
		survivor = p
		b.stats.Created++
	}
	for i := range cs {
		c := &cs[i]
		switch {
		case !c.active && c.root == 0:
			b.stats.Dropped++
		case !c.active:
			if g.find(c.root) != survivor {
				b.stats.Refused++
			}
		case c.root == 0:
			g.link(c.key, survivor)
			g.profiles[survivor].counts[c.Kind]++
			// Copies: the message's strings may point into a buffer its caller
			// reuses before the change is stored.
			id := Identifier{c.Kind, strings.Clone(c.Value)}
			b.added = append(b.added, Added{Key: c.key, Identifier: id, Profile: int64(survivor), MessageID: b.messageID(m), Time: at})
		case g.find(c.root) != survivor:
			r := g.find(c.root)
			g.profiles[r].parent = survivor
			g.profiles[survivor].absorbed = true
			for k, n := range g.profiles[r].counts {
				g.profiles[survivor].counts[k] += n
			}
			b.merges = append(b.merges, Merge{From: int64(r), Into: int64(survivor), MessageID: b.messageID(m), Via: c.key, Time: at})
			b.stats.Merged++
		}
	}
	return int64(survivor), nil
}

// overLimit reports whether merging the profiles the active identifiers
// match, with the new ones added, passes a limit, marking the kinds it
// passes in excess. A profile already past a limit (stored before the
// rules were tightened) may still be matched on its own: limits stop a
// profile growing, they do not split one.
func (g *graph) overLimit(cs []cand, excess *[numKinds]bool) bool {
	var total, allowed [numKinds]int
	for k := 1; k < numKinds; k++ {
		allowed[k] = g.rules.Limit[k]
	}
	var roots [8]uint32
	seen := roots[:0]
	for i := range cs {
		c := &cs[i]
		switch {
		case !c.active:
		case c.root == 0:
			total[c.Kind]++
		case !slices.Contains(seen, c.root):
			seen = append(seen, c.root)
			for k, n := range g.profiles[c.root].counts {
				total[k] += int(n)
				allowed[k] = max(allowed[k], int(n))
			}
		}
	}
	over := false
	for k := 1; k < numKinds; k++ {
		excess[k] = total[k] > allowed[k]
		over = over || excess[k]
	}
	return over
}

// stronger reports whether profile a outranks b as the survivor of a
// merge: it holds an identifier of a stronger kind, or is older on a tie.
func (g *graph) stronger(a, b uint32) bool {
	for _, k := range g.rules.Priority {
		ha, hb := g.profiles[a].counts[k] > 0, g.profiles[b].counts[k] > 0
		if ha != hb {
			return ha
		}
	}
	return a < b
}
