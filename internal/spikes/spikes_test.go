package spikes

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// flat returns an hourly counts series with a daily cycle and Poisson
// noise, from a fixed seed.
func flat(seed uint64) series { return synth(seed, kindNone) }

// alerts pushes a series and returns the episodes it raised, as they
// stood at the end.
func alerts(d *Detector, sr series) []Episode {
	var out []Episode
	for i, v := range sr.values {
		p := d.Push(sr.times[i], v)
		if p.Opened {
			out = append(out, Episode{})
		}
		if ep, ok := d.Episode(); ok && len(out) > 0 {
			out[len(out)-1] = ep
		}
	}
	return out
}

func TestDetectorOneAlertPerEpisode(t *testing.T) {
	sr := flat(3)
	at := synthWarm + 100
	for i := at; i < at+3; i++ {
		sr.values[i] = sr.values[i]*4 + 40
	}
	sr.values[at+1] = sr.values[at+1]*2 + 40 // the peak is the middle hour
	eps := alerts(New(Config{Interval: time.Hour}), sr)
	var hit []Episode
	for _, ep := range eps {
		if !ep.Start.Before(sr.times[at]) && ep.Start.Before(sr.times[at+6]) {
			hit = append(hit, ep)
		}
	}
	if len(hit) != 1 {
		t.Fatalf("have %d alerts during the 3-hour spike (%+v), want 1", len(hit), hit)
	}
	ep := hit[0]
	if !ep.Start.Equal(sr.times[at]) || !ep.Peak.Equal(sr.times[at+1]) {
		t.Errorf("start %v peak %v, want %v %v", ep.Start, ep.Peak, sr.times[at], sr.times[at+1])
	}
	if ep.End.Before(sr.times[at+2]) || ep.End.After(sr.times[at+4]) {
		t.Errorf("end: have %v, want the last spike hour %v or just after", ep.End, sr.times[at+2])
	}
	if ep.Flagged < 2 || ep.Score < DefaultThreshold || ep.PeakScore < ep.Score || ep.Actual != sr.values[at+1] || ep.Ratio < 2 {
		t.Errorf("have %+v, want at least 2 flagged hours, score >= %v, the peak's value %v and ratio >= 2",
			ep, DefaultThreshold, sr.values[at+1])
	}
	if math.Abs(ep.Ratio-ep.Actual/ep.Expected) > 1e-9 {
		t.Errorf("ratio: have %v, want actual/expected %v", ep.Ratio, ep.Actual/ep.Expected)
	}
	if ep.Baseline.Season != Daily && ep.Baseline.Season != Weekly || ep.Baseline.Points != at || ep.Baseline.History != sr.times[at-1].Sub(sr.times[0]) {
		t.Errorf("baseline: have %+v, want a season and %d points over %v", ep.Baseline, at, sr.times[at-1].Sub(sr.times[0]))
	}
}

func TestDetectorEpisodeStaysOpenWhileAbnormal(t *testing.T) {
	// A flare that rises, eases below the threshold (not to normal) and
	// rises again is one episode; a second spike after a quiet day is
	// another.
	sr := flat(11)
	at := synthWarm + 60
	for i, m := range []float64{5, 5, 1.8, 1.8, 5, 5} {
		sr.values[at+i] = sr.values[at+i]*m + 20
	}
	later := at + 30
	sr.values[later] = sr.values[later]*5 + 50
	d := New(Config{Interval: time.Hour})
	var opened []int
	for i, v := range sr.values {
		p := d.Push(sr.times[i], v)
		if p.Opened && i >= at && i <= later+2 {
			opened = append(opened, i)
		}
	}
	if len(opened) != 2 || opened[0] != at || opened[1] != later {
		t.Errorf("have alerts at %v, want %d and %d", opened, at, later)
	}
}

func TestDetectorDirection(t *testing.T) {
	sr := flat(4)
	up, down := synthWarm+50, synthWarm+300
	sr.values[up] = sr.values[up]*5 + 50
	sr.values[down] = 0
	sr.values[down+1] = 0
	sr.values[down+2] = 0
	tests := []struct {
		dir              Direction
		wantUp, wantDown bool
	}{
		{Up, true, false},
		{Down, false, true},
		{Both, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.dir.String(), func(t *testing.T) {
			d := New(Config{Interval: time.Hour, Direction: tt.dir})
			var gotUp, gotDown bool
			for i, v := range sr.values {
				p := d.Push(sr.times[i], v)
				if p.State != Anomalous {
					continue
				}
				if tt.dir == Up && p.Score < 0 || tt.dir == Down && p.Score > 0 {
					t.Errorf("have score %.2f at %v, against direction %v", p.Score, p.Time, tt.dir)
				}
				gotUp = gotUp || i == up
				gotDown = gotDown || (i >= down && i < down+3)
			}
			if gotUp != tt.wantUp || gotDown != tt.wantDown {
				t.Errorf("have up %v down %v, want up %v down %v", gotUp, gotDown, tt.wantUp, tt.wantDown)
			}
		})
	}
}

