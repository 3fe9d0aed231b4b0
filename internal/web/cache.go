package web

import (
	"context"
	"sync"
	"time"

	"ripple/internal/report"
)

// shellTTL bounds how stale the shell's per-workspace lookups may be: the
// channel list of the filter and the default end of the date range. Both
// scan every event of the workspace and change rarely, so every page view
// need not pay for them; a channel edit drops the cache at once.
const shellTTL = time.Minute

type shellEntry struct {
	at       time.Time
	channels []report.Channel
	lastDay  time.Time
}

type shellCache struct {
	mu sync.Mutex
	m  map[string]shellEntry
}

func (a *App) shellFor(ctx context.Context, workspaceID string) (shellEntry, error) {
	a.cache.mu.Lock()
	e, ok := a.cache.m[workspaceID]
	a.cache.mu.Unlock()
	now := a.opts.Now()
	if ok && now.Sub(e.at) < shellTTL {
		return e, nil
	}
	var err error
	e = shellEntry{at: now}
	if e.channels, err = report.Channels(ctx, a.st, workspaceID); err != nil {
		return shellEntry{}, err
	}
	if e.lastDay, err = report.LastDay(ctx, a.st.DB(), workspaceID, now); err != nil {
		return shellEntry{}, err
	}
	a.cache.mu.Lock()
	if a.cache.m == nil {
		a.cache.m = map[string]shellEntry{}
	}
	a.cache.m[workspaceID] = e
	a.cache.mu.Unlock()
	return e, nil
}

// ForgetChannels drops a workspace's cached shell lookups (channels and
// their names) after a change, here or through the API.
func (a *App) ForgetChannels(workspaceID string) {
	a.cache.mu.Lock()
	delete(a.cache.m, workspaceID)
	a.cache.mu.Unlock()
}
