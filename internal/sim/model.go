package sim

import (
	"context"
	"math"
	"math/bits"
)

// Stage ranks inside the model: 0 is a stranger, 1 stimulus ... 6 advocate.
const (
	rStranger = iota
	rStimulus
	rFind
	rUnderstand
	rEngage
	rPurchase
	rAdvocate
)

const never = math.MaxInt32

// Daily rates that act without any channel: people wander in and move on
// by themselves (direct traffic), customers come back, lapse and post.
// baseAdvance is indexed by the stage a person is in; from a stranger it is
// the chance of finding the business with no channel at all.
var baseAdvance = [rAdvocate]float64{0.0003, 0.01, 0.03, 0.015, 0.008, 0.004}

const (
	signupRate    = 0.5   // chance that reaching engage includes a sign-up
	repeatRate    = 0.004 // daily chance of a repeat order without a channel
	productChurn  = 0.008 // daily chance a product customer lapses for good
	serviceChurn  = 0.003 // daily chance a subscriber cancels
	renewalDays   = 30
	refundRate    = 0.04 // share of product orders refunded
	postRate      = 0.08 // daily chance an advocate posts about the brand
	postSeen      = 0.3  // chance one follower sees one post (organic reach)
	noChannel     = -1   // credit for a move no channel caused: direct
	noneYet       = -2
	maxCredit     = 64
	serviceFirstN = 3
)

// person is the causal state of one member of the population.
type person struct {
	stage    int8
	known    bool // identified: has signed up or bought
	churned  bool
	first    int8  // channel of the first stimulus, noChannel, or noneYet
	referrer int32 // who brought them by word of mouth, or -1
	refPlat  int8  // the platform of the referrer's post
	resp     float32
	plan     int8
	stageDay [rAdvocate]int32
	touched  uint64 // channels that reached them before their first purchase
	orders   int32
	renew    int32
	revenue  float64

	refundDay   int32
	refundAmt   float64
	refundOrder int32
}

// world is one run of the causal model: the factual one, or a
// counterfactual with one channel switched off.
type world struct {
	seed    uint64
	days    int
	service bool
	ch      []ChannelSpec
	g       *graph
	off     int // channel switched off, or -1
	wom     int // the word-of-mouth channel, or -1
	factual bool
	out     *emitter // nil in dry mode: no events are built

	people []person
	chID   []uint64  // stream key of each channel, from its Key
	invLog []float64 // 1/log(1-Reach) per channel, for geometric gaps
	next   []int32   // next exposure day per person and channel
	soon   []int32   // earliest of a person's next exposure days
	// Posts seen today are exposures tomorrow; two slots by day parity so
	// a post never reaches someone on the day it is written, whatever the
	// order people are stepped in.
	womFrom [2][]int32 // poster+1, 0 for none
	womPlat [2][]int8  // platform index of the post

	exposures []int64
	spend     []float64 // per day and channel
	touched   []int64   // customers each channel reached before they bought
	firstCh   []int64   // people whose first stimulus was each channel
	customers int64
	orders    int64
	gross     float64
	refunds   float64
	refunded  int64
	advocates int64
	posts     int64
	churned   int64
	referrals []Referral
}

