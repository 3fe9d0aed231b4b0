package access_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/clock"
	"ripple/internal/fault"
	"ripple/internal/store"
	"ripple/internal/workspace"
)

// world is a real store with two workspaces, A and B, on a fake clock.
type world struct {
	st       *store.Store
	clk      *clock.Fake
	auth     *access.Auth
	settings *workspace.Settings
	a, b     string
}

const password = "a password long enough"

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{st: st, clk: clock.NewFake(time.Date(2025, 3, 31, 9, 0, 0, 0, time.UTC))}
	w.auth = access.NewAuth(st, w.clk.Now)
	w.settings = workspace.New(st, w.auth, w.clk.Now, workspace.Hooks{})
	for _, p := range []*string{&w.a, &w.b} {
		ws, err := w.settings.Create(ctx, "Shop", "product")
		if err != nil {
			t.Fatal(err)
		}
		*p = ws.ID
	}
	return w
}

// member makes a user with the role in ws (and in the other workspaces
// given after it, each with its role).
func (w *world) member(t *testing.T, email string, grants ...string) access.User {
	t.Helper()
	ctx := context.Background()
	u, err := w.auth.CreateUser(ctx, email, "", password)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(grants); i += 2 {
		if _, _, err := w.settings.Add(ctx, access.Operator(grants[i]), email, "", grants[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

func TestRoles(t *testing.T) {
	for _, tt := range []struct {
		role    access.Role
		covered []access.Role
		manage  bool
	}{
		{access.Owner, []access.Role{access.Owner, access.Analyst, access.Responder, access.Viewer}, true},
		{access.Analyst, []access.Role{access.Analyst, access.Viewer}, false},
		{access.Responder, []access.Role{access.Responder}, false},
		{access.Viewer, []access.Role{access.Viewer}, false},
		{"boss", nil, false},
	} {
		if have := tt.role.Covered(); !slices.Equal(have, tt.covered) {
			t.Errorf("%s covers %v, want %v", tt.role, have, tt.covered)
		}
		if tt.role.Can(access.ManageWorkspace) != tt.manage {
			t.Errorf("%s may manage: %v, want %v", tt.role, !tt.manage, tt.manage)
		}
	}
	if _, err := access.ParseRole("boss"); fault.KindOf(err) != fault.KindInvalid || !strings.HasPrefix(fault.Message(err), "role: ") {
		t.Errorf("ParseRole(boss): %v, want an invalid role", err)
	}
}

func TestPasswords(t *testing.T) {
	if _, err := access.HashPassword("short"); fault.KindOf(err) != fault.KindInvalid {
		t.Errorf("a short password: %v, want invalid", err)
	}
	h, err := access.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || !access.CheckPassword(h, password) || access.CheckPassword(h, password+"!") {
		t.Errorf("hash %q does not check its own password, or checks another", h)
	}
	if access.CheckPassword("$argon2id$garbage", password) {
		t.Error("a malformed hash checked")
	}
}

// TestSessionExpires: a session opened at sign-in works until its lifetime
// has passed, then the cookie signs nobody in. The clock is fake: the test
// takes no time.
func TestSessionExpires(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	u := w.member(t, "ana@example.com", w.a, "viewer")
	_, secret, err := w.auth.Login(ctx, "192.0.2.1", "Ana@Example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	w.clk.Advance(access.SessionLifetime - time.Second)
	if p, err := w.auth.Session(ctx, secret); err != nil || p.User.ID != u.ID {
		t.Fatalf("a second before expiry: %+v, %v", p, err)
	}
	w.clk.Advance(time.Second)
	if _, err := w.auth.Session(ctx, secret); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("at expiry: %v, want unauthenticated", err)
	}
}

// TestLoginLimits: a wrong password and an unknown email read alike; after
// AccountFailures failures even the right password is refused, saying when
// to retry, until the window has passed on the clock.
func TestLoginLimits(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.member(t, "ana@example.com", w.a, "viewer")
	_, _, unknown := w.auth.Login(ctx, "192.0.2.9", "nobody@example.com", password)
	for i := range access.AccountFailures {
		_, _, err := w.auth.Login(ctx, "192.0.2.1", "ana@example.com", "wrong password")
		if fault.Message(err) != fault.Message(unknown) || fault.KindOf(err) != fault.KindUnauthenticated {
			t.Fatalf("failure %d: %v; want the same refusal as an unknown email (%v)", i+1, err, unknown)
		}
		w.clk.Advance(time.Minute)
	}
	_, _, err := w.auth.Login(ctx, "192.0.2.1", "ana@example.com", password)
	f := fault.As(err)
	if f == nil || f.Kind != fault.KindRateLimited {
		t.Fatalf("right password after %d failures: %v, want rate-limited", access.AccountFailures, err)
	}
	// The first failure was five minutes ago: it leaves the window in ten.
	if want := access.LimitWindow - time.Duration(access.AccountFailures)*time.Minute; f.RetryAfter != want {
		t.Errorf("retry after %v, want %v", f.RetryAfter, want)
	}
	w.clk.Advance(f.RetryAfter)
	if _, _, err := w.auth.Login(ctx, "192.0.2.1", "ana@example.com", password); err != nil {
		t.Errorf("once the oldest failure left the window: %v", err)
	}
}

// TestTokenRights: a token's role is at most its user's in the workspace;
// a token makes tokens only in its own workspace and no greater than its
// own; and a demoted or removed user's tokens stop working.
func TestTokenRights(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ana := w.member(t, "ana@example.com", w.a, "analyst", w.b, "owner")
	session := access.Principal{User: ana}
	if _, _, err := w.auth.CreateToken(ctx, session, w.a, access.Owner, "ci"); fault.KindOf(err) != fault.KindInvalid {
		t.Errorf("analyst making an owner token: %v, want invalid role", err)
	}
	if _, _, err := w.auth.CreateToken(ctx, session, w.a, access.Analyst, " "); fault.Message(err) != "name: is required: say where the token is used" {
		t.Errorf("a token without a name: %v", err)
	}
	tok, secret, err := w.auth.CreateToken(ctx, session, w.a, access.Analyst, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "rpt_") || !strings.HasPrefix(tok.Hint, secret[:8]) || strings.Contains(tok.Hint, secret[8:len(secret)-4]) {
		t.Errorf("secret %q, hint %q", secret, tok.Hint)
	}
	p, err := w.auth.Token(ctx, secret)
	if err != nil || p.Workspace != w.a || p.Role != access.Analyst || p.User.ID != ana.ID {
		t.Fatalf("Token = %+v, %v", p, err)
	}
	if roles := access.TokenRoles(p, access.Owner); !slices.Equal(roles, []access.Role{access.Analyst, access.Viewer}) {
		t.Errorf("an analyst token may give %v, want analyst and viewer", roles)
	}
	if _, _, err := w.auth.CreateToken(ctx, p, w.b, access.Viewer, "sneaky"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("A's token making a token for B: %v, want not found", err)
	}
	if _, _, err := w.auth.CreateToken(ctx, p, w.a, access.Viewer, "export"); err != nil {
		t.Errorf("A's analyst token making a viewer token for A: %v", err)
	}

	// Demoted to viewer: the analyst token stops working, a viewer one
	// goes on.
	_, viewer, _ := w.auth.CreateToken(ctx, session, w.a, access.Viewer, "dash")
	if _, err := w.settings.ChangeRole(ctx, access.Operator(w.a), ana.ID, "viewer"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.Token(ctx, secret); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Errorf("analyst token after demotion: %v, want unauthenticated", err)
	}
	if _, err := w.auth.Token(ctx, viewer); err != nil {
		t.Errorf("viewer token after demotion to viewer: %v", err)
	}
	if err := w.settings.Remove(ctx, access.Operator(w.a), ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.Token(ctx, viewer); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Errorf("token after removal: %v, want unauthenticated", err)
	}
}

// TestTokenRevokeRights: a web session revokes any of its user's tokens, a
// token only its user's in its own workspace; another user's token, or one
// already revoked, cannot be told from one that does not exist. The
// revocation is stamped with the clock.
func TestTokenRevokeRights(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ana := w.member(t, "ana@example.com", w.a, "owner", w.b, "owner")
	bob := w.member(t, "bob@example.com", w.a, "owner")
	anaSession, bobSession := access.Principal{User: ana}, access.Principal{User: bob}
	inA, inASecret, _ := w.auth.CreateToken(ctx, anaSession, w.a, access.Owner, "a")
	inB, _, _ := w.auth.CreateToken(ctx, anaSession, w.b, access.Owner, "b")
	bobs, _, _ := w.auth.CreateToken(ctx, bobSession, w.a, access.Owner, "bob's")
	viaToken, err := w.auth.Token(ctx, inASecret)
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		who   string
		p     access.Principal
		token string
	}{
		{"ana's session, bob's token", anaSession, bobs.ID},
		{"ana's token for A, her token for B", viaToken, inB.ID},
		{"ana's token for A, bob's token in A", viaToken, bobs.ID},
		{"ana's session, a made-up token", anaSession, "tok_nope"},
	} {
		if err := w.auth.RevokeToken(ctx, tt.p, tt.token); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("%s: %v, want not found", tt.who, err)
		}
	}
	if ts, _ := w.auth.Tokens(ctx, viaToken); len(ts) != 1 || ts[0].ID != inA.ID {
		t.Errorf("a token for A lists %+v, want only the tokens for A", ts)
	}

	w.clk.Advance(time.Hour)
	if err := w.auth.RevokeToken(ctx, anaSession, inB.ID); err != nil {
		t.Errorf("ana's session revoking her token for B: %v", err)
	}
	if err := w.auth.RevokeToken(ctx, viaToken, inA.ID); err != nil {
		t.Errorf("a token revoking itself: %v", err)
	}
	if err := w.auth.RevokeToken(ctx, anaSession, inA.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("revoking twice: %v, want not found", err)
	}
	ts, _ := w.auth.Tokens(ctx, anaSession)
	for _, tok := range ts {
		if tok.RevokedAt == nil || !tok.RevokedAt.Equal(w.clk.Now()) {
			t.Errorf("token %s revoked at %v, want the clock's %v", tok.Name, tok.RevokedAt, w.clk.Now())
		}
	}
	if ts, _ := w.auth.Tokens(ctx, bobSession); len(ts) != 1 || ts[0].RevokedAt != nil {
		t.Errorf("bob's token was touched: %+v", ts)
	}
}

func TestCreateUser(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, bad := range []string{"not-an-email", "Ana <ana@example.com>", ""} {
		if _, err := w.auth.CreateUser(ctx, bad, "", password); fault.KindOf(err) != fault.KindInvalid {
			t.Errorf("CreateUser(%q): %v, want invalid email", bad, err)
		}
	}
	u, err := w.auth.CreateUser(ctx, "Ana@Example.com", " Ana ", password)
	if err != nil || u.Email != "ana@example.com" || u.Name != "Ana" || !u.CreatedAt.Equal(w.clk.Now()) {
		t.Fatalf("CreateUser = %+v, %v", u, err)
	}
	if _, err := w.auth.CreateUser(ctx, "ANA@example.com", "", password); fault.KindOf(err) != fault.KindConflict || !strings.Contains(fault.Message(err), "already has an account") {
		t.Errorf("the same email again: %v, want a conflict saying so", err)
	}
}
