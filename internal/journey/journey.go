// Package journey owns where people are in the ecosystem: each person's first
// and last touch, the furthest stage they reached, and the stage funnel by
// first-touch channel. Everything is computed from the events table in SQL, so
// it can never drift from the touchpoints it describes.
package journey

import (
	"context"
	"database/sql"
	"fmt"
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
	Revenue      float64
}

// peopleSQL gives one row per person. Ties on time are broken by message id
// so the answer is the same on every run.
const peopleSQL = `
SELECT person,
       arg_min(channel, (ts, message_id)) AS first_channel,
       min(ts) AS first_seen,
       coalesce(arg_max(channel, (ts, message_id)) FILTER (WHERE platform <> 'direct'), 'direct/owned') AS last_channel,
       max(ts) AS last_seen,
       max(stage_rank) AS stage_rank,
       count(*) AS events,
       coalesce(sum(revenue) FILTER (WHERE event IN ('Order Completed', 'Subscription Started')), 0) AS revenue
FROM touchpoints
WHERE workspace_id = ?`

// People returns the people whose keys are given, in no particular order;
// a key with no events is left out.
func People(ctx context.Context, db *sql.DB, workspace string, keys ...string) ([]Person, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	q := `/* journey.People */ ` + peopleSQL + ` AND person IN (SELECT unnest(?::VARCHAR[])) GROUP BY person`
	rows, err := db.QueryContext(ctx, q, workspace, keys)
	if err != nil {
		return nil, fmt.Errorf("journey: people: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		var rank int
		if err := rows.Scan(&p.Key, &p.FirstChannel, &p.FirstSeen, &p.LastChannel, &p.LastSeen, &rank, &p.Events, &p.Revenue); err != nil {
			return nil, fmt.Errorf("journey: people: %w", err)
		}
		p.Stage = stageOfRank(rank)
		out = append(out, p)
	}
	return out, rows.Err()
}

// FunnelRow is, for one first-touch channel, how many people reached each
// stage or a later one (Reached[0] is stimulus, Reached[5] advocate).
type FunnelRow struct {
	FirstChannel string
	Reached      [6]int64
}

// Funnel is the ecosystem funnel by first-touch channel: for every channel
// that first touched someone, how many of them reached each stage. Stages are
// consecutive, so reaching purchase counts for every stage before it.
func Funnel(ctx context.Context, db *sql.DB, workspace string) ([]FunnelRow, error) {
	q := `/* journey.Funnel */
WITH people AS (
    SELECT arg_min(channel, (ts, message_id)) AS first_channel, max(stage_rank) AS rank
    FROM touchpoints WHERE workspace_id = ? GROUP BY person
)
SELECT first_channel,
       count(*) FILTER (WHERE rank >= 1), count(*) FILTER (WHERE rank >= 2), count(*) FILTER (WHERE rank >= 3),
       count(*) FILTER (WHERE rank >= 4), count(*) FILTER (WHERE rank >= 5), count(*) FILTER (WHERE rank >= 6)
FROM people GROUP BY first_channel ORDER BY count(*) FILTER (WHERE rank >= 1) DESC, first_channel`
	rows, err := db.QueryContext(ctx, q, workspace)
	if err != nil {
		return nil, fmt.Errorf("journey: funnel: %w", err)
	}
	defer rows.Close()
	var out []FunnelRow
	for rows.Next() {
		var r FunnelRow
		if err := rows.Scan(&r.FirstChannel, &r.Reached[0], &r.Reached[1], &r.Reached[2], &r.Reached[3], &r.Reached[4], &r.Reached[5]); err != nil {
			return nil, fmt.Errorf("journey: funnel: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func stageOfRank(rank int) event.Stage {
	if rank < 1 || rank > len(event.Stages) {
		return event.NoStage
	}
	return event.Stages[rank-1]
}
