package web

import (
	"net/http"

	"ripple/internal/access"
	"ripple/internal/store"
)

type tokensPage struct {
	Tokens    []store.APIToken
	Names     map[string]string // workspace id -> name
	Roles     []access.Role
	NewSecret string
}

func (a *App) showTokens(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, notice, problem, secret string) error {
	ts, err := a.st.APITokens(r.Context(), c.who.User.ID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, m := range c.members {
		names[m.WorkspaceID] = m.WorkspaceName
	}
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, c, status, "tokens.html", view{Title: "API tokens", Notice: notice, Problem: problem,
		Data: tokensPage{Tokens: ts, Names: names, Roles: access.Roles, NewSecret: secret}})
	return nil
}

func (a *App) tokens(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	return a.showTokens(w, r, c, http.StatusOK, "", "", "")
}

func (a *App) createToken(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	role, err := access.ParseRole(r.PostFormValue("role"))
	var secret string
	if err == nil {
		_, secret, err = a.auth.CreateToken(r.Context(), c.who.User.ID, r.PostFormValue("workspace"), role, r.PostFormValue("name"))
	}
	if err != nil {
		if msg, ok := userProblem(err); ok {
			return a.showTokens(w, r, c, http.StatusBadRequest, "", msg, "")
		}
		return err
	}
	return a.showTokens(w, r, c, http.StatusOK, "Token created. Copy it now: it is shown only once.", "", secret)
}

func (a *App) revokeToken(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if err := a.st.RevokeAPIToken(r.Context(), c.who.User.ID, r.PathValue("id")); err != nil {
		return err
	}
	return a.showTokens(w, r, c, http.StatusOK, "Token revoked.", "", "")
}
