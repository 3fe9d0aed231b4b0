// Package spikes owns anomaly detection on listening time series: mentions
// per interval (counts), the share of negative mentions per interval
// (shares), and any other measured series (values).
//
// The detector is online: each interval is scored against the past only,
// in a few hundred nanoseconds. It models a value on a variance-stabilised
// scale (√ for counts, arcsin √ for shares, so that Poisson and binomial
// noise have about the same spread at every level; values as they are):
//
//   - the level is the interquartile mean of the last day of values, so a
//     spike does not move it and a lasting shift is absorbed within a day;
//   - the season of an interval is the median, over recent weeks, of
//     value/level at the same slot of the week, or before two weeks over
//     the last seven days at the same slot of the day (value − level for
//     values, whose seasons add to the level rather than scale it);
//   - the score is a robust z: (value − expected) / (1.4826 × MAD of recent
//     residuals), so one outlier cannot inflate the spread it is measured
//     against; four moderate deviations in a row add up, so level shifts
//     are caught;
//   - the threshold adapts to the series' tails: at least 1.5 times the
//     score that nine in ten of its recent eight-hour blocks stay under,
//     so a series whose noise bursts every day alerts only on what is
//     rare for it.
//
// An anomaly is an Episode, not an interval: the first anomalous interval
// opens it (the alert), it stays open while the series stays abnormal
// (half the threshold), and it closes after three hours of normal
// intervals. It carries what explains it: since when, the peak, the
// expected and the actual value, their ratio, and how much history the
// baseline had.
package spikes

import (
	"fmt"
	"math"
	"time"
)

// Kind says what the values measure, which decides their noise model.
type Kind int

const (
	// Counts are non-negative numbers of things per interval (mentions).
	Counts Kind = iota
	// Shares are proportions in [0, 1] per interval (negative share).
	Shares
	// Values are any finite numbers: negative, fractional, in any unit.
	Values
)

