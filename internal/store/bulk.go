package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"ripple/internal/event"
)

// bulkCommitRows is how many rows a bulk load commits at a time: enough for
// DuckDB to write whole row groups straight to the file, few enough that a
// failed import keeps most of what it loaded.
const bulkCommitRows = 1 << 20

// Bulk loads many events in large transactions. DuckDB writes a large
// transaction's row groups straight to the database file, compressed, instead
// of through the write-ahead log and memory: a file import runs several times
// faster and in bounded memory. A Bulk holds the store's append lock until
// Close or Abort, so collection appends wait for it.
type Bulk struct {
	s       *Store
	conn    *sql.Conn
	pending *idSet // hashes appended in the open transaction, published on commit
}

// BeginBulk starts a bulk load.
func (s *Store) BeginBulk(ctx context.Context) (*Bulk, error) {
	s.appendMu.Lock()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		s.appendMu.Unlock()
		return nil, fmt.Errorf("store: bulk: %w", err)
	}
	b := &Bulk{s: s, conn: conn, pending: newIDSet(0)}
	if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		conn.Close()
		s.appendMu.Unlock()
		return nil, fmt.Errorf("store: bulk: %w", err)
	}
	return b, nil
}

// Reserve prepares for about n more events, e.g. estimated from a file's
// size, so the deduplication set is sized once rather than grown in steps.
func (b *Bulk) Reserve(n int) {
	b.s.dedupMu.Lock()
	b.s.dedup.reserve(n)
	b.s.dedupMu.Unlock()
}

// AppendEvents adds msgs to the load, skipping stored and repeated message
// ids, and returns how many were new. They are durable once a commit has
// passed them: every bulkCommitRows rows, and at Close.
func (b *Bulk) AppendEvents(ctx context.Context, msgs []event.Message) (int, error) {
	b.s.dedupMu.Lock()
	hashes, dup, n := b.s.fresh(msgs, nil, b.pending)
	b.s.dedupMu.Unlock()
	if n == 0 {
		return 0, nil
	}
	chans, err := b.s.channelIDsOf(ctx, msgs, dup)
	if err != nil {
		return 0, err
	}
	if err := b.conn.Raw(func(dc any) error { return appendRows(dc.(driver.Conn), msgs, dup, chans) }); err != nil {
		return 0, fmt.Errorf("store: bulk append: %w", err)
	}
	for i, h := range hashes {
		if !dup[i] {
			b.pending.add(h)
		}
	}
	if b.pending.n >= bulkCommitRows {
		if err := b.commit(ctx); err != nil {
			return 0, err
		}
		if _, err := b.conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
			return 0, fmt.Errorf("store: bulk: %w", err)
		}
	}
	return n, nil
}

func (b *Bulk) commit(ctx context.Context) error {
	if _, err := b.conn.ExecContext(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("store: bulk commit: %w", err)
	}
	b.s.dedupMu.Lock()
	for _, h := range b.pending.slots {
		if h != 0 {
			b.s.dedup.add(h)
		}
	}
	b.s.dedupMu.Unlock()
	b.pending = newIDSet(0)
	return nil
}

// Close commits what is pending and ends the load.
func (b *Bulk) Close(ctx context.Context) error {
	defer b.release()
	return b.commit(ctx)
}

// Abort rolls back what was appended since the last commit and ends the load.
func (b *Bulk) Abort() {
	b.conn.ExecContext(context.Background(), `ROLLBACK`)
	b.release()
}

func (b *Bulk) release() {
	b.conn.Close()
	b.s.appendMu.Unlock()
}
