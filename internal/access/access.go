// Package access owns who may do what in Ripple: users and their argon2id
// passwords, roles per workspace and what each role permits, web sessions
// with their CSRF tokens, personal API tokens, and the sign-in rate limit.
// It knows nothing of HTTP; the web app and the REST API ask it.
package access

import (
	"errors"
	"fmt"

	"ripple/internal/report"
	"ripple/internal/store"
)

// Role is what a user may do in one workspace.
type Role string

// The four roles. Owner does everything; analyst reads everything and builds
// reports and audiences; responder works the inbox and replies (the rules of
// engagement: not everyone answers the public); viewer reads dashboards.
const (
	Owner     Role = "owner"
	Analyst   Role = "analyst"
	Responder Role = "responder"
	Viewer    Role = "viewer"
)

// Roles lists the roles, most powerful first.
var Roles = []Role{Owner, Analyst, Responder, Viewer}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", &InvalidError{Field: "role", Reason: fmt.Sprintf("%q is not owner, analyst, responder or viewer", s)}
}

// Permission is one kind of action a page or API call needs.
type Permission int

// The permissions a role may hold.
const (
	ViewReports     Permission = iota + 1 // dashboards: overview, journey, listening, plan, value, advocacy, audiences
	ViewInbox                             // read conversations
	Reply                                 // answer the public
	BuildAudiences                        // build reports and audiences
	ManageWorkspace                       // settings: name, keys, users, channels
)

var grants = map[Role][]Permission{
	Owner:     {ViewReports, ViewInbox, Reply, BuildAudiences, ManageWorkspace},
	Analyst:   {ViewReports, ViewInbox, BuildAudiences},
	Responder: {ViewInbox, Reply},
	Viewer:    {ViewReports},
}

// Can reports whether the role holds p.
func (r Role) Can(p Permission) bool {
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// Covers reports whether a holder of r may hand out other (to a token): it
// must not give more than it has.
func (r Role) Covers(other Role) bool {
	for _, p := range grants[other] {
		if !r.Can(p) {
			return false
		}
	}
	_, ok := grants[other]
	return ok
}

// Errors the web app and the API map to answers.
var (
	// ErrUnauthenticated: no valid session or token.
	ErrUnauthenticated = errors.New("sign in first")
	// ErrForbidden: signed in, but the role does not permit the action.
	ErrForbidden = errors.New("your role in this workspace does not allow this")
	// ErrBadCredentials: the email or the password is wrong; which one is not said.
	ErrBadCredentials = errors.New("the email or the password is wrong")
	// ErrRateLimited: too many failed sign-ins; try later.
	ErrRateLimited = errors.New("too many failed sign-ins: wait a few minutes and try again")
	// ErrNotFound is the store's: the record does not exist, or is not the
	// caller's to see (the two are never told apart, so ids cannot be probed).
	ErrNotFound = store.ErrNotFound
)

// InvalidError is bad input: the field and why, shown to the user.
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string { return e.Field + ": " + e.Reason }

// Kind classifies an error for the adapters that turn it into an answer.
type Kind int

// The kinds of error.
const (
	KindInternal Kind = iota
	KindInvalid
	KindUnauthenticated
	KindForbidden
	KindNotFound
	KindConflict
	KindRateLimited
)

// Classify says what kind err is and the message the user may see; an
// internal error's message is withheld.
func Classify(err error) (Kind, string) {
	var inv *InvalidError
	var bad *report.FilterError
	switch {
	case errors.As(err, &inv):
		return KindInvalid, inv.Error()
	case errors.As(err, &bad):
		return KindInvalid, bad.Error()
	case errors.Is(err, ErrUnauthenticated), errors.Is(err, ErrBadCredentials):
		return KindUnauthenticated, err.Error()
	case errors.Is(err, ErrForbidden):
		return KindForbidden, ErrForbidden.Error()
	case errors.Is(err, store.ErrNotFound):
		return KindNotFound, "not found"
	case errors.Is(err, store.ErrExists):
		return KindConflict, err.Error()
	case errors.Is(err, ErrRateLimited):
		return KindRateLimited, ErrRateLimited.Error()
	}
	return KindInternal, "something went wrong on our side; it has been logged"
}
