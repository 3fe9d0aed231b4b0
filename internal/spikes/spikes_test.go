package spikes

import (
	"math"
	"strings"
	"testing"
	"time"
)

// flat returns an hourly counts series with a daily cycle and Poisson
// noise, from a fixed seed.
func flat(seed uint64) series { return synth(seed, kindNone) }

func TestDetectorFindsSpikeAndItsStart(t *testing.T) {
	sr := flat(3)
	at := synthWarm + 100
	for i := at; i < at+3; i++ {
		sr.values[i] = sr.values[i]*4 + 40
	}
	d := New(Config{Interval: time.Hour})
	var alerts []Alert
	for i, v := range sr.values {
		if a, ok := d.Push(sr.times[i], v); ok {
			alerts = append(alerts, a)
		}
	}
	var hit *Alert
	for i := range alerts {
		if alerts[i].Time.Equal(sr.times[at+2]) {
			hit = &alerts[i]
		}
	}
	if hit == nil {
		t.Fatalf("have %d alerts, none at the third spike interval %v", len(alerts), sr.times[at+2])
	}
	if !hit.Start.Equal(sr.times[at]) {
		t.Errorf("start: have %v, want %v", hit.Start, sr.times[at])
	}
	if hit.Score < DefaultThreshold || hit.Ratio < 2 || hit.Value != sr.values[at+2] {
		t.Errorf("have score %.2f ratio %.2f value %v, want score >= %v, ratio >= 2, value %v",
			hit.Score, hit.Ratio, hit.Value, DefaultThreshold, sr.values[at+2])
	}
	if math.Abs(hit.Ratio-hit.Value/hit.Expected) > 1e-9 {
		t.Errorf("ratio: have %v, want value/expected %v", hit.Ratio, hit.Value/hit.Expected)
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
				a, ok := d.Push(sr.times[i], v)
				if !ok {
					continue
				}
				if tt.dir == Up && a.Score < 0 || tt.dir == Down && a.Score > 0 {
					t.Errorf("have score %.2f at %v, against direction %v", a.Score, a.Time, tt.dir)
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
		if a, ok := d.Push(sr.times[i], share); ok && first.IsZero() {
			first = a.Time
			if a.Expected < 0.1 || a.Expected > 0.3 {
				t.Errorf("expected share: have %.3f, want about 0.2", a.Expected)
			}
		}
	}
	if !first.Equal(sr.times[crisis]) {
		t.Errorf("first alert: have %v, want the crisis start %v", first, sr.times[crisis])
	}
}

func TestDetectorIgnoresUnusablePoints(t *testing.T) {
	sr := flat(6)
	d := New(Config{Interval: time.Hour, Direction: Both})
	base := New(Config{Interval: time.Hour, Direction: Both})
	for i, v := range sr.values {
		a, ok := d.Push(sr.times[i], v)
		b, okb := base.Push(sr.times[i], v)
		if ok != okb || a != b {
			t.Fatalf("point %d: junk changed the outcome: have %+v %v, want %+v %v", i, a, ok, b, okb)
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
			if _, ok := d.Push(junk.t, junk.v); ok {
				t.Fatalf("point %d: junk %v at %v was flagged", i, junk.v, junk.t)
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
	d := New(Config{Interval: time.Hour, MinHistory: synthWarm - 60})
	var flagged []int
	for i, v := range sr.values {
		if i%7 == 3 || (i > at-40 && i < at-16) {
			continue
		}
		if _, ok := d.Push(sr.times[i], v); ok {
			flagged = append(flagged, i)
		}
	}
	found := false
	for _, i := range flagged {
		found = found || i == at
	}
	if !found || len(flagged) > 4 {
		t.Errorf("have flags at %v, want the spike at %d and at most 3 others", flagged, at)
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
		{time.Hour, 24, 168, 2*168 + 24},
		{15 * time.Minute, 96, 672, 2*672 + 96},
		{24 * time.Hour, 0, 7, 2*7 + 7},
		{7 * time.Minute, 0, 1440, 2*1440 + 1440},
		{5 * time.Second, 0, 0, 48},
		{time.Minute, 1440, 10080, 2*10080 + 1440},
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
	for _, k := range []Kind{Counts, Shares} {
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
