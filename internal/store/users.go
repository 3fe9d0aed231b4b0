package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"ripple/internal/access"
	"ripple/internal/fault"
)

// ErrExists is returned when a record with the same unique value is stored.
var ErrExists = fault.ErrConflict

// CreateUser stores u with its password hash; an email already taken
// (compared case-insensitively) is ErrExists.
func (s *Store) CreateUser(ctx context.Context, u access.User, passwordHash string) error {
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
		u.ID, u.Email, u.Name, passwordHash, u.CreatedAt)
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

func scanUser(row interface{ Scan(...any) error }) (access.User, string, error) {
	var u access.User
	var hash string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &hash, &u.CreatedAt)
	return u, hash, err
}

// UserByEmail finds a user by email, ignoring case, with the hash of their
// password.
func (s *Store) UserByEmail(ctx context.Context, email string) (access.User, string, error) {
	u, hash, err := scanUser(s.db.QueryRowContext(ctx, `/* UserByEmail */ SELECT `+userCols+` FROM users WHERE lower(email) = lower(?)`, strings.TrimSpace(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return access.User{}, "", fmt.Errorf("user %q: %w", email, ErrNotFound)
	}
	if err != nil {
		return access.User{}, "", fmt.Errorf("store: user by email: %w", err)
	}
	return u, hash, nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (access.User, error) {
	u, _, err := scanUser(s.db.QueryRowContext(ctx, `/* UserByID */ SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return access.User{}, fmt.Errorf("user %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return access.User{}, fmt.Errorf("store: user by id: %w", err)
	}
	return u, nil
}

// Users lists every user by email.
func (s *Store) Users(ctx context.Context) ([]access.User, error) {
	rows, err := s.db.QueryContext(ctx, `/* Users */ SELECT `+userCols+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []access.User
	for rows.Next() {
		u, _, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateSession stores a session under the hash of its secret.
func (s *Store) CreateSession(ctx context.Context, sess access.Session, hash string) error {
	_, err := s.db.ExecContext(ctx, `/* CreateSession */ INSERT INTO sessions (id, hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		sess.ID, hash, sess.UserID, sess.CreatedAt, sess.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByHash finds a session by the hash of its secret; one expired by
// now is ErrNotFound.
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (access.Session, error) {
	var sess access.Session
	err := s.db.QueryRowContext(ctx, `/* SessionByHash */ SELECT id, user_id, created_at, expires_at FROM sessions WHERE hash = ? AND expires_at > ?`, hash, now).
		Scan(&sess.ID, &sess.UserID, &sess.CreatedAt, &sess.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return access.Session{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return access.Session{}, fmt.Errorf("store: session: %w", err)
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
	return deleteUserSessions(ctx, s.db, userID)
}

// execer is a pool or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func deleteUserSessions(ctx context.Context, db execer, userID string) error {
	if _, err := db.ExecContext(ctx, `/* DeleteUserSessions */ DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("store: delete sessions: %w", err)
	}
	return nil
}

// CreateAPIToken stores a token under the hash of its secret.
func (s *Store) CreateAPIToken(ctx context.Context, t access.Token, hash string) error {
	_, err := s.db.ExecContext(ctx, `/* CreateAPIToken */ INSERT INTO api_tokens (id, user_id, workspace_id, role, name, hash, hint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.WorkspaceID, string(t.Role), t.Name, hash, t.Hint, t.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: create api token: %w", err)
	}
	return nil
}

const tokenCols = `id, user_id, workspace_id, role, name, hint, created_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (access.Token, error) {
	var t access.Token
	var role string
	err := row.Scan(&t.ID, &t.UserID, &t.WorkspaceID, &role, &t.Name, &t.Hint, &t.CreatedAt, &t.RevokedAt)
	t.Role = access.Role(role)
	return t, err
}

// APITokenByHash finds an unrevoked token by the hash of its secret.
func (s *Store) APITokenByHash(ctx context.Context, hash string) (access.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `/* APITokenByHash */ SELECT `+tokenCols+` FROM api_tokens WHERE hash = ? AND revoked_at IS NULL`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return access.Token{}, fmt.Errorf("api token: %w", ErrNotFound)
	}
	if err != nil {
		return access.Token{}, fmt.Errorf("store: api token: %w", err)
	}
	return t, nil
}

// APITokens lists a user's tokens, newest first, revoked ones included.
func (s *Store) APITokens(ctx context.Context, userID string) ([]access.Token, error) {
	rows, err := s.db.QueryContext(ctx, `/* APITokens */ SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list api tokens: %w", err)
	}
	defer rows.Close()
	var out []access.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list api tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken stops one of a user's tokens as of at; another user's
// token, or one already revoked, is ErrNotFound.
func (s *Store) RevokeAPIToken(ctx context.Context, userID, tokenID string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `/* RevokeAPIToken */ UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
		at, tokenID, userID)
	if err != nil {
		return fmt.Errorf("store: revoke api token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("api token %q: %w", tokenID, ErrNotFound)
	}
	return nil
}

func revokeAPITokensIn(ctx context.Context, db execer, userID, workspaceID string, at time.Time) error {
	_, err := db.ExecContext(ctx, `/* RevokeAPITokensIn */ UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND workspace_id = ? AND revoked_at IS NULL`,
		at, userID, workspaceID)
	if err != nil {
		return fmt.Errorf("store: revoke api tokens: %w", err)
	}
	return nil
}
