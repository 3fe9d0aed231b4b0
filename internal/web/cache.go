package web

import (
	"context"
	"sync"
	"time"

	"ripple/internal/report"
)

// shellTTL bounds how stale the filter's channel list may be: it counts
// every event of the workspace and changes rarely, so every page view need
// not pay for it; a channel edit drops the cache at once.
const shellTTL = time.Minute

type shellEntry struct {
	at       time.Time
	channels []report.Channel
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
	if e.channels, err = a.reads.Channels(ctx, workspaceID); err != nil {
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

// ForgetChannels drops a workspace's cached channel list after a change,
// here or through the API.
func (a *App) ForgetChannels(workspaceID string) {
	a.cache.mu.Lock()
	delete(a.cache.m, workspaceID)
	a.cache.mu.Unlock()
}
