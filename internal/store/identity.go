package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"ripple/internal/identity"
)

// An event's current profile is the one it resolved to at ingest, or where
// that profile was merged since: every read model that counts people joins
// the overrides this way (e is the events table or the touchpoints view).
const (
	profileJoin    = `LEFT JOIN identity_overrides o ON o.workspace_id = e.workspace_id AND o.profile_id = e.profile_id`
	currentProfile = `coalesce(o.into_profile, e.profile_id)`
)

// LoadIdentity streams a workspace's identity graph: each identifier's key
// and the profile it joined, then each override. Rows are read a page at a
// time, so a graph of millions of identifiers loads in a few megabytes.
func (s *Store) LoadIdentity(ctx context.Context, workspace string, link func(key uint64, profile int64), override func(identity.Override)) error {
	var last int64
	if err := s.db.QueryRowContext(ctx, `/* Store.LoadIdentity */ SELECT coalesce(max(rowid), -1) FROM identity_identifiers`).Scan(&last); err != nil {
		return fmt.Errorf("store: load identity: %w", err)
	}
	for from := int64(0); from <= last; from += idPage {
		err := s.eachRow(ctx, func(rows *sql.Rows) error {
			var key, profile int64
			if err := rows.Scan(&key, &profile); err != nil {
				return err
			}
			link(uint64(key), profile)
			return nil
		}, `/* Store.LoadIdentity */ SELECT key, profile_id FROM identity_identifiers WHERE workspace_id = ? AND rowid >= ? AND rowid < ?`,
			workspace, from, from+idPage)
		if err != nil {
			return fmt.Errorf("store: load identity identifiers: %w", err)
		}
	}
	err := s.eachRow(ctx, func(rows *sql.Rows) error {
		var o identity.Override
		if err := rows.Scan(&o.Profile, &o.Into); err != nil {
			return err
		}
		override(o)
		return nil
	}, `/* Store.LoadIdentity */ SELECT profile_id, into_profile FROM identity_overrides WHERE workspace_id = ?`, workspace)
	if err != nil {
		return fmt.Errorf("store: load identity overrides: %w", err)
	}
	return nil
}

// eachRow runs query and calls f for each row.
func (s *Store) eachRow(ctx context.Context, f func(*sql.Rows) error, query string, args ...any) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// identityWriter stores identity changes on a connection of its own,
// through chunk appenders: a save of hundreds of thousands of identifiers
// spends its time in DuckDB, not in a cgo call per value.
type identityWriter struct {
	*cconn
	ids, merges, overrides *chunkAppender
}

// The identity tables' columns, as migration 006 makes them.
var (
	identifierColumns = []mapping.Type{mapping.TypeVarchar, mapping.TypeBigInt, mapping.TypeVarchar, mapping.TypeVarchar,
		mapping.TypeBigInt, mapping.TypeVarchar, mapping.TypeTimestamp}
	mergeColumns    = []mapping.Type{mapping.TypeVarchar, mapping.TypeBigInt, mapping.TypeBigInt, mapping.TypeVarchar, mapping.TypeBigInt, mapping.TypeTimestamp}
	overrideColumns = []mapping.Type{mapping.TypeVarchar, mapping.TypeBigInt, mapping.TypeBigInt}
)

func openIdentityWriter(path string) (*identityWriter, error) {
	c, err := openConn(path)
	if err != nil {
		return nil, err
	}
	w := &identityWriter{cconn: c}
	for _, t := range []struct {
		app   **chunkAppender
		table string
		cols  []mapping.Type
	}{{&w.ids, "identity_identifiers", identifierColumns}, {&w.merges, "identity_merges", mergeColumns}, {&w.overrides, "identity_overrides", overrideColumns}} {
		if *t.app, err = newChunkAppender(c, t.table, t.cols); err != nil {
			w.close()
			return nil, err
		}
	}
	return w, nil
}

func (w *identityWriter) close() {
	for _, a := range []*chunkAppender{w.ids, w.merges, w.overrides} {
		if a != nil {
			a.close()
		}
	}
	w.cconn.close()
}

// save writes the changes in one transaction on the writer's connection.
func (w *identityWriter) save(changes []identity.Changes) error {
	if err := w.exec(`BEGIN TRANSACTION`); err != nil {
		return err
	}
	err := w.write(changes)
	if err == nil {
		err = w.exec(`COMMIT`)
	}
	if err != nil {
		for _, a := range []*chunkAppender{w.ids, w.merges, w.overrides} {
			a.clear()
		}
		w.exec(`ROLLBACK`)
	}
	return err
}

