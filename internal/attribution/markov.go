package attribution

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
)

// MaxMarkovOrder is the highest Markov chain order Markov accepts.
const MaxMarkovOrder = 4

// MarkovOptions configures Markov.
type MarkovOptions struct {
	// Order is how many previous channels a state remembers, 1 to
	// MaxMarkovOrder; zero means 1.
	Order int
	// NoNull ignores the journeys that did not convert, as
	// ChannelAttribution does when no null column is given: only converting
	// journeys build the chain and the conversion probability is 1.
	NoNull bool
}

// Markov attributes by the removal effects of an absorbing Markov chain of
// the given order. A state of order k is the last k channels of the
// journey after consecutive repeats collapse (fewer at the start of a
// journey); every journey runs from the start state through its states to
// conversion or to null. A channel's removal effect is the relative drop in
// the probability of reaching conversion from the start state when every
// state holding the channel leads to null instead. The probabilities are
// solved exactly, not simulated: see solve.
func Markov(js []Journey, opt MarkovOptions) (Result, error) {
	k := opt.Order
	if k == 0 {
		k = 1
	}
	if k < 1 || k > MaxMarkovOrder {
		return Result{}, fmt.Errorf("attribution: markov: order %d, want 1 to %d", opt.Order, MaxMarkovOrder)
	}
	if err := validate(js); err != nil {
		return Result{}, err
	}
	workers := runtime.GOMAXPROCS(0)
	ch, ix, err := buildChain(js, k, opt.NoNull, workers)
	if err != nil {
		return Result{}, err
	}
	n := len(ix.names)
	r := newResult("markov", ix, make([]float64, n), make([]float64, n), js) // credits filled below
	if len(ch.rowStart) <= 1 {
		return r, nil
	}
	// probs[0] is the full chain; probs[c] the chain without channel c.
	probs := make([]float64, n+1)
	errs := make([]error, n+1)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n+1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := ch.newSolver()
			for {
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c > n {
					return
				}
				probs[c], errs[c] = s.solve(c)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Result{}, err
		}
	}
	p := probs[0]
	r.ConversionProbability = p
	if p == 0 {
		return r, nil
	}
	sum := 0.0
	for c := 1; c <= n; c++ {
		re := 1 - probs[c]/p
		if re < 0 {
			// Removing a channel can only lose paths to conversion; a
			// negative effect is rounding.
			re = 0
		}
		r.Credits[c-1].RemovalEffect = re
		sum += re
	}
	if sum == 0 {
		return r, nil
	}
	for i := range r.Credits {
		share := r.Credits[i].RemovalEffect / sum
		r.Credits[i].Conversions = share * r.TotalConversions
		r.Credits[i].Value = share * r.TotalValue
	}
	return r, nil
}

// shard is one worker's share of the journeys, js[lo:hi], as channel ids
// local to the shard: consecutive repeats collapsed, each journey followed
// by -1. Interning once into a buffer costs one map lookup per touch; the
// counting pass then reads plain ints.
type shard struct {
	lo, hi int
	names  []string // local id -> name
	ids    []int32
}

// internShards splits js among the workers and interns each share, then
// merges the names into one index and returns, per shard, the map from
// local ids to global symbols (channel index + 1).
func internShards(js []Journey, workers int) (channelIndex, []shard, [][]uint64) {
	if len(js) < 1<<14 {
		workers = 1
	}
	shards := make([]shard, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sh := shard{lo: w * len(js) / workers, hi: (w + 1) * len(js) / workers}
			size := sh.hi - sh.lo
			for _, j := range js[sh.lo:sh.hi] {
				size += len(j.Channels)
			}
			sh.ids = make([]int32, 0, size)
			local := make(map[string]int32)
			for _, j := range js[sh.lo:sh.hi] {
				prev := int32(-1)
				for _, c := range j.Channels {
					id, ok := local[c]
					if !ok {
						id = int32(len(sh.names))
						local[c] = id
						sh.names = append(sh.names, c)
					}
					if id != prev {
						sh.ids = append(sh.ids, id)
						prev = id
					}
				}
				sh.ids = append(sh.ids, -1)
			}
			shards[w] = sh
		}()
	}
	wg.Wait()
	seen := make(map[string]struct{})
	for _, sh := range shards {
		for _, c := range sh.names {
			seen[c] = struct{}{}
		}
	}
	ix := indexFromSet(seen)
	symbols := make([][]uint64, workers)
	for w, sh := range shards {
		symbols[w] = make([]uint64, len(sh.names))
		for i, c := range sh.names {
			symbols[w][i] = uint64(ix.ids[c]) + 1
		}
	}
	return ix, shards, symbols
}

