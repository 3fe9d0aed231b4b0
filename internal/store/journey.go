package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

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
// how many of them reached each stage, busiest first. A zero filter counts
// every event.
func (s *Store) Funnel(ctx context.Context, workspaceID string, f report.Filter) ([]journey.FunnelRow, error) {
	keys, _, err := s.channelLabels(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	where, args := filterSQL(workspaceID, f, keys)
	return s.funnel(ctx, "Funnel", where, args, keys)
}

// funnel is the one stage funnel: each person with touchpoints under where
// counts once, at the furthest stage they reached, and reaching a stage
// counts for every stage before it. With keys (channel ids to keys) people
// are grouped by the channel of their earliest touchpoint (ties broken by
// message id, so the answer is the same on every run), busiest first;
// without, one row counts everyone, and no row means no one. SQL counts
// people by furthest stage; the stages before it are added up here.
func (s *Store) funnel(ctx context.Context, tag, where string, args []any, keys map[int32]string) ([]journey.FunnelRow, error) {
	first, group := `0`, `furthest`
	if keys != nil {
		first, group = `arg_min(channel_id, (ts, message_id))`, `first_channel, furthest`
	}
	q := `/* ` + tag + ` */ WITH people AS (
		SELECT ` + first + ` AS first_channel, max(stage_rank) AS furthest
		FROM touchpoints WHERE ` + where + ` GROUP BY person)
	SELECT any_value(first_channel), furthest, count(*) FROM people GROUP BY ` + group
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: funnel: %w", err)
	}
	defer rows.Close()
	byKey := map[string]*journey.FunnelRow{}
	for rows.Next() {
		var id int32
		var furthest int
		var n int64
		if err := rows.Scan(&id, &furthest, &n); err != nil {
			return nil, fmt.Errorf("store: funnel: %w", err)
		}
		key := keys[id] // "" for everyone
		r := byKey[key]
		if r == nil {
			r = &journey.FunnelRow{FirstChannel: key}
			byKey[key] = r
		}
		r.People += n
		for i := 0; i < furthest && i < len(r.Reached); i++ {
			r.Reached[i] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: funnel: %w", err)
	}
	out := make([]journey.FunnelRow, 0, len(byKey))
	for _, r := range byKey {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Reached[0] != out[j].Reached[0] {
			return out[i].Reached[0] > out[j].Reached[0]
		}
		return out[i].FirstChannel < out[j].FirstChannel
	})
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
	rows, err := s.db.QueryContext(ctx, `/* People */ SELECT person,
		arg_min(channel, (ts, message_id)) AS first_channel,
		min(ts) AS first_seen,
		coalesce(arg_max(channel, (ts, message_id)) FILTER (WHERE platform <> 'direct'), 'direct/owned') AS last_channel,
		max(ts) AS last_seen,
		max(stage_rank) AS furthest,
		count(*) AS events
	FROM touchpoints
	WHERE workspace_id = ? AND person IN (SELECT unnest(?::VARCHAR[]))
	GROUP BY person`, ws.ID, keys)
	if err != nil {
		return nil, fmt.Errorf("store: people: %w", err)
	}
	defer rows.Close()
	var out []journey.Person
	index := map[string]int{}
	for rows.Next() {
		var p journey.Person
		var rank int
		if err := rows.Scan(&p.Key, &p.FirstChannel, &p.FirstSeen, &p.LastChannel, &p.LastSeen, &rank, &p.Events); err != nil {
			return nil, fmt.Errorf("store: people: %w", err)
		}
		p.FirstSeen, p.LastSeen = p.FirstSeen.UTC(), p.LastSeen.UTC()
		p.Stage = stageOfRank(rank)
		index[p.Key] = len(out)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: people: %w", err)
	}
	rows.Close()
	// Their purchases by currency, counted as the overview counts them.
	rows, err = s.db.QueryContext(ctx, `/* People.Revenue */ SELECT person, currency, coalesce(sum(revenue), 0)
	FROM touchpoints
	WHERE workspace_id = ? AND person IN (SELECT unnest(?::VARCHAR[])) AND `+purchaseSQL()+`
	GROUP BY person, currency`, ws.ID, keys)
	if err != nil {
		return nil, fmt.Errorf("store: people's revenue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var cur sql.NullString
		var revenue float64
		if err := rows.Scan(&key, &cur, &revenue); err != nil {
			return nil, fmt.Errorf("store: people's revenue: %w", err)
		}
		if i, ok := index[key]; ok && currencyOf(cur, ws.Currency) == ws.Currency {
			out[i].Revenue += revenue
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: people's revenue: %w", err)
	}
	return out, nil
}

func stageOfRank(rank int) event.Stage {
	if rank < 1 || rank > len(event.Stages) {
		return event.NoStage
	}
	return event.Stages[rank-1]
}
