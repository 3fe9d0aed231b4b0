// Package store owns Ripple's embedded database: one DuckDB file in the data
// directory holding events, workspaces, keys and the rest of the state, with
// the schema migrations that build it.
//
// DuckDB allows one process per file. A second process that opens a data
// directory in use gets ErrLocked; CLI commands then talk to the running
// server's API instead.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"
)

// ErrLocked means another process, usually `ripple serve`, holds the database.
var ErrLocked = errors.New("the data directory is in use by another Ripple process (a running server?)")

// ingestWriters is how many appends may commit at once, each through its own
// connection: separate callers (the collector's commit loop, a load running
// in the same process) need not wait for each other.
const ingestWriters = 2

// FileName is the database file inside the data directory.
const FileName = "ripple.duckdb"

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the embedded database. It is safe for concurrent use; appends go
// through one connection, reads through a pool.
type Store struct {
	db        *sql.DB
	connector *duckdb.Connector
	dir       string
	path      string // the database file, as the connector opened it

	// appendMu is held shared by appends and exclusively by a bulk load and
	// by Close.
	appendMu sync.RWMutex
	writers  chan *writer // the ingest connections, one per concurrent commit

	channels channelIDs

	dedupMu  sync.Mutex
	dedup    *idSet              // hashes of every stored (workspace, message id)
	inflight map[uint64]struct{} // hashes being committed right now

	identityMu sync.Mutex
	identity   *identityWriter // opened by the first SaveIdentity
	closed     bool

	membersMu sync.Mutex // held by ChangeMembers
}

// Option tunes how the store is opened.
type Option func(*options)

type options struct {
	memoryLimit string
	threads     int
	noFSST      bool
}

// WithMemoryLimit caps DuckDB's buffer memory, e.g. "96MB"; the default is
// 512MB. Queries that need more spill to disk rather than fail.
func WithMemoryLimit(limit string) Option {
	return func(o *options) { o.memoryLimit = limit }
}

// WithThreads sets how many threads DuckDB runs queries on; the default is
// one per core.
func WithThreads(n int) Option {
	return func(o *options) { o.threads = n }
}

// WithoutFSST keeps DuckDB from compressing strings with FSST, the costliest
// of its string compressions to try and to apply. Measured on a 9.4M-event
// import: 5-13% less CPU and 20-25 MB less memory, for a file about a
// quarter larger; queries over the data ran as fast.
func WithoutFSST() Option {
	return func(o *options) { o.noFSST = true }
}

// Open opens (creating if needed) the store in dir and applies migrations.
func Open(ctx context.Context, dir string, opts ...Option) (*Store, error) {
	o := options{memoryLimit: "512MB"}
	for _, opt := range opts {
		opt(&o)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		if strings.Contains(err.Error(), "lock") {
			return nil, fmt.Errorf("store: open %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: sql.OpenDB(connector), connector: connector, dir: dir, path: path,
		writers: make(chan *writer, ingestWriters), inflight: map[uint64]struct{}{}}
	for range ingestWriters {
		s.writers <- &writer{}
	}
	// DuckDB checkpoints whenever the write-ahead log passes 16 MB by
	// default, which makes a steady stream of appends rewrite row groups
	// over and over (measured: 8k rows/s instead of 45k). A larger log
	// costs only a longer replay after a crash.
	config := `SET checkpoint_threshold = '512MB'; SET memory_limit = '` + strings.ReplaceAll(o.memoryLimit, "'", "") + `'`
	if o.threads > 0 {
		config += fmt.Sprintf("; SET threads = %d", o.threads)
	}
	if o.noFSST {
		config += "; SET disabled_compression_methods = 'fsst'"
	}
	if _, err := s.db.ExecContext(ctx, config); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: configure: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.loadChannels(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.dedup, err = s.loadMessageIDs(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Dir is the data directory the store lives in.
func (s *Store) Dir() string { return s.dir }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close checkpoints and closes the database.
func (s *Store) Close() error {
	s.appendMu.Lock()
	for range cap(s.writers) {
		w := <-s.writers
		w.close()
		s.writers <- w
	}
	s.appendMu.Unlock()
	s.closeIdentity()
	s.dedupMu.Lock()
	if s.dedup != nil { // nil when Open failed before loading it
		s.dedup.release()
	}
	s.dedup = newIDSet(0) // a late append finds an empty set, then a closed database
	s.dedupMu.Unlock()
	err := s.db.Close()
	if cerr := s.connector.Close(); err == nil {
		err = cerr
	}
	return err
}

// migrate applies, in order and one transaction each, the embedded
// migrations not yet recorded in schema_migrations. Migrations are
// forward-only and never edited once shipped.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		version := strings.TrimSuffix(filepath.Base(name), ".sql")
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return fmt.Errorf("store: read schema_migrations: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("store: read migration %s: %w", version, err)
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", version, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", version, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, version); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: record migration %s: %w", version, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: commit migration %s: %w", version, err)
		}
	}
	return nil
}

// rawConn runs f with the driver connection underneath a pooled one, which the
// appender needs.
func (s *Store) rawConn(ctx context.Context, f func(driver.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error { return f(dc.(driver.Conn)) })
}

// Checkpoint folds the write-ahead log into the database file. Queries over
// checkpointed data run two to three times faster (compressed columns,
// complete statistics), so the server checkpoints after bursts of appends.
func (s *Store) Checkpoint(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	return nil
}
