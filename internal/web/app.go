// Package web owns Ripple's web app: the sign-in page, the dashboard shell
// with its workspace switcher and URL-borne filter, the Overview page with
// server-rendered SVG charts, and the settings pages. Pages are rendered on
// the server from embedded templates; every one checks the caller's role in
// the workspace named by its URL.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"ripple/internal/access"
	"ripple/internal/clock"
	"ripple/internal/fault"
	"ripple/internal/httpfault"
	"ripple/internal/report"
	"ripple/internal/workspace"
)

// Options configure the web app.
type Options struct {
	// DevDir, when set, is the directory holding templates/ and static/
	// (internal/web in a checkout): they are read from disk on every request,
	// so edits show without a rebuild.
	DevDir string
	// TrustProxy marks X-Forwarded-Proto and X-Forwarded-For as set by a
	// trusted reverse proxy: cookies are then Secure when it says https.
	TrustProxy bool
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Reads is what the pages read of a workspace's events: the reports over
// them. The store implements it; another events backend may.
type Reads interface {
	Overview(ctx context.Context, ws workspace.Workspace, f report.Filter) (report.Overview, error)
	Nearest(ctx context.Context, workspaceID string, f report.Filter) (report.Nearest, error)
	Channels(ctx context.Context, workspaceID string) ([]report.Channel, error)
}

// Deps are what the web app works through. Every change, and every
// question of who is calling and what they may do, goes to the domain
// (Auth, Settings); pages read through Reads.
type Deps struct {
	// Auth signs people in and keeps their sessions and tokens; it is
	// shared with the REST API so that both see the same sign-in limits.
	Auth *access.Auth
	// Settings are the workspaces' settings and their rules.
	Settings *workspace.Settings
	Reads    Reads
}

// App is the web app.
type App struct {
	reads    Reads
	auth     *access.Auth
	settings *workspace.Settings
	log      *slog.Logger
	opts     Options
	ui       *assets
	cache    shellCache
}

// New builds the web app over d.
func New(d Deps, log *slog.Logger, opts Options) (*App, error) {
	opts.Now = clock.Or(opts.Now)
	ui, err := loadAssets(opts.DevDir)
	if err != nil {
		return nil, err
	}
	return &App{reads: d.Reads, auth: d.Auth, settings: d.Settings, log: log, opts: opts, ui: ui}, nil
}

// Cookie names.
const (
	sessionCookie = "ripple_session"
	loginCookie   = "ripple_login" // the sign-in form's CSRF token, before there is a session
)

// reqCtx is what a handler knows about the request once it is let through.
type reqCtx struct {
	who     access.Principal
	secret  string // session secret from the cookie
	csrf    string
	ws      workspace.Workspace
	role    access.Role
	members []workspace.Member // the user's workspaces, for the switcher
	filter  report.Filter
	query   url.Values // the filter as given in the URL, carried by every link
	// badFilter is set when the URL's filter was wrong: the error page then
	// shows the filter bar, on the default range, so it can be fixed there.
	badFilter bool
}

// roleIn is the user's role in workspace, from the memberships the session
// already loaded; a workspace they are not in does not exist for them.
func (c *reqCtx) roleIn(ws string) (access.Role, error) {
	for _, m := range c.members {
		if m.WorkspaceID == ws {
			return m.Role, nil
		}
	}
	return "", fmt.Errorf("workspace %q: %w", ws, fault.ErrNotFound)
}

// actor is the signed-in user acting in the page's workspace with their
// role there: who the domain's rules are asked about.
func (c *reqCtx) actor() access.Actor { return c.who.As(c.ws.ID, c.role) }

type handler func(w http.ResponseWriter, r *http.Request, c *reqCtx) error

// Register mounts the web app's routes on mux.
func (a *App) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/{file}", a.static)
	mux.Handle("GET /login", a.public(a.loginForm))
	mux.Handle("POST /login", a.public(a.login))
	mux.Handle("POST /logout", a.signedIn(a.logout))
	mux.Handle("POST /logout-everywhere", a.signedIn(a.logoutEverywhere))
	mux.Handle("GET /{$}", a.signedIn(a.home))
	mux.Handle("GET /switch", a.signedIn(a.switchWorkspace))
	mux.Handle("GET /account/tokens", a.signedIn(a.tokens))
	mux.Handle("POST /account/tokens", a.signedIn(a.createToken))
	mux.Handle("POST /account/tokens/{id}/revoke", a.signedIn(a.revokeToken))

	mux.Handle("GET /w/{ws}/{$}", a.inWorkspace(0, a.workspaceHome))
	mux.Handle("GET /w/{ws}/overview", a.inWorkspace(access.ViewReports, a.overview))
	mux.Handle("GET /w/{ws}/overview/events.csv", a.inWorkspace(access.ViewReports, a.eventsCSV))
	mux.Handle("GET /w/{ws}/overview/funnel.csv", a.inWorkspace(access.ViewReports, a.funnelCSV))
	for _, ar := range areas {
		if ar.key != "overview" && ar.key != "settings" {
			mux.Handle("GET /w/{ws}/"+ar.key, a.inWorkspace(ar.perm, a.notBuilt(ar)))
		}
	}
	mux.Handle("GET /w/{ws}/settings", a.inWorkspace(access.ManageWorkspace, a.settingsHome))
	mux.Handle("GET /w/{ws}/settings/workspace", a.inWorkspace(access.ManageWorkspace, a.workspaceSettings))
	mux.Handle("POST /w/{ws}/settings/workspace", a.inWorkspace(access.ManageWorkspace, a.updateWorkspace))
	mux.Handle("GET /w/{ws}/settings/keys", a.inWorkspace(access.ManageWorkspace, a.keys))
	mux.Handle("POST /w/{ws}/settings/keys", a.inWorkspace(access.ManageWorkspace, a.createKey))
	mux.Handle("POST /w/{ws}/settings/keys/{id}/revoke", a.inWorkspace(access.ManageWorkspace, a.revokeKey))
	mux.Handle("GET /w/{ws}/settings/users", a.inWorkspace(access.ManageWorkspace, a.users))
	mux.Handle("POST /w/{ws}/settings/users", a.inWorkspace(access.ManageWorkspace, a.invite))
	mux.Handle("POST /w/{ws}/settings/users/{user}/role", a.inWorkspace(access.ManageWorkspace, a.changeRole))
	mux.Handle("POST /w/{ws}/settings/users/{user}/remove", a.inWorkspace(access.ManageWorkspace, a.removeUser))
	mux.Handle("GET /w/{ws}/settings/channels", a.inWorkspace(access.ManageWorkspace, a.channels))
	mux.Handle("POST /w/{ws}/settings/channels", a.inWorkspace(access.ManageWorkspace, a.updateChannel))
	// Anything else is the styled 404, for the signed-in and the signed-out.
	mux.Handle("/", a.public(a.notFound))
}

