package budget

import (
	"math"
	"math/rand/v2"
	"slices"
)

// The hyperparameter grids. Carry-over θ spans half-lives from none to ten
// weeks (a channel's effect can reach buyers long after the ad: people it
// stimulated move on through the funnel and tell others); the
// half-saturation κ is a multiple of the channel's usual daily spend when
// it runs, from a channel saturated at a sixteenth of it to one still
// nearly linear at sixteen times it. The Hill exponent is 1 (concave
// curves), as Meridian's default is.
var (
	thetaGrid = []float64{0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97}
	kappaGrid = []float64{1.0 / 16, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16}
	// gGrid is the prior variance of a channel's return on money, in units
	// of the noise variance (see setG).
	gGrid = []float64{1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100}
	// trendGrid is the prior variance of the trend's change of slope at
	// each knot, in the same units: from a straight line to a trend that
	// bends freely at every knot.
	trendGrid = []float64{1e-3, 1e-2, 0.1, 1, 10, 100, 1e3, 1e4}
	// gammaGrid is how a channel's prior scale grows with its spend: 0 means
	// every channel is expected to add about as much as any other at its
	// usual spend, 1 that every channel returns about as much per unit of
	// money (Meridian's ROI prior).
	gammaGrid = []float64{0, 0.25, 0.5, 0.75, 1}
)

const (
	// knotEvery is the spacing of the trend's knots in days: a quarter. A
	// trend that bends more often absorbs what flights of a few weeks
	// show, and the channels' effects with it (a 90-day history has a
	// straight trend).
	knotEvery = 91
	// kappaPriorSD is the prior spread of log(κ/ref): the half-saturation
	// point is a priori near the usual spend (Meridian centres its prior
	// near the median spend too), within a factor of about e either way.
	kappaPriorSD = 1.0
	// basePrecision is the prior precision of the level, slope and
	// weekdays: next to no prior, the data decide them.
	basePrecision = 1e-6

	searchSweeps = 4
	draws        = 1000
	burnIn       = 400
	thin         = 3
)

// response is one outcome's fitted model as posterior draws: for each
// draw and channel, the coefficient β (what the channel adds per day at
// its reference spend ref) and the index of its half-saturation κ in
// kappaGrid; carry-over does not enter the steady-state curves, but its
// draws are kept to report.
type response struct {
	ref    []float64
	active []bool
	beta   []float64 // draws × channels, row-major
	kappa  []uint8   // draws × channels
	theta  []uint8   // draws × channels
	// mix[c][k] is the posterior mean of β over the draws with κ index k,
	// times their share: the mean curve is Σ_k mix[c][k]·w(c, k, s).
	mix   [][]float64
	sigma float64 // residual standard deviation per day
	rho   float64 // lag-1 autocorrelation of the residuals
}

// design holds the regression being searched: columns, their Gram matrix
// and the buffers of the evidence computation.
type design struct {
	n, p  int
	cols  [][]float64
	y     []float64
	yy    float64
	gram  []float64 // p×p
	xty   []float64
	prec  []float64 // prior precision per column
	a, l  []float64
	m     []float64
	nBase int
	knots int // trend columns, after level, slope and weekdays

	signedCols []int
}

func newDesign(y []float64, nMedia int) *design {
	n := len(y)
	knots := (n - 1) / knotEvery
	nBase := 2 + 6 + knots // level, slope, six weekdays, changes of slope
	d := &design{n: n, p: nBase + nMedia, y: y, nBase: nBase, knots: knots}
	d.cols = make([][]float64, d.p)
	for j := range d.cols {
		d.cols[j] = make([]float64, n)
	}
	half := float64(n-1) / 2
	for t := range n {
		d.cols[0][t] = 1
		d.cols[1][t] = (float64(t) - half) / math.Max(half, 1)
		// Weekdays in sum-to-zero coding, so that the level is the mean
		// baseline and can be kept at zero or above.
		if wd := t % 7; wd > 0 {
			d.cols[1+wd][t] = 1
		} else {
			for k := 1; k < 7; k++ {
				d.cols[1+k][t] = -1
			}
		}
		// The trend bends at every knot; a prior on the bends keeps it as
		// smooth as the data ask (a random walk on the slope).
		for k := range knots {
			d.cols[8+k][t] = math.Max(0, float64(t-(k+1)*knotEvery)) / float64(n)
		}
	}
	d.yy = dot(y, y)
	p := d.p
	d.gram = make([]float64, p*p)
	d.xty = make([]float64, p)
	d.prec = make([]float64, p)
	d.a = make([]float64, p*p)
	d.l = make([]float64, p*p)
	d.m = make([]float64, p)
	for j := range nBase {
		d.prec[j] = basePrecision
	}
	for j := range nBase {
		d.refresh(j)
	}
	return d
}