func (w *identityWriter) write(changes []identity.Changes) error {
	// Overrides stored into a profile merged away now follow it first, so
	// that the overrides appended below are the only ones into it.
	for _, c := range changes {
		if len(c.Moved) == 0 {
			continue
		}
		var q strings.Builder
		q.WriteString(`/* Store.SaveIdentity */ UPDATE identity_overrides SET into_profile = m.t FROM (VALUES `)
		for i, o := range c.Moved {
			if i > 0 {
				q.WriteByte(',')
			}
			fmt.Fprintf(&q, "(%d, %d)", o.Profile, o.Into)
		}
		fmt.Fprintf(&q, `) m(f, t) WHERE identity_overrides.workspace_id = %s AND identity_overrides.into_profile = m.f`, quote(c.Workspace))
		if err := w.exec(q.String()); err != nil {
			return err
		}
	}
	for _, c := range changes {
		for i := range c.Added {
			a := &c.Added[i]
			r, err := w.ids.next()
			if err != nil {
				return err
			}
			w.ids.str(0, r, c.Workspace)
			w.ids.int64(1, r, int64(a.Key))
			w.ids.str(2, r, a.Kind.String())
			w.ids.str(3, r, a.Value)
			w.ids.int64(4, r, a.Profile)
			w.ids.str(5, r, a.MessageID)
			w.ids.time(6, r, a.Time)
		}
		for i := range c.Merges {
			m := &c.Merges[i]
			r, err := w.merges.next()
			if err != nil {
				return err
			}
			w.merges.str(0, r, c.Workspace)
			w.merges.int64(1, r, m.From)
			w.merges.int64(2, r, m.Into)
			w.merges.str(3, r, m.MessageID)
			w.merges.int64(4, r, int64(m.Via))
			w.merges.time(5, r, m.Time)
		}
		for _, o := range c.Overrides {
			r, err := w.overrides.next()
			if err != nil {
				return err
			}
			w.overrides.str(0, r, c.Workspace)
			w.overrides.int64(1, r, o.Profile)
			w.overrides.int64(2, r, o.Into)
		}
	}
	for _, a := range []*chunkAppender{w.ids, w.merges, w.overrides} {
		if err := a.flush(); err != nil {
			return err
		}
	}
	return nil
}

// quote is s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// SaveIdentity stores what batches of identity resolution changed, all in
// one transaction: the new identifiers and merges, and the overrides that
// send each merged-away profile (and those merged into it before) to where
// it lives now. The one statement, moving earlier overrides, runs only when
// a profile that had absorbed others is merged away itself. Saves run one
// at a time; after a failure the writer's connection is dropped and the
// next save opens another.
func (s *Store) SaveIdentity(ctx context.Context, changes []identity.Changes) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: save identity: %w", err)
	}
	s.identityMu.Lock()
	defer s.identityMu.Unlock()
	if s.identity == nil {
		if s.closed {
			return errors.New("store: save identity: the store is closed")
		}
		w, err := openIdentityWriter(s.path)
		if err != nil {
			return fmt.Errorf("store: save identity: %w", err)
		}
		s.identity = w
	}
	if err := s.identity.save(changes); err != nil {
		s.identity.close()
		s.identity = nil
		return fmt.Errorf("store: save identity: %w", err)
	}
	return nil
}

// closeIdentity releases the identity writer, for Close.
func (s *Store) closeIdentity() {
	s.identityMu.Lock()
	defer s.identityMu.Unlock()
	if s.identity != nil {
		s.identity.close()
		s.identity = nil
	}
	s.closed = true
}

// ProfileOf is the live profile that profile is now (itself, unless it was
// merged away), or 0 when the workspace has no such profile.
func (s *Store) ProfileOf(ctx context.Context, workspace string, profile int64) (int64, error) {
	var live int64
	err := s.db.QueryRowContext(ctx, `/* Store.ProfileOf */
SELECT coalesce((SELECT into_profile FROM identity_overrides WHERE workspace_id = ? AND profile_id = ?),
                (SELECT any_value(profile_id) FROM identity_identifiers WHERE workspace_id = ? AND profile_id = ?), 0)`,
		workspace, profile, workspace, profile).Scan(&live)
	if err != nil {
		return 0, fmt.Errorf("store: profile of %d: %w", profile, err)
	}
	return live, nil
}

