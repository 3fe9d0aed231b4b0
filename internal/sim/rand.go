package sim

import "math"

// Every random choice is a pure function of (seed, who, when, what) rather
// than a draw from one shared stream: a world with a channel switched off
// then sees exactly the same coin flips for everything that channel did not
// change, so the difference between the two worlds is the channel's effect
// and not noise from streams drifting apart.

// mix is splitmix64's finaliser: a fast bijective hash of 64 bits.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// purpose keys keep the streams for different decisions apart.
const (
	kExposure uint64 = iota + 1
	kAudience
	kAdvance
	kCredit
	kResponsive
	kRepeat
	kChurn
	kPost
	kPostSeen
	kPostPlatform
	kRefund
	kRefundDelay
	kOrderValue
	kSignup
	kGraph
	kWet
	kSpend
	kIdentity
)

// hash4 combines a seed and three keys into one well-mixed word.
func hash4(seed, a, b, c uint64) uint64 {
	h := mix(seed ^ 0x9e3779b97f4a7c15)
	h = mix(h ^ a*0xd6e8feb86659fd93)
	h = mix(h ^ b*0xa0761d6478bd642f)
	return mix(h ^ c*0xe7037ed1a0b428db)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 {
	return float64(h>>11) * (1.0 / (1 << 53))
}

// draw is a uniform number in [0, 1) for one decision.
func draw(seed, a, b, c uint64) float64 {
	return unit(hash4(seed, a, b, c))
}

// geometric is the number of failures before the first success of a
// Bernoulli(p) sequence, from one uniform u: skipping straight to the next
// exposure costs one hash instead of one per day.
func geometric(u, p float64) int {
	if p >= 1 {
		return 0
	}
	if p <= 0 {
		return math.MaxInt32
	}
	g := math.Log1p(-u) / math.Log1p(-p)
	if g > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(g)
}

// geometricInv is geometric with 1/log(1-p) precomputed, which halves the
// logarithms on the hot path. inv is -0 for p = 1 (every day) and -Inf for
// p = 0 (never).
func geometricInv(u, inv float64) int {
	g := math.Log1p(-u) * inv
	if !(g < math.MaxInt32) { // also catches NaN and +Inf
		return math.MaxInt32
	}
	return int(g)
}

// rng is a sequential splitmix64 stream for the details of one person-day
// (which page, which words) that never feed back into the causal state.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

func (r *rng) float() float64 { return unit(r.next()) }

// intn is uniform in [0, n); the slight modulo bias is irrelevant here.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *rng) chance(p float64) bool { return r.float() < p }
