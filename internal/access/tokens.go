package access

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"ripple/internal/fault"
)

// errNoToken is a missing, unknown or revoked API token, or one whose user
// no longer holds its role.
var errNoToken = fault.Unauthenticated("a valid API token is required: Authorization: Bearer rpt_…")

// TokenRoles are the roles p may give a new token in a workspace where its
// user is a member with role: no more than that role, and, for a token
// making another, no more than its own.
func TokenRoles(p Principal, role Role) []Role {
	out := role.Covered()
	if p.ViaToken() {
		out = slices.DeleteFunc(out, func(r Role) bool { return !p.Role.Covers(r) })
	}
	return out
}

// CreateToken makes a personal API token for p's user, limited to the
// workspace and role. The role may not exceed the user's own there, nor,
// when p is itself a token, that token's; a token makes tokens for its own
// workspace only. The secret is returned once and only its hash is stored.
func (a *Auth) CreateToken(ctx context.Context, p Principal, workspaceID string, role Role, name string) (Token, string, error) {
	if _, err := ParseRole(string(role)); err != nil {
		return Token{}, "", err
	}
	if p.ViaToken() && workspaceID != p.Workspace {
		return Token{}, "", fmt.Errorf("workspace %q: %w", workspaceID, fault.ErrNotFound)
	}
	have, err := a.st.MemberRole(ctx, p.User.ID, workspaceID)
	if err != nil {
		return Token{}, "", err
	}
	if !slices.Contains(TokenRoles(p, have), role) {
		if p.ViaToken() && have.Covers(role) {
			return Token{}, "", fault.Invalid("role", "a token cannot create one with more rights than its own ("+string(p.Role)+")")
		}
		return Token{}, "", fault.Invalid("role", "a token cannot have more rights than you have in the workspace ("+string(have)+")")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return Token{}, "", fault.Invalid("name", "is required: say where the token is used")
	}
	if len(name) > 80 {
		return Token{}, "", fault.Invalid("name", "is 80 characters at most")
	}
	secret := newSecret("rpt")
	t := Token{ID: NewID("tok"), UserID: p.User.ID, WorkspaceID: workspaceID, Role: role, Name: name,
		Hint: secret[:8] + "…" + secret[len(secret)-4:], CreatedAt: a.now().UTC()}
	if err := a.st.CreateAPIToken(ctx, t, HashSecret(secret)); err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// Tokens lists the tokens p may see: all of a web session's user's, and
// for a token only those of its own workspace, so a token never learns of
// another.
func (a *Auth) Tokens(ctx context.Context, p Principal) ([]Token, error) {
	ts, err := a.st.APITokens(ctx, p.User.ID)
	if err != nil || !p.ViaToken() {
		return ts, err
	}
	return slices.DeleteFunc(ts, func(t Token) bool { return t.WorkspaceID != p.Workspace }), nil
}

// RevokeToken stops one of p's tokens. Another user's token, and for a
// token principal one of another workspace, is fault.ErrNotFound: it
// cannot be told apart from one that does not exist.
func (a *Auth) RevokeToken(ctx context.Context, p Principal, tokenID string) error {
	ts, err := a.Tokens(ctx, p)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(ts, func(t Token) bool { return t.ID == tokenID && t.RevokedAt == nil }) {
		return fmt.Errorf("token %q: %w", tokenID, fault.ErrNotFound)
	}
	return a.st.RevokeAPIToken(ctx, p.User.ID, tokenID, a.now().UTC())
}

// Token resolves a bearer token. Its role is the token's, provided the user
// still holds at least that role in the workspace: a demoted or removed
// user's tokens stop working.
func (a *Auth) Token(ctx context.Context, secret string) (Principal, error) {
	if secret == "" {
		return Principal{}, errNoToken
	}
	t, err := a.st.APITokenByHash(ctx, HashSecret(secret))
	if errors.Is(err, fault.ErrNotFound) {
		return Principal{}, errNoToken
	}
	if err != nil {
		return Principal{}, err
	}
	have, err := a.st.MemberRole(ctx, t.UserID, t.WorkspaceID)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && !have.Covers(t.Role)) {
		return Principal{}, errNoToken
	}
	if err != nil {
		return Principal{}, err
	}
	u, err := a.st.UserByID(ctx, t.UserID)
	if err != nil {
		return Principal{}, err
	}
	return Principal{User: u, Workspace: t.WorkspaceID, Role: t.Role}, nil
}
