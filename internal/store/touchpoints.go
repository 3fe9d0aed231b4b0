package store

import (
	"context"
	"database/sql"
	"fmt"

	"ripple/internal/channel"
	"ripple/internal/event"
)

// Touchpoints calls each with every stored touchpoint of a workspace, in
// message id order, or of every workspace (by workspace, then message id)
// when workspaceID is empty: the message as stored, with its channel, stage,
// revenue, text and the profile it resolved to at ingest. An export, a replay into another events backend and the tests
// that check what was stored read events through it, never through SQL of
// their own. The message passed to each is reused from call to call.
//
// DuckDB materialises a query's result, so this holds the workspace's events
// in memory while it runs: fine for the tests and the exports of today's
// sizes, not for tens of millions of events.
func (s *Store) Touchpoints(ctx context.Context, workspaceID string, each func(*event.Message) error) error {
	rows, err := s.db.QueryContext(ctx, `/* Touchpoints */ SELECT workspace_id, message_id, type, user_id, anonymous_id,
		previous_id, group_id, event, name, ts, original_ts, sent_at, received_at, properties, traits, context,
		platform, ownership, skippable, channel_group, source, medium, campaign, content, term,
		stage_rank, revenue, currency, text, profile_id
		FROM touchpoints WHERE ? = '' OR workspace_id = ? ORDER BY workspace_id, message_id`, workspaceID, workspaceID)
	if err != nil {
		return fmt.Errorf("store: touchpoints: %w", err)
	}
	defer rows.Close()
	var m event.Message
	for rows.Next() {
		var typ, own string
		var user, anon, prev, group, name, ev, props, traits, cx, src, med, camp, cont, term, cur, text sql.NullString
		var orig, sent sql.NullTime
		var rank int
		var revenue sql.NullFloat64
		var profile sql.NullInt64
		m = event.Message{}
		if err := rows.Scan(&m.Workspace, &m.MessageID, &typ, &user, &anon, &prev, &group, &ev, &name,
			&m.Timestamp, &orig, &sent, &m.ReceivedAt, &props, &traits, &cx,
			&m.Channel.Platform, &own, &m.Channel.Skippable, &m.Channel.Group, &src, &med, &camp, &cont, &term,
			&rank, &revenue, &cur, &text, &profile); err != nil {
			return fmt.Errorf("store: touchpoints: %w", err)
		}
		m.Type, m.Channel.Ownership, m.Stage = event.Type(typ), channel.Ownership(own), stageOfRank(rank)
		m.UserID, m.AnonymousID, m.PreviousID, m.GroupID, m.Event, m.Name = user.String, anon.String, prev.String, group.String, ev.String, name.String
		m.Timestamp, m.ReceivedAt = m.Timestamp.UTC(), m.ReceivedAt.UTC()
		if orig.Valid {
			m.OriginalTimestamp = orig.Time.UTC()
		}
		if sent.Valid {
			m.SentAt = sent.Time.UTC()
		}
		m.Properties, m.Traits, m.Context = raw(props), raw(traits), raw(cx)
		m.Channel.Source, m.Channel.Medium, m.Channel.Campaign, m.Channel.Content, m.Channel.Term = src.String, med.String, camp.String, cont.String, term.String
		m.Revenue, m.Currency, m.Text, m.Profile = revenue.Float64, cur.String, text.String, profile.Int64
		if err := each(&m); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: touchpoints: %w", err)
	}
	return nil
}

func raw(s sql.NullString) []byte {
	if !s.Valid {
		return nil
	}
	return []byte(s.String)
}

// ColumnsHolding lists, as table.column, every text column of every table
// in which some stored value contains s: how a test proves that a password,
// a session or a key is kept only as a hash.
func (s *Store) ColumnsHolding(ctx context.Context, needle string) ([]string, error) {
	cols, err := s.db.QueryContext(ctx, `/* ColumnsHolding.Columns */ SELECT table_name, column_name FROM duckdb_columns()
		WHERE data_type = 'VARCHAR' AND NOT internal AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE NOT internal)
		ORDER BY table_name, column_index`)
	if err != nil {
		return nil, fmt.Errorf("store: list columns: %w", err)
	}
	var names [][2]string
	for cols.Next() {
		var t, c string
		if err := cols.Scan(&t, &c); err != nil {
			cols.Close()
			return nil, fmt.Errorf("store: list columns: %w", err)
		}
		names = append(names, [2]string{t, c})
	}
	cols.Close()
	if err := cols.Err(); err != nil {
		return nil, fmt.Errorf("store: list columns: %w", err)
	}
	var out []string
	for _, n := range names {
		var found bool
		q := fmt.Sprintf(`/* ColumnsHolding */ SELECT count(*) > 0 FROM %q WHERE contains(%q, ?)`, n[0], n[1])
		if err := s.db.QueryRowContext(ctx, q, needle).Scan(&found); err != nil {
			return nil, fmt.Errorf("store: search %s.%s: %w", n[0], n[1], err)
		}
		if found {
			out = append(out, n[0]+"."+n[1])
		}
	}
	return out, nil
}
