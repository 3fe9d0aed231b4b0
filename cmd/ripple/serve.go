package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"ripple/internal/access"
	"ripple/internal/config"
	"ripple/internal/server"
	"ripple/internal/store"
	"ripple/internal/web"
	"ripple/internal/workspace"
)

func cmdServe(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "serve", "serve [--data DIR] [--addr HOST:PORT]\n\nServes the collection API (/v1/batch, /v1/track, ...), the web app, /healthz and /metrics\nuntil interrupted; on SIGINT or SIGTERM it finishes requests in flight and commits them.")
	cfg := serverSettings(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	st, err := openExisting(ctx, cfg.Data)
	if err != nil {
		return err
	}
	defer st.Close()
	return serve(ctx, st, *cfg, newLogger(s, cfg.LogLevel), nil)
}

// serverSettings binds the settings of the commands that run the server.
func serverSettings(fs *flagSet) *config.Config {
	return fs.settings(config.Data, config.Addr, config.LogLevel, config.Dev, config.TrustProxy)
}

// serve runs the server on cfg.Addr; ready, when set, is called with the
// bound address once it accepts connections.
func serve(ctx context.Context, st *store.Store, cfg config.Config, log *slog.Logger, ready func(string)) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv, err := server.New(st, log, server.Options{Web: web.Options{DevDir: cfg.Dev, TrustProxy: cfg.TrustProxy}})
	if err != nil {
		ln.Close()
		return err
	}
	log.Info("ripple listening", "addr", "http://"+ln.Addr().String(), "settings", cfg)
	if ready != nil {
		ready(ln.Addr().String())
	}
	return srv.Serve(ctx, ln)
}

// domain is Ripple's domain over st, for the commands that change state
// from the command line: they act as access.Operator.
func domain(st *store.Store) (*access.Auth, *workspace.Settings) {
	auth := access.NewAuth(st, nil)
	return auth, workspace.New(st, auth, nil, workspace.Hooks{})
}

// openExisting opens a data directory that holds Ripple's data already;
// one that does not is an error, and is not created.
func openExisting(ctx context.Context, dir string, opts ...store.Option) (*store.Store, error) {
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--data: %s holds no Ripple data: create it with 'ripple demo' or 'ripple workspace create --data %s --name NAME'", dir, dir)
	}
	return openStore(ctx, dir, opts...)
}

// openStore opens the data directory, creating it when needed, and
// explains what to do when a running server holds it.
func openStore(ctx context.Context, dir string, opts ...store.Option) (*store.Store, error) {
	st, err := store.Open(ctx, dir, opts...)
	if errors.Is(err, store.ErrLocked) {
		return nil, lockedError{dir}
	}
	return st, err
}

// lockedError explains what to do when a server holds the data directory.
type lockedError struct{ dir string }

func (e lockedError) Error() string {
	return e.dir + " is in use by a running Ripple server (DuckDB allows one process per database file): stop it, or work through its web app and API"
}

func (e lockedError) Unwrap() error { return store.ErrLocked }

func newLogger(s stdio, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: level}))
}
