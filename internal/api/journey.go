package api

import (
	"fmt"
	"net/http"
	"time"

	"ripple/internal/event"
	"ripple/internal/fault"
	"ripple/internal/report"
)

// Person is one person's place in the ecosystem, from their events.
type Person struct {
	Key          string  `json:"key"`
	FirstChannel string  `json:"first_channel"`
	FirstSeen    string  `json:"first_seen"`
	LastChannel  string  `json:"last_channel"`
	LastSeen     string  `json:"last_seen"`
	Stage        string  `json:"stage"`
	Events       int     `json:"events"`
	Revenue      float64 `json:"revenue"`
}

func (a *API) getPerson(w http.ResponseWriter, r *http.Request, c *call) error {
	key := r.PathValue("person")
	ws, err := a.settings.Workspace(r.Context(), c.ws)
	if err != nil {
		return err
	}
	people, err := a.reads.People(r.Context(), ws, key)
	if err != nil {
		return err
	}
	if len(people) == 0 {
		return fmt.Errorf("person %q: %w", key, fault.ErrNotFound)
	}
	p := people[0]
	return writeJSON(w, http.StatusOK, Person{
		Key: p.Key, FirstChannel: p.FirstChannel, FirstSeen: p.FirstSeen.Format(time.RFC3339),
		LastChannel: p.LastChannel, LastSeen: p.LastSeen.Format(time.RFC3339),
		Stage: string(p.Stage), Events: p.Events, Revenue: p.Revenue,
	})
}

// FunnelRow is how many people first touched by one channel reached each
// stage or a later one.
type FunnelRow struct {
	FirstChannel string       `json:"first_channel"`
	People       int64        `json:"people"` // everyone it first touched, staged or not
	Stages       []StageCount `json:"stages"`
}

func (a *API) funnel(w http.ResponseWriter, r *http.Request, c *call) error {
	// Every event counts: the funnel by first touch is over all time.
	rows, err := a.reads.Funnel(r.Context(), c.ws, report.Filter{})
	if err != nil {
		return err
	}
	out := make([]FunnelRow, len(rows))
	for i, row := range rows {
		out[i] = FunnelRow{FirstChannel: row.FirstChannel, People: row.People, Stages: make([]StageCount, len(event.Stages))}
		for j, s := range event.Stages {
			out[i].Stages[j] = StageCount{Stage: string(s), People: row.Reached[j]}
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"funnel": out})
}
