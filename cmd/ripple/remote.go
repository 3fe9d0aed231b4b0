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

	"ripple/internal/store"
)

// remote is a running server's REST API, for the commands that cannot open a
// data directory a server holds: DuckDB allows one process per file.
type remote struct {
	base  string // e.g. http://127.0.0.1:8080
	token string // a personal API token (rpt_...)
}

// remoteFlags adds --server and --token (RIPPLE_SERVER, RIPPLE_TOKEN).
func remoteFlags(fs *flagSet) *remote {
	r := &remote{}
	fs.StringVar(&r.base, "server", "http://127.0.0.1:8080", "a running Ripple server, used when it holds the data directory")
	fs.StringVar(&r.token, "token", "", "API token (create one on the web app's API tokens page) to work through --server")
	return r
}

// openOrRemote opens the data directory, or, when a running server holds it
// and a token is given, returns nil and lets the caller use the API.
func openOrRemote(ctx context.Context, dir string, r *remote) (*store.Store, error) {
	st, err := openStore(ctx, dir)
	if errors.Is(err, store.ErrLocked) {
		if r.token != "" {
			return nil, nil
		}
		return nil, fmt.Errorf("%w; pass --token (an API token from the web app) to work through the server's API at %s", err, r.base)
	}
	return st, err
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