func TestDetectorShares(t *testing.T) {
	// Negative share of about 20% out of the hourly mentions of a series,
	// with a crisis of four hours at 60%.
	sr := flat(5)
	crisis := synthWarm + 200
	d := New(Config{Interval: time.Hour, Kind: Shares})
	var first time.Time
	for i, n := range sr.values {
		share := 0.2 + 0.02*math.Sin(float64(i)) // deterministic wobble
		if i >= crisis && i < crisis+4 {
			share = 0.6
		}
		if n < 1 {
			n = 1
		}
		share = math.Round(share*n) / n
		if p := d.Push(sr.times[i], share); p.Opened && first.IsZero() {
			first = p.Time
			if p.Expected < 0.1 || p.Expected > 0.3 {
				t.Errorf("expected share: have %.3f, want about 0.2", p.Expected)
			}
		}
	}
	if !first.Equal(sr.times[crisis]) {
		t.Errorf("first alert: have %v, want the crisis start %v", first, sr.times[crisis])
	}
}

func TestDetectorValues(t *testing.T) {
	// A value series (a temperature around zero, in degrees, with a daily
	// cycle): negative and fractional values are normal, and a drop of
	// four degrees for two hours is found, expected and actual in degrees.
	sr := flat(12)
	at := synthWarm + 150
	vals := make([]float64, len(sr.values))
	for i, t := range sr.times {
		vals[i] = -1.5 + 3*math.Sin(2*math.Pi*float64(t.Hour())/24) + 0.2*math.Sin(float64(i)*1.7)
		if i >= at && i < at+2 {
			vals[i] -= 4
		}
	}
	sr.values = vals
	eps := alerts(New(Config{Interval: time.Hour, Kind: Values, Direction: Both}), sr)
	if len(eps) != 1 || !eps[0].Start.Equal(sr.times[at]) {
		t.Fatalf("have alerts %+v, want one at %v", eps, sr.times[at])
	}
	ep := eps[0]
	if ep.PeakScore > -DefaultThreshold || math.Abs(ep.Actual-ep.Expected+4) > 0.5 {
		t.Errorf("have score %.2f, expected %.2f actual %.2f, want a drop of about 4", ep.PeakScore, ep.Expected, ep.Actual)
	}
}

func TestDetectorIgnoresUnusablePoints(t *testing.T) {
	sr := flat(6)
	d := New(Config{Interval: time.Hour, Direction: Both})
	base := New(Config{Interval: time.Hour, Direction: Both})
	for i, v := range sr.values {
		a := d.Push(sr.times[i], v)
		b := base.Push(sr.times[i], v)
		if a != b {
			t.Fatalf("point %d: junk changed the outcome: have %+v, want %+v", i, a, b)
		}
		for _, junk := range []struct {
			t time.Time
			v float64
		}{
			{sr.times[i], v + 1000},                    // same time again
			{sr.times[i].Add(-time.Hour), v * 10},      // the past
			{sr.times[i].Add(time.Minute), math.NaN()}, // not a number
			{sr.times[i].Add(time.Minute), math.Inf(1)},
			{sr.times[i].Add(time.Minute), -1}, // a negative count
		} {
			if p := d.Push(junk.t, junk.v); p.State != Skipped || p.Opened {
				t.Fatalf("point %d: junk %v at %v was taken: %+v", i, junk.v, junk.t, p)
			}
		}
	}
}

func TestDetectorHandlesGaps(t *testing.T) {
	// Drop every 7th hour and a whole day: slots come from timestamps, so
	// the quiet series stays quiet and a spike after the gap is found.
	sr := flat(8)
	at := synthWarm + 200
	sr.values[at] = sr.values[at]*5 + 50
	d := New(Config{Interval: time.Hour})
	var opened []int
	for i, v := range sr.values {
		if i%7 == 3 || (i > at-40 && i < at-16) {
			continue
		}
		if d.Push(sr.times[i], v).Opened {
			opened = append(opened, i)
		}
	}
	found := false
	for _, i := range opened {
		found = found || i == at
	}
	if !found || len(opened) > 4 {
		t.Errorf("have alerts at %v, want the spike at %d and at most 3 others", opened, at)
	}
}

