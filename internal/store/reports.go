package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"ripple/internal/event"
	"ripple/internal/journey"
	"ripple/internal/report"
	"ripple/internal/workspace"
)

// This file holds the read models behind the Overview and the channel
// lists: each aggregates the events of one workspace in SQL, so a page never
// holds more than its answer in memory.

// Overview computes the overview of a workspace under f, with its channels'
// display names and its revenue in the workspace's currency. Three scans
// answer it: the events by channel and day, the purchases by currency, and
// the touchpoints by person (people and the funnel).
func (s *Store) Overview(ctx context.Context, ws workspace.Workspace, f report.Filter) (report.Overview, error) {
	o := report.Overview{Filter: f, Days: f.Days(), Currency: ws.Currency}
	keys, names, err := s.channelLabels(ctx, ws.ID)
	if err != nil {
		return report.Overview{}, err
	}
	where, args := filterSQL(ws.ID, f, keys)
	if err := s.perDay(ctx, &o, where, args, keys, names); err != nil {
		return report.Overview{}, err
	}
	if err := s.purchases(ctx, &o, where, args); err != nil {
		return report.Overview{}, err
	}
	rows, err := s.funnel(ctx, "Overview.Funnel", where, args, nil)
	if err != nil {
		return report.Overview{}, err
	}
	var everyone journey.FunnelRow
	if len(rows) == 1 {
		everyone = rows[0]
	}
	o.People = everyone.People
	for i, st := range event.Stages {
		o.Funnel = append(o.Funnel, report.StageCount{Stage: st, People: everyone.Reached[i]})
	}
	return o, nil
}

// perDay fills the events per channel and day. It reads the events table
// alone, by channel id, on integer keys only: the join to the channels
// table cost a quarter of the scan, and grouping by a string (the
// currency) or testing one in every row half again.
func (s *Store) perDay(ctx context.Context, o *report.Overview, where string, wargs []any, keys map[int32]string, names map[string]string) error {
	day, args := localDaySQL(o.Filter)
	rows, err := s.db.QueryContext(ctx, `/* Overview.PerDay */ SELECT channel_id, `+day+` AS day, count(*)
		FROM events WHERE `+where+` GROUP BY channel_id, day`, append(args, wargs...)...)
	if err != nil {
		return fmt.Errorf("store: events per day: %w", err)
	}
	defer rows.Close()
	index := make(map[int64]int, len(o.Days))
	for i, d := range o.Days {
		index[dayNumber(d)] = i
	}
	byChannel := map[string]*report.Series{}
	for rows.Next() {
		var id int32
		var d, n int64
		if err := rows.Scan(&id, &d, &n); err != nil {
			return fmt.Errorf("store: events per day: %w", err)
		}
		o.Events += n
		key := keys[id]
		sr := byChannel[key]
		if sr == nil {
			sr = &report.Series{Channel: key, Name: displayName(names, key), Counts: make([]int64, len(o.Days))}
			byChannel[key] = sr
		}
		if i, ok := index[d]; ok {
			sr.Counts[i] += n
		}
		sr.Total += n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: events per day: %w", err)
	}
	for _, sr := range byChannel {
		o.Series = append(o.Series, *sr)
	}
	sort.Slice(o.Series, func(i, j int) bool {
		if o.Series[i].Total != o.Series[j].Total {
			return o.Series[i].Total > o.Series[j].Total
		}
		return o.Series[i].Channel < o.Series[j].Channel
	})
	return nil
}

// purchases fills the purchases and the revenue: those in the reporting
// currency (or naming none) as the revenue, the others by currency.
func (s *Store) purchases(ctx context.Context, o *report.Overview, where string, args []any) error {
	rows, err := s.db.QueryContext(ctx, `/* Overview.Purchases */ SELECT currency, count(*), coalesce(sum(revenue), 0)
		FROM events WHERE `+where+` AND `+purchaseSQL()+` GROUP BY currency`, args...)
	if err != nil {
		return fmt.Errorf("store: purchases: %w", err)
	}
	defer rows.Close()
	other := map[string]*report.Money{}
	for rows.Next() {
		var cur sql.NullString
		var n int64
		var revenue float64
		if err := rows.Scan(&cur, &n, &revenue); err != nil {
			return fmt.Errorf("store: purchases: %w", err)
		}
		o.Purchases += n
		c := currencyOf(cur, o.Currency)
		if c == o.Currency {
			o.Revenue += revenue
			continue
		}
		m := other[c]
		if m == nil {
			m = &report.Money{Currency: c}
			other[c] = m
		}
		m.Purchases += n
		m.Amount += revenue
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: purchases: %w", err)
	}
	for _, m := range other {
		o.OtherCurrencies = append(o.OtherCurrencies, *m)
	}
	sort.Slice(o.OtherCurrencies, func(i, j int) bool { return o.OtherCurrencies[i].Currency < o.OtherCurrencies[j].Currency })
	return nil
}