// notFound answers a URL that is no page of Ripple's.
func (a *App) notFound(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return fmt.Errorf("page %s: %w", r.URL.Path, fault.ErrNotFound)
}

// public serves pages that need no session: sign-in.
func (a *App) public(h handler) http.Handler {
	return a.adapt(func(w http.ResponseWriter, r *http.Request) (*reqCtx, error) {
		c := &reqCtx{}
		if cookie, err := r.Cookie(sessionCookie); err == nil {
			if who, err := a.auth.Session(r.Context(), cookie.Value); err == nil {
				c.who, c.secret, c.csrf = who, cookie.Value, access.CSRFToken(cookie.Value)
			}
		}
		return c, nil
	}, h)
}

// signedIn serves pages that need a session but no workspace.
func (a *App) signedIn(h handler) http.Handler {
	return a.adapt(a.session, h)
}

// inWorkspace serves a page of the workspace in the URL: the user must be a
// member (else the workspace does not exist for them) and their role must
// hold perm (0: any member).
func (a *App) inWorkspace(perm access.Permission, h handler) http.Handler {
	return a.adapt(func(w http.ResponseWriter, r *http.Request) (*reqCtx, error) {
		c, err := a.session(w, r)
		if err != nil {
			return nil, err
		}
		ctx := r.Context()
		c.role, err = c.roleIn(r.PathValue("ws"))
		if err != nil {
			return nil, err
		}
		if c.ws, err = a.settings.Workspace(ctx, r.PathValue("ws")); err != nil {
			return nil, err
		}
		if perm != 0 && !c.role.Can(perm) {
			return c, fault.ErrForbidden
		}
		if c.filter, c.query, err = report.ParseFilter(r.URL.Query(), c.ws, a.opts.Now()); err != nil {
			c.badFilter = true
			return c, err
		}
		return c, nil
	}, h)
}

// session resolves the session cookie, checks the CSRF token of a POST and
// loads the user's workspaces.
func (a *App) session(w http.ResponseWriter, r *http.Request) (*reqCtx, error) {
	cookie, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, fault.ErrUnauthenticated
	}
	who, err := a.auth.Session(r.Context(), cookie.Value)
	if err != nil {
		return nil, err
	}
	c := &reqCtx{who: who, secret: cookie.Value, csrf: access.CSRFToken(cookie.Value)}
	if r.Method == http.MethodPost && !access.ValidCSRF(cookie.Value, r.PostFormValue("csrf")) {
		return c, errCSRF
	}
	if c.members, err = a.settings.MembershipsOf(r.Context(), who.User.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// errCSRF refuses a form posted without the session's token: it did not come
// from a page Ripple served to this browser.
var errCSRF = fault.Forbidden("the form has expired or did not come from Ripple; reload the page and try again")

// adapt runs the guard then the handler, and turns any error into a page:
// the one place where errors meet status codes.
func (a *App) adapt(guard func(http.ResponseWriter, *http.Request) (*reqCtx, error), h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w)
		c, err := guard(w, r)
		if err == nil {
			err = h(w, r, c)
		}
		if err != nil {
			a.fail(w, r, c, err)
		}
	})
}

func setSecurityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// fail answers err with the error page, in the status and words every
// adapter gives that fault; a GET that needs a session goes to sign-in
// instead.
func (a *App) fail(w http.ResponseWriter, r *http.Request, c *reqCtx, err error) {
	ans := httpfault.Of(a.log, r, err)
	if ans.Kind == fault.KindUnauthenticated && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if c == nil {
		c = &reqCtx{}
	}
	ans.SetHeaders(w)
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, c, ans.Status, "error.html", view{Title: http.StatusText(ans.Status), ShowFilter: c.badFilter,
		Data: errorPage{Status: ans.Status, Message: ans.Message}})
}

type errorPage struct {
	Status  int
	Message string
}

// secure reports whether the browser reached us over TLS.
func (a *App) secure(r *http.Request) bool {
	return r.TLS != nil || (a.opts.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// clientIP is the address sign-in limits count against.
func (a *App) clientIP(r *http.Request) string {
	if a.opts.TrustProxy {
		// The rightmost entry is the one the trusted proxy added; those to
		// its left are whatever the client chose to send.
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			return strings.TrimSpace(f[strings.LastIndex(f, ",")+1:])
		}
	}
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	return host
}

func (a *App) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure(r)})
}

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