// TestDetectorIsOnline changes every point after t and checks that no
// point up to t scores differently: a score depends on the past only.
func TestDetectorIsOnline(t *testing.T) {
	sr := synth(21, kindBurst)
	run := func(values []float64) []Point {
		d := New(Config{Interval: time.Hour, Direction: Both})
		out := make([]Point, len(values))
		for i, v := range values {
			out[i] = d.Push(sr.times[i], v)
		}
		return out
	}
	want := run(sr.values)
	for _, cut := range []int{synthWarm, synthWarm + 77, len(sr.values) - 5} {
		changed := slices.Clone(sr.values)
		for i := cut + 1; i < len(changed); i++ {
			changed[i] = changed[i]*3 + float64(i%5)*40
		}
		got := run(changed)
		for i := 0; i <= cut; i++ {
			if got[i] != want[i] {
				t.Fatalf("cut %d: point %d changed with the future: have %+v, want %+v", cut, i, got[i], want[i])
			}
		}
		if slices.Equal(got[cut+1:], want[cut+1:]) {
			t.Fatalf("cut %d: changing the future changed no score; the test proves nothing", cut)
		}
	}
}

func TestDetectorShortSeries(t *testing.T) {
	// Four days of five-minute counts: alerts start after three days, and
	// the baseline says it had about three days and a daily profile.
	sr := flat(13)
	start := sr.times[0]
	var times []time.Time
	var values []float64
	for i := range 4 * 288 {
		tm := start.Add(time.Duration(i) * 5 * time.Minute)
		times = append(times, tm)
		values = append(values, sr.values[i/12]/12)
	}
	at := 3*288 + 100
	values[at] += 60
	d := New(Config{Interval: 5 * time.Minute})
	for i, v := range values {
		p := d.Push(times[i], v)
		if p.Opened {
			ep, _ := d.Episode()
			if i != at {
				t.Errorf("alert at %d (%+v), want only %d", i, ep, at)
				continue
			}
			if ep.Baseline.History != times[at-1].Sub(times[0]) || ep.Baseline.Season != Daily || ep.Baseline.Seasons < 2 {
				t.Errorf("baseline: have %+v, want %v of history and a daily profile of 2 or more days", ep.Baseline, times[at-1].Sub(times[0]))
			}
		}
	}
	if ep, ok := d.Episode(); !ok || !ep.Start.Equal(times[at]) {
		t.Errorf("have episode %+v %v, want one at %v", ep, ok, times[at])
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string // "" for valid
	}{
		{Config{Interval: time.Hour}, ""},
		{Config{Interval: 24 * time.Hour, Kind: Shares, Direction: Both, Threshold: 3, MinHistory: 10}, ""},
		{Config{}, "interval"},
		{Config{Interval: -time.Second}, "interval"},
		{Config{Interval: time.Hour, Threshold: math.NaN()}, "threshold"},
		{Config{Interval: time.Hour, Threshold: -1}, "threshold"},
		{Config{Interval: time.Hour, MinHistory: -1}, "min history"},
		{Config{Interval: time.Hour, Kind: 7}, "kind"},
		{Config{Interval: time.Hour, Kind: Values, Quiet: 5}, ""},
		{Config{Interval: time.Hour, Quiet: -1}, "quiet"},
		{Config{Interval: time.Hour, Direction: 9}, "direction"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Validate(%+v): have %v, want error mentioning %q", tt.cfg, err, tt.want)
		}
	}
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		interval       time.Duration
		daily, weekly  int
		wantMinHistory int
	}{
		{time.Hour, 24, 168, 3 * 24},
		{15 * time.Minute, 96, 672, 3 * 96},
		{24 * time.Hour, 0, 7, 3 * 7},
		{7 * time.Minute, 0, 1440, 2*1440 + 1440},
		{5 * time.Second, 0, 0, 48},
		{time.Minute, 1440, 10080, 3 * 1440},
	}
	for _, tt := range tests {
		d := New(Config{Interval: tt.interval})
		if d.dailyP != tt.daily || d.weeklyP != tt.weekly || d.MinHistory() != tt.wantMinHistory {
			t.Errorf("%v: have daily %d weekly %d min history %d, want %d %d %d",
				tt.interval, d.dailyP, d.weeklyP, d.MinHistory(), tt.daily, tt.weekly, tt.wantMinHistory)
		}
	}
}

func TestParseNames(t *testing.T) {
	for _, k := range []Kind{Counts, Shares, Values} {
		if got, err := ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q): have %v %v, want %v", k.String(), got, err, k)
		}
	}
	for _, d := range []Direction{Up, Down, Both} {
		if got, err := ParseDirection(d.String()); err != nil || got != d {
			t.Errorf("ParseDirection(%q): have %v %v, want %v", d.String(), got, err, d)
		}
	}
	if _, err := ParseKind("ratio"); err == nil {
		t.Error("ParseKind(ratio): have no error, want one")
	}
	if _, err := ParseDirection("left"); err == nil {
		t.Error("ParseDirection(left): have no error, want one")
	}
}
