package access

import (
	"sync"
	"time"
)

// Limiter counts failed sign-ins per key (an IP address, an account) in a
// sliding window and refuses further tries past the limit. It lives in
// memory: a restart forgives, which is acceptable for one server.
type Limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewLimiter allows max failures per key within window.
func NewLimiter(max int, window time.Duration, now func() time.Time) *Limiter {
	return &Limiter{max: max, window: window, now: now, failures: map[string][]time.Time{}}
}

// Try reports whether key may try now and, if it may, counts the try as a
// failure until Undo takes it back. Checking and counting in one step means
// parallel tries cannot all pass before the first failure is recorded. A
// refused key is told how long until its oldest failure leaves the window.
func (l *Limiter) Try(key string) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.recent(key)
	if len(recent) >= l.max {
		return false, recent[0].Add(l.window).Sub(l.now())
	}
	l.failures[key] = append(recent, l.now())
	if len(l.failures) > 100_000 {
		l.prune()
	}
	return true, 0
}

// Undo takes back one try of key's, after it succeeded.
func (l *Limiter) Undo(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ts := l.failures[key]; len(ts) > 0 {
		l.failures[key] = ts[:len(ts)-1]
	}
}

// Reset forgets key's failures after a success.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

func (l *Limiter) recent(key string) []time.Time {
	cut := l.now().Add(-l.window)
	ts := l.failures[key]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	return ts[i:]
}

// prune bounds memory under a flood of distinct keys.
func (l *Limiter) prune() {
	for k := range l.failures {
		if len(l.recent(k)) == 0 {
			delete(l.failures, k)
		}
	}
}