func newWorld(seed uint64, days int, service bool, ch []ChannelSpec, g *graph, people int, off int, factual bool) *world {
	C := len(ch)
	w := &world{
		seed: seed, days: days, service: service, ch: ch, g: g, off: off, wom: -1, factual: factual,
		people:    make([]person, people),
		next:      make([]int32, people*C),
		soon:      make([]int32, people),
		exposures: make([]int64, C),
		spend:     make([]float64, days*C),
		touched:   make([]int64, C),
		firstCh:   make([]int64, C),
	}
	// Streams are keyed by the channel's name, not its position, so a run
	// without a channel in the list is the run with that channel off.
	w.chID = make([]uint64, C)
	w.invLog = make([]float64, C)
	for c := range ch {
		w.invLog[c] = 1 / math.Log1p(-ch[c].Reach)
		if ch[c].Audience == Network {
			w.wom = c
		}
		h := uint64(14695981039346656037)
		for i := 0; i < len(ch[c].Key); i++ {
			h = (h ^ uint64(ch[c].Key[i])) * 1099511628211
		}
		w.chID[c] = mix(h)
	}
	if w.wom >= 0 {
		for i := range w.womFrom {
			w.womFrom[i] = make([]int32, people)
			w.womPlat[i] = make([]int8, people)
		}
	}
	for p := range w.people {
		ps := &w.people[p]
		ps.first = noneYet
		ps.referrer = -1
		ps.renew = never
		ps.refundDay = never
		ps.resp = float32(0.4 + 1.2*w.u(kResponsive, p, 0, 0))
		for i := range ps.stageDay {
			ps.stageDay[i] = -1
		}
		for c := range ch {
			n := int32(never)
			if c != off && ch[c].Audience != Network && w.u(kAudience, p, 0, w.chID[c]) < ch[c].Share {
				n = w.schedule(p, c, 0)
			}
			w.next[p*C+c] = n
		}
		w.soon[p] = minDay(w.next[p*C : p*C+C])
	}
	return w
}

// u is the uniform draw for one decision about person p on day d.
func (w *world) u(purpose uint64, p, d int, extra uint64) float64 {
	return unit(hash4(w.seed, purpose<<32|uint64(uint32(d)), uint64(p), extra))
}

// schedule is the first exposure day of channel c to person p on or after
// day from, skipping the days in between with one geometric draw.
func (w *world) schedule(p, c, from int) int32 {
	s := &w.ch[c]
	if from < s.From {
		from = s.From
	}
	g := geometricInv(w.u(kExposure, p, from, w.chID[c]), w.invLog[c])
	d := from + g
	if d >= w.days || (s.To > 0 && d >= s.To) || g == never {
		return never
	}
	return int32(d)
}