// FindProfile is the live profile holding the identifier, or 0.
func (s *Store) FindProfile(ctx context.Context, workspace string, id identity.Identifier) (int64, error) {
	var p int64
	err := s.db.QueryRowContext(ctx, `/* Store.FindProfile */
SELECT coalesce(o.into_profile, e.profile_id) FROM identity_identifiers e `+profileJoin+`
WHERE e.workspace_id = ? AND e.key = ?`, workspace, int64(identity.Key(workspace, id))).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: find profile: %w", err)
	}
	return p, nil
}

// ProfileIdentifier is an identifier of a profile, with the message that
// first carried it and the profile it joined then (another one, since
// merged into this, or this one).
type ProfileIdentifier struct {
	identity.Identifier
	Joined    int64
	MessageID string
	Time      time.Time
}

// ProfileIdentifiers lists the identifiers of a live profile, the ones of
// the profiles merged into it included, oldest first.
func (s *Store) ProfileIdentifiers(ctx context.Context, workspace string, profile int64) ([]ProfileIdentifier, error) {
	var out []ProfileIdentifier
	err := s.eachRow(ctx, func(rows *sql.Rows) error {
		var p ProfileIdentifier
		var kind string
		if err := rows.Scan(&kind, &p.Value, &p.Joined, &p.MessageID, &p.Time); err != nil {
			return err
		}
		k, err := identity.ParseKind(kind)
		if err != nil {
			return err
		}
		p.Kind = k
		out = append(out, p)
		return nil
	}, `/* Store.ProfileIdentifiers */
SELECT e.kind, e.value, e.profile_id, e.message_id, e.ts FROM identity_identifiers e `+profileJoin+`
WHERE e.workspace_id = ? AND `+currentProfile+` = ?
ORDER BY e.ts, e.kind, e.value`, workspace, profile)
	if err != nil {
		return nil, fmt.Errorf("store: profile identifiers: %w", err)
	}
	return out, nil
}

// ProfileMerge is an entry of a profile's merge history: message MessageID
// joined profile From into Into through its identifier Via, at Time.
type ProfileMerge struct {
	From, Into int64
	MessageID  string
	Via        identity.Identifier
	Time       time.Time
}

// ProfileMerges is the merge history of a live profile: every merge into it
// or into a profile since merged into it, oldest first.
func (s *Store) ProfileMerges(ctx context.Context, workspace string, profile int64) ([]ProfileMerge, error) {
	var out []ProfileMerge
	err := s.eachRow(ctx, func(rows *sql.Rows) error {
		var m ProfileMerge
		var kind string
		if err := rows.Scan(&m.From, &m.Into, &m.MessageID, &m.Time, &kind, &m.Via.Value); err != nil {
			return err
		}
		k, err := identity.ParseKind(kind)
		if err != nil {
			return err
		}
		m.Via.Kind = k
		out = append(out, m)
		return nil
	}, `/* Store.ProfileMerges */
SELECT m.from_profile, m.into_profile, m.message_id, m.ts, i.kind, i.value
FROM identity_merges m
LEFT JOIN identity_overrides o ON o.workspace_id = m.workspace_id AND o.profile_id = m.into_profile
JOIN identity_identifiers i ON i.workspace_id = m.workspace_id AND i.key = m.via_key
WHERE m.workspace_id = ? AND coalesce(o.into_profile, m.into_profile) = ?
ORDER BY m.ts, m.from_profile`, workspace, profile)
	if err != nil {
		return nil, fmt.Errorf("store: profile merges: %w", err)
	}
	return out, nil
}

// EventProfiles calls f with each stored event of the workspace and its
// current profile (0 for none), a page of rows at a time.
func (s *Store) EventProfiles(ctx context.Context, workspace string, f func(messageID string, profile int64) error) error {
	var last int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(rowid), -1) FROM events`).Scan(&last); err != nil {
		return fmt.Errorf("store: event profiles: %w", err)
	}
	for from := int64(0); from <= last; from += idPage {
		err := s.eachRow(ctx, func(rows *sql.Rows) error {
			var id string
			var p sql.NullInt64
			if err := rows.Scan(&id, &p); err != nil {
				return err
			}
			return f(id, p.Int64)
		}, `/* Store.EventProfiles */
SELECT e.message_id, `+currentProfile+` FROM events e `+profileJoin+`
WHERE e.workspace_id = ? AND e.rowid >= ? AND e.rowid < ?`, workspace, from, from+idPage)
		if err != nil {
			return fmt.Errorf("store: event profiles: %w", err)
		}
	}
	return nil
}
