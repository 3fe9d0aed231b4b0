package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ripple/internal/access"
	"ripple/internal/fault"
	"ripple/internal/workspace"
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = fault.ErrNotFound

// zoned refuses a workspace without a time zone or a currency. The columns
// may be NULL (DuckDB could not add them NOT NULL), so the store keeps every
// workspace it saves from lacking them.
func zoned(w workspace.Workspace) error {
	if w.TimeZone == "" || w.Currency == "" {
		return fmt.Errorf("store: save workspace %q: a time zone and a currency are required", w.ID)
	}
	return nil
}

// CreateWorkspace stores a workspace the workspace package made.
func (s *Store) CreateWorkspace(ctx context.Context, w workspace.Workspace) error {
	if err := zoned(w); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `/* CreateWorkspace */ INSERT INTO workspaces (id, name, business_type, time_zone, currency, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, w.ID, w.Name, w.BusinessType, w.TimeZone, w.Currency, w.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: create workspace: %w", err)
	}
	return nil
}

const workspaceCols = `id, name, business_type, coalesce(time_zone, 'UTC'), coalesce(currency, 'USD'), created_at`

func scanWorkspace(row interface{ Scan(...any) error }) (workspace.Workspace, error) {
	var w workspace.Workspace
	err := row.Scan(&w.ID, &w.Name, &w.BusinessType, &w.TimeZone, &w.Currency, &w.CreatedAt)
	return w, err
}

// Workspaces lists every workspace by name.
func (s *Store) Workspaces(ctx context.Context) ([]workspace.Workspace, error) {
	rows, err := s.db.QueryContext(ctx, `/* Workspaces */ SELECT `+workspaceCols+` FROM workspaces ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list workspaces: %w", err)
	}
	defer rows.Close()
	var out []workspace.Workspace
	for rows.Next() {
		w, err := scanWorkspace(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list workspaces: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Workspace looks up one workspace by id.
func (s *Store) Workspace(ctx context.Context, id string) (workspace.Workspace, error) {
	w, err := scanWorkspace(s.db.QueryRowContext(ctx, `/* Workspace */ SELECT `+workspaceCols+` FROM workspaces WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return workspace.Workspace{}, fmt.Errorf("workspace %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return workspace.Workspace{}, fmt.Errorf("store: workspace: %w", err)
	}
	return w, nil
}

// UpdateWorkspace saves a workspace's name, business type, time zone and
// currency, which the workspace package has checked.
func (s *Store) UpdateWorkspace(ctx context.Context, w workspace.Workspace) error {
	if err := zoned(w); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `/* UpdateWorkspace */ UPDATE workspaces SET name = ?, business_type = ?, time_zone = ?, currency = ? WHERE id = ?`,
		w.Name, w.BusinessType, w.TimeZone, w.Currency, w.ID)
	if err != nil {
		return fmt.Errorf("store: update workspace: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("workspace %q: %w", w.ID, ErrNotFound)
	}
	return nil
}

// HashSecret is how key and token secrets are stored; see access.HashSecret.
func HashSecret(secret string) string { return access.HashSecret(secret) }

// CreateWriteKey stores a key under the hash of its secret.
func (s *Store) CreateWriteKey(ctx context.Context, k workspace.Key, hash string) error {
	_, err := s.db.ExecContext(ctx, `/* CreateWriteKey */ INSERT INTO write_keys (id, workspace_id, hash, hint, name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, k.WorkspaceID, hash, k.Hint, k.Name, k.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: create write key: %w", err)
	}
	return nil
}

// WriteKeys lists a workspace's keys, newest first, revoked ones included.
func (s *Store) WriteKeys(ctx context.Context, workspaceID string) ([]workspace.Key, error) {
	rows, err := s.db.QueryContext(ctx, `/* WriteKeys */ SELECT id, workspace_id, hint, name, created_at, revoked_at
		FROM write_keys WHERE workspace_id = ? ORDER BY created_at DESC, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: list write keys: %w", err)
	}
	defer rows.Close()
	var out []workspace.Key
	for rows.Next() {
		var k workspace.Key
		if err := rows.Scan(&k.ID, &k.WorkspaceID, &k.Hint, &k.Name, &k.CreatedAt, &k.RevokedAt); err != nil {
			return nil, fmt.Errorf("store: list write keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeWriteKey stops a key from authenticating as of at. The key must
// belong to the workspace: one tenant can never revoke another's keys.
func (s *Store) RevokeWriteKey(ctx context.Context, workspaceID, keyID string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `/* RevokeWriteKey */ UPDATE write_keys SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND revoked_at IS NULL`,
		at, keyID, workspaceID)
	if err != nil {
		return fmt.Errorf("store: revoke write key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("write key %q: %w", keyID, ErrNotFound)
	}
	return nil
}

// WorkspaceForKey resolves a write key's secret to its workspace id; a
// revoked or unknown key is ErrNotFound.
func (s *Store) WorkspaceForKey(ctx context.Context, secret string) (string, error) {
	var ws string
	err := s.db.QueryRowContext(ctx, `/* WorkspaceForKey */ SELECT workspace_id FROM write_keys WHERE hash = ? AND revoked_at IS NULL`, HashSecret(secret)).Scan(&ws)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: look up write key: %w", err)
	}
	return ws, nil
}

// ChannelOverrides returns a workspace's overrides by channel key.
func (s *Store) ChannelOverrides(ctx context.Context, workspaceID string) (map[string]workspace.ChannelOverride, error) {
	rows, err := s.db.QueryContext(ctx, `/* ChannelOverrides */ SELECT workspace_id, channel, display_name, platform, ownership, updated_at FROM channel_overrides WHERE workspace_id = ?`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: channel overrides: %w", err)
	}
	defer rows.Close()
	out := map[string]workspace.ChannelOverride{}
	for rows.Next() {
		var o workspace.ChannelOverride
		if err := rows.Scan(&o.WorkspaceID, &o.Channel, &o.DisplayName, &o.Platform, &o.Ownership, &o.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: channel overrides: %w", err)
		}
		out[o.Channel] = o
	}
	return out, rows.Err()
}

// SetChannelOverride stores o, replacing the workspace's earlier override of
// the same channel.
func (s *Store) SetChannelOverride(ctx context.Context, o workspace.ChannelOverride) error {
	_, err := s.db.ExecContext(ctx, `/* SetChannelOverride */ INSERT INTO channel_overrides (workspace_id, channel, display_name, platform, ownership, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, channel) DO UPDATE SET display_name = excluded.display_name,
			platform = excluded.platform, ownership = excluded.ownership, updated_at = excluded.updated_at`,
		o.WorkspaceID, o.Channel, o.DisplayName, o.Platform, o.Ownership, o.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: set channel override: %w", err)
	}
	return nil
}
