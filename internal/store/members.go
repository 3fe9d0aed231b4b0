package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ripple/internal/access"
	"ripple/internal/workspace"
)

// The store is the storage of the access and workspace domains.
var (
	_ access.Store    = (*Store)(nil)
	_ workspace.Store = (*Store)(nil)
)

// querier is a pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const memberQuery = `SELECT m.user_id, m.workspace_id, m.role, m.created_at, u.email, u.name, w.name
	FROM memberships m JOIN users u ON u.id = m.user_id JOIN workspaces w ON w.id = m.workspace_id`

func members(ctx context.Context, db querier, where string, args ...any) ([]workspace.Member, error) {
	rows, err := db.QueryContext(ctx, memberQuery+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list members: %w", err)
	}
	defer rows.Close()
	var out []workspace.Member
	for rows.Next() {
		var m workspace.Member
		var role string
		if err := rows.Scan(&m.UserID, &m.WorkspaceID, &role, &m.Since, &m.Email, &m.Name, &m.WorkspaceName); err != nil {
			return nil, fmt.Errorf("store: list members: %w", err)
		}
		m.Role = access.Role(role)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Members lists a workspace's members, by email.
func (s *Store) Members(ctx context.Context, workspaceID string) ([]workspace.Member, error) {
	return members(ctx, s.db, `/* Members */ m.workspace_id = ? ORDER BY u.email`, workspaceID)
}

// MembershipsOfUser lists the workspaces a user belongs to, by name.
func (s *Store) MembershipsOfUser(ctx context.Context, userID string) ([]workspace.Member, error) {
	return members(ctx, s.db, `/* MembershipsOfUser */ m.user_id = ? ORDER BY w.name, w.id`, userID)
}

// MemberRole is the user's role in the workspace, ErrNotFound when they
// are not a member.
func (s *Store) MemberRole(ctx context.Context, userID, workspaceID string) (access.Role, error) {
	var role string
	err := s.db.QueryRowContext(ctx, `/* MemberRole */ SELECT role FROM memberships WHERE user_id = ? AND workspace_id = ?`, userID, workspaceID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("membership: %w", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: member role: %w", err)
	}
	return access.Role(role), nil
}

// ChangeMembers runs change over one workspace's members in a transaction,
// with no other change of members running beside it. DuckDB's transactions
// are snapshots: two that read the same two owners and each demote a
// different one would both commit, leaving none (write skew). Members
// change rarely and DuckDB allows one process per file, so changes are
// taken one at a time here; the transaction makes each change's writes
// (the membership, the tokens it revokes, the sessions it ends) land
// together or not at all.
func (s *Store) ChangeMembers(ctx context.Context, workspaceID string, change func(workspace.MembersTx) error) error {
	s.membersMu.Lock()
	defer s.membersMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: change members: %w", err)
	}
	if err := change(membersTx{tx: tx, workspace: workspaceID}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: change members: commit: %w", err)
	}
	return nil
}

// membersTx is workspace.MembersTx over a transaction.
type membersTx struct {
	tx        *sql.Tx
	workspace string
}

func (t membersTx) Members(ctx context.Context) ([]workspace.Member, error) {
	return members(ctx, t.tx, `/* MembersTx.Members */ m.workspace_id = ? ORDER BY u.email`, t.workspace)
}

func (t membersTx) AddMember(ctx context.Context, userID string, role access.Role, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `/* MembersTx.AddMember */ INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES (?, ?, ?, ?)`,
		userID, t.workspace, string(role), at)
	if isDuplicateKey(err) {
		return fmt.Errorf("member %q: %w", userID, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("store: add member: %w", err)
	}
	return nil
}

func (t membersTx) SetRole(ctx context.Context, userID string, role access.Role) error {
	res, err := t.tx.ExecContext(ctx, `/* MembersTx.SetRole */ UPDATE memberships SET role = ? WHERE user_id = ? AND workspace_id = ?`,
		string(role), userID, t.workspace)
	if err != nil {
		return fmt.Errorf("store: set role: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("member %q: %w", userID, ErrNotFound)
	}
	return nil
}

func (t membersTx) RemoveMember(ctx context.Context, userID string) error {
	res, err := t.tx.ExecContext(ctx, `/* MembersTx.RemoveMember */ DELETE FROM memberships WHERE user_id = ? AND workspace_id = ?`, userID, t.workspace)
	if err != nil {
		return fmt.Errorf("store: remove member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("member %q: %w", userID, ErrNotFound)
	}
	return nil
}

func (t membersTx) RevokeTokens(ctx context.Context, userID string, at time.Time) error {
	return revokeAPITokensIn(ctx, t.tx, userID, t.workspace, at)
}

func (t membersTx) EndSessions(ctx context.Context, userID string) error {
	return deleteUserSessions(ctx, t.tx, userID)
}
