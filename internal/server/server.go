// Package server owns Ripple's HTTP server: it wires the collection API, the
// web app and the operational endpoints onto one mux, and shuts down without
// losing an acknowledged event.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"ripple/internal/access"
	"ripple/internal/api"
	"ripple/internal/clock"
	"ripple/internal/collect"
	"ripple/internal/metrics"
	"ripple/internal/web"
	"ripple/internal/workspace"
)

// Store is what the server stands on: the collection API's sink and keys,
// the domain's storage, the read side, and the database's health and
// checkpoints. Each part is an interface its consumer declares; the
// embedded store implements them all.
type Store interface {
	collect.Sink
	collect.Keys
	access.Store
	workspace.Store
	web.Reads
	api.Reads
	Ping(ctx context.Context) error
	Checkpoint(ctx context.Context) error
}

// Server is a running Ripple instance over one store.
type Server struct {
	Store   Store
	Metrics *metrics.Registry
	Collect *collect.Handler
	Mux     *http.ServeMux
	log     *slog.Logger
	batcher *collect.Batcher
}

// Options tune the server. Zero values are valid.
type Options struct {
	// Web configures the web app (dev mode, trusted proxy).
	Web web.Options
	// Now is the clock of everything the server builds: sessions, tokens,
	// the sign-in limits, the collection API's key cache, the settings'
	// time stamps. time.Now when nil.
	Now func() time.Time
}

// New builds the server's routes over st. It fails when the web app cannot
// load its templates (from a dev-mode directory): a server without its UI
// is not one to start.
func New(st Store, log *slog.Logger, o Options) (*Server, error) {
	now := clock.Or(o.Now)
	reg := metrics.New()
	b := collect.NewBatcher(st, reg, 4096, 20000)
	s := &Server{Store: st, Metrics: reg, log: log, batcher: b, Mux: http.NewServeMux()}
	s.Collect = collect.NewHandler(st, b, reg, log, now)
	s.Collect.Register(s.Mux)
	s.Mux.HandleFunc("GET /healthz", s.healthz)
	s.Mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		reg.WriteTo(w)
	})
	if err := s.mountApp(o.Web, now); err != nil {
		b.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}`))
}

// Handler is the mux behind a request log: method, path (never the query,
// which may carry secrets), status and duration, at debug level; answers of
// 500 and above at warn level.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		s.Mux.ServeHTTP(rec, r)
		level := slog.LevelDebug
		if rec.status >= 500 {
			level = slog.LevelWarn
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"ms", float64(time.Since(start).Microseconds())/1000, "remote", r.RemoteAddr)
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Serve answers on ln until ctx is done, then stops taking requests, lets the
// ones in flight finish (each waits for its commit) and flushes the last group.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	stopCheckpoints := make(chan struct{})
	checkpointsDone := make(chan struct{})
	go func() {
		defer close(checkpointsDone)
		s.checkpointLoop(stopCheckpoints, time.Minute)
	}()
	defer func() {
		close(stopCheckpoints)
		<-checkpointsDone
	}()
	select {
	case err := <-errc:
		s.batcher.Close()
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := hs.Shutdown(shutdownCtx)
	s.batcher.Close()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}

// checkpointLoop folds new appends into the database file once a period,
// when there were any, so pages read compressed, fully indexed columns.
// Checkpointing after every commit would slow ingest several-fold; once a
// minute costs little. A checkpoint refused while a write is running is
// simply tried at the next tick.
func (s *Server) checkpointLoop(stop <-chan struct{}, every time.Duration) {
	last := int64(-1) // the first tick also folds in whatever a previous run left
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		n := s.batcher.Stored()
		if n == last {
			continue
		}
		if err := s.Store.Checkpoint(context.Background()); err != nil {
			s.log.Debug("checkpoint postponed", "err", err)
			continue
		}
		last = n
	}
}

// mountApp mounts the web app at / and the REST API at /api/v1/ over one
// domain: both share the sign-in limits, and a key revoked or a channel
// changed through either reaches the caches that hold them (the
// collection API's keys, the web app's channel names).
func (s *Server) mountApp(wo web.Options, now func() time.Time) error {
	wo.Now = now
	var app *web.App
	auth := access.NewAuth(s.Store, now)
	settings := workspace.New(s.Store, auth, now, workspace.Hooks{
		KeysChanged:     s.Collect.ForgetKeys,
		ChannelsChanged: func(ws string) { app.ForgetChannels(ws) },
	})
	app, err := web.New(web.Deps{Auth: auth, Settings: settings, Reads: s.Store}, s.log, wo)
	if err != nil {
		return fmt.Errorf("server: web app: %w", err)
	}
	app.Register(s.Mux)
	api.New(api.Deps{Auth: auth, Settings: settings, Reads: s.Store}, s.log, api.Options{Now: now}).Register(s.Mux)
	return nil
}
