// Package journey owns where people are in the ecosystem: each person's first
// and last touch and the furthest stage they reached, and the stage funnel by
// first-touch channel. The store computes them from the events themselves,
// never from a second copy that could drift; the API and, later, the
// Journey page read them through interfaces they declare.
package journey

import (
	"time"

	"ripple/internal/event"
)

// Person is one person's place in the ecosystem.
type Person struct {
	Key          string // user id, else anonymous id
	FirstChannel string // channel of the earliest touchpoint
	FirstSeen    time.Time
	LastChannel  string // channel of the latest touchpoint that was not direct, else direct
	LastSeen     time.Time
	Stage        event.Stage // furthest stage reached
	Events       int
	// Revenue is what their purchases brought in the workspace's reporting
	// currency, by the same definition as the overview's.
	Revenue float64
}

// FunnelRow is, for one first-touch channel, how many people it first
// touched and how many of them reached each stage or a later one
// (Reached[0] is stimulus, Reached[5] advocate). Stages are consecutive:
// reaching purchase counts for every stage before it.
type FunnelRow struct {
	FirstChannel string // empty for the row of everyone
	People       int64  // everyone it first touched, staged or not
	Reached      [6]int64
}
