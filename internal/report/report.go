// Package report owns what Ripple's pages and API report: the filter every
// report honours (a range of the workspace's days and a channel), and the
// overview of a workspace under it. It holds no queries: the store computes
// these types, and the pages and the API declare the interfaces they read
// them through, so another events backend can stand behind them.
package report

import (
	"net/url"
	"strings"
	"time"

	"ripple/internal/event"
	"ripple/internal/fault"
	"ripple/internal/workspace"
)

// Filter is what every report honours: a range of days and, optionally, one
// channel key. From and To are midnight at the start of the first and the
// last day, in the workspace's time zone; To is included. A zero From means
// no bounds at all: every event the workspace has.
type Filter struct {
	From    time.Time
	To      time.Time
	Channel string
}

// Bounded reports whether the filter has a date range.
func (f Filter) Bounded() bool { return !f.From.IsZero() }

// End is the exclusive end of the range: midnight after its last day.
func (f Filter) End() time.Time { return workspace.AddDays(f.To, 1) }

// Days lists the filter's days in order, each at its start: midnight, or
// the hour the clocks skip to on a day that has none.
func (f Filter) Days() []time.Time {
	var out []time.Time
	for d := f.From; !d.After(f.To); d = workspace.AddDays(d, 1) {
		out = append(out, d)
	}
	return out
}

// DefaultDays is how many days a filter spans when the URL does not say.
const DefaultDays = 30

// maxSpan is the longest range a filter may span.
const maxSpan = 731 * 24 * time.Hour

// Last returns the filter of the n days ending on day (a midnight), keeping
// the channel.
func (f Filter) Last(n int, day time.Time) Filter {
	return Filter{From: workspace.AddDays(day, -(n - 1)), To: day, Channel: f.Channel}
}

// ParseFilter reads the filter every page and API call honours from a URL's
// from, to (dates like 2025-01-31, in the workspace's zone) and channel.
// A missing to is today, the day of now in the workspace's zone; a missing
// from is DefaultDays before to; a range spans two years at most. kept is
// the filter as given, for links that carry it. On an error the filter
// returned is the default one with the channel as given, for a page that
// lets the user try again.
func ParseFilter(q url.Values, ws workspace.Workspace, now time.Time) (f Filter, kept url.Values, err error) {
	kept = url.Values{}
	today := ws.Today(now)
	ch := strings.TrimSpace(q.Get("channel"))
	if ch != "" {
		kept.Set("channel", ch)
	}
	fallback := Filter{Channel: ch}.Last(DefaultDays, today)
	loc := today.Location()
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		d, perr := time.Parse(time.DateOnly, v)
		if perr != nil {
			return fallback, kept, fault.Invalid(p.name, "is not a date like 2025-01-31")
		}
		*p.dst = workspace.DayStart(d.Year(), d.Month(), d.Day(), loc)
		kept.Set(p.name, v)
	}
	if f.To.IsZero() {
		f.To = today
	}
	if f.From.IsZero() {
		f.From = workspace.AddDays(f.To, -(DefaultDays - 1))
	}
	f.Channel = ch
	if f.From.After(f.To) {
		return fallback, kept, fault.Invalid("from", "is after to")
	}
	if f.To.Sub(f.From) > maxSpan {
		return fallback, kept, fault.Invalid("from", "the range may span two years at most")
	}
	return f, kept, nil
}

// Series is one channel's events per day.
type Series struct {
	Channel string // key, e.g. "facebook/paid"
	Name    string // display name
	Counts  []int64
	Total   int64
}

// StageCount is how many people reached a stage or a later one.
type StageCount struct {
	Stage  event.Stage
	People int64
}

// Money is an amount in one currency, with the purchases it comes from.
type Money struct {
	Currency  string
	Purchases int64
	Amount    float64
}

// Overview is the Overview page's numbers.
//
// A purchase is a touchpoint in the purchase stage (by default Order
// Completed and Subscription Started); revenue is the sum of purchases'
// revenue in the workspace's reporting currency, a purchase that names no
// currency counting as one in it. Purchases in other currencies are in
// OtherCurrencies, never converted.
type Overview struct {
	Filter          Filter
	Events          int64
	People          int64
	Purchases       int64   // in any currency
	Revenue         float64 // in Currency
	Currency        string
	OtherCurrencies []Money // by currency code
	Days            []time.Time
	Series          []Series // by total, largest first
	Funnel          []StageCount
}

// Nearest is where a workspace's events are, seen from a filter whose range
// holds none: the newest event before the range and the oldest after it
// (zero when there is none), in the filter's channel.
type Nearest struct {
	Before, After time.Time
}

// Channel is a channel seen in a workspace's events, with the workspace's
// overrides applied.
type Channel struct {
	Key         string
	Name        string // display name: the override, else the key
	Platform    string
	Ownership   string
	Events      int64
	DerivedFrom struct{ Platform, Ownership string }
}