// channelLabels maps a workspace's channel ids to their keys (several ids
// share a key: they differ in UTM detail only), and the keys its overrides
// rename to their display names.
func (s *Store) channelLabels(ctx context.Context, workspaceID string) (map[int32]string, map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `/* ChannelLabels */ SELECT c.id, c.key, coalesce(o.display_name, '')
		FROM channels c LEFT JOIN channel_overrides o ON o.workspace_id = c.workspace_id AND o.channel = c.key
		WHERE c.workspace_id = ?`, workspaceID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: channel labels: %w", err)
	}
	defer rows.Close()
	keys, names := map[int32]string{}, map[string]string{}
	for rows.Next() {
		var id int32
		var key, name string
		if err := rows.Scan(&id, &key, &name); err != nil {
			return nil, nil, fmt.Errorf("store: channel labels: %w", err)
		}
		keys[id] = key
		if name != "" {
			names[key] = name
		}
	}
	return keys, names, rows.Err()
}

// Nearest finds, for a filter whose range holds no events, the newest event
// before the range and the oldest after it, in the filter's channel: where
// a page can send someone looking at the wrong days.
func (s *Store) Nearest(ctx context.Context, workspaceID string, f report.Filter) (report.Nearest, error) {
	if !f.Bounded() {
		return report.Nearest{}, nil // every event is in range
	}
	keys, _, err := s.channelLabels(ctx, workspaceID)
	if err != nil {
		return report.Nearest{}, err
	}
	where, args := filterSQL(workspaceID, report.Filter{Channel: f.Channel}, keys)
	var before, after sql.NullTime
	err = s.db.QueryRowContext(ctx, `/* Nearest */ SELECT max(ts) FILTER (WHERE ts < ?), min(ts) FILTER (WHERE ts >= ?)
		FROM events WHERE `+where, append([]any{f.From.UTC(), f.End().UTC()}, args...)...).Scan(&before, &after)
	if err != nil {
		return report.Nearest{}, fmt.Errorf("store: nearest events: %w", err)
	}
	var n report.Nearest
	if before.Valid {
		n.Before = before.Time.UTC()
	}
	if after.Valid {
		n.After = after.Time.UTC()
	}
	return n, nil
}

// Channels lists the channels in a workspace's events, busiest first, plus
// any channel that only has an override, with the overrides applied.
func (s *Store) Channels(ctx context.Context, workspaceID string) ([]report.Channel, error) {
	overrides, err := s.ChannelOverrides(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	// Counting by channel id on the events table first keeps the join to
	// the channels table out of the scan.
	rows, err := s.db.QueryContext(ctx, `/* Channels */ SELECT c.key, any_value(c.platform), any_value(c.ownership), sum(e.n) AS n
		FROM (SELECT channel_id, count(*) AS n FROM events WHERE workspace_id = ? GROUP BY channel_id) e
		JOIN channels c ON c.id = e.channel_id
		GROUP BY c.key ORDER BY n DESC, c.key`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: channels: %w", err)
	}
	defer rows.Close()
	var out []report.Channel
	seen := map[string]bool{}
	for rows.Next() {
		var c report.Channel
		if err := rows.Scan(&c.Key, &c.DerivedFrom.Platform, &c.DerivedFrom.Ownership, &c.Events); err != nil {
			return nil, fmt.Errorf("store: channels: %w", err)
		}
		seen[c.Key] = true
		out = append(out, applyOverride(c, overrides))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: channels: %w", err)
	}
	var extra []string
	for k := range overrides {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		c := report.Channel{Key: k}
		c.DerivedFrom.Platform, c.DerivedFrom.Ownership, _ = strings.Cut(k, "/")
		out = append(out, applyOverride(c, overrides))
	}
	return out, nil
}

func applyOverride(c report.Channel, overrides map[string]workspace.ChannelOverride) report.Channel {
	c.Name, c.Platform, c.Ownership = c.Key, c.DerivedFrom.Platform, c.DerivedFrom.Ownership
	if o, ok := overrides[c.Key]; ok {
		if o.DisplayName != "" {
			c.Name = o.DisplayName
		}
		if o.Platform != "" {
			c.Platform = o.Platform
		}
		if o.Ownership != "" {
			c.Ownership = o.Ownership
		}
	}
	return c
}

func displayName(names map[string]string, key string) string {
	if n := names[key]; n != "" {
		return n
	}
	return key
}
