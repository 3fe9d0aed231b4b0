// Package spikes owns anomaly detection on listening time series: mentions
// per interval (counts) and the share of negative mentions per interval
// (shares).
//
// The detector is online: each interval is scored against the past only.
// It models a value as level × seasonal ratio on a variance-stabilised
// scale (√ for counts, arcsin √ for shares, so that Poisson and binomial
// noise have roughly the same spread at every level):
//
//   - the level is the interquartile mean of the last day of values, so a
//     spike does not move it and a lasting level shift is absorbed within
//     a day (a plain median would not do: the values of a daily cycle are
//     spread out, and one outlier moves their median by a whole rank);
//   - the seasonal ratio of an interval is the median, over the last four
//     weeks, of value/level at the same hour of the week (or, in the first
//     two weeks, the same hour of the day over the last seven days);
//   - the score is a robust z: (value − expected) / (1.4826 × MAD) on the
//     stabilised scale, the MAD taken over the recent residuals, so one
//     outlier cannot inflate the spread it is measured against.
//
// The design follows the ideas of Twitter's S-H-ESD (seasonal decomposition
// with medians and MAD) and of the online detectors of the Numenta Anomaly
// Benchmark, written for streaming: per-slot ring buffers and sorted sliding
// windows make a point cost a few hundred nanoseconds.
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
)

// String returns the name ParseKind accepts.
func (k Kind) String() string {
	switch k {
	case Counts:
		return "counts"
	case Shares:
		return "shares"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind reads "counts" or "shares".
func ParseKind(s string) (Kind, error) {
	switch s {
	case "counts":
		return Counts, nil
	case "shares":
		return Shares, nil
	}
	return 0, fmt.Errorf("kind %q: want counts or shares", s)
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
	// Kind is Counts (the zero value) or Shares.
	Kind Kind
	// Threshold is the robust z that flags an interval; 0 means
	// DefaultThreshold.
	Threshold float64
	// MinHistory is the number of points pushed before any alert; 0 means
	// two weeks and a day of intervals when the interval allows weekly
	// seasonality (360 hourly points), else three days, else the level
	// window (48 points).
	MinHistory int
	// Direction is Up (the zero value), Down or Both.
	Direction Direction
}

// Validate reports the first setting that New cannot use.
func (c Config) Validate() error {
	switch {
	case c.Interval <= 0:
		return fmt.Errorf("interval %v: must be positive", c.Interval)
	case c.Kind != Counts && c.Kind != Shares:
		return fmt.Errorf("kind %d: want Counts or Shares", int(c.Kind))
	case c.Direction != Up && c.Direction != Down && c.Direction != Both:
		return fmt.Errorf("direction %d: want Up, Down or Both", int(c.Direction))
	case !finite(c.Threshold) || c.Threshold < 0:
		return fmt.Errorf("threshold %v: must be a finite number >= 0", c.Threshold)
	case c.MinHistory < 0:
		return fmt.Errorf("min history %d: must be >= 0", c.MinHistory)
	}
	return nil
}

// Alert describes one flagged interval.
type Alert struct {
	// Time is the interval that was flagged.
	Time time.Time
	// Start is when the current anomalous run began: the first of the
	// consecutive intervals, up to Time, that all deviated by at least half
	// the threshold in the same direction.
	Start time.Time
	// Score is the robust z on the stabilised scale: positive above normal.
	Score float64
	// Expected is the normal value for Time, in the units of Value.
	Expected float64
	// Value is the value pushed.
	Value float64
	// Ratio is Value/Expected, or 0 when Expected is 0.
	Ratio float64
}

// Tunables that are not worth a setting: they follow from the season
// lengths and were checked by TestEvaluate.
const (
	weeksKept    = 4     // weekly-slot ratios kept per slot
	daysKept     = 7     // daily-slot ratios kept per slot
	maxSlots     = 10080 // one-minute intervals over a week
	minResiduals = 24    // residuals needed before the spread is trusted
	minScaleObs  = 64    // smallest residual window
	maxScaleObs  = 1024
	dayParts     = 4 // parts of the day with their own spread
	learnClip    = 2 // robust z beyond which a value is clipped before learning
	// madScale turns a MAD into a standard deviation for normal noise.
	madScale = 1.4826
	// runLen points with a sustained deviation add up: a level shift too
	// small to flag one interval is flagged when the mean of the last runLen
	// clipped scores, times √runLen, passes the threshold.
	runLen = 4
	// runClip bounds each score in that mean (as a share of the threshold),
	// so one huge spike does not flag the quiet intervals after it.
	runClip = 0.75
)

// Detector scores a series one interval at a time. It is not safe for
// concurrent use.
type Detector struct {
	interval   time.Duration
	kind       Kind
	dir        Direction
	threshold  float64
	minHistory int
	floor      float64 // smallest spread, on the stabilised scale

	dailyP, weeklyP int
	daily, weekly   []float64 // slot-major ring buffers of value/level
	dailyN, weeklyN []uint32  // ratios ever stored per slot

	level *window // stabilised values of the last day
	// resid holds recent residuals on the stabilised scale, one window per
	// part of the day: noise that grows with the level (overdispersion) is
	// larger by day than by night, and one pooled spread would flag the day.
	resid []*window

	recent  [runLen]float64 // clipped scores of the last runLen scored points
	scored  int
	n       int
	last    time.Time
	runSign int // +1 or -1 during a run, else 0
	runFrom time.Time
	runLen  int
}

// epoch is a Monday at midnight UTC, so that slot 0 of a week starts there.
var epoch = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)

// New returns a Detector for cfg. It panics when cfg.Validate fails: a
// configuration is a programming decision, unlike the data pushed.
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
		dailyP:     period(24*time.Hour, cfg.Interval),
		weeklyP:    period(7*24*time.Hour, cfg.Interval),
	}
	if d.threshold == 0 {
		d.threshold = DefaultThreshold
	}
	// Poisson noise has a spread of 1/2 on the √ scale; binomial noise
	// has 1/(2√n) on the arcsin √ scale, here as if n were 10,000.
	d.floor = 0.5
	if d.kind == Shares {
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
		// Ratios are learnt once the level window is full, so every slot
		// has two weeks (or two days) of them after this many points.
		case d.weeklyP > 0:
			d.minHistory = 2*d.weeklyP + levelN
		case d.dailyP > 0:
			d.minHistory = 2*d.dailyP + levelN
		default:
			d.minHistory = levelN
		}
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