// chain is the transition structure of an absorbing Markov chain over the
// transient states, in compressed sparse rows. Rows are ordered so that a
// state's successors mostly come before it, which makes Gauss-Seidel sweeps
// propagate a whole journey's worth of probability at once.
type chain struct {
	order    int
	alphabet int       // channels + 1: symbol 0 pads the start of a journey
	rowStart []int32   // row i's edges are rowStart[i]:rowStart[i+1]
	col      []int32   // destination row of each edge
	prob     []float64 // probability of each edge
	conv     []float64 // probability of converting from each row
	code     []uint64  // each row's state: its last `order` symbols, base alphabet
	start    int       // row of the start state
}

// table counts transitions: key state*width + next, where next is 0 for
// null, 1..n for a channel and n+1 for conversion.
type table struct {
	dense  []float64
	sparse map[uint64]float64
}

func (t *table) add(key uint64, w float64) {
	if t.dense != nil {
		t.dense[key] += w
		return
	}
	t.sparse[key] += w
}

// denseLimit is the most keys counted in a flat array per worker (16 MiB);
// larger state spaces are counted in a map.
const denseLimit = 1 << 21

// buildChain counts the transitions of js in a chain of order k.
func buildChain(js []Journey, k int, noNull bool, workers int) (chain, channelIndex, error) {
	ix, shards, symbols := internShards(js, workers)
	ch, err := countChain(js, ix, shards, symbols, k, noNull)
	return ch, ix, err
}