// refresh recomputes column j's row of the Gram matrix and X'y.
func (d *design) refresh(j int) {
	c := d.cols[j]
	for k := range d.p {
		v := dot(c, d.cols[k])
		d.gram[j*d.p+k] = v
		d.gram[k*d.p+j] = v
	}
	d.xty[j] = dot(c, d.y)
}

func (f *fitter) setTrend() {
	d := f.d
	for k := range d.knots {
		d.prec[8+k] = 1 / trendGrid[f.vi]
	}
}

// evidence is the log marginal likelihood of the linear model with prior
// β ~ N(0, σ²·diag(1/prec)) and p(σ²) ∝ 1/σ², up to a constant: it
// rewards fit and charges for flexibility, which is what weighs each
// channel's carry-over and saturation without a validation split. It
// leaves the posterior mean in d.m.
func (d *design) evidence() float64 {
	p := d.p
	copy(d.a, d.gram)
	logPrec := 0.0
	for j := range p {
		d.a[j*p+j] += d.prec[j]
		logPrec += math.Log(d.prec[j])
	}
	if !cholesky(d.l, d.a, p) {
		return math.Inf(-1)
	}
	cholSolve(d.m, d.l, d.xty, p)
	s := d.yy - dot(d.m, d.xty)
	if s <= 0 {
		s = 1e-12 * (d.yy + 1)
	}
	return 0.5*logPrec - 0.5*logDetChol(d.l, p) - 0.5*float64(d.n)*math.Log(s) + d.orthant(s)
}

// orthant approximates what the constraints do to the evidence: the level
// and the channels' coefficients are kept at zero or above, so the
// evidence of the constrained model is the unconstrained one times the
// posterior probability of that orthant (over its prior probability, a
// constant). It is taken as the product of each coefficient's marginal
// probability: a configuration whose data want a negative baseline or a
// negative channel effect is charged for it.
func (d *design) orthant(s float64) float64 {
	p := d.p
	sigma2 := s / float64(d.n)
	lp := 0.0
	for _, j := range d.signed() {
		// (A⁻¹)_jj from the factor: solve L·z = e_j, then ‖z‖².
		z := d.a[:p] // scratch: a is no longer needed once l holds the factor
		clear(z)
		z[j] = 1
		for i := j; i < p; i++ {
			v := z[i]
			for k := j; k < i; k++ {
				v -= d.l[i*p+k] * z[k]
			}
			z[i] = v / d.l[i*p+i]
		}
		vjj := 0.0
		for i := j; i < p; i++ {
			vjj += z[i] * z[i]
		}
		sd := math.Sqrt(sigma2 * vjj)
		lp += logPhi(d.m[j] / sd)
	}
	return lp
}

// signed lists the columns kept at zero or above: the level and the
// channels.
func (d *design) signed() []int {
	if d.signedCols == nil {
		d.signedCols = append(d.signedCols, 0)
		for j := d.nBase; j < d.p; j++ {
			d.signedCols = append(d.signedCols, j)
		}
	}
	return d.signedCols
}

// logPhi is log Φ(x), the standard normal's log CDF, accurate in the far
// left tail.
func logPhi(x float64) float64 {
	if x > -5 {
		return math.Log(0.5 * math.Erfc(-x/math.Sqrt2))
	}
	// Mills' ratio asymptotics: Φ(x) ≈ φ(x)/|x|·(1 − 1/x²).
	return -0.5*x*x - math.Log(-x) - 0.5*math.Log(2*math.Pi) + math.Log1p(-1/(x*x))
}

// hyper is one channel's place on the grids.
type hyper struct{ ti, ki int }