// Push scores value v of the interval at t against the past and then learns
// from it. It returns the alert and true when the interval is flagged.
// Points that cannot be scored are ignored and return false: t not after
// the previous point, v NaN or infinite, negative counts, shares outside
// [0, 1].
func (d *Detector) Push(t time.Time, v float64) (Alert, bool) {
	if !d.valid(v) || (d.n > 0 && !t.After(d.last)) {
		return Alert{}, false
	}
	y := d.stabilise(v)
	var (
		alert   Alert
		flagged bool
		learn   = y // what the seasonal profile and the level learn
	)
	if d.level.full() {
		lvl := d.level.midMean()
		ws, ds := d.slots(t)
		if ratio, ok := d.seasonalRatio(ws, ds); ok {
			want := lvl * ratio
			e := y - want
			rw := d.resid[0]
			if len(d.resid) > 1 {
				rw = d.resid[ds*len(d.resid)/d.dailyP]
			}
			// Values near the float64 limit can overflow the expectation;
			// such a point is not scored, and it teaches only the level.
			sigma := max(madScale*rw.mad(), d.floor)
			if rw.len() >= minResiduals && finite(e) && finite(e/sigma) {
				z := d.sustained(e / sigma)
				d.track(t, z)
				if d.n >= d.minHistory {
					alert, flagged = d.judge(t, z, v, want)
				}
				// A short excursion is learnt clipped, so that a spike
				// teaches neither the level nor next week's profile; a
				// run that lasts is a new normal and is learnt as it is.
				if d.runLen < runLen {
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
		if r := learn / lvl; finite(r) {
			d.store(ws, ds, r)
		}
	}
	d.level.push(learn)
	d.n++
	d.last = t
	return alert, flagged
}

// sustained returns z, or the score of the last runLen points taken
// together when that is larger in magnitude.
func (d *Detector) sustained(z float64) float64 {
	c := runClip * d.threshold
	d.recent[d.scored%runLen] = max(-c, min(c, z))
	d.scored++
	if d.scored < runLen {
		return z
	}
	var sum float64
	for _, r := range d.recent {
		sum += r
	}
	if w := sum / math.Sqrt(runLen); math.Abs(w) > math.Abs(z) {
		return w
	}
	return z
}

// track follows the current run: consecutive intervals that deviate by at
// least half the threshold in the same direction.
func (d *Detector) track(t time.Time, z float64) {
	sign := 1
	if z < 0 {
		sign = -1
	}
	switch {
	case math.Abs(z) < d.threshold/2:
		d.runSign, d.runLen = 0, 0
	case sign != d.runSign:
		d.runSign, d.runFrom, d.runLen = sign, t, 1
	default:
		d.runLen++
	}
}

func (d *Detector) judge(t time.Time, z, v, want float64) (Alert, bool) {
	if math.Abs(z) < d.threshold || (d.dir == Up && z < 0) || (d.dir == Down && z > 0) {
		return Alert{}, false
	}
	exp := d.unstabilise(want)
	a := Alert{Time: t, Start: d.runFrom, Score: z, Expected: exp, Value: v}
	if exp > 0 {
		a.Ratio = v / exp
	}
	return a, true
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func (d *Detector) valid(v float64) bool {
	if !finite(v) || v < 0 {
		return false
	}
	return d.kind != Shares || v <= 1
}

// stabilise maps a value to the scale where its noise has about the same
// spread at every level. The +1 keeps the level away from zero, so that
// value/level stays finite on quiet series.
func (d *Detector) stabilise(v float64) float64 {
	if d.kind == Shares {
		return 1 + math.Asin(math.Sqrt(v))
	}
	return 1 + math.Sqrt(v)
}

func (d *Detector) unstabilise(y float64) float64 {
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

// seasonalRatio returns the expected value/level for the slots: the median
// over recent weeks once a slot has two of them, else over recent days.
// Without any season it is 1.
func (d *Detector) seasonalRatio(ws, ds int) (float64, bool) {
	if ws >= 0 && d.weeklyN[ws] >= 2 {
		return ringMedian(d.weekly[ws*weeksKept:(ws+1)*weeksKept], d.weeklyN[ws]), true
	}
	if ds >= 0 && d.dailyN[ds] >= 2 {
		return ringMedian(d.daily[ds*daysKept:(ds+1)*daysKept], d.dailyN[ds]), true
	}
	if ws < 0 && ds < 0 {
		return 1, true
	}
	return 0, false
}

func (d *Detector) store(ws, ds int, r float64) {
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