// String returns the name ParseKind accepts.
func (k Kind) String() string {
	switch k {
	case Counts:
		return "counts"
	case Shares:
		return "shares"
	case Values:
		return "values"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind reads "counts", "shares" or "values".
func ParseKind(s string) (Kind, error) {
	switch s {
	case "counts":
		return Counts, nil
	case "shares":
		return Shares, nil
	case "values":
		return Values, nil
	}
	return 0, fmt.Errorf("kind %q: want counts, shares or values", s)
}

// Direction says which deviations raise an alert.
type Direction int

const (
	// Up flags values above normal (the zero value: spikes).
	Up Direction = iota
	// Down flags values below normal (drops, outages).
	Down
	// Both flags deviations either way.
	Both
)

// String returns the name ParseDirection accepts.
func (d Direction) String() string {
	switch d {
	case Up:
		return "up"
	case Down:
		return "down"
	case Both:
		return "both"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// ParseDirection reads "up", "down" or "both".
func ParseDirection(s string) (Direction, error) {
	switch s {
	case "up":
		return Up, nil
	case "down":
		return Down, nil
	case "both":
		return Both, nil
	}
	return 0, fmt.Errorf("direction %q: want up, down or both", s)
}

// DefaultThreshold is the robust z an interval must reach to be flagged
// when Config.Threshold is zero.
const DefaultThreshold = 4.5

// Config sets up a Detector. Only Interval is required.
type Config struct {
	// Interval is the spacing of the series; it decides the daily and
	// weekly season lengths (24h/Interval and 7×24h/Interval slots).
	Interval time.Duration
	// Kind is Counts (the zero value), Shares or Values.
	Kind Kind
	// Threshold is the robust z that flags an interval; 0 means
	// DefaultThreshold.
	Threshold float64
	// MinHistory is the number of points pushed before any alert; 0 means
	// the default (see New).
	MinHistory int
	// Direction is Up (the zero value), Down or Both.
	Direction Direction
	// Quiet is the number of normal intervals in a row that close an
	// episode; 0 means the default (see New).
	Quiet int
}

// Validate reports the first setting that New cannot use.
func (c Config) Validate() error {
	switch {
	case c.Interval <= 0:
		return fmt.Errorf("interval %v: must be positive", c.Interval)
	case c.Kind != Counts && c.Kind != Shares && c.Kind != Values:
		return fmt.Errorf("kind %d: want Counts, Shares or Values", int(c.Kind))
	case c.Direction != Up && c.Direction != Down && c.Direction != Both:
		return fmt.Errorf("direction %d: want Up, Down or Both", int(c.Direction))
	case !finite(c.Threshold) || c.Threshold < 0:
		return fmt.Errorf("threshold %v: must be a finite number >= 0", c.Threshold)
	case c.MinHistory < 0:
		return fmt.Errorf("min history %d: must be >= 0", c.MinHistory)
	case c.Quiet < 0:
		return fmt.Errorf("quiet %d: must be >= 0", c.Quiet)
	}
	return nil
}

// Tunables that are not worth a setting. The season lengths decide the
// first group; the second was chosen on half of the Numenta Anomaly
// Benchmark's series (see TestNAB) and checked on generated series (see
// TestEvaluate).
const (
	weeksKept    = 4     // weekly-slot values kept per slot
	daysKept     = 7     // daily-slot values kept per slot
	maxSlots     = 10080 // one-minute intervals over a week
	minResiduals = 24    // residuals needed before the spread is trusted
	minScaleObs  = 64    // smallest residual window
	maxScaleObs  = 1024
	dayParts     = 4 // parts of the day with their own spread
	// madScale turns a MAD into a standard deviation for normal noise.
	madScale = 1.4826

	// warmDays of intervals are learnt from before the first alert.
	warmDays = 3
	// learnClip is the robust z beyond which a value is clipped before
	// the baseline learns it.
	learnClip = 2
	// runLen points with a sustained deviation add up: a level shift too
	// small to flag one interval is flagged when the mean of the last runLen
	// clipped scores, times √runLen, passes the threshold.
	runLen = 4
	// runClip bounds each score in that mean (as a share of the threshold),
	// so one huge spike does not flag the quiet intervals after it.
	runClip = 0.75
	// abnormal is the share of the threshold that keeps an episode open.
	abnormal = 0.5
	// An episode closes after quietTime of normal intervals, and at least
	// minQuiet of them.
	quietTime = 3 * time.Hour
	minQuiet  = 3
	// The threshold is at least tailFactor times the tailQ quantile of the
	// largest score of each blockTime of scored points, over the last
	// blocksKept blocks (once there are minBlocks): a series whose noise
	// has heavy tails passes 4.5 every day, and its alerts must be rarer
	// than its usual bursts. The quantile stays below the blocks that hold
	// the series' real anomalies while they are fewer than one in ten.
	tailFactor = 1.5
	tailQ      = 0.9
	blockTime  = 8 * time.Hour
	blocksKept = 64
	minBlocks  = 4
)

// State says how a pushed point was taken.
type State uint8

const (
	// Skipped points cannot be scored: a time not after the previous
	// point, a value the kind cannot take (NaN, infinite, a negative count,
	// a share outside [0, 1]). They teach the detector nothing.
	Skipped State = iota
	// Learning points teach the baseline but are not judged: there is too
	// little history to say what is normal for them.
	Learning
	// Normal points are within the usual range.
	Normal
	// Abnormal points deviate by more than half the threshold in force:
	// not enough to open an episode, enough to keep one open.
	Abnormal
	// Anomalous points reach the threshold in force in a flagged
	// direction: Config.Threshold, or more on a series with heavy tails.
	Anomalous
)

// String returns the state's name.
func (s State) String() string {
	switch s {
	case Skipped:
		return "skipped"
	case Learning:
		return "learning"
	case Normal:
		return "normal"
	case Abnormal:
		return "abnormal"
	case Anomalous:
		return "anomalous"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Season says which part of the baseline gave an expectation.
type Season uint8

const (
	// NoSeason: the expectation is the recent level alone.
	NoSeason Season = iota
	// Daily: the level times the same slot of the day over recent days.
	Daily
	// Weekly: the level times the same slot of the week over recent weeks.
	Weekly
)

// String returns "none", "daily" or "weekly".
func (s Season) String() string {
	switch s {
	case NoSeason:
		return "none"
	case Daily:
		return "daily"
	case Weekly:
		return "weekly"
	}
	return fmt.Sprintf("Season(%d)", int(s))
}

// Baseline says what an expectation was learnt from, so that an alert on a
// young series can say how little it knew.
type Baseline struct {
	// History is the span of the series learnt from, first point to the
	// previous one.
	History time.Duration
	// Points is the number of points learnt from.
	Points int
	// Season is the seasonal profile used.
	Season Season
	// Seasons is how many past days (Daily) or weeks (Weekly) the profile
	// for this slot holds.
	Seasons int
}

// Point is the outcome of one Push.
type Point struct {
	Time  time.Time
	Value float64
	// Expected is the normal value for Time, in the units of Value; zero
	// for a skipped point and before the baseline has a season for Time.
	Expected float64
	// Score is the robust z on the stabilised scale: positive above
	// normal; zero when the point was not scored.
	Score float64
	State State
	// Opened is true when this point opened an episode: it is the alert.
	Opened bool
	// Closed is true when the open episode closed at this point, after
	// Quiet normal intervals. Detector.Episode returns it.
	Closed bool
}

// Episode is one anomaly from its first anomalous interval to its last:
// one alert, with what it needs to explain itself.
type Episode struct {
	// Start is the first anomalous interval: when the alert was raised.
	Start time.Time
	// Score is the score at Start.
	Score float64
	// Peak is the interval that deviated most, and PeakScore its score.
	Peak      time.Time
	PeakScore float64
	// End is the last interval that was not normal; zero while the
	// episode is open.
	End time.Time
	// Expected and Actual are the normal and the pushed value at Peak, and
	// Ratio is Actual/Expected (0 when Expected is 0 or the ratio
	// overflows).
	Expected, Actual, Ratio float64
	// Flagged counts the anomalous intervals of the episode.
	Flagged int
	// Baseline is what the expectation at Start was learnt from.
	Baseline Baseline
}

// Open reports whether the episode is still going on.
func (e Episode) Open() bool { return !e.Start.IsZero() && e.End.IsZero() }

// Detector scores a series one interval at a time. It is not safe for
// concurrent use.
type Detector struct {
	interval   time.Duration
	kind       Kind
	dir        Direction
	threshold  float64
	minHistory int
	quiet      int
	floor      float64 // smallest spread, on the stabilised scale

	dailyP, weeklyP int
	daily, weekly   []float64 // slot-major ring buffers of value/level (or value−level)
	dailyN, weeklyN []uint32  // values ever stored per slot

	level *window // stabilised values of the last day
	// resid holds recent residuals on the stabilised scale, one window per
	// part of the day: noise that grows with the level (overdispersion) is
	// larger by day than by night, and one pooled spread would flag the day.
	resid []*window

	recent [runLen]float64 // clipped scores of the last runLen scored points
	scored int
	run    int // points in a row with a sustained deviation of one sign
	runSgn int

	// Block maxima of the score above and below normal: the typical
	// largest score per block says how heavy the tails of this series are.
	blockUp, blockDown float64
	blockN, blockLen   int
	maxUp, maxDown     *window

	n     int
	first time.Time
	last  time.Time

	ep      Episode
	hasEp   bool
	calm    int       // normal points in a row while an episode is open
	lastOff time.Time // the episode's last point that was not normal
}

// epoch is a Monday at midnight UTC, so that slot 0 of a week starts there.
var epoch = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)

// New returns a Detector for cfg. It panics when cfg.Validate fails: a
// configuration is a programming decision, unlike the data pushed.
//
// By default the detector learns for three days of intervals before it
// raises an alert (for a series of one interval a day, three weeks), and
// an episode closes after three hours of normal intervals (at least three
// intervals).
func New(cfg Config) *Detector {
	if err := cfg.Validate(); err != nil {
		panic("spikes: " + err.Error())
	}
	d := &Detector{
		interval:   cfg.Interval,
		kind:       cfg.Kind,
		dir:        cfg.Direction,
		threshold:  cfg.Threshold,
		minHistory: cfg.MinHistory,
		quiet:      cfg.Quiet,
		dailyP:     period(24*time.Hour, cfg.Interval),
		weeklyP:    period(7*24*time.Hour, cfg.Interval),
	}
	if d.threshold == 0 {
		d.threshold = DefaultThreshold
	}
	// Poisson noise has a spread of 1/2 on the √ scale; binomial noise
	// has 1/(2√n) on the arcsin √ scale, here as if n were 10,000. Values
	// have no noise model: their floor follows their own scale (spread).
	switch d.kind {
	case Counts:
		d.floor = 0.5
	case Shares:
		d.floor = 0.005
	}
	levelN, scaleN := 48, 100
	switch {
	case d.dailyP > 0:
		levelN = d.dailyP
		scaleN = d.weeklyP
	case d.weeklyP > 0:
		levelN = d.weeklyP
		scaleN = 8 * d.weeklyP
	}
	if d.minHistory == 0 {
		switch {
		case d.dailyP > 0:
			d.minHistory = max(warmDays*d.dailyP, levelN)
		case d.weeklyP > 0:
			d.minHistory = 2*d.weeklyP + levelN
		default:
			d.minHistory = levelN
		}
	}
	if d.quiet == 0 {
		d.quiet = max(int(quietTime/d.interval), minQuiet)
	}
	d.level = newWindow(levelN)
	parts := 1
	if d.dailyP >= 4*dayParts {
		parts = dayParts
	}
	d.resid = make([]*window, parts)
	for i := range d.resid {
		d.resid[i] = newWindow(min(max(2*scaleN/parts, minScaleObs), maxScaleObs))
	}
	if d.dailyP > 0 {
		d.daily = make([]float64, d.dailyP*daysKept)
		d.dailyN = make([]uint32, d.dailyP)
	}
	if d.weeklyP > 0 {
		d.weekly = make([]float64, d.weeklyP*weeksKept)
		d.weeklyN = make([]uint32, d.weeklyP)
	}
	d.blockLen = max(1, int((blockTime+d.interval/2)/d.interval))
	d.maxUp = newWindow(blocksKept)
	d.maxDown = newWindow(blocksKept)
	return d
}

// period returns how many intervals make one season, or 0 when the
// interval does not divide it, leaves fewer than two slots, or would need
// more slots than is useful to keep.
func period(season, interval time.Duration) int {
	if season%interval != 0 {
		return 0
	}
	p := season / interval
	if p < 2 || p > maxSlots {
		return 0
	}
	return int(p)
}

// Interval returns the spacing the detector was built for.
func (d *Detector) Interval() time.Duration { return d.interval }

// MinHistory returns how many points the detector learns from before it
// raises any alert.
func (d *Detector) MinHistory() int { return d.minHistory }

// Quiet returns how many normal intervals in a row close an episode.
func (d *Detector) Quiet() int { return d.quiet }

// Episode returns the open episode, or the last one that closed; false
// when there has been none.
func (d *Detector) Episode() (Episode, bool) { return d.ep, d.hasEp }

// Push scores value v of the interval at t against the past and then learns
// from it. Points that cannot be scored are Skipped: t not after the
// previous point, v NaN or infinite, negative counts, shares outside
// [0, 1].
func (d *Detector) Push(t time.Time, v float64) Point {
	p := Point{Time: t, Value: v}
	if !d.valid(v) || (d.n > 0 && !t.After(d.last)) {
		return p
	}
	p.State = Learning
	y := d.stabilise(v)
	learn := y // what the seasonal profile and the level learn
	if d.level.full() {
		lvl := d.level.midMean()
		ws, ds := d.slots(t)
		if want, base, ok := d.expect(lvl, ws, ds); ok {
			e := y - want
			rw := d.resid[0]
			if len(d.resid) > 1 {
				rw = d.resid[ds*len(d.resid)/d.dailyP]
			}
			// Values near the float64 limit can overflow the expectation;
			// such a point is not scored, and it teaches only the level.
			sigma := d.spread(rw, lvl)
			exp := d.unstabilise(want)
			if rw.len() >= minResiduals && finite(e) && finite(e/sigma) && finite(exp) {
				z := d.sustained(e / sigma)
				d.block(z)
				p.Score = z
				p.Expected = exp
				if d.n >= d.minHistory {
					base.History = d.last.Sub(d.first)
					base.Points = d.n
					d.judge(&p, base)
				}
				// A short excursion is learnt clipped, so that a spike
				// teaches neither the level nor next week's profile; a
				// run that lasts is a new normal and is learnt as it is.
				if d.run < runLen {
					learn = want + max(-learnClip, min(learnClip, e/sigma))*sigma
				}
			}
			if finite(e) {
				rw.push(e)
			}
		}
		if !finite(learn) {
			learn = y
		}
		d.store(ws, ds, learn, lvl)
	}
	d.level.push(learn)
	if d.n == 0 {
		d.first = t
	}
	d.n++
	d.last = t
	return p
}

// spread returns the noise spread a residual is measured against: the MAD
// of recent residuals as a standard deviation, never below the floor.
func (d *Detector) spread(rw *window, lvl float64) float64 {
	s := madScale * rw.mad()
	floor := d.floor
	if d.kind == Values {
		// A value series has no natural unit: a spread below a millionth of
		// its level, or of its residuals' largest swing, is rounding.
		floor = max(1e-6*math.Abs(lvl), 1e-6*rw.span(), math.SmallestNonzeroFloat64)
	}
	return max(s, floor)
}

// sustained returns z, or the score of the last runLen points taken
// together when that is larger in magnitude, and follows the run of
// sustained deviations of one sign.
func (d *Detector) sustained(z float64) float64 {
	c := runClip * d.threshold
	d.recent[d.scored%runLen] = max(-c, min(c, z))
	d.scored++
	out := z
	if d.scored >= runLen {
		var sum float64
		for _, r := range d.recent {
			sum += r
		}
		if w := sum / math.Sqrt(runLen); math.Abs(w) > math.Abs(z) {
			out = w
		}
	}
	sgn := 1
	if out < 0 {
		sgn = -1
	}
	switch {
	case math.Abs(out) < abnormal*d.threshold:
		d.run, d.runSgn = 0, 0
	case sgn != d.runSgn:
		d.run, d.runSgn = 1, sgn
	default:
		d.run++
	}
	return out
}

// judge sets the point's state against the threshold and moves the
// episode on.
func (d *Detector) judge(p *Point, base Baseline) {
	z := p.Score
	thr := d.threshold
	up, down := d.tailThreshold()
	if z > 0 {
		thr = max(thr, up)
	} else {
		thr = max(thr, down)
	}
	wanted := (d.dir != Down || z < 0) && (d.dir != Up || z > 0)
	switch {
	case wanted && math.Abs(z) >= thr:
		p.State = Anomalous
	case wanted && math.Abs(z) >= abnormal*thr:
		p.State = Abnormal
	default:
		p.State = Normal
	}
	open := d.hasEp && d.ep.Open()
	switch {
	case !open && p.State == Anomalous:
		d.ep = Episode{Start: p.Time, Score: z, Peak: p.Time, PeakScore: z, Flagged: 1, Baseline: base}
		d.setPeak(p)
		d.hasEp, d.calm, d.lastOff = true, 0, p.Time
		p.Opened = true
	case open && p.State != Normal:
		d.calm, d.lastOff = 0, p.Time
		if p.State == Anomalous {
			d.ep.Flagged++
		}
		if math.Abs(z) > math.Abs(d.ep.PeakScore) {
			d.ep.Peak, d.ep.PeakScore = p.Time, z
			d.setPeak(p)
		}
	case open:
		d.calm++
		if d.calm >= d.quiet {
			d.ep.End = d.lastOff
			p.Closed = true
		}
	}
}

func (d *Detector) setPeak(p *Point) {
	d.ep.Expected, d.ep.Actual, d.ep.Ratio = p.Expected, p.Value, 0
	if r := p.Value / p.Expected; finite(r) {
		d.ep.Ratio = r
	}
}

// block records z in the current block of scores.
func (d *Detector) block(z float64) {
	d.blockUp = max(d.blockUp, z)
	d.blockDown = max(d.blockDown, -z)
	d.blockN++
	if d.blockN >= d.blockLen {
		d.maxUp.push(d.blockUp)
		d.maxDown.push(d.blockDown)
		d.blockUp, d.blockDown, d.blockN = 0, 0, 0
	}
}

// tailThreshold returns the least score above and below normal that is
// rare for this series: tailFactor times the tailQ quantile of its block
// maxima, or 0 before there are minBlocks of them.
func (d *Detector) tailThreshold() (up, down float64) {
	if d.maxUp.len() < minBlocks {
		return 0, 0
	}
	return tailFactor * d.maxUp.quantile(tailQ), tailFactor * d.maxDown.quantile(tailQ)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func (d *Detector) valid(v float64) bool {
	switch {
	case !finite(v):
		return false
	case d.kind == Values:
		return true
	case v < 0:
		return false
	}
	return d.kind != Shares || v <= 1
}

// stabilise maps a value to the scale where its noise has about the same
// spread at every level. The +1 keeps the level away from zero, so that
// value/level stays finite on quiet series.
func (d *Detector) stabilise(v float64) float64 {
	switch d.kind {
	case Shares:
		return 1 + math.Asin(math.Sqrt(v))
	case Values:
		return v
	}
	return 1 + math.Sqrt(v)
}

func (d *Detector) unstabilise(y float64) float64 {
	if d.kind == Values {
		return y
	}
	x := max(y-1, 0)
	if d.kind == Shares {
		s := math.Sin(min(x, math.Pi/2))
		return s * s
	}
	return x * x
}

// slots returns the weekly and daily slot of t, counted from a Monday at
// midnight UTC; -1 when that season is not kept.
func (d *Detector) slots(t time.Time) (weekly, daily int) {
	i := int64(t.Sub(epoch) / d.interval)
	if t.Before(epoch) && t.Sub(epoch)%d.interval != 0 {
		i-- // floor, not truncation, before the epoch
	}
	weekly, daily = -1, -1
	if d.weeklyP > 0 {
		weekly = int(mod(i, int64(d.weeklyP)))
	}
	if d.dailyP > 0 {
		daily = int(mod(i, int64(d.dailyP)))
	}
	return weekly, daily
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// expect returns the expected stabilised value for the slots at level lvl,
// and which season gave it: the median over recent weeks once a slot has
// two of them, else over recent days. Counts and shares have seasons that
// scale with the level (a ratio); values have seasons that add to it.
func (d *Detector) expect(lvl float64, ws, ds int) (float64, Baseline, bool) {
	var (
		s float64
		b Baseline
	)
	switch {
	case ws >= 0 && d.weeklyN[ws] >= 2:
		s = ringMedian(d.weekly[ws*weeksKept:(ws+1)*weeksKept], d.weeklyN[ws])
		b = Baseline{Season: Weekly, Seasons: int(min(d.weeklyN[ws], weeksKept))}
	case ds >= 0 && d.dailyN[ds] >= 1:
		s = ringMedian(d.daily[ds*daysKept:(ds+1)*daysKept], d.dailyN[ds])
		b = Baseline{Season: Daily, Seasons: int(min(d.dailyN[ds], daysKept))}
	case ws < 0 && ds < 0:
		return lvl, b, true
	default:
		return 0, b, false
	}
	if d.kind == Values {
		return lvl + s, b, true
	}
	return lvl * s, b, true
}

// store learns y, the learnt value at level lvl, into the slots.
func (d *Detector) store(ws, ds int, y, lvl float64) {
	r := y / lvl
	if d.kind == Values {
		r = y - lvl
	}
	if !finite(r) {
		return
	}
	if ws >= 0 {
		d.weekly[ws*weeksKept+int(d.weeklyN[ws]%weeksKept)] = r
		d.weeklyN[ws]++
	}
	if ds >= 0 {
		d.daily[ds*daysKept+int(d.dailyN[ds]%daysKept)] = r
		d.dailyN[ds]++
	}
}

// ringMedian returns the median of the first min(n, len(ring)) values.
// Rings hold at most daysKept values, so an insertion sort on the stack
// beats anything cleverer.
func ringMedian(ring []float64, n uint32) float64 {
	var buf [daysKept]float64
	k := min(int(n), len(ring))
	s := buf[:k]
	copy(s, ring[:k])
	for i := 1; i < k; i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	if k%2 == 1 {
		return s[k/2]
	}
	return (s[k/2-1] + s[k/2]) / 2
}
