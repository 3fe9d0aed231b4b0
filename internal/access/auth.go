package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"ripple/internal/store"
)

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 30 * 24 * time.Hour

// Sign-in limits: failures allowed per account and per IP address within
// LimitWindow before further tries are refused.
const (
	AccountFailures = 5
	IPFailures      = 20
	LimitWindow     = 15 * time.Minute
)

// Auth signs people in and out and resolves sessions and API tokens.
type Auth struct {
	st        *store.Store
	now       func() time.Time
	byAccount *Limiter
	byIP      *Limiter
}

// NewAuth returns an Auth over st; now is the clock (time.Now in production).
func NewAuth(st *store.Store, now func() time.Time) *Auth {
	if now == nil {
		now = time.Now
	}
	return &Auth{st: st, now: now,
		byAccount: NewLimiter(AccountFailures, LimitWindow, now),
		byIP:      NewLimiter(IPFailures, LimitWindow, now)}
}

// Principal is who is calling: a user, and for an API token the workspace
// and role the token is limited to.
type Principal struct {
	User User
	// Workspace and Role are set for an API token only: a web session takes
	// its role from the workspace in the URL.
	Workspace string
	Role      Role
}

// Login checks an email and password and opens a session, returning its
// secret for the cookie. Failures are rate-limited per account and per IP
// address; once limited, not even a right password is checked. A try
// counts as a failure from its start, so parallel tries share one budget.
func (a *Auth) Login(ctx context.Context, ip, email, password string) (User, string, error) {
	account := strings.ToLower(strings.TrimSpace(email))
	if !a.byAccount.Try(account) {
		return User{}, "", ErrRateLimited
	}
	if !a.byIP.Try(ip) {
		a.byAccount.Undo(account)
		return User{}, "", ErrRateLimited
	}
	su, err := a.st.UserByEmail(ctx, account)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.byAccount.Undo(account) // the store failed, not the person
		a.byIP.Undo(ip)
		return User{}, "", err
	}
	if err != nil || !CheckPassword(su.PasswordHash, password) {
		if err != nil {
			// Spend the same time as a real check so that timing does not
			// tell which emails have accounts.
			CheckPassword(dummyHash, password)
		}
		return User{}, "", ErrBadCredentials // both tries stay counted
	}
	a.byAccount.Reset(account)
	a.byIP.Undo(ip)
	secret := newSecret("rs")
	now := a.now().UTC()
	sess := store.Session{ID: store.NewID("ses"), UserID: su.ID, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := a.st.CreateSession(ctx, sess, store.HashSecret(secret)); err != nil {
		return User{}, "", err
	}
	return userOf(su), secret, nil
}

// dummyHash is checked against when the email is unknown.
var dummyHash, _ = HashPassword("not a real password at all")

// Session resolves a session cookie's secret.
func (a *Auth) Session(ctx context.Context, secret string) (Principal, error) {
	if secret == "" {
		return Principal{}, ErrUnauthenticated
	}
	sess, err := a.st.SessionByHash(ctx, store.HashSecret(secret), a.now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	u, err := a.st.UserByID(ctx, sess.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	return Principal{User: userOf(u)}, nil
}

// Logout ends the session whose secret is given.
func (a *Auth) Logout(ctx context.Context, secret string) error {
	return a.st.DeleteSession(ctx, store.HashSecret(secret))
}

// LogoutEverywhere ends every session of the user.
func (a *Auth) LogoutEverywhere(ctx context.Context, userID string) error {
	return a.st.DeleteUserSessions(ctx, userID)
}

// CSRFToken is the form token of the session with this secret. It is derived
// from the secret, which only the browser holds, so it needs no storage and
// cannot be computed from the database.
func CSRFToken(sessionSecret string) string {
	sum := sha256.Sum256([]byte("ripple csrf\x00" + sessionSecret))
	return hex.EncodeToString(sum[:16])
}

// ValidCSRF reports whether token is the session's form token.
func ValidCSRF(sessionSecret, token string) bool {
	return sessionSecret != "" && subtle.ConstantTimeCompare([]byte(CSRFToken(sessionSecret)), []byte(token)) == 1
}

// CreateToken makes a personal API token for the user, limited to the
// workspace and role; the role may not exceed the user's own there. The
// secret is returned once and only its hash is stored.
func (a *Auth) CreateToken(ctx context.Context, userID, workspaceID string, role Role, name string) (store.APIToken, string, error) {
	if _, err := ParseRole(string(role)); err != nil {
		return store.APIToken{}, "", err
	}
	have, err := RoleIn(ctx, a.st, userID, workspaceID)
	if err != nil {
		return store.APIToken{}, "", err
	}
	if !have.Covers(role) {
		return store.APIToken{}, "", &InvalidError{Field: "role", Reason: "a token cannot have more rights than you have in the workspace (" + string(have) + ")"}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return store.APIToken{}, "", &InvalidError{Field: "name", Reason: "is required: say where the token is used"}
	}
	secret := newSecret("rpt")
	t := store.APIToken{ID: store.NewID("tok"), UserID: userID, WorkspaceID: workspaceID, Role: string(role), Name: name,
		Hint: secret[:8] + "…" + secret[len(secret)-4:], CreatedAt: a.now().UTC()}
	if err := a.st.CreateAPIToken(ctx, t, store.HashSecret(secret)); err != nil {
		return store.APIToken{}, "", err
	}
	return t, secret, nil
}

// Token resolves a bearer token. Its role is the token's, provided the user
// still holds at least that role in the workspace: a demoted or removed
// user's tokens stop working.
func (a *Auth) Token(ctx context.Context, secret string) (Principal, error) {
	if secret == "" {
		return Principal{}, ErrUnauthenticated
	}
	t, err := a.st.APITokenByHash(ctx, store.HashSecret(secret))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	have, err := RoleIn(ctx, a.st, t.UserID, t.WorkspaceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !have.Covers(Role(t.Role))) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	u, err := a.st.UserByID(ctx, t.UserID)
	if err != nil {
		return Principal{}, err
	}
	return Principal{User: userOf(u), Workspace: t.WorkspaceID, Role: Role(t.Role)}, nil
}

func newSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}
