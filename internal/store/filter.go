package store

import (
	"strconv"
	"strings"
	"time"

	"ripple/internal/event"
	"ripple/internal/report"
)

// filterSQL is a report filter as SQL over touchpoints, after the workspace:
// the range's instants (midnights in the workspace's zone) and the channel.
func filterSQL(workspaceID string, f report.Filter) (string, []any) {
	q := `workspace_id = ?`
	args := []any{workspaceID}
	if f.Bounded() {
		q += ` AND ts >= ? AND ts < ?`
		args = append(args, f.From.UTC(), f.End().UTC())
	}
	if f.Channel != "" {
		q += ` AND channel = ?`
		args = append(args, f.Channel)
	}
	return q, args
}

// localDaySQL is the SQL expression of a touchpoint's day in the filter's
// time zone, with its arguments. Events are stored in UTC; the zone's offset
// is computed here, in Go, for each stretch of the range between two of its
// clock changes, so the database needs no zone rules of its own and every
// backend counts days the same way.
func localDaySQL(f report.Filter) (string, []any) {
	type stretch struct {
		until  time.Time // exclusive; zero for the last
		offset int       // seconds east of UTC
	}
	var stretches []stretch
	end := f.End()
	for t := f.From; ; {
		_, offset := t.Zone()
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			stretches = append(stretches, stretch{offset: offset})
			break
		}
		stretches = append(stretches, stretch{until: next, offset: offset})
		t = next
	}
	if len(stretches) == 1 {
		if stretches[0].offset == 0 {
			return `CAST(ts AS DATE)`, nil
		}
		return `CAST(ts + to_seconds(?::BIGINT) AS DATE)`, []any{stretches[0].offset}
	}
	var b strings.Builder
	var args []any
	b.WriteString(`CAST(ts + to_seconds(CASE`)
	for _, s := range stretches[:len(stretches)-1] {
		b.WriteString(` WHEN ts < ? THEN ?::BIGINT`)
		args = append(args, s.until.UTC(), s.offset)
	}
	b.WriteString(` ELSE ?::BIGINT END) AS DATE)`)
	args = append(args, stretches[len(stretches)-1].offset)
	return b.String(), args
}

// purchaseSQL is Ripple's one definition of a purchase, as SQL over
// touchpoints: a touchpoint in the purchase stage, which the stage rules
// give (by default Order Completed and Subscription Started). Every count of
// purchases and every sum of revenue goes through it.
func purchaseSQL() string {
	return `stage_rank = ` + strconv.Itoa(event.Purchase.Rank())
}

// currencySQL is a purchase's currency as reported: the code it names,
// upper-case, or the workspace's reporting currency (the argument) when it
// names none.
const currencySQL = `coalesce(nullif(upper(trim(currency)), ''), ?)`
