package workspace

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// DefaultTimeZone is the zone a workspace starts in.
const DefaultTimeZone = "UTC"

// Location is the workspace's time zone; UTC when it names none. A zone is
// checked by ParseTimeZone before it is stored, and Ripple carries its own
// copy of the zone database, so a stored zone always loads.
func (w Workspace) Location() *time.Location {
	loc, err := loadZone(w.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Today is the workspace's current day at now: midnight at its start, in
// the workspace's zone.
func (w Workspace) Today(now time.Time) time.Time {
	return Midnight(now.In(w.Location()))
}

// Midnight is the start of t's day in t's location.
func Midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return DayStart(y, m, d, t.Location())
}

// DayStart is the first instant of the day y-m-d in loc (out-of-range
// values normalise, as in time.Date): its midnight, or, where the clocks
// skip midnight to start summer time (Santiago, Havana, Asunción), the
// instant they skip to. time.Date puts a skipped midnight an hour early, on
// the day before, which would count that day's first hour in the day before
// and every later day an hour early.
func DayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	y, m, d = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Date()
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if t.Day() != d {
		if _, skip := t.ZoneBounds(); !skip.IsZero() {
			return skip
		}
	}
	return t
}

// AddDays is the start of the day n days after the one day is in, in day's
// location.
func AddDays(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	return DayStart(y, m, d+n, day.Location())
}

// zones caches loaded zones by name: loading reads and parses a file of the
// zone database, and every page of a workspace asks for its zone.
var zones sync.Map // name -> *time.Location

func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

// ParseTimeZone checks an IANA time zone name (Europe/Paris, America/New_York,
// UTC) and returns it as it is stored. The error is the reason, for a
// message that names the field.
func ParseTimeZone(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fmt.Errorf("is required: an IANA time zone such as Europe/Paris or UTC")
	}
	// "Local" is whatever zone the server runs in, not a place.
	if name == "Local" {
		return "", fmt.Errorf("%q is not an IANA time zone: name the place, such as Europe/Paris", name)
	}
	if _, err := loadZone(name); err != nil {
		return "", fmt.Errorf("%q is not an IANA time zone such as Europe/Paris or America/New_York", name)
	}
	return name, nil
}