func logPrior(h hyper) float64 {
	z := math.Log(kappaGrid[h.ki]) / kappaPriorSD
	return -0.5 * z * z
}

// fitter is the state of one fit: the design, each channel's hyper, and
// the carry-over of every channel at every θ.
type fitter struct {
	d      *design
	media  []int // channel of each media column
	ref    []float64
	ad     [][][]float64
	cur    []hyper
	gi, vi int
	ei     int // index in gammaGrid
	// weight[j] is channel j's prior scale relative to the others: its
	// usual spend over the mean of all channels'.
	weight []float64
	// A column, its Gram row and X'y entry, kept to restore a rejected move.
	saved, savedRow []float64
	savedXty        float64
}

func (f *fitter) save(j int) {
	d := f.d
	copy(f.saved, d.cols[j])
	copy(f.savedRow, d.gram[j*d.p:(j+1)*d.p])
	f.savedXty = d.xty[j]
}

func (f *fitter) restore(j int) {
	d := f.d
	copy(d.cols[j], f.saved)
	copy(d.gram[j*d.p:(j+1)*d.p], f.savedRow)
	for k, v := range f.savedRow {
		d.gram[k*d.p+j] = v
	}
	d.xty[j] = f.savedXty
}

func (f *fitter) setCol(j int, h hyper) {
	c := f.media[j]
	k := kappaGrid[h.ki] * f.ref[c]
	norm := (f.ref[c] + k) / f.ref[c] // 1/hill(ref)
	col := f.d.cols[f.d.nBase+j]
	for t, a := range f.ad[j][h.ti] {
		col[t] = a / (a + k) * norm
	}
	f.d.refresh(f.d.nBase + j)
}

// setG sets the channels' prior scales: a channel's coefficient (what it
// adds per day at its usual spend) has a prior scale of √g times its spend
// relative to the other channels' to the power γ. At γ = 1 every channel is
// expected to return about as much per unit of money, as under Meridian's
// ROI prior; at γ = 0 to add about as much whatever it spends. Both are
// sampled, so the data weigh the two views.
func (f *fitter) setG() {
	g := gGrid[f.gi]
	for j, w := range f.weight {
		w = math.Pow(w, gammaGrid[f.ei])
		f.d.prec[f.d.nBase+j] = 1 / (g * w * w)
	}
}

func (f *fitter) logTarget() float64 {
	lp := 0.0
	for _, h := range f.cur {
		lp += logPrior(h)
	}
	return f.d.evidence() + lp
}

// fitResponse fits y to the channels' spend. ref is each channel's usual
// daily spend when it runs (0 for a channel that never ran). The seed is
// fixed: the same history always gives the same advice.
func fitResponse(spend [][]float64, ref []float64, y []float64) *response {
	C := len(spend)
	n := len(y)
	r := &response{ref: ref, active: make([]bool, C)}
	f := &fitter{ref: ref}
	for c := range C {
		if ref[c] > 0 {
			r.active[c] = true
			f.media = append(f.media, c)
		}
	}
	f.d = newDesign(y, len(f.media))
	d := f.d
	f.saved, f.savedRow = make([]float64, n), make([]float64, d.p)
	// Carry-over depends on θ alone: compute it once per θ and channel.
	f.ad = make([][][]float64, len(f.media))
	var meanRef float64
	for j, c := range f.media {
		f.ad[j] = make([][]float64, len(thetaGrid))
		for i, th := range thetaGrid {
			f.ad[j][i] = make([]float64, n)
			adstock(f.ad[j][i], spend[c], th)
		}
		meanRef += ref[c] / float64(len(f.media))
	}
	f.weight = make([]float64, len(f.media))
	for j, c := range f.media {
		f.weight[j] = ref[c] / meanRef
	}
	f.cur = make([]hyper, len(f.media))
	for j := range f.media {
		f.cur[j] = hyper{ti: slices.Index(thetaGrid, 0.7), ki: slices.Index(kappaGrid, 1.0)}
		f.setCol(j, f.cur[j])
	}
	f.gi, f.vi, f.ei = slices.Index(gGrid, 1.0), slices.Index(trendGrid, 1.0), 2
	f.setG()
	f.setTrend()
	f.search()
	r.sample(f)
	return r
}

