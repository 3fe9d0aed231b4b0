package web

import (
	"net/http"
	"net/url"
	"strings"

	"ripple/internal/access"
	"ripple/internal/fault"
	"ripple/internal/httpfault"
)

type loginPage struct {
	Email string
	Next  string
	Token string
}

func (a *App) loginForm(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if c.who.User.ID != "" {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return a.showLogin(w, r, c, http.StatusOK, "", "")
}

// showLogin renders the form with a fresh token, also set as a cookie: the
// POST must carry both (a double-submit token, as there is no session yet).
func (a *App) showLogin(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, email, problem string) error {
	token := randomToken()
	a.setCookie(w, r, loginCookie, token, 3600)
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, c, status, "login.html", view{Title: "Sign in", Problem: problem,
		Data: loginPage{Email: email, Next: safeNext(r.FormValue("next")), Token: token}})
	return nil
}

func (a *App) login(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	cookie, err := r.Cookie(loginCookie)
	if err != nil || cookie.Value == "" || cookie.Value != r.PostFormValue("csrf") {
		return a.showLogin(w, r, c, http.StatusForbidden, email, fault.Message(errCSRF))
	}
	_, secret, err := a.auth.Login(r.Context(), a.clientIP(r), email, r.PostFormValue("password"))
	if k := fault.KindOf(err); k == fault.KindUnauthenticated || k == fault.KindRateLimited {
		// Refused sign-ins stay on the form, with what was typed.
		ans := httpfault.Of(a.log, r, err)
		ans.SetHeaders(w)
		return a.showLogin(w, r, c, ans.Status, email, ans.Message)
	}
	if err != nil {
		return err
	}
	a.setCookie(w, r, sessionCookie, secret, int(access.SessionLifetime.Seconds()))
	a.setCookie(w, r, loginCookie, "", -1)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

func (a *App) logout(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if err := a.auth.Logout(r.Context(), c.secret); err != nil {
		return err
	}
	a.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (a *App) logoutEverywhere(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if err := a.auth.LogoutEverywhere(r.Context(), c.who.User.ID); err != nil {
		return err
	}
	a.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
