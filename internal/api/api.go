// Package api owns Ripple's versioned JSON REST API under /api/v1/: every
// call carries a personal API token (Authorization: Bearer), which is scoped
// to one workspace and one role; the OpenAPI 3.1 document describing it is
// embedded and served at /api/v1/openapi.json.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"ripple/internal/access"
	"ripple/internal/clock"
	"ripple/internal/fault"
	"ripple/internal/httpfault"
	"ripple/internal/journey"
	"ripple/internal/report"
	"ripple/internal/workspace"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

//go:embed openapi.json
var openapiDoc []byte

// Reads is what the API reads of a workspace's events: the reports and the
// people over them. The store implements it; another events backend may.
type Reads interface {
	Overview(ctx context.Context, ws workspace.Workspace, f report.Filter) (report.Overview, error)
	Channels(ctx context.Context, workspaceID string) ([]report.Channel, error)
	Funnel(ctx context.Context, workspaceID string, f report.Filter) ([]journey.FunnelRow, error)
	People(ctx context.Context, ws workspace.Workspace, keys ...string) ([]journey.Person, error)
}

// API serves the REST API.
type API struct {
	reads    Reads
	auth     *access.Auth
	settings *workspace.Settings
	log      *slog.Logger
	o        Options
}

// Deps are what the API works through: the domain for every change and
// for who is calling, the read side for what it reports.
type Deps struct {
	Auth     *access.Auth
	Settings *workspace.Settings
	Reads    Reads
}

// Options tune the API. Zero values are valid.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// New returns the API over d.
func New(d Deps, log *slog.Logger, o Options) *API {
	o.Now = clock.Or(o.Now)
	return &API{reads: d.Reads, auth: d.Auth, settings: d.Settings, log: log, o: o}
}

// call is an authenticated request: the token's user, workspace and role.
type call struct {
	who access.Principal
	ws  string // the {ws} of the path, checked to be the token's
}

// actor is the token acting in its workspace with its role.
func (c *call) actor() access.Actor { return c.who.As(c.who.Workspace, c.who.Role) }

type handler func(w http.ResponseWriter, r *http.Request, c *call) error

// Route is one registered operation.
type Route struct {
	Method string
	Path   string // below Prefix, with {name} parameters
	perm   access.Permission
	h      handler
}

// Routes lists every operation of the API, as registered.
func (a *API) Routes() []Route {
	return []Route{
		{"GET", "/workspaces", 0, a.listWorkspaces},
		{"GET", "/workspaces/{ws}", 0, a.getWorkspace},
		{"PATCH", "/workspaces/{ws}", access.ManageWorkspace, a.updateWorkspace},
		{"GET", "/workspaces/{ws}/keys", access.ManageWorkspace, a.listKeys},
		{"POST", "/workspaces/{ws}/keys", access.ManageWorkspace, a.createKey},
		{"DELETE", "/workspaces/{ws}/keys/{id}", access.ManageWorkspace, a.revokeKey},
		{"GET", "/workspaces/{ws}/members", access.ManageWorkspace, a.listMembers},
		{"POST", "/workspaces/{ws}/members", access.ManageWorkspace, a.addMember},
		{"PATCH", "/workspaces/{ws}/members/{user}", access.ManageWorkspace, a.changeRole},
		{"DELETE", "/workspaces/{ws}/members/{user}", access.ManageWorkspace, a.removeMember},
		{"GET", "/workspaces/{ws}/stats/overview", access.ViewReports, a.overview},
		{"GET", "/workspaces/{ws}/channels", access.ViewReports, a.listChannels},
		{"GET", "/workspaces/{ws}/funnel", access.ViewReports, a.funnel},
		{"GET", "/workspaces/{ws}/people/{person}", access.BuildAudiences, a.getPerson},
		{"PATCH", "/workspaces/{ws}/channels/{channel}", access.ManageWorkspace, a.updateChannel},
		{"GET", "/tokens", 0, a.listTokens},
		{"POST", "/tokens", 0, a.createToken},
		{"DELETE", "/tokens/{id}", 0, a.revokeToken},
	}
}

// Register mounts the API on mux.
func (a *API) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+Prefix+"/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openapiDoc)
	})
	for _, rt := range a.Routes() {
		mux.Handle(rt.Method+" "+Prefix+rt.Path, a.adapt(rt))
	}
	// Anything else under the prefix answers in JSON, not with the web app.
	mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		httpfault.JSON(a.log, w, r, errNoRoute)
	})
}

// errNoRoute answers a path under the prefix that is no operation.
var errNoRoute = fault.NotFound("no such API route: see " + Prefix + "/openapi.json")

// adapt authenticates the token, confines it to its workspace, checks the
// role, runs the handler and answers its error the way every adapter
// answers that fault.
func (a *API) adapt(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		err := func() error {
			secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok {
				secret = ""
			}
			who, err := a.auth.Token(r.Context(), strings.TrimSpace(secret))
			if err != nil {
				return err
			}
			c := &call{who: who, ws: r.PathValue("ws")}
			// A token sees one workspace; any other is as if it did not exist.
			if c.ws != "" && c.ws != who.Workspace {
				return fmt.Errorf("workspace %q: %w", c.ws, fault.ErrNotFound)
			}
			if rt.perm != 0 && !who.Role.Can(rt.perm) {
				return fault.ErrForbidden
			}
			return rt.h(w, r, c)
		}()
		if err == nil {
			return
		}
		if fault.KindOf(err) == fault.KindUnauthenticated {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ripple"`)
		}
		httpfault.JSON(a.log, w, r, err)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// decode reads a JSON body into v, refusing unknown fields so that a typo
// is an error rather than a silent no-op.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typ):
			return fault.Invalid(typ.Field, "has the wrong type: expected "+typ.Type.String())
		case errors.As(err, &syn), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return fault.Invalid("body", "is not a JSON object")
		}
		return fault.Invalid("body", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}