// search climbs to the most probable hyperparameters, one channel at a
// time over its whole grid, then the prior scales: the sampler starts
// there rather than spending its draws getting there.
func (f *fitter) search() {
	best := f.logTarget()
	for range searchSweeps {
		moved := false
		for j := range f.media {
			was := f.cur[j]
			top := was
			for ti := range thetaGrid {
				for ki := range kappaGrid {
					h := hyper{ti, ki}
					if h == was {
						continue
					}
					f.cur[j] = h
					f.setCol(j, h)
					if e := f.logTarget(); e > best+1e-9 {
						best, top = e, h
					}
				}
			}
			f.cur[j] = top
			f.setCol(j, top)
			moved = moved || top != was
		}
		for _, sc := range []struct {
			i     *int
			n     int
			apply func()
		}{{&f.gi, len(gGrid), f.setG}, {&f.vi, len(trendGrid), f.setTrend}, {&f.ei, len(gammaGrid), f.setG}} {
			top := *sc.i
			for i := range sc.n {
				*sc.i = i
				sc.apply()
				if e := f.logTarget(); e > best+1e-9 {
					best, top = e, i
				}
			}
			moved = moved || top != *sc.i
			*sc.i = top
			sc.apply()
		}
		if !moved {
			break
		}
	}
}

// scaleStep is a Metropolis step of one prior scale: its index moves by step
// along a grid of n, and apply puts the index in force.
func (f *fitter) scaleStep(i *int, n, step int, apply func(), rng *rand.Rand, lt *float64) {
	was := *i
	if *i += step; *i < 0 || *i >= n {
		*i = was
		return
	}
	apply()
	if e := f.logTarget(); math.Log(rng.Float64()) < e-*lt {
		*lt = e
		return
	}
	*i = was
	apply()
}

// sample draws from the joint posterior of the hyperparameters and the
// coefficients. The hyperparameters move by Metropolis steps on the grids
// with the coefficients integrated out (the evidence); after each step
// one Gibbs sweep draws the noise variance and every coefficient from its
// conditional, the channels' truncated at zero (an effect of spend is
// never negative). Averaging over the hyperparameters, instead of keeping
// the most probable, matters: the data rarely pin a channel's saturation
// down, and advice built on one guess of it follows that guess.
func (r *response) sample(f *fitter) {
	d := f.d
	p, n := d.p, d.n
	C := len(r.ref)
	rng := rand.New(rand.NewPCG(0x5eed, uint64(n)*7919+uint64(p)))
	r.beta = make([]float64, draws*C)
	r.kappa = make([]uint8, draws*C)
	r.theta = make([]uint8, draws*C)
	lt := f.logTarget()
	beta := make([]float64, p)
	copy(beta, d.m)
	for _, j := range d.signed() {
		beta[j] = max(beta[j], 0)
	}
	meanBeta := make([]float64, p)
	gb := make([]float64, p)
	var sumSigma float64
	kept := 0
	nm := len(f.media)
	for it := range burnIn + draws*thin {
		// A Metropolis step: one channel's θ or κ one place along its
		// grid, or a prior scale. A step off the grid is rejected, which
		// keeps the proposal symmetric.
		move := rng.IntN(nm + 3)
		step := 1 - 2*rng.IntN(2)
		switch {
		case move < nm:
			j := move
			was := f.cur[j]
			h := was
			if rng.IntN(2) == 0 {
				h.ti += step
			} else {
				h.ki += step
			}
			if h.ti < 0 || h.ti >= len(thetaGrid) || h.ki < 0 || h.ki >= len(kappaGrid) {
				break
			}
			f.save(d.nBase + j)
			f.cur[j] = h
			f.setCol(j, h)
			if e := f.logTarget(); math.Log(rng.Float64()) < e-lt {
				lt = e
			} else {
				f.cur[j] = was
				f.restore(d.nBase + j)
			}
		case move == nm:
			f.scaleStep(&f.gi, len(gGrid), step, f.setG, rng, &lt)
		case move == nm+2:
			f.scaleStep(&f.ei, len(gammaGrid), step, f.setG, rng, &lt)
		default:
			f.scaleStep(&f.vi, len(trendGrid), step, f.setTrend, rng, &lt)
		}

		// σ² | β: inverse gamma from the residuals and the prior penalty.
		for j := range p {
			gb[j] = dot(d.gram[j*p:(j+1)*p], beta)
		}
		rss := d.yy - 2*dot(beta, d.xty) + dot(beta, gb)
		pen := 0.0
		for j := range p {
			pen += d.prec[j] * beta[j] * beta[j]
		}
		sigma2 := (max(rss, 0) + pen) / 2 / gammaRand(rng, float64(n+p)/2)
		// β_j | the rest, in precision form.
		for j := range p {
			row := d.gram[j*p : (j+1)*p]
			ajj := row[j] + d.prec[j]
			mu := (d.xty[j] - dot(row, beta) + row[j]*beta[j]) / ajj
			sd := math.Sqrt(sigma2 / ajj)
			if j > 0 && j < d.nBase {
				beta[j] = mu + sd*rng.NormFloat64()
			} else {
				beta[j] = truncNormal(rng, mu, sd)
			}
		}
		if it < burnIn || (it-burnIn)%thin != 0 {
			continue
		}
		for j, c := range f.media {
			r.beta[kept*C+c] = beta[d.nBase+j]
			r.kappa[kept*C+c] = uint8(f.cur[j].ki)
			r.theta[kept*C+c] = uint8(f.cur[j].ti)
		}
		sumSigma += math.Sqrt(sigma2)
		for j := range p {
			meanBeta[j] += beta[j] / draws
		}
		kept++
	}
	r.sigma = sumSigma / draws
	r.mix = make([][]float64, C)
	for c := range C {
		r.mix[c] = make([]float64, len(kappaGrid))
		for k := range draws {
			r.mix[c][r.kappa[k*C+c]] += r.beta[k*C+c] / draws
		}
	}
	r.rho = residualCorrelation(f, meanBeta)
}

