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
	ix := internParallel(js, workers)
	n := len(ix.names)
	ch, err := buildChain(js, ix, k, opt.NoNull, workers)
	if err != nil {
		return Result{}, err
	}
	r := Result{Model: "markov", Credits: make([]Credit, n)}
	r.TotalConversions, r.TotalValue = totals(js)
	for i, c := range ix.names {
		r.Credits[i].Channel = c
	}
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

// internParallel indexes the channel names of js using every core: each
// worker collects the names of its share, then the sets merge.
func internParallel(js []Journey, workers int) channelIndex {
	if workers < 2 || len(js) < 1<<14 {
		return newChannelIndex(js)
	}
	sets := make([]map[string]struct{}, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(js)/workers, (w+1)*len(js)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := make(map[string]struct{})
			for _, j := range js[lo:hi] {
				for _, c := range j.Channels {
					seen[c] = struct{}{}
				}
			}
			sets[w] = seen
		}()
	}
	wg.Wait()
	all := sets[0]
	for _, s := range sets[1:] {
		for c := range s {
			all[c] = struct{}{}
		}
	}
	return indexFromSet(all)
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

func buildChain(js []Journey, ix channelIndex, k int, noNull bool, workers int) (chain, error) {
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
	if len(js) < 1<<14 {
		workers = 1
	}
	tables := make([]table, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(js)/workers, (w+1)*len(js)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			var t table
			if keys <= denseLimit {
				t.dense = make([]float64, keys)
			} else {
				t.sparse = make(map[uint64]float64)
			}
			for _, j := range js[lo:hi] {
				wt := j.Conversions
				if !noNull {
					wt += j.Null
				}
				if wt == 0 {
					continue
				}
				var s uint64
				prev := uint64(0)
				for _, c := range j.Channels {
					id := uint64(ix.ids[c]) + 1
					if id == prev {
						continue
					}
					t.add(s*width+id, wt)
					s = (s%shiftMod)*a + id
					prev = id
				}
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

	// Merge the counts and list the transient states: those with any
	// outgoing count.
	var counts map[uint64]float64
	var dense []float64
	if tables[0].dense != nil {
		dense = tables[0].dense
		for _, t := range tables[1:] {
			for i, v := range t.dense {
				dense[i] += v
			}
		}
	} else {
		counts = tables[0].sparse
		for _, t := range tables[1:] {
			for key, v := range t.sparse {
				counts[key] += v
			}
		}
	}
	out := make(map[uint64][]edge)
	if dense != nil {
		for key, v := range dense {
			if v != 0 {
				s := uint64(key) / width
				out[s] = append(out[s], edge{next: uint64(key) % width, count: v})
			}
		}
	} else {
		for key, v := range counts {
			if v != 0 {
				out[key/width] = append(out[key/width], edge{next: key % width, count: v})
			}
		}
	}
	ch := chain{order: k, alphabet: int(a)}
	if len(out) == 0 {
		ch.rowStart = []int32{0}
		return ch, nil
	}
	if len(out) > math.MaxInt32/2 {
		return chain{}, fmt.Errorf("attribution: markov: %d states is too many", len(out))
	}
	// Order rows by decreasing distance from the start, so that each
	// Gauss-Seidel sweep mostly reads successors already updated.
	depth := map[uint64]int{0: 0}
	queue := []uint64{0}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range out[s] {
			if e.next == 0 || e.next == width-1 {
				continue
			}
			d := (s%shiftMod)*a + e.next
			if _, ok := depth[d]; !ok {
				depth[d] = depth[s] + 1
				queue = append(queue, d)
			}
		}
	}
	codes := make([]uint64, 0, len(out))
	for s := range out {
		codes = append(codes, s)
	}
	sort.Slice(codes, func(i, j int) bool {
		di, dj := depth[codes[i]], depth[codes[j]]
		if di != dj {
			return di > dj
		}
		return codes[i] < codes[j]
	})
	row := make(map[uint64]int32, len(codes))
	for i, s := range codes {
		row[s] = int32(i)
	}
	ch.code = codes
	ch.start = int(row[0])
	ch.conv = make([]float64, len(codes))
	ch.rowStart = make([]int32, 1, len(codes)+1)
	for i, s := range codes {
		es := out[s]
		// Summing in a fixed order keeps the result independent of map
		// iteration order.
		sort.Slice(es, func(x, y int) bool { return es[x].next < es[y].next })
		total := 0.0
		for _, e := range es {
			total += e.count
		}
		for _, e := range es {
			switch e.next {
			case 0:
			case width - 1:
				ch.conv[i] = e.count / total
			default:
				d, ok := row[(s%shiftMod)*a+e.next]
				if !ok {
					return chain{}, fmt.Errorf("attribution: markov: state %d leads to a state with no exits", s)
				}
				ch.col = append(ch.col, d)
				ch.prob = append(ch.prob, e.count/total)
			}
		}
		ch.rowStart = append(ch.rowStart, int32(len(ch.col)))
	}
	return ch, nil
}

type edge struct {
	next  uint64
	count float64
}
