package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"ripple/internal/config"
	"ripple/internal/store"
)

// remote is a running server's REST API, for the commands that cannot open a
// data directory a server holds: DuckDB allows one process per file.
type remote struct {
	base  string // e.g. http://127.0.0.1:8080
	token string // a personal API token (rpt_...)
}

// openOrRemote opens the data directory, or, when a token is given, leaves
// it alone whatever --data says and returns the server's API to work
// through instead (a nil store). A data directory that holds no data is
// not created.
func openOrRemote(ctx context.Context, cfg *config.Config) (*store.Store, *remote, error) {
	if cfg.Token != "" {
		return nil, &remote{base: cfg.Server, token: cfg.Token}, nil
	}
	if cfg.Given[config.Server] == "flag" {
		return nil, nil, fmt.Errorf("--server: needs --token (an API token from the web app's API tokens page) to work through the server")
	}
	st, err := openExisting(ctx, cfg.Data)
	if errors.Is(err, store.ErrLocked) {
		return nil, nil, fmt.Errorf("%w; pass --token (an API token from the web app) to work through the server's API at %s", err, cfg.Server)
	}
	return st, nil, err
}

// call sends one API request and decodes the JSON answer into out.
func (r *remote) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(r.base, "/")+"/api/v1"+path, rd)
	if err != nil {
		return fmt.Errorf("--server: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("calling the server's API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e)
		return fmt.Errorf("server answered %s: %s", resp.Status, e.Error)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