func (w *world) run(ctx context.Context) error {
	for d := 0; d < w.days; d++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		for p := range w.people {
			if err := w.step(p, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// step moves person p through day d: exposures, at most one stage
// transition, life as a customer, posts.
func (w *world) step(p, d int) error {
	ps := &w.people[p]
	C := len(w.ch)
	var exposed uint64
	// Most person-days see no channel: the earliest next exposure day
	// skips the scan.
	if int(w.soon[p]) == d {
		next := w.next[p*C : p*C+C]
		for c := range next {
			if int(next[c]) != d {
				continue
			}
			next[c] = w.schedule(p, c, d+1)
			switch w.ch[c].Audience {
			case Aware:
				if ps.stage == rStranger {
					continue
				}
			case Known:
				if !ps.known {
					continue
				}
			}
			exposed |= 1 << c
			w.exposures[c]++
			w.spend[d*C+c] += w.ch[c].CPM / 1000
			if w.out != nil {
				if err := w.out.exposure(p, d, c); err != nil {
					return err
				}
			}
		}
		w.soon[p] = minDay(next)
	}
	poster, plat := int32(-1), int8(0)
	if w.wom >= 0 {
		slot := d & 1
		if f := w.womFrom[slot][p]; f != 0 {
			poster, plat = f-1, w.womPlat[slot][p]
			w.womFrom[slot][p] = 0
			exposed |= 1 << w.wom
			w.exposures[w.wom]++
		}
	}
	if ps.stage < rPurchase {
		ps.touched |= exposed
	}

	moved := false
	r := int(ps.stage)
	switch {
	case r == rStranger:
		// Any exposure is a stimulus; without one, a few find the business
		// by themselves.
		if exposed != 0 || w.u(kAdvance, p, d, 0) < float64(ps.resp)*baseAdvance[0] {
			moved = true
			credit := w.pick(p, d, exposed)
			if err := w.advance(p, d, r, credit, poster, plat); err != nil {
				return err
			}
		}
	case r < rAdvocate && !(r == rPurchase && ps.churned):
		resp := float64(ps.resp)
		stay := 1 - math.Min(1, resp*baseAdvance[r])
		for m := exposed; m != 0; m &= m - 1 {
			stay *= 1 - math.Min(1, resp*w.ch[trailing(m)].Effect[r-1])
		}
		if w.u(kAdvance, p, d, uint64(r)) < 1-stay {
			moved = true
			credit := w.credit(p, d, r, resp, exposed)
			if err := w.advance(p, d, r, credit, poster, plat); err != nil {
				return err
			}
		}
	}
	if ps.stage >= rPurchase && !moved {
		if err := w.customer(p, d, exposed); err != nil {
			return err
		}
	}
	if ps.stage == rAdvocate && !ps.churned && !moved && w.u(kPost, p, d, 0) < postRate {
		if err := w.post(p, d, false); err != nil {
			return err
		}
	}
	if w.out != nil {
		return w.out.daily(p, d)
	}
	return nil
}

func minDay(next []int32) int32 {
	m := int32(never)
	for _, n := range next {
		m = min(m, n)
	}
	return m
}

func trailing(m uint64) int { return bits.TrailingZeros64(m) }

// pick is the channel a first stimulus is owed to: one of the day's
// exposures, chosen evenly, or direct when there was none.
func (w *world) pick(p, d int, exposed uint64) int {
	n := bits.OnesCount64(exposed)
	if n == 0 {
		return noChannel
	}
	k := int(hash4(w.seed, kCredit, uint64(p), uint64(d)) % uint64(n))
	for m := exposed; ; m &= m - 1 {
		if k == 0 {
			return trailing(m)
		}
		k--
	}
}

// credit picks which cause made a transition happen, in proportion to each
// cause's chance: the channel the person's first stimulus is owed to, and
// the channel their click arrives from.
func (w *world) credit(p, d, r int, resp float64, exposed uint64) int {
	total := resp * baseAdvance[r]
	for m := exposed; m != 0; m &= m - 1 {
		total += resp * w.ch[trailing(m)].Effect[r-1]
	}
	x := w.u(kCredit, p, d, uint64(r)) * total
	for m := exposed; m != 0; m &= m - 1 {
		c := trailing(m)
		x -= resp * w.ch[c].Effect[r-1]
		if x < 0 {
			return c
		}
	}
	return noChannel
}

func (w *world) advance(p, d, r, credit int, poster int32, plat int8) error {
	ps := &w.people[p]
	ps.stage = int8(r + 1)
	ps.stageDay[r] = int32(d)
	// A friend's post that moves someone before they buy brought them in:
	// the first such move makes the poster their referrer. Posters are
	// advocates, past every stage a referral can happen in, so the
	// referral edges form a forest.
	referred := false
	if credit >= 0 && credit == w.wom && poster >= 0 && ps.referrer < 0 && r+1 < rPurchase {
		referred = true
		ps.referrer, ps.refPlat = poster, plat
		if w.factual {
			w.referrals = append(w.referrals, Referral{Parent: int(poster), Child: p, Day: d, Platform: postPlatforms[plat]})
		}
	}
	switch r + 1 {
	case rStimulus:
		ps.first = int8(credit)
		if credit >= 0 {
			w.firstCh[credit]++
		}
	case rEngage:
		if !ps.known && w.u(kSignup, p, d, 0) < signupRate {
			ps.known = true
		}
	case rPurchase:
		ps.known = true
		w.customers++
		for m := ps.touched; m != 0; m &= m - 1 {
			w.touched[trailing(m)]++
		}
		if w.service {
			ps.plan = int8(hash4(w.seed, kOrderValue, uint64(p), 0) % serviceFirstN)
			ps.renew = int32(d + renewalDays)
		}
	case rAdvocate:
		w.advocates++
	}
	if w.out != nil {
		if err := w.out.advance(p, d, r+1, credit, poster, plat, referred); err != nil {
			return err
		}
	}
	switch r + 1 {
	case rPurchase:
		return w.order(p, d)
	case rAdvocate:
		return w.post(p, d, true)
	}
	return nil
}

// customer is a customer's day: refunds come due, subscriptions renew,
// products are bought again, and some customers leave for good.
func (w *world) customer(p, d int, exposed uint64) error {
	ps := &w.people[p]
	if int(ps.refundDay) == d {
		ps.refundDay = never
		w.refunds += ps.refundAmt
		w.refunded++
		ps.revenue -= ps.refundAmt
		if w.out != nil {
			if err := w.out.refund(p, d, ps.refundAmt, int(ps.refundOrder)); err != nil {
				return err
			}
		}
	}
	if ps.churned {
		return nil
	}
	churn := productChurn
	if w.service {
		churn = serviceChurn
	}
	if w.u(kChurn, p, d, 0) < churn {
		ps.churned = true
		w.churned++
		if w.out != nil {
			return w.out.churn(p, d)
		}
		return nil
	}
	if w.service {
		if int(ps.renew) == d {
			ps.renew += renewalDays
			return w.order(p, d)
		}
		return nil
	}
	resp := float64(ps.resp)
	stay := 1 - math.Min(1, resp*repeatRate)
	for m := exposed; m != 0; m &= m - 1 {
		stay *= 1 - math.Min(1, resp*w.ch[trailing(m)].Effect[rEngage-1])
	}
	if w.u(kRepeat, p, d, 0) < 1-stay {
		return w.order(p, d)
	}
	return nil
}

// order books one order: its value is drawn from the person and day alone,
// so it is the same in every world where the order happens.
func (w *world) order(p, d int) error {
	ps := &w.people[p]
	var o basket
	if w.service {
		o = planBasket(int(ps.plan))
	} else {
		o = productBasket(hash4(w.seed, kOrderValue, uint64(p), uint64(d)))
	}
	ps.orders++
	ps.revenue += o.total
	w.orders++
	w.gross += o.total
	if !w.service && ps.refundDay == never && w.u(kRefund, p, d, 0) < refundRate {
		ps.refundDay = int32(d + 3 + int(hash4(w.seed, kRefundDelay, uint64(p), uint64(d))%10))
		ps.refundAmt = o.total
		ps.refundOrder = ps.orders
	}
	if w.out != nil {
		return w.out.order(p, d, &o, int(ps.orders))
	}
	return nil
}

// postPlatforms are where advocates post; the weights differ by business.
var postPlatforms = []string{"instagram", "facebook", "pinterest", "youtube", "tiktok", "x", "linkedin"}

var postWeights = map[bool][]float64{
	false: {0.3, 0.25, 0.15, 0.12, 0.12, 0.03, 0.03},
	true:  {0.08, 0.27, 0.02, 0.08, 0.05, 0.25, 0.25},
}

// post is an advocate's post: each follower sees it with a fixed chance and
// is exposed to word of mouth the next day.
func (w *world) post(p, d int, first bool) error {
	w.posts++
	plat := int8(0)
	x := w.u(kPostPlatform, p, d, 0)
	for i, wt := range postWeights[w.service] {
		if x -= wt; x < 0 {
			plat = int8(i)
			break
		}
	}
	if w.out != nil {
		if err := w.out.post(p, d, int(plat), first); err != nil {
			return err
		}
	}
	if w.wom < 0 || w.wom == w.off || d+1 >= w.days {
		return nil
	}
	slot := (d + 1) & 1
	for _, f := range w.g.followers(p) {
		if w.womFrom[slot][f] != 0 || w.u(kPostSeen, p, d, uint64(f)) >= postSeen {
			continue
		}
		w.womFrom[slot][f] = int32(p) + 1
		w.womPlat[slot][f] = plat
	}
	return nil
}