// residualCorrelation is the lag-1 autocorrelation of the residuals at the
// posterior mean coefficients (with the last hyperparameters' columns):
// how much structure the model leaves unexplained.
func residualCorrelation(f *fitter, beta []float64) float64 {
	d := f.d
	var num, den, prev float64
	for t := range d.n {
		v := d.y[t]
		for j := range d.p {
			v -= beta[j] * d.cols[j][t]
		}
		den += v * v
		if t > 0 {
			num += v * prev
		}
		prev = v
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// truncNormal draws from N(mu, sd²) restricted to [0, ∞): plain rejection
// when most of the mass is above zero, else Robert's (1995) exponential
// rejection sampler for the tail.
func truncNormal(rng *rand.Rand, mu, sd float64) float64 {
	if sd <= 0 {
		return max(mu, 0)
	}
	lo := -mu / sd // the bound in standard units
	if lo < 0.5 {
		for {
			if z := rng.NormFloat64(); z >= lo {
				return mu + sd*z
			}
		}
	}
	lam := (lo + math.Sqrt(lo*lo+4)) / 2
	for {
		z := lo + rng.ExpFloat64()/lam
		if rng.Float64() <= math.Exp(-(z-lam)*(z-lam)/2) {
			return mu + sd*z
		}
	}
}

// gammaRand draws from Gamma(shape, 1) by Marsaglia and Tsang's method.
func gammaRand(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaRand(rng, shape+1) * math.Pow(rng.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// shape is hill(s)/hill(ref) for channel c at κ index k: what the channel
// adds per day at a steady daily spend s, per unit of its coefficient.
func (r *response) shape(c, k int, s float64) float64 {
	if s <= 0 {
		return 0
	}
	kap := kappaGrid[k] * r.ref[c]
	return s / (s + kap) * (r.ref[c] + kap) / r.ref[c]
}

// mean is the posterior mean of what channel c adds per day at a steady
// daily spend s.
func (r *response) mean(c int, s float64) float64 {
	if !r.active[c] {
		return 0
	}
	v := 0.0
	for k, w := range r.mix[c] {
		if w != 0 {
			v += w * r.shape(c, k, s)
		}
	}
	return v
}

// draw is what channel c adds per day at daily spend s in draw k.
func (r *response) draw(k, c int, s float64) float64 {
	C := len(r.ref)
	b := r.beta[k*C+c]
	if b == 0 {
		return 0
	}
	return b * r.shape(c, int(r.kappa[k*C+c]), s)
}