func countChain(js []Journey, ix channelIndex, shards []shard, symbols [][]uint64, k int, noNull bool) (chain, error) {
	n := len(ix.names)
	a := uint64(n + 1)
	width := uint64(n + 2)
	states := uint64(1)
	for range k {
		if states > math.MaxUint64/a/width/2 {
			return chain{}, fmt.Errorf("attribution: markov: %d channels at order %d is too many states", n, k)
		}
		states *= a
	}
	keys := states * width
	shiftMod := states / a // a state keeps its last k-1 symbols: s % shiftMod
	tables := make([]table, len(shards))
	var wg sync.WaitGroup
	for w, sh := range shards {
		sym := symbols[w]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var t table
			if keys <= denseLimit {
				t.dense = make([]float64, keys)
			} else {
				t.sparse = make(map[uint64]float64)
			}
			p := 0
			for _, j := range js[sh.lo:sh.hi] {
				wt := j.Conversions
				if !noNull {
					wt += j.Null
				}
				if wt == 0 {
					for sh.ids[p] >= 0 {
						p++
					}
					p++
					continue
				}
				var s uint64
				for ; sh.ids[p] >= 0; p++ {
					id := sym[sh.ids[p]]
					t.add(s*width+id, wt)
					s = (s%shiftMod)*a + id
				}
				p++
				if j.Conversions > 0 {
					t.add(s*width+width-1, j.Conversions)
				}
				if !noNull && j.Null > 0 {
					t.add(s*width, j.Null)
				}
			}
			tables[w] = t
		}()
	}
	wg.Wait()

	// Merge the counts into one list sorted by key, so that each state's
	// transitions are contiguous and rows come in a fixed order.
	var entries []edge
	if tables[0].dense != nil {
		dense := tables[0].dense
		for _, t := range tables[1:] {
			for i, v := range t.dense {
				dense[i] += v
			}
		}
		for key, v := range dense {
			if v != 0 {
				entries = append(entries, edge{key: uint64(key), count: v})
			}
		}
	} else {
		counts := tables[0].sparse
		for _, t := range tables[1:] {
			for key, v := range t.sparse {
				counts[key] += v
			}
		}
		for key, v := range counts {
			if v != 0 {
				entries = append(entries, edge{key: key, count: v})
			}
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	}
	ch := chain{order: k, alphabet: int(a)}
	if len(entries) == 0 {
		ch.rowStart = []int32{0}
		return ch, nil
	}
	// The transient states are those with any outgoing count; first[i] is
	// where state codes[i]'s transitions start in entries.
	var codes []uint64
	var first []int
	for i, e := range entries {
		if s := e.key / width; len(codes) == 0 || codes[len(codes)-1] != s {
			codes = append(codes, s)
			first = append(first, i)
		}
	}
	first = append(first, len(entries))
	if len(codes) > math.MaxInt32/2 {
		return chain{}, fmt.Errorf("attribution: markov: %d states is too many", len(codes))
	}
	m := len(codes)
	index := func(s uint64) int {
		i := sort.Search(m, func(i int) bool { return codes[i] >= s })
		if i == m || codes[i] != s {
			return -1
		}
		return i
	}
	// dest[e] is the state index each channel transition leads to; -1 for
	// conversion and null.
	dest := make([]int32, len(entries))
	for i := range codes {
		for e := first[i]; e < first[i+1]; e++ {
			next := entries[e].key % width
			dest[e] = -1
			if next == 0 || next == width-1 {
				continue
			}
			d := index((codes[i]%shiftMod)*a + next)
			if d < 0 {
				return chain{}, fmt.Errorf("attribution: markov: state %d leads to a state with no exits", codes[i])
			}
			dest[e] = int32(d)
		}
	}
	// Order rows by decreasing distance from the start, so that each
	// Gauss-Seidel sweep mostly reads successors already updated.
	depth := make([]int32, m)
	for i := range depth {
		depth[i] = -1
	}
	depth[0] = 0 // the start state, code 0, sorts first
	queue := []int32{0}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for e := first[i]; e < first[i+1]; e++ {
			if d := dest[e]; d >= 0 && depth[d] < 0 {
				depth[d] = depth[i] + 1
				queue = append(queue, d)
			}
		}
	}
	perm := make([]int32, m) // perm[row] = state index
	for i := range perm {
		perm[i] = int32(i)
	}
	sort.SliceStable(perm, func(x, y int) bool { return depth[perm[x]] > depth[perm[y]] })
	row := make([]int32, m) // row[state index] = row
	for r, i := range perm {
		row[i] = int32(r)
	}
	ch.code = make([]uint64, m)
	ch.conv = make([]float64, m)
	ch.rowStart = make([]int32, 1, m+1)
	ch.col = make([]int32, 0, len(entries))
	ch.prob = make([]float64, 0, len(entries))
	for r, i := range perm {
		ch.code[r] = codes[i]
		total := 0.0
		for e := first[i]; e < first[i+1]; e++ {
			total += entries[e].count
		}
		for e := first[i]; e < first[i+1]; e++ {
			switch entries[e].key % width {
			case 0:
			case width - 1:
				ch.conv[r] = entries[e].count / total
			default:
				ch.col = append(ch.col, row[dest[e]])
				ch.prob = append(ch.prob, entries[e].count/total)
			}
		}
		ch.rowStart = append(ch.rowStart, int32(len(ch.col)))
	}
	ch.start = int(row[0])
	return ch, nil
}

// edge is one counted transition: key is state*width + next.
type edge struct {
	key   uint64
	count float64
}
