package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"ripple/internal/workspace"
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// NewID returns a random identifier with a readable prefix, e.g. "ws_3kf9...".
func NewID(prefix string) string {
	var b [12]byte
	rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

// CreateWorkspace creates a workspace; businessType is "product" or
// "service". It starts in the default time zone and currency.
func (s *Store) CreateWorkspace(ctx context.Context, name, businessType string) (workspace.Workspace, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return workspace.Workspace{}, fmt.Errorf("workspace name: is required")
	}
	if businessType == "" {
		businessType = "product"
	}
	if businessType != "product" && businessType != "service" {
		return workspace.Workspace{}, fmt.Errorf("workspace business type: %q is not product or service", businessType)
	}
	w := workspace.Workspace{ID: NewID("ws"), Name: name, BusinessType: businessType,
		TimeZone: workspace.DefaultTimeZone, Currency: workspace.DefaultCurrency, CreatedAt: time.Now().UTC()}
	_, err := s.db.ExecContext(ctx, `/* CreateWorkspace */ INSERT INTO workspaces (id, name, business_type, time_zone, currency, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, w.ID, w.Name, w.BusinessType, w.TimeZone, w.Currency, w.CreatedAt)
	if err != nil {
		return workspace.Workspace{}, fmt.Errorf("store: create workspace: %w", err)
	}
	return w, nil
}

const workspaceColumns = `id, name, business_type, coalesce(time_zone, 'UTC'), coalesce(currency, 'USD'), created_at`

func scanWorkspace(row interface{ Scan(...any) error }) (workspace.Workspace, error) {
	var w workspace.Workspace
	err := row.Scan(&w.ID, &w.Name, &w.BusinessType, &w.TimeZone, &w.Currency, &w.CreatedAt)
	return w, err
}

// Workspaces lists every workspace by name.
func (s *Store) Workspaces(ctx context.Context) ([]workspace.Workspace, error) {
	rows, err := s.db.QueryContext(ctx, `/* Workspaces */ SELECT `+workspaceColumns+` FROM workspaces ORDER BY name, id`)
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
	w, err := scanWorkspace(s.db.QueryRowContext(ctx, `/* Workspace */ SELECT `+workspaceColumns+` FROM workspaces WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return workspace.Workspace{}, fmt.Errorf("workspace %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return workspace.Workspace{}, fmt.Errorf("store: workspace: %w", err)
	}
	return w, nil
}

// UpdateWorkspace saves a workspace's name, business type, time zone and
// currency, which the caller has validated.
func (s *Store) UpdateWorkspace(ctx context.Context, w workspace.Workspace) error {
	if strings.TrimSpace(w.Name) == "" {
		return fmt.Errorf("workspace name: is required")
	}
	if w.BusinessType != "product" && w.BusinessType != "service" {
		return fmt.Errorf("workspace business type: %q is not product or service", w.BusinessType)
	}
	if w.TimeZone == "" || w.Currency == "" {
		return fmt.Errorf("workspace %q: a time zone and a currency are required", w.ID)
	}
	res, err := s.db.ExecContext(ctx, `/* UpdateWorkspace */ UPDATE workspaces SET name = ?, business_type = ?, time_zone = ?, currency = ? WHERE id = ?`,
		strings.TrimSpace(w.Name), w.BusinessType, w.TimeZone, w.Currency, w.ID)
	if err != nil {
		return fmt.Errorf("store: update workspace: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("workspace %q: %w", w.ID, ErrNotFound)
	}
	return nil
}

// WriteKey is a collection key as listed: the secret itself is never stored,
// only its hash and a short hint to recognise it by.
type WriteKey struct {
	ID          string
	WorkspaceID string
	Hint        string
	Name        string
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// HashSecret is how key and token secrets are stored: they are long and
// random, so a plain SHA-256 cannot be reversed or brute-forced.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateWriteKey makes a new key for a workspace and returns its secret,
// which is shown once and never stored.
func (s *Store) CreateWriteKey(ctx context.Context, workspaceID, name string) (WriteKey, string, error) {
	if _, err := s.Workspace(ctx, workspaceID); err != nil {
		return WriteKey{}, "", err
	}
	var b [24]byte
	rand.Read(b[:])
	secret := "rk_" + hex.EncodeToString(b[:])
	k := WriteKey{ID: NewID("key"), WorkspaceID: workspaceID, Hint: secret[:7] + "…" + secret[len(secret)-4:],
		Name: strings.TrimSpace(name), CreatedAt: time.Now().UTC()}
	_, err := s.db.ExecContext(ctx, `INSERT INTO write_keys (id, workspace_id, hash, hint, name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, k.WorkspaceID, HashSecret(secret), k.Hint, k.Name, k.CreatedAt)
	if err != nil {
		return WriteKey{}, "", fmt.Errorf("store: create write key: %w", err)
	}
	return k, secret, nil
}

// WriteKeys lists a workspace's keys, newest first, revoked ones included.
func (s *Store) WriteKeys(ctx context.Context, workspaceID string) ([]WriteKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, workspace_id, hint, name, created_at, revoked_at
		FROM write_keys WHERE workspace_id = ? ORDER BY created_at DESC, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: list write keys: %w", err)
	}
	defer rows.Close()
	var out []WriteKey
	for rows.Next() {
		var k WriteKey
		if err := rows.Scan(&k.ID, &k.WorkspaceID, &k.Hint, &k.Name, &k.CreatedAt, &k.RevokedAt); err != nil {
			return nil, fmt.Errorf("store: list write keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeWriteKey stops a key from authenticating. The key must belong to the
// workspace: one tenant can never revoke another's keys.
func (s *Store) RevokeWriteKey(ctx context.Context, workspaceID, keyID string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE write_keys SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND revoked_at IS NULL`,
		time.Now().UTC(), keyID, workspaceID)
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
	err := s.db.QueryRowContext(ctx, `SELECT workspace_id FROM write_keys WHERE hash = ? AND revoked_at IS NULL`, HashSecret(secret)).Scan(&ws)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: look up write key: %w", err)
	}
	return ws, nil
}
