package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"

	"ripple/internal/access"
	"ripple/internal/server"
	"ripple/internal/store"
	"ripple/internal/web"
	"ripple/internal/workspace"
)

func cmdServe(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "serve", "serve [--data DIR] [--addr HOST:PORT]\n\nServes the collection API (/v1/batch, /v1/track, ...), the web app, /healthz and /metrics\nuntil interrupted; on SIGINT or SIGTERM it finishes requests in flight and commits them.")
	f := addServerFlags(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	log, st, err := f.open(ctx, s)
	if err != nil {
		return err
	}
	defer st.Close()
	return serve(ctx, st, *f.addr, log, *f.web, nil)
}

// serverFlags are the flags of the commands that run the server.
type serverFlags struct {
	data, addr, level *string
	web               *web.Options
}

func addServerFlags(fs *flagSet) *serverFlags {
	f := &serverFlags{
		data:  fs.String("data", "ripple-data", "data directory holding the embedded database"),
		addr:  fs.String("addr", "127.0.0.1:8080", "address to listen on"),
		level: fs.String("log-level", "info", "log level: debug, info, warn, error"),
		web:   &web.Options{},
	}
	fs.StringVar(&f.web.DevDir, "dev", "", "read templates and static files from this directory (internal/web in a checkout) on every request, for development")
	fs.BoolVar(&f.web.TrustProxy, "trust-proxy", false, "trust X-Forwarded-Proto and X-Forwarded-For from a reverse proxy (cookies become Secure behind https)")
	return f
}

// open makes the logger and opens the data directory.
func (f *serverFlags) open(ctx context.Context, s stdio) (*slog.Logger, *store.Store, error) {
	log, err := newLogger(s, *f.level)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, *f.data)
	return log, st, err
}

// serve runs the server on addr; ready, when set, is called with the bound
// address once it accepts connections.
func serve(ctx context.Context, st *store.Store, addr string, log *slog.Logger, opts web.Options, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv, err := server.New(st, log, server.Options{Web: opts})
	if err != nil {
		ln.Close()
		return err
	}
	log.Info("ripple listening", "addr", "http://"+ln.Addr().String(), "data", st.Dir())
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

// openStore opens the data directory, explaining what to do when a running
// server holds it.
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

func newLogger(s stdio, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %q is not debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: l})), nil
}
