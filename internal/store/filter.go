package store

import (
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"ripple/internal/event"
	"ripple/internal/report"
)

// filterSQL is a report filter as SQL after the workspace, over the events
// table or the touchpoints view: the range's instants (midnights in the
// workspace's zone) and the channel, by the ids its key covers in keys (a
// key spans every variant of its UTM detail). Naming the ids, rather than
// joining the channels table to match the key, lets the scan skip what it
// need not read.
func filterSQL(workspaceID string, f report.Filter, keys map[int32]string) (string, []any) {
	q := `workspace_id = ?`
	args := []any{workspaceID}
	if f.Bounded() {
		q += ` AND ts >= ? AND ts < ?`
		args = append(args, f.From.UTC(), f.End().UTC())
	}
	if f.Channel != "" {
		var ids []string
		for id, key := range keys {
			if key == f.Channel {
				ids = append(ids, strconv.Itoa(int(id)))
			}
		}
		if len(ids) == 0 {
			return q + ` AND false`, args
		}
		slices.Sort(ids)
		q += ` AND channel_id IN (` + strings.Join(ids, ", ") + `)`
	}
	return q, args
}

// dayShift keeps day numbers positive, so that integer division rounds
// every instant down, those before 1970 too: a million days, in
// microseconds.
const dayShift = 1_000_000

const usPerDay = 86_400_000_000

// localDaySQL is the SQL expression of a touchpoint's day in the filter's
// time zone, as a day number (see dayNumber), with its arguments. Events are
// stored in UTC; the zone's offset is computed here, in Go, for each stretch
// of the range between two of its clock changes, so the database needs no
// zone rules of its own and every backend counts days the same way. Integer
// arithmetic on microseconds costs a sixth of what adding an interval and
// casting to a date does.
func localDaySQL(f report.Filter) (string, []any) {
	type stretch struct {
		until  time.Time // exclusive; zero for the last
		offset int64     // microseconds east of UTC
	}
	var stretches []stretch
	end := f.End()
	for t := f.From; ; {
		_, offset := t.Zone()
		_, next := t.ZoneBounds()
		us := int64(offset) * 1e6
		if next.IsZero() || !next.Before(end) {
			stretches = append(stretches, stretch{offset: us})
			break
		}
		stretches = append(stretches, stretch{until: next, offset: us})
		t = next
	}
	shift := strconv.FormatInt(dayShift*usPerDay, 10)
	div := strconv.FormatInt(usPerDay, 10)
	if len(stretches) == 1 {
		return `(epoch_us(ts) + ` + shift + ` + ?::BIGINT) // ` + div, []any{stretches[0].offset}
	}
	var b strings.Builder
	var args []any
	b.WriteString(`(epoch_us(ts) + ` + shift + ` + CASE`)
	for _, s := range stretches[:len(stretches)-1] {
		b.WriteString(` WHEN ts < ? THEN ?::BIGINT`)
		args = append(args, s.until.UTC(), s.offset)
	}
	b.WriteString(` ELSE ?::BIGINT END) // ` + div)
	args = append(args, stretches[len(stretches)-1].offset)
	return b.String(), args
}

// dayNumber is the number localDaySQL gives the day that starts at midnight
// d: its civil date's days since 1970-01-01, shifted by dayShift.
func dayNumber(d time.Time) int64 {
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC).Unix()/86400 + dayShift
}

// purchaseSQL is Ripple's one definition of a purchase, as SQL over events
// or touchpoints: a touchpoint in the purchase stage, which the stage rules
// give (by default Order Completed and Subscription Started). Every count of
// purchases and every sum of revenue goes through it.
func purchaseSQL() string {
	return `stage_rank = ` + strconv.Itoa(event.Purchase.Rank())
}

// currencyOf is the currency a purchase's revenue is counted in: the code
// it names, in any case, or the workspace's reporting currency when it
// names none. Revenue is what purchases bring in the reporting currency;
// the others are shown apart.
func currencyOf(stored sql.NullString, reporting string) string {
	if c := strings.ToUpper(strings.TrimSpace(stored.String)); c != "" {
		return c
	}
	return reporting
}
