package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// ErrExists is returned when a record with the same unique value is stored.
var ErrExists = errors.New("already exists")

// User is a person who signs in. PasswordHash is an encoded argon2id hash;
// the access package makes and checks it.
type User struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

// Membership is a user's role in one workspace, with the names a page shows.
type Membership struct {
	UserID        string
	WorkspaceID   string
	Role          string
	CreatedAt     time.Time
	Email         string // of the user
	Name          string // of the user
	WorkspaceName string
}

// Session is a signed-in browser. Its secret lives in the cookie only.
type Session struct {
	ID        string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a personal token as listed; its secret is never stored.
type APIToken struct {
	ID          string
	UserID      string
	WorkspaceID string
	Role        string
	Name        string
	Hint        string
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// CreateUser stores u; an email already taken (compared case-insensitively)
// is ErrExists.
func (s *Store) CreateUser(ctx context.Context, u User) error {
	// Stored lower-case, so that the UNIQUE constraint settles two sign-ups
	// racing with one address; the lookup also finds older mixed-case rows.
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	taken := func() (bool, error) {
		var n int
		err := s.db.QueryRowContext(ctx, `/* CreateUser */ SELECT count(*) FROM users WHERE lower(email) = ?`, u.Email).Scan(&n)
		return n > 0, err
	}
	exists, err := taken()
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	if exists {
		return fmt.Errorf("user %q: %w", u.Email, ErrExists)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.Name, u.PasswordHash, u.CreatedAt)
	if err != nil {
		// The unique constraint fails as a constraint error, even while the
		// sign-up that took the address has not committed yet, or, when both
		// inserts ran at once, as a conflict at commit: either way another
		// sign-up won.
		if isDuplicateKey(err) {
			return fmt.Errorf("user %q: %w", u.Email, ErrExists)
		}
		if exists, _ := taken(); exists {
			return fmt.Errorf("user %q: %w", u.Email, ErrExists)
		}
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

// isDuplicateKey reports whether err is DuckDB refusing a row whose key or
// unique column is taken.
func isDuplicateKey(err error) bool {
	var de *duckdb.Error
	return errors.As(err, &de) && de.Type == duckdb.ErrorTypeConstraint && strings.Contains(de.Msg, "Duplicate key")
}

const userCols = `id, email, name, password_hash, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.CreatedAt)
	return u, err
}

// UserByEmail finds a user by email, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `/* UserByEmail */ SELECT `+userCols+` FROM users WHERE lower(email) = lower(?)`, strings.TrimSpace(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %q: %w", email, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user by email: %w", err)
	}
	return u, nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `/* UserByID */ SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user by id: %w", err)
	}
	return u, nil
}

// Users lists every user by email.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `/* Users */ SELECT `+userCols+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetMembership gives a user a role in a workspace, replacing any other.
func (s *Store) SetMembership(ctx context.Context, userID, workspaceID, role string) error {
	_, err := s.db.ExecContext(ctx, `/* SetMembership */ INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role`, userID, workspaceID, role, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("store: set membership: %w", err)
	}
	return nil
}

const membershipQuery = `SELECT m.user_id, m.workspace_id, m.role, m.created_at, u.email, u.name, w.name
	FROM memberships m JOIN users u ON u.id = m.user_id JOIN workspaces w ON w.id = m.workspace_id`

func (s *Store) memberships(ctx context.Context, where string, args ...any) ([]Membership, error) {
	rows, err := s.db.QueryContext(ctx, membershipQuery+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list memberships: %w", err)
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.UserID, &m.WorkspaceID, &m.Role, &m.CreatedAt, &m.Email, &m.Name, &m.WorkspaceName); err != nil {
			return nil, fmt.Errorf("store: list memberships: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Membership is the user's role in the workspace, ErrNotFound when none.
func (s *Store) Membership(ctx context.Context, userID, workspaceID string) (Membership, error) {
	ms, err := s.memberships(ctx, `m.user_id = ? AND m.workspace_id = ?`, userID, workspaceID)
	if err != nil {
		return Membership{}, err
	}
	if len(ms) == 0 {
		return Membership{}, fmt.Errorf("membership: %w", ErrNotFound)
	}
	return ms[0], nil
}

// MembershipsOfUser lists the workspaces a user belongs to, by name.
func (s *Store) MembershipsOfUser(ctx context.Context, userID string) ([]Membership, error) {
	return s.memberships(ctx, `m.user_id = ? ORDER BY w.name, w.id`, userID)
}

// Members lists a workspace's users, by email.
func (s *Store) Members(ctx context.Context, workspaceID string) ([]Membership, error) {
	return s.memberships(ctx, `m.workspace_id = ? ORDER BY u.email`, workspaceID)
}

// RemoveMembership takes a user out of a workspace.
func (s *Store) RemoveMembership(ctx context.Context, userID, workspaceID string) error {
	res, err := s.db.ExecContext(ctx, `/* RemoveMembership */ DELETE FROM memberships WHERE user_id = ? AND workspace_id = ?`, userID, workspaceID)
	if err != nil {
		return fmt.Errorf("store: remove membership: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("membership: %w", ErrNotFound)
	}
	return nil
}

// CreateSession stores a session under the hash of its secret.
func (s *Store) CreateSession(ctx context.Context, sess Session, hash string) error {
	_, err := s.db.ExecContext(ctx, `/* CreateSession */ INSERT INTO sessions (id, hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		sess.ID, hash, sess.UserID, sess.CreatedAt, sess.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByHash finds a session by the hash of its secret; an expired one is
// ErrNotFound.
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (Session, error) {
	var sess Session
	err := s.db.QueryRowContext(ctx, `/* SessionByHash */ SELECT id, user_id, created_at, expires_at FROM sessions WHERE hash = ? AND expires_at > ?`, hash, now).
		Scan(&sess.ID, &sess.UserID, &sess.CreatedAt, &sess.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	return sess, nil
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.db.ExecContext(ctx, `/* DeleteSession */ DELETE FROM sessions WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	if _, err := s.db.ExecContext(ctx, `/* DeleteUserSessions */ DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("store: delete sessions: %w", err)
	}
	return nil
}

// CreateAPIToken stores a token under the hash of its secret.
func (s *Store) CreateAPIToken(ctx context.Context, t APIToken, hash string) error {
	_, err := s.db.ExecContext(ctx, `/* CreateAPIToken */ INSERT INTO api_tokens (id, user_id, workspace_id, role, name, hash, hint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.WorkspaceID, t.Role, t.Name, hash, t.Hint, t.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: create api token: %w", err)
	}
	return nil
}

const tokenCols = `id, user_id, workspace_id, role, name, hint, created_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	err := row.Scan(&t.ID, &t.UserID, &t.WorkspaceID, &t.Role, &t.Name, &t.Hint, &t.CreatedAt, &t.RevokedAt)
	return t, err
}

// APITokenByHash finds an unrevoked token by the hash of its secret.
func (s *Store) APITokenByHash(ctx context.Context, hash string) (APIToken, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `/* APITokenByHash */ SELECT `+tokenCols+` FROM api_tokens WHERE hash = ? AND revoked_at IS NULL`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, fmt.Errorf("api token: %w", ErrNotFound)
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("store: api token: %w", err)
	}
	return t, nil
}

// APITokens lists a user's tokens, newest first, revoked ones included.
func (s *Store) APITokens(ctx context.Context, userID string) ([]APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `/* APITokens */ SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list api tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list api tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken stops one of a user's tokens; another user's token is
// ErrNotFound.
func (s *Store) RevokeAPIToken(ctx context.Context, userID, tokenID string) error {
	res, err := s.db.ExecContext(ctx, `/* RevokeAPIToken */ UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
		time.Now().UTC(), tokenID, userID)
	if err != nil {
		return fmt.Errorf("store: revoke api token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("api token %q: %w", tokenID, ErrNotFound)
	}
	return nil
}

// RevokeAPITokensIn stops every token a user holds for a workspace.
func (s *Store) RevokeAPITokensIn(ctx context.Context, userID, workspaceID string) error {
	_, err := s.db.ExecContext(ctx, `/* RevokeAPITokensIn */ UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND workspace_id = ? AND revoked_at IS NULL`,
		time.Now().UTC(), userID, workspaceID)
	if err != nil {
		return fmt.Errorf("store: revoke api tokens: %w", err)
	}
	return nil
}

// ChannelOverride is what a workspace says about one channel key; empty
// fields keep what was derived from the events.
type ChannelOverride struct {
	WorkspaceID string
	Channel     string
	DisplayName string
	Platform    string
	Ownership   string
}

// ChannelOverrides returns a workspace's overrides by channel key.
func (s *Store) ChannelOverrides(ctx context.Context, workspaceID string) (map[string]ChannelOverride, error) {
	rows, err := s.db.QueryContext(ctx, `/* ChannelOverrides */ SELECT workspace_id, channel, display_name, platform, ownership FROM channel_overrides WHERE workspace_id = ?`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: channel overrides: %w", err)
	}
	defer rows.Close()
	out := map[string]ChannelOverride{}
	for rows.Next() {
		var o ChannelOverride
		if err := rows.Scan(&o.WorkspaceID, &o.Channel, &o.DisplayName, &o.Platform, &o.Ownership); err != nil {
			return nil, fmt.Errorf("store: channel overrides: %w", err)
		}
		out[o.Channel] = o
	}
	return out, rows.Err()
}

// SetChannelOverride stores o, replacing the workspace's earlier override of
// the same channel.
func (s *Store) SetChannelOverride(ctx context.Context, o ChannelOverride) error {
	_, err := s.db.ExecContext(ctx, `/* SetChannelOverride */ INSERT INTO channel_overrides (workspace_id, channel, display_name, platform, ownership, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, channel) DO UPDATE SET display_name = excluded.display_name,
			platform = excluded.platform, ownership = excluded.ownership, updated_at = excluded.updated_at`,
		o.WorkspaceID, o.Channel, o.DisplayName, o.Platform, o.Ownership, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("store: set channel override: %w", err)
	}
	return nil
}
