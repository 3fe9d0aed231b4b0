package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"ripple/internal/event"
	"ripple/internal/journey"
	"ripple/internal/report"
	"ripple/internal/workspace"
)

// This file holds the read models behind the Overview and the channel
// lists: each aggregates the events of one workspace in SQL, so a page never
// holds more than its answer in memory.

// Overview computes the overview of a workspace under f, with its channels'
// display names and its revenue in the workspace's currency. Two scans
// answer it: one grouped by channel, day and purchase currency (events,
// purchases, revenue), one grouped by person (people and the funnel).
func (s *Store) Overview(ctx context.Context, ws workspace.Workspace, f report.Filter) (report.Overview, error) {
	o := report.Overview{Filter: f, Days: f.Days(), Currency: ws.Currency}
	names, err := s.channelNames(ctx, ws.ID)
	if err != nil {
		return report.Overview{}, err
	}
	if err := s.perDay(ctx, &o, ws, names); err != nil {
		return report.Overview{}, err
	}
	where, args := filterSQL(ws.ID, f)
	rows, err := s.funnel(ctx, "Overview.Funnel", where, args, false)
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

// perDay fills the events per channel and day, the purchases and the
// revenue. A row's currency is set for purchases only, so the grouping
// splits nothing but the purchase rows by currency.
func (s *Store) perDay(ctx context.Context, o *report.Overview, ws workspace.Workspace, names map[string]string) error {
	day, args := localDaySQL(o.Filter)
	args = append(args, ws.Currency)
	where, wargs := filterSQL(ws.ID, o.Filter)
	args = append(args, wargs...)
	rows, err := s.db.QueryContext(ctx, `/* Overview.PerDay */ SELECT channel, `+day+` AS day,
		CASE WHEN `+purchaseSQL()+` THEN `+currencySQL+` END AS cur, count(*), coalesce(sum(revenue), 0)
		FROM touchpoints WHERE `+where+` GROUP BY channel, day, cur`, args...)
	if err != nil {
		return fmt.Errorf("store: events per day: %w", err)
	}
	defer rows.Close()
	index := make(map[string]int, len(o.Days))
	for i, d := range o.Days {
		index[d.Format(time.DateOnly)] = i
	}
	byChannel := map[string]*report.Series{}
	other := map[string]*report.Money{}
	for rows.Next() {
		var ch string
		var d time.Time
		var cur sql.NullString
		var n int64
		var revenue float64
		if err := rows.Scan(&ch, &d, &cur, &n, &revenue); err != nil {
			return fmt.Errorf("store: events per day: %w", err)
		}
		o.Events += n
		switch {
		case !cur.Valid:
		case cur.String == ws.Currency:
			o.Purchases += n
			o.Revenue += revenue
		default:
			o.Purchases += n
			m := other[cur.String]
			if m == nil {
				m = &report.Money{Currency: cur.String}
				other[cur.String] = m
			}
			m.Purchases += n
			m.Amount += revenue
		}
		sr := byChannel[ch]
		if sr == nil {
			sr = &report.Series{Channel: ch, Name: displayName(names, ch), Counts: make([]int64, len(o.Days))}
			byChannel[ch] = sr
		}
		// DuckDB hands a DATE back as midnight UTC of that date.
		if i, ok := index[d.UTC().Format(time.DateOnly)]; ok {
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
	for _, m := range other {
		o.OtherCurrencies = append(o.OtherCurrencies, *m)
	}
	sort.Slice(o.OtherCurrencies, func(i, j int) bool { return o.OtherCurrencies[i].Currency < o.OtherCurrencies[j].Currency })
	return nil
}

// Nearest finds, for a filter whose range holds no events, the newest event
// before the range and the oldest after it, in the filter's channel: where
// a page can send someone looking at the wrong days.
func (s *Store) Nearest(ctx context.Context, workspaceID string, f report.Filter) (report.Nearest, error) {
	if !f.Bounded() {
		return report.Nearest{}, nil // every event is in range
	}
	where, args := filterSQL(workspaceID, report.Filter{Channel: f.Channel})
	var before, after sql.NullTime
	err := s.db.QueryRowContext(ctx, `/* Nearest */ SELECT max(ts) FILTER (WHERE ts < ?), min(ts) FILTER (WHERE ts >= ?)
		FROM touchpoints WHERE `+where, append([]any{f.From.UTC(), f.End().UTC()}, args...)...).Scan(&before, &after)
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

func applyOverride(c report.Channel, overrides map[string]ChannelOverride) report.Channel {
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

// channelNames maps a workspace's channel keys to the display names its
// overrides give them.
func (s *Store) channelNames(ctx context.Context, workspaceID string) (map[string]string, error) {
	overrides, err := s.ChannelOverrides(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(overrides))
	for k, o := range overrides {
		if o.DisplayName != "" {
			names[k] = o.DisplayName
		}
	}
	return names, nil
}

func displayName(names map[string]string, key string) string {
	if n := names[key]; n != "" {
		return n
	}
	return key
}
