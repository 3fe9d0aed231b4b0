// Package report owns the read-side queries behind Ripple's pages and API:
// each aggregates the events table in SQL for one workspace and one filter,
// so a page never holds more than its answer in memory.
package report

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"ripple/internal/event"
	"ripple/internal/fault"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// Filter is what every page honours: a range of days and, optionally, one
// channel key. From and To are UTC days; To is included.
type Filter struct {
	From    time.Time
	To      time.Time
	Channel string
}

// end is the exclusive upper bound of the filter's time range.
func (f Filter) end() time.Time { return f.To.AddDate(0, 0, 1) }

// where is the filter as SQL over events, after the workspace.
func (f Filter) where(workspaceID string) (string, []any) {
	q := `workspace_id = ? AND ts >= ? AND ts < ?`
	args := []any{workspaceID, f.From, f.end()}
	if f.Channel != "" {
		q += ` AND channel = ?`
		args = append(args, f.Channel)
	}
	return q, args
}

// Days lists the filter's days in order.
func (f Filter) Days() []time.Time {
	var out []time.Time
	for d := f.From; !d.After(f.To); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// LastDay is the day of the workspace's newest event, or today when it has
// none: the default range ends there so a quiet or imported workspace still
// shows its data.
func LastDay(ctx context.Context, db *sql.DB, workspaceID string, now time.Time) (time.Time, error) {
	var last sql.NullTime
	if err := db.QueryRowContext(ctx, `/* LastDay */ SELECT max(ts) FROM events WHERE workspace_id = ?`, workspaceID).Scan(&last); err != nil {
		return time.Time{}, fmt.Errorf("report: last day: %w", err)
	}
	t := now
	if last.Valid {
		t = last.Time
	}
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
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

// Overview is the Overview page's numbers.
type Overview struct {
	Filter    Filter
	Events    int64
	People    int64
	Purchases int64
	Revenue   float64
	Days      []time.Time
	Series    []Series // by total, largest first
	Funnel    []StageCount
}

// OverviewOf computes the overview of a workspace under f. names maps
// channel keys to display names. Two scans answer it: one
// grouped by channel and day (events, purchases, revenue), one grouped by
// person (people and the funnel).
func OverviewOf(ctx context.Context, db *sql.DB, workspaceID string, f Filter, names map[string]string) (Overview, error) {
	o := Overview{Filter: f, Days: f.Days()}
	where, args := f.where(workspaceID)
	if err := o.perDay(ctx, db, where, args, names); err != nil {
		return Overview{}, err
	}
	funnel, people, err := funnelOf(ctx, db, where, args)
	if err != nil {
		return Overview{}, err
	}
	o.Funnel, o.People = funnel, people
	return o, nil
}

func (o *Overview) perDay(ctx context.Context, db *sql.DB, where string, args []any, names map[string]string) error {
	index := make(map[int64]int, len(o.Days))
	for i, d := range o.Days {
		index[d.Unix()] = i
	}
	rows, err := db.QueryContext(ctx, `/* Overview.PerDay */ SELECT channel, ts::DATE AS day, count(*),
		count(*) FILTER (WHERE stage_rank = 5), coalesce(sum(revenue) FILTER (WHERE stage_rank = 5), 0)
		FROM touchpoints WHERE `+where+` GROUP BY channel, day`, args...)
	if err != nil {
		return fmt.Errorf("report: events per day: %w", err)
	}
	defer rows.Close()
	byChannel := map[string]*Series{}
	for rows.Next() {
		var ch string
		var day time.Time
		var n, purchases int64
		var revenue float64
		if err := rows.Scan(&ch, &day, &n, &purchases, &revenue); err != nil {
			return fmt.Errorf("report: events per day: %w", err)
		}
		o.Events += n
		o.Purchases += purchases
		o.Revenue += revenue
		s := byChannel[ch]
		if s == nil {
			s = &Series{Channel: ch, Name: displayName(names, ch), Counts: make([]int64, len(o.Days))}
			byChannel[ch] = s
		}
		if i, ok := index[day.UTC().Unix()]; ok {
			s.Counts[i] += n
		}
		s.Total += n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: events per day: %w", err)
	}
	for _, s := range byChannel {
		o.Series = append(o.Series, *s)
	}
	sort.Slice(o.Series, func(i, j int) bool {
		if o.Series[i].Total != o.Series[j].Total {
			return o.Series[i].Total > o.Series[j].Total
		}
		return o.Series[i].Channel < o.Series[j].Channel
	})
	return nil
}

// funnelOf counts each person once, at the furthest stage they reached;
// reaching a stage means having passed every one before it. people counts
// everyone, staged or not.
func funnelOf(ctx context.Context, db *sql.DB, where string, args []any) ([]StageCount, int64, error) {
	rows, err := db.QueryContext(ctx, `/* Overview.Funnel */ SELECT furthest, count(*) FROM (
		SELECT max(stage_rank) AS furthest FROM touchpoints WHERE `+where+` GROUP BY person) GROUP BY furthest`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("report: funnel: %w", err)
	}
	defer rows.Close()
	atRank := make([]int64, len(event.Stages)+1)
	var people int64
	for rows.Next() {
		var rank int
		var n int64
		if err := rows.Scan(&rank, &n); err != nil {
			return nil, 0, fmt.Errorf("report: funnel: %w", err)
		}
		people += n
		if rank >= 1 && rank <= len(event.Stages) {
			atRank[rank] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("report: funnel: %w", err)
	}
	var cum int64
	funnel := make([]StageCount, len(event.Stages))
	for r := len(event.Stages); r >= 1; r-- {
		cum += atRank[r]
		funnel[r-1] = StageCount{Stage: event.Stages[r-1], People: cum}
	}
	return funnel, people, nil
}

func displayName(names map[string]string, key string) string {
	if n := names[key]; n != "" {
		return n
	}
	return key
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

// Channels lists the channels in a workspace's events, busiest first, plus
// any channel that only has an override.
func Channels(ctx context.Context, st *store.Store, workspaceID string) ([]Channel, error) {
	overrides, err := st.ChannelOverrides(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	rows, err := st.DB().QueryContext(ctx, `/* Channels */ SELECT channel, any_value(platform), any_value(ownership), count(*) AS n
		FROM touchpoints WHERE workspace_id = ? GROUP BY channel ORDER BY n DESC, channel`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("report: channels: %w", err)
	}
	defer rows.Close()
	var out []Channel
	seen := map[string]bool{}
	for rows.Next() {
		var c Channel
		if err := rows.Scan(&c.Key, &c.DerivedFrom.Platform, &c.DerivedFrom.Ownership, &c.Events); err != nil {
			return nil, fmt.Errorf("report: channels: %w", err)
		}
		seen[c.Key] = true
		out = append(out, applyOverride(c, overrides))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: channels: %w", err)
	}
	var extra []string
	for k := range overrides {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		c := Channel{Key: k}
		c.DerivedFrom.Platform, c.DerivedFrom.Ownership, _ = strings.Cut(k, "/")
		out = append(out, applyOverride(c, overrides))
	}
	return out, nil
}

func applyOverride(c Channel, overrides map[string]workspace.ChannelOverride) Channel {
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

// ChannelNames maps a workspace's channel keys to their display names.
func ChannelNames(ctx context.Context, st *store.Store, workspaceID string) (map[string]string, error) {
	overrides, err := st.ChannelOverrides(ctx, workspaceID)
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

// ParseFilter reads the filter every page and API call honours from a URL's
// from, to (dates like 2025-01-31) and channel. A missing to is lastDay(); a
// missing from is 30 days before to; a range spans two years at most. kept is
// the filter as given, for links that carry it.
func ParseFilter(q url.Values, lastDay func() (time.Time, error)) (f Filter, kept url.Values, err error) {
	kept = url.Values{}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		if *p.dst, err = time.Parse(time.DateOnly, v); err != nil {
			return f, kept, fault.Invalid(p.name, "is not a date like 2025-01-31")
		}
		kept.Set(p.name, v)
	}
	if f.To.IsZero() {
		if f.To, err = lastDay(); err != nil {
			return f, kept, err
		}
	}
	if f.From.IsZero() {
		f.From = f.To.AddDate(0, 0, -29)
	}
	if f.From.After(f.To) {
		return f, kept, fault.Invalid("from", "is after to")
	}
	if f.To.Sub(f.From) > 731*24*time.Hour {
		return f, kept, fault.Invalid("from", "the range may span two years at most")
	}
	if ch := strings.TrimSpace(q.Get("channel")); ch != "" {
		f.Channel = ch
		kept.Set("channel", ch)
	}
	return f, kept, nil
}
