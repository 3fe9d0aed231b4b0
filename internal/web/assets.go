package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"ripple/internal/access"
	"ripple/internal/fault"
	"ripple/internal/report"
	"ripple/internal/workspace"
)

//go:embed templates/*.html static/*
var embedded embed.FS

// assets are the templates and static files, from the binary or, in dev
// mode, from disk.
type assets struct {
	dev bool
	fs  fs.FS

	mu     sync.Mutex
	pages  map[string]*template.Template
	hashed map[string]string // "app.css" -> "app.1a2b3c4d.css"
	files  map[string][]byte // hashed name -> content
}

func loadAssets(devDir string) (*assets, error) {
	a := &assets{fs: embedded}
	if devDir != "" {
		a.dev, a.fs = true, os.DirFS(devDir)
	}
	if err := a.load(); err != nil {
		return nil, err
	}
	return a, nil
}

// load parses every page with the layout and hashes the static files; a
// template error stops the server at start rather than on first view.
func (a *assets) load() error {
	hashed, files := map[string]string{}, map[string][]byte{}
	statics, err := fs.Glob(a.fs, "static/*")
	if err != nil {
		return fmt.Errorf("web: list static files: %w", err)
	}
	for _, name := range statics {
		body, err := fs.ReadFile(a.fs, name)
		if err != nil {
			return fmt.Errorf("web: read %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		base := path.Base(name)
		ext := path.Ext(base)
		h := strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		hashed[base], files[h] = h, body
	}
	pages := map[string]*template.Template{}
	names, err := fs.Glob(a.fs, "templates/*.html")
	if err != nil {
		return fmt.Errorf("web: list templates: %w", err)
	}
	funcs := templateFuncs(hashed)
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(a.fs, "templates/layout.html", name)
		if err != nil {
			return fmt.Errorf("web: parse %s: %w", base, err)
		}
		pages[base] = t
	}
	a.mu.Lock()
	a.pages, a.hashed, a.files = pages, hashed, files
	a.mu.Unlock()
	return nil
}

func (a *assets) page(name string) (*template.Template, error) {
	if a.dev {
		if err := a.load(); err != nil {
			return nil, err
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.pages[name]
	if !ok {
		return nil, fmt.Errorf("web: no template %s", name)
	}
	return t, nil
}

// static serves a file by its hashed name; the hash makes it immutable.
func (a *App) static(w http.ResponseWriter, r *http.Request) {
	a.ui.mu.Lock()
	body, ok := a.ui.files[r.PathValue("file")]
	a.ui.mu.Unlock()
	if !ok {
		a.fail(w, r, &reqCtx{}, fmt.Errorf("static file %s: %w", r.PathValue("file"), fault.ErrNotFound))
		return
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(filepath.Ext(r.PathValue("file"))))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(body)
}

func templateFuncs(hashed map[string]string) template.FuncMap {
	return template.FuncMap{
		"static": func(name string) string { return "/static/" + hashed[name] },
		"num":    formatInt,
		"money":  func(v float64) string { return formatMoney(v) },
		"day":    func(t time.Time) string { return t.Format("2006-01-02") },
		"stage":  stageLabel,
		"dayTotal": func(series []report.Series, i int) int64 {
			var n int64
			for _, s := range series {
				n += s.Counts[i]
			}
			return n
		},
		"when": func(t time.Time) string {
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
	}
}

// formatInt writes n with thin separators between thousands: 1 234 567.
func formatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func formatMoney(v float64) string {
	whole := int64(v)
	cents := int64((v-float64(whole))*100 + 0.5)
	if cents == 100 {
		whole, cents = whole+1, 0
	}
	return fmt.Sprintf("%s.%02d", formatInt(whole), cents)
}

// area is one entry of the navigation.
type area struct {
	key     string
	label   string
	perm    access.Permission
	summary string // what the area will hold, said plainly while it is not built
}

// areas is the shell's navigation, in order.
var areas = []area{
	{"overview", "Overview", access.ViewReports, ""},
	{"journey", "Journey", access.ViewReports, "Stage funnels by channel, campaign and cohort, and the paths people take between stages."},
	{"listening", "Listening", access.ViewReports, "Mentions of the brand and its competitors, sentiment, topics and spikes."},
	{"inbox", "Inbox", access.ViewInbox, "Conversations to answer, prioritised, with assignment, SLAs and replies by the people designated to respond."},
	{"plan", "Plan", access.ViewReports, "Objectives, goals with their KPIs, strategies and tactics (OGST), with live numbers."},
	{"value", "Value", access.ViewReports, "Value and return per channel: sales, leads, awareness and advocacy against spend."},
	{"advocacy", "Advocacy", access.ViewReports, "Advocates, who brought whom, and the reach of what customers say about the brand."},
	{"audiences", "Audiences", access.ViewReports, "Rules over people and their events, with live membership and exports."},
	{"settings", "Settings", access.ManageWorkspace, ""},
}

// view is what every page template gets.
type view struct {
	Title   string
	Active  string
	Data    any
	Notice  string // a success message
	Problem string // a validation message

	// Filled by render.
	User       access.User
	SignedIn   bool
	CSRF       string
	Workspace  workspace.Workspace
	Role       access.Role
	Workspaces []workspace.Member
	Nav        []navLink
	Filter     report.Filter
	FilterQS   string // "?from=...&to=..." as given, carried by links
	Channels   []report.Channel
	ShowFilter bool
}

type navLink struct {
	Label  string
	URL    string
	Active bool
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 rather than half a page.
func (a *App) render(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, page string, v view) {
	v.User, v.SignedIn, v.CSRF = c.who.User, c.who.User.ID != "", c.csrf
	v.Workspace, v.Role, v.Workspaces, v.Filter = c.ws, c.role, c.members, c.filter
	if len(c.query) > 0 {
		v.FilterQS = "?" + c.query.Encode()
	}
	if c.ws.ID != "" {
		for _, ar := range areas {
			if c.role.Can(ar.perm) {
				v.Nav = append(v.Nav, navLink{Label: ar.label, URL: "/w/" + url.PathEscape(c.ws.ID) + "/" + ar.key + v.FilterQS, Active: ar.key == v.Active})
			}
		}
		if v.ShowFilter {
			shell, err := a.shellFor(r.Context(), c.ws.ID)
			if err != nil {
				a.log.Error("web: channels for the filter", "err", err)
			}
			v.Channels = shell.channels
		}
	}
	t, err := a.ui.page(page)
	var buf bytes.Buffer
	if err == nil {
		err = t.ExecuteTemplate(&buf, "layout", v)
	}
	if err != nil {
		a.log.Error("web: render", "page", page, "err", err)
		http.Error(w, "Something went wrong on our side; it has been logged.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
