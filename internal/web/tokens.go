package web

import (
	"net/http"
	"slices"

	"ripple/internal/access"
)

type tokensPage struct {
	Tokens    []access.Token
	Names     map[string]string // workspace id -> name
	Roles     []access.Role     // the roles the user may give a token in at least one workspace
	NewSecret string
}

func (a *App) showTokens(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, notice, problem, secret string) error {
	ts, err := a.auth.Tokens(r.Context(), c.who)
	if err != nil {
		return err
	}
	names := map[string]string{}
	var roles []access.Role
	for _, m := range c.members {
		names[m.WorkspaceID] = m.WorkspaceName
		for _, role := range access.TokenRoles(c.who, m.Role) {
			if !slices.Contains(roles, role) {
				roles = append(roles, role)
			}
		}
	}
	slices.SortFunc(roles, func(x, y access.Role) int { return slices.Index(access.Roles, x) - slices.Index(access.Roles, y) })
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, c, status, "tokens.html", view{Title: "API tokens", Notice: notice, Problem: problem,
		Data: tokensPage{Tokens: ts, Names: names, Roles: roles, NewSecret: secret}})
	return nil
}

func (a *App) tokens(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return a.showTokens(w, r, c, http.StatusOK, "", "", "")
}

func (a *App) createToken(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	_, secret, err := a.auth.CreateToken(r.Context(), c.who, r.PostFormValue("workspace"), access.Role(r.PostFormValue("role")), r.PostFormValue("name"))
	if status, msg, ok := formProblem(err); ok {
		return a.showTokens(w, r, c, status, "", msg, "")
	}
	if err != nil {
		return err
	}
	return a.showTokens(w, r, c, http.StatusOK, "Token created. Copy it now: it is shown only once.", "", secret)
}

func (a *App) revokeToken(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if err := a.auth.RevokeToken(r.Context(), c.who, r.PathValue("id")); err != nil {
		return err
	}
	return a.showTokens(w, r, c, http.StatusOK, "Token revoked.", "", "")
}
