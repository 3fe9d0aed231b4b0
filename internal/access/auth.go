package access

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"ripple/internal/clock"
	"ripple/internal/fault"
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

// Store is the storage access needs. Lookups of what does not exist fail
// with fault.ErrNotFound; a second user with a taken email with
// fault.ErrConflict. *store.Store is one.
type Store interface {
	CreateUser(ctx context.Context, u User, passwordHash string) error
	// UserByEmail finds a user, ignoring case, with their password hash.
	UserByEmail(ctx context.Context, email string) (User, string, error)
	UserByID(ctx context.Context, id string) (User, error)
	Users(ctx context.Context) ([]User, error)

	CreateSession(ctx context.Context, s Session, hash string) error
	// SessionByHash finds a session that has not expired by now.
	SessionByHash(ctx context.Context, hash string, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID string) error

	CreateAPIToken(ctx context.Context, t Token, hash string) error
	// APITokenByHash finds an unrevoked token.
	APITokenByHash(ctx context.Context, hash string) (Token, error)
	// APITokens lists a user's tokens, newest first, revoked ones included.
	APITokens(ctx context.Context, userID string) ([]Token, error)
	// RevokeAPIToken stops one unrevoked token of the user's.
	RevokeAPIToken(ctx context.Context, userID, tokenID string, at time.Time) error

	// MemberRole is the user's role in the workspace.
	MemberRole(ctx context.Context, userID, workspaceID string) (Role, error)
}

// Auth signs people in and out, resolves sessions and API tokens, and
// keeps the accounts: users and their tokens.
type Auth struct {
	st        Store
	now       func() time.Time
	byAccount *Limiter
	byIP      *Limiter
}

// NewAuth returns an Auth over st; now is the clock (time.Now when nil).
func NewAuth(st Store, now func() time.Time) *Auth {
	now = clock.Or(now)
	return &Auth{st: st, now: now,
		byAccount: NewLimiter(AccountFailures, LimitWindow, now),
		byIP:      NewLimiter(IPFailures, LimitWindow, now)}
}

// CreateUser creates a user who signs in with email and password; the
// password is stored only as an argon2id hash.
func (a *Auth) CreateUser(ctx context.Context, email, name, password string) (User, error) {
	email = strings.TrimSpace(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return User{}, fault.Invalid("email", fmt.Sprintf("%q is not an email address", email))
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	u := User{ID: NewID("usr"), Email: strings.ToLower(email), Name: strings.TrimSpace(name), CreatedAt: a.now().UTC()}
	if err := a.st.CreateUser(ctx, u, hash); err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return User{}, &fault.Error{Kind: fault.KindConflict, Reason: email + " already has an account", Err: err}
		}
		return User{}, err
	}
	return u, nil
}

// UserByEmail finds the user with the email, ignoring case.
func (a *Auth) UserByEmail(ctx context.Context, email string) (User, error) {
	u, _, err := a.st.UserByEmail(ctx, email)
	return u, err
}

// Users lists every user, for the operator.
func (a *Auth) Users(ctx context.Context) ([]User, error) { return a.st.Users(ctx) }

// Login checks an email and password and opens a session, returning its
// secret for the cookie. Failures are rate-limited per account and per IP
// address; once limited, not even a right password is checked. A try
// counts as a failure from its start, so parallel tries share one budget.
func (a *Auth) Login(ctx context.Context, ip, email, password string) (User, string, error) {
	account := strings.ToLower(strings.TrimSpace(email))
	if ok, wait := a.byAccount.Try(account); !ok {
		return User{}, "", rateLimited(wait)
	}
	if ok, wait := a.byIP.Try(ip); !ok {
		a.byAccount.Undo(account)
		return User{}, "", rateLimited(wait)
	}
	u, hash, err := a.st.UserByEmail(ctx, account)
	if err != nil && !errors.Is(err, fault.ErrNotFound) {
		a.byAccount.Undo(account) // the store failed, not the person
		a.byIP.Undo(ip)
		return User{}, "", err
	}
	if err != nil {
		// Spend the same time as a real check so that timing does not
		// tell which emails have accounts.
		CheckPassword(dummyHash(), password)
		return User{}, "", ErrBadCredentials // both tries stay counted
	}
	if !CheckPassword(hash, password) {
		return User{}, "", ErrBadCredentials
	}
	a.byAccount.Reset(account)
	a.byIP.Undo(ip)
	secret := newSecret("rs")
	now := a.now().UTC()
	sess := Session{ID: NewID("ses"), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := a.st.CreateSession(ctx, sess, HashSecret(secret)); err != nil {
		return User{}, "", err
	}
	return u, secret, nil
}

// rateLimited refuses a sign-in over a limit, saying when the oldest
// counted failure leaves the window.
func rateLimited(wait time.Duration) error {
	return fault.RateLimited(rateLimitedReason, wait)
}

// errNoSession is a missing, unknown or expired session.
var errNoSession = fault.ErrUnauthenticated

// Session resolves a session cookie's secret.
func (a *Auth) Session(ctx context.Context, secret string) (Principal, error) {
	if secret == "" {
		return Principal{}, errNoSession
	}
	sess, err := a.st.SessionByHash(ctx, HashSecret(secret), a.now().UTC())
	if errors.Is(err, fault.ErrNotFound) {
		return Principal{}, errNoSession
	}
	if err != nil {
		return Principal{}, err
	}
	u, err := a.st.UserByID(ctx, sess.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return Principal{}, errNoSession
	}
	if err != nil {
		return Principal{}, err
	}
	return Principal{User: u}, nil
}

// Logout ends the session whose secret is given.
func (a *Auth) Logout(ctx context.Context, secret string) error {
	return a.st.DeleteSession(ctx, HashSecret(secret))
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
