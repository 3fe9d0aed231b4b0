package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"ripple/internal/event"
)

// bulkCommitRows is how many rows a bulk load commits at a time: enough for
// DuckDB to write whole row groups straight to the file, few enough that a
// failed import keeps most of what it loaded. It is four of DuckDB's row
// groups (122,880 rows) per lane: a commit of a partial row group leaves it
// partial in the file (a million rows left two of 32,768 at every commit).
var bulkCommitRows = 4 * 122880 * bulkLanes // a variable for the test that commits mid-load

// bulkLanes is how many connections a bulk load appends through at once.
// Most of an append is DuckDB's own work (string heaps, statistics,
// compression) on the appending thread; two lanes let it run on two cores
// while the caller deduplicates the next rows.
const bulkLanes = 2

// Bulk loads many events in large transactions. DuckDB writes a large
// transaction's row groups straight to the database file, compressed, instead
// of through the write-ahead log and memory: a file import runs several times
// faster and in bounded memory. A Bulk holds the store's append lock until
// Close or Abort, so collection appends wait for it.
//
// Rows are deduplicated in call order, then appended by lanes, each a
// connection with its own transaction and appender; all lanes commit
// together every bulkCommitRows rows and at Close.
type Bulk struct {
	s       *Store
	lanes   []*lane
	pending []*idSet // each lane's hashes since its last commit, published when it commits
	next    int
	rows    int                   // appended since the last commit
	stored  int                   // committed by this load
	failed  atomic.Pointer[error] // the first error of any lane, so the load stops early
}

// lane appends the batches it is given through one connection, in one
// transaction, until told to commit.
type lane struct {
	app    *eventAppender
	work   chan laneWork
	done   chan error             // one answer per commit request, and at exit
	err    error                  // the first failure; the lane skips work after it
	failed *atomic.Pointer[error] // where the lane reports it to the load
}

type laneWork struct {
	msgs   []event.Message
	dup    []bool
	chans  []int32
	commit bool // commit and begin anew
}

// BeginBulk starts a bulk load.
func (s *Store) BeginBulk(ctx context.Context) (*Bulk, error) {
	s.appendMu.Lock()
	b := &Bulk{s: s}
	for range bulkLanes {
		l, err := s.newLane(&b.failed)
		if err != nil {
			b.stop()
			s.appendMu.Unlock()
			return nil, fmt.Errorf("store: bulk: %w", err)
		}
		b.lanes = append(b.lanes, l)
		b.pending = append(b.pending, newLaneSet())
	}
	return b, nil
}

func (s *Store) newLane(failed *atomic.Pointer[error]) (*lane, error) {
	app, err := openEventAppender(s.path)
	if err != nil {
		return nil, err
	}
	if err := app.exec(`BEGIN TRANSACTION`); err != nil {
		app.close()
		return nil, err
	}
	l := &lane{app: app, work: make(chan laneWork), done: make(chan error, 1), failed: failed}
	go l.run()
	return l, nil
}

func (l *lane) run() {
	for w := range l.work {
		if l.err != nil {
			if w.commit {
				l.done <- l.err
			}
			continue
		}
		if !w.commit {
			// Flushed at once: the appender would otherwise hold every
			// row until the commit.
			if l.err = l.app.append(w.msgs, w.dup, w.chans); l.err == nil {
				l.err = l.app.flush()
			}
			if l.err != nil {
				err := l.err
				l.failed.CompareAndSwap(nil, &err)
			}
			continue
		}
		if l.err = l.app.exec(`COMMIT`); l.err == nil {
			l.err = l.app.exec(`BEGIN TRANSACTION`)
		}
		l.done <- l.err
	}
	close(l.done)
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
// passed them: every bulkCommitRows rows, and at Close. A failure to store
// them may be reported by a later call or by Close. A lane appends msgs
// after the call returns: the caller must not change or reuse them.
func (b *Bulk) AppendEvents(ctx context.Context, msgs []event.Message) (int, error) {
	if err := b.failed.Load(); err != nil {
		return 0, fmt.Errorf("store: bulk append: %w", *err)
	}
	b.s.dedupMu.Lock()
	hashes, dup, n := b.s.fresh(msgs, nil, b.pending...)
	b.s.dedupMu.Unlock()
	if n == 0 {
		return 0, nil
	}
	chans, err := b.s.channelIDsOf(ctx, msgs, dup)
	if err != nil {
		return 0, err
	}
	i := b.next % len(b.lanes)
	b.next++
	l, pending := b.lanes[i], b.pending[i]
	select {
	case l.work <- laneWork{msgs: msgs, dup: dup, chans: chans}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	for i, h := range hashes {
		if !dup[i] {
			pending.add(h)
		}
	}
	if b.rows += n; b.rows >= bulkCommitRows {
		if err := b.commit(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// newLaneSet is a lane's pending set, sized once for a commit's share:
// mapped, its pages cost memory only once written.
func newLaneSet() *idSet { return newIDSet(bulkCommitRows / bulkLanes) }

// commit commits every lane and publishes the hashes of the lanes that
// committed. Should one fail after another committed, the committed rows
// are stored and known, the failed lane's are neither.
func (b *Bulk) commit() error {
	for _, l := range b.lanes {
		l.work <- laneWork{commit: true}
	}
	var errs []error
	b.s.dedupMu.Lock()
	for i, l := range b.lanes {
		if err := <-l.done; err != nil {
			errs = append(errs, err)
			continue
		}
		for _, h := range b.pending[i].slots {
			if h != 0 {
				b.s.dedup.add(h)
			}
		}
		b.stored += b.pending[i].n
		b.pending[i].release()
		b.pending[i] = newLaneSet()
	}
	b.s.dedupMu.Unlock()
	b.rows = 0
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: bulk commit: %w", err)
	}
	return nil
}

// Stored is how many events this load has committed so far: all it
// accepted after Close, what is kept after a failure or Abort.
func (b *Bulk) Stored() int { return b.stored }

// Close commits what is pending and ends the load.
func (b *Bulk) Close() error {
	defer b.release()
	return b.commit()
}

// Abort rolls back what was appended since the last commit and ends the load.
func (b *Bulk) Abort() { b.release() }

// stop ends every lane's goroutine; what a lane has not committed is rolled
// back.
func (b *Bulk) stop() {
	for _, l := range b.lanes {
		close(l.work)
		for range l.done {
		}
		l.app.clear()
		l.app.exec(`ROLLBACK`)
		l.app.close()
	}
	for _, p := range b.pending {
		p.release()
	}
	b.lanes, b.pending = nil, nil
}

func (b *Bulk) release() {
	b.stop()
	b.s.appendMu.Unlock()
}
