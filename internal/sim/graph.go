package sim

// graph is who follows whom, stored as each person's followers in one
// compressed array: followers of p are follow[start[p]:start[p+1]].
type graph struct {
	start  []int32
	follow []int32
}

func (g *graph) followers(p int) []int32 { return g.follow[g.start[p]:g.start[p+1]] }

// newGraph builds a social graph with heavy-tailed follower counts by
// preferential attachment: each follow picks either a uniformly random
// person or the target of a random earlier follow, so the already popular
// gain followers in proportion to their popularity (Barabási–Albert-like,
// a power-law tail with a few influencers). The graph is drawn once from
// its own stream and shared by every counterfactual world.
func newGraph(seed uint64, people int) *graph {
	r := rng{s: hash4(seed, kGraph, 0, 0)}
	var from, to []int32
	for p := 0; p < people && people > 1; p++ {
		// How many accounts a person follows: 1 + geometric, mean about 7.
		n := 1 + geometric(r.float(), 1.0/7)
		if n > 200 {
			n = 200
		}
		for range n {
			var t int32
			if len(to) > 0 && r.chance(0.6) {
				t = to[r.intn(len(to))]
			} else {
				t = int32(r.intn(people))
			}
			if int(t) == p {
				continue
			}
			from = append(from, int32(p))
			to = append(to, t)
		}
	}
	g := &graph{start: make([]int32, people+1), follow: make([]int32, len(to))}
	for _, t := range to {
		g.start[t+1]++
	}
	for i := 1; i <= people; i++ {
		g.start[i] += g.start[i-1]
	}
	fill := make([]int32, people)
	for i, t := range to {
		g.follow[g.start[t]+fill[t]] = from[i]
		fill[t]++
	}
	return g
}
