package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ripple/internal/access"
	"ripple/internal/event"
	"ripple/internal/report"
	"ripple/internal/workspace"
)

// home sends the user to their first workspace.
func (a *App) home(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	if len(c.members) == 0 {
		a.render(w, r, c, http.StatusOK, "empty.html", view{Title: "No workspace"})
		return nil
	}
	http.Redirect(w, r, "/w/"+url.PathEscape(c.members[0].WorkspaceID)+"/", http.StatusSeeOther)
	return nil
}

// landing is the first page of a workspace the role may open.
func landing(role access.Role) string {
	for _, ar := range areas {
		if role.Can(ar.perm) {
			return ar.key
		}
	}
	return "overview"
}

func (a *App) workspaceHome(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	http.Redirect(w, r, "/w/"+url.PathEscape(c.ws.ID)+"/"+landing(c.role), http.StatusSeeOther)
	return nil
}

// switchWorkspace opens another of the user's workspaces on the same page,
// keeping the date range (channels differ between workspaces).
func (a *App) switchWorkspace(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	q := r.URL.Query()
	ws := q.Get("ws")
	role, err := c.roleIn(ws)
	if err != nil {
		return err
	}
	page := q.Get("page")
	known := false
	for _, ar := range areas {
		if ar.key == page && role.Can(ar.perm) {
			known = true
		}
	}
	if !known {
		page = landing(role)
	}
	keep := url.Values{}
	for _, k := range []string{"from", "to"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	target := "/w/" + url.PathEscape(ws) + "/" + page
	if len(keep) > 0 {
		target += "?" + keep.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// overviewPage is the Overview's data with its charts drawn.
type overviewPage struct {
	report.Overview
	EventsChart chart
	FunnelChart chart
	Top         []report.Series // the channels the chart names; the rest are "Other"
	EventsCSV   string
	FunnelCSV   string
	// Earlier and Later, when the range holds no events, are ranges that
	// do: the days ending on the newest event before it, and those starting
	// on the oldest after it (never one beyond today).
	Earlier, Later *rangeLink
}

// rangeLink is a link to the same page on other days.
type rangeLink struct {
	URL      string
	From, To time.Time
}

func (a *App) overviewOf(r *http.Request, c *reqCtx) (report.Overview, error) {
	return a.reads.Overview(r.Context(), c.ws, c.filter)
}

func (a *App) overview(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	o, err := a.overviewOf(r, c)
	if err != nil {
		return err
	}
	series := topSeries(o.Series, 7)
	p := overviewPage{Overview: o, Top: series, EventsChart: stackedBars(o.Days, series), FunnelChart: funnelBars(o.Funnel)}
	p.EventsCSV, p.FunnelCSV = a.wsURL(c, "overview/events.csv"), a.wsURL(c, "overview/funnel.csv")
	if o.Events == 0 {
		if p.Earlier, p.Later, err = a.elsewhere(r, c, "overview"); err != nil {
			return err
		}
	}
	a.render(w, r, c, http.StatusOK, "overview.html", view{Title: "Overview", Active: "overview", ShowFilter: true, Data: p})
	return nil
}

// elsewhere finds, for a range without events, the ranges of the same
// length next to the workspace's nearest events, so that a workspace whose
// data is older (or newer) than the range still shows it in one click.
func (a *App) elsewhere(r *http.Request, c *reqCtx, page string) (earlier, later *rangeLink, err error) {
	n, err := a.reads.Nearest(r.Context(), c.ws.ID, c.filter)
	if err != nil {
		return nil, nil, err
	}
	days := len(c.filter.Days())
	loc := c.ws.Location()
	link := func(f report.Filter) *rangeLink {
		q := url.Values{"from": {f.From.Format(time.DateOnly)}, "to": {f.To.Format(time.DateOnly)}}
		if f.Channel != "" {
			q.Set("channel", f.Channel)
		}
		return &rangeLink{URL: "/w/" + url.PathEscape(c.ws.ID) + "/" + page + "?" + q.Encode(), From: f.From, To: f.To}
	}
	if !n.Before.IsZero() {
		earlier = link(c.filter.Last(days, workspace.Midnight(n.Before.In(loc))))
	}
	if today := c.ws.Today(a.opts.Now()); !n.After.IsZero() && n.After.Before(workspace.AddDays(today, 1)) {
		end := workspace.AddDays(n.After.In(loc), days-1)
		if end.After(today) {
			end = today
		}
		later = link(c.filter.Last(days, end))
	}
	return earlier, later, nil
}

// eventsCSV is the events-per-day chart's numbers, one row per day and
// channel.
func (a *App) eventsCSV(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	o, err := a.overviewOf(r, c)
	if err != nil {
		return err
	}
	rows := [][]string{{"day", "channel_key", "channel", "events"}}
	for i, d := range o.Days {
		for _, s := range o.Series {
			if s.Counts[i] > 0 {
				rows = append(rows, []string{d.Format("2006-01-02"), s.Channel, s.Name, strconv.FormatInt(s.Counts[i], 10)})
			}
		}
	}
	return writeCSV(w, c, "events-per-day", rows)
}

// funnelCSV is the funnel's numbers.
func (a *App) funnelCSV(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	o, err := a.overviewOf(r, c)
	if err != nil {
		return err
	}
	rows := [][]string{{"stage", "rank", "people_reached"}}
	for _, s := range o.Funnel {
		rows = append(rows, []string{string(s.Stage), strconv.Itoa(s.Stage.Rank()), strconv.FormatInt(s.People, 10)})
	}
	return writeCSV(w, c, "funnel", rows)
}

func writeCSV(w http.ResponseWriter, c *reqCtx, name string, rows [][]string) error {
	file := fmt.Sprintf("%s-%s-%s-%s.csv", slug(c.ws.Name), name, c.filter.From.Format("20060102"), c.filter.To.Format("20060102"))
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	cw := csv.NewWriter(w)
	for _, row := range rows {
		for i, cell := range row {
			row[i] = csvSafe(cell)
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("web: write csv: %w", err)
	}
	return nil
}

// csvSafe keeps a spreadsheet from running a cell as a formula: channel
// names come from users.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

type notBuiltPage struct {
	Label   string
	Summary string
}

// notBuilt is an area that does not exist yet: it says so, and shows no
// made-up numbers. Its role check is as real as a built page's.
func (a *App) notBuilt(ar area) handler {
	return func(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
		a.render(w, r, c, http.StatusOK, "notbuilt.html", view{Title: ar.label, Active: ar.key, ShowFilter: true,
			Data: notBuiltPage{Label: ar.label, Summary: ar.summary}})
		return nil
	}
}

// stageLabel is how a stage is named on a page.
func stageLabel(s event.Stage) string {
	if s == "" {
		return "none"
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}
