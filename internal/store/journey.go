package store

import (
	"context"
	"fmt"
	"strings"

	"ripple/internal/event"
	"ripple/internal/journey"
	"ripple/internal/report"
	"ripple/internal/workspace"
)

// This file holds the read models of where people are in the ecosystem:
// the stage funnel, which the Overview and the journey share, and people
// with their first and last touch.

// Funnel is the stage funnel by first-touch channel under f: for every
// channel whose touchpoint was the first, under the filter, of some people,
// how many of them reached each stage. A zero filter counts every event.
func (s *Store) Funnel(ctx context.Context, workspaceID string, f report.Filter) ([]journey.FunnelRow, error) {
	where, args := filterSQL(workspaceID, f)
	return s.funnel(ctx, "Funnel", where, args, true)
}

// funnel is the one stage funnel: each person with touchpoints under where
// counts once, at the furthest stage they reached, and reaching a stage
// counts for every stage before it. byFirstTouch groups people by the
// channel of their earliest touchpoint (ties broken by message id, so the
// answer is the same on every run), busiest first; otherwise one row counts
// everyone, and no row means no one.
func (s *Store) funnel(ctx context.Context, tag, where string, args []any, byFirstTouch bool) ([]journey.FunnelRow, error) {
	first := `''`
	if byFirstTouch {
		first = `arg_min(channel, (ts, message_id))`
	}
	var reached strings.Builder
	for rank := 1; rank <= len(event.Stages); rank++ {
		fmt.Fprintf(&reached, `, count(*) FILTER (WHERE furthest >= %d)`, rank)
	}
	q := `/* ` + tag + ` */ WITH people AS (
		SELECT ` + first + ` AS first_channel, max(stage_rank) AS furthest
		FROM touchpoints WHERE ` + where + ` GROUP BY person)
	SELECT first_channel, count(*)` + reached.String() + `
	FROM people GROUP BY first_channel ORDER BY 3 DESC, first_channel`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: funnel: %w", err)
	}
	defer rows.Close()
	var out []journey.FunnelRow
	for rows.Next() {
		var r journey.FunnelRow
		dst := []any{&r.FirstChannel, &r.People}
		for i := range r.Reached {
			dst = append(dst, &r.Reached[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("store: funnel: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: funnel: %w", err)
	}
	return out, nil
}

// People returns the people of a workspace whose keys are given, in no
// particular order; a key with no events is left out. Their revenue is in
// the workspace's currency, by the overview's definition. Ties on time are
// broken by message id so the answer is the same on every run.
func (s *Store) People(ctx context.Context, ws workspace.Workspace, keys ...string) ([]journey.Person, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	q := `/* People */ SELECT person,
		arg_min(channel, (ts, message_id)) AS first_channel,
		min(ts) AS first_seen,
		coalesce(arg_max(channel, (ts, message_id)) FILTER (WHERE platform <> 'direct'), 'direct/owned') AS last_channel,
		max(ts) AS last_seen,
		max(stage_rank) AS furthest,
		count(*) AS events,
		coalesce(sum(revenue) FILTER (WHERE ` + purchaseSQL() + ` AND ` + currencySQL + ` = ?), 0) AS revenue
	FROM touchpoints
	WHERE workspace_id = ? AND person IN (SELECT unnest(?::VARCHAR[]))
	GROUP BY person`
	rows, err := s.db.QueryContext(ctx, q, ws.Currency, ws.Currency, ws.ID, keys)
	if err != nil {
		return nil, fmt.Errorf("store: people: %w", err)
	}
	defer rows.Close()
	var out []journey.Person
	for rows.Next() {
		var p journey.Person
		var rank int
		if err := rows.Scan(&p.Key, &p.FirstChannel, &p.FirstSeen, &p.LastChannel, &p.LastSeen, &rank, &p.Events, &p.Revenue); err != nil {
			return nil, fmt.Errorf("store: people: %w", err)
		}
		p.FirstSeen, p.LastSeen = p.FirstSeen.UTC(), p.LastSeen.UTC()
		p.Stage = stageOfRank(rank)
		out = append(out, p)
	}
	return out, rows.Err()
}

func stageOfRank(rank int) event.Stage {
	if rank < 1 || rank > len(event.Stages) {
		return event.NoStage
	}
	return event.Stages[rank-1]
}
