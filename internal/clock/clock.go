// Package clock holds the fake clock tests move by hand. Ripple never reads
// the time itself where it stamps or compares it: every package that does
// takes a clock, a func() time.Time, which is time.Now in production and a
// Fake's Now in tests, so a test of an expiry, a window or an SLA runs at
// once instead of waiting it out.
package clock

import (
	"sync"
	"time"
)

// Fake is a clock that stands still until it is moved. It is safe for
// concurrent use.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake returns a clock standing at t.
func NewFake(t time.Time) *Fake { return &Fake{t: t} }

// Now is the fake time; pass f.Now where a clock is wanted.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Advance moves the clock on by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// Or is now, or time.Now when now is nil: what a constructor does with a
// clock its caller left out.
func Or(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
