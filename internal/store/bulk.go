package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"

	"ripple/internal/event"
)

// laneCommitRows is how many rows a lane commits at a time: enough for
// DuckDB to write whole row groups straight to the file, few enough that a
// failed import keeps most of what it loaded. It is four of DuckDB's row
// groups (122,880 rows): a commit of a partial row group leaves it partial
// in the file (a million rows left two of 32,768 at every commit).
var laneCommitRows = 4 * 122880 // a variable for the test that commits mid-load

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
// connection with its own transaction and appender. A lane commits every
// laneCommitRows rows while the others go on appending: DuckDB runs one
// commit at a time, and a commit writes the lane's last row group, so
// lanes that committed together would wait for each other and stall the
// load. Their first commits are staggered for that reason.
type Bulk struct {
	s      *Store
	lanes  []*lane
	stored int                   // committed by this load
	failed atomic.Pointer[error] // the first error of any lane, so the load stops early
}

// lane appends the batches it is given through one connection, in one
// transaction, and commits when a batch says so.
type lane struct {
	app    *eventAppender
	work   chan laneWork
	done   chan error             // one answer per commit, read by settle
	err    error                  // the first failure; the lane skips work after it
	failed *atomic.Pointer[error] // where the lane reports it to the load

	// Kept by the load's caller, never by the lane's goroutine:
	rows       int    // appended since the last commit (and the stagger)
	pending    *idSet // hashes appended since the last commit
	committing *idSet // hashes of the commit under way; nil when none is
}

type laneWork struct {
	msgs    []event.Message
	dup     []bool
	chans   []int32
	release func() // called once msgs are appended, or skipped
	commit  bool   // after appending, commit and begin anew
}

// BeginBulk starts a bulk load.
func (s *Store) BeginBulk(ctx context.Context) (*Bulk, error) {
	s.appendMu.Lock()
	b := &Bulk{s: s}
	for i := range bulkLanes {
		l, err := s.newLane(&b.failed)
		if err != nil {
			b.stop()
			s.appendMu.Unlock()
			return nil, fmt.Errorf("store: bulk: %w", err)
		}
		// Lane i first commits after (i+1)/bulkLanes of laneCommitRows.
		l.rows = laneCommitRows * (bulkLanes - 1 - i) / bulkLanes
		b.lanes = append(b.lanes, l)
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
	l := &lane{app: app, work: make(chan laneWork), done: make(chan error, 1), failed: failed, pending: newLaneSet()}
	go l.run()
	return l, nil
}

func (l *lane) run() {
	defer close(l.done)
	for w := range l.work {
		if l.err == nil && len(w.msgs) > 0 {
			// Flushed at once: the appender would otherwise hold every
			// row until the commit.
			if l.err = l.app.append(w.msgs, w.dup, w.chans); l.err == nil {
				l.err = l.app.flush()
			}
		}
		if w.release != nil {
			w.release()
		}
		if l.err == nil && w.commit {
			if l.err = l.app.exec(`COMMIT`); l.err == nil {
				l.err = l.app.exec(`BEGIN TRANSACTION`)
			}
		}
		if l.err != nil {
			err := l.err
			l.failed.CompareAndSwap(nil, &err)
		}
		if w.commit {
			l.done <- l.err
		}
	}
}

// Reserve prepares for about n more events, e.g. estimated from a file's
// size, so the deduplication set is sized once rather than grown in steps.
func (b *Bulk) Reserve(n int) {
	b.s.dedupMu.Lock()
	b.s.dedup.reserve(n)
	b.s.dedupMu.Unlock()
}

// AppendEvents adds msgs to the load, skipping stored and repeated message
// ids, and returns how many were new. They are durable once their lane has
// committed: every laneCommitRows rows, and at Close. A failure to store
// them may be reported by a later call or by Close. A lane appends msgs
// after the call returns: the caller must not change or reuse them.
func (b *Bulk) AppendEvents(ctx context.Context, msgs []event.Message) (int, error) {
	return b.AppendEventsThen(ctx, msgs, nil)
}

// AppendEventsThen is AppendEvents that calls release, unless it is nil,
// once nothing reads msgs any more: at once when no lane will, or from the
// lane that appended them. The caller may then reuse their memory, and a
// file import reuses its buffers instead of allocating gigabytes of them.
func (b *Bulk) AppendEventsThen(ctx context.Context, msgs []event.Message, release func()) (int, error) {
	sent := false
	defer func() {
		if !sent && release != nil {
			release()
		}
	}()
	if err := b.failed.Load(); err != nil {
		return 0, fmt.Errorf("store: bulk append: %w", *err)
	}
	if err := b.settle(false); err != nil {
		return 0, err
	}
	b.s.dedupMu.Lock()
	hashes, dup, n := b.s.fresh(msgs, nil, b.unsettled()...)
	b.s.dedupMu.Unlock()
	if n == 0 {
		return 0, nil
	}
	chans, err := b.s.channelIDsOf(ctx, msgs, dup)
	if err != nil {
		return 0, err
	}
	l, err := b.send(ctx, laneWork{msgs: msgs, dup: dup, chans: chans, release: release}, n)
	if err != nil {
		return 0, err
	}
	sent = true // msgs are the lane's until it releases them
	for i, h := range hashes {
		if !dup[i] {
			l.pending.add(h)
		}
	}
	if l.rows += n; l.rows >= laneCommitRows {
		l.startCommit()
	}
	return n, nil
}

// unsettled is every set of hashes appended but not known committed.
func (b *Bulk) unsettled() []*idSet {
	sets := make([]*idSet, 0, 2*len(b.lanes))
	for _, l := range b.lanes {
		sets = append(sets, l.pending)
		if l.committing != nil {
			sets = append(sets, l.committing)
		}
	}
	return sets
}

// send hands a batch of n new rows to whichever lane not committing takes
// it first, and returns that lane: a lane still appending must not hold up
// the next batch while another waits idle. Commits that end meanwhile are
// settled.
func (b *Bulk) send(ctx context.Context, w laneWork, n int) (*lane, error) {
	for {
		cases := []reflect.SelectCase{{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())}}
		for _, l := range b.lanes {
			c := reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(l.done)}
			if l.committing == nil {
				w.commit = l.rows+n >= laneCommitRows
				c = reflect.SelectCase{Dir: reflect.SelectSend, Chan: reflect.ValueOf(l.work), Send: reflect.ValueOf(w)}
			}
			cases = append(cases, c)
		}
		i, v, _ := reflect.Select(cases)
		if i == 0 {
			return nil, ctx.Err()
		}
		l := b.lanes[i-1]
		if cases[i].Dir == reflect.SelectSend {
			return l, nil
		}
		err, _ := v.Interface().(error)
		if err := b.settleLane(l, err); err != nil {
			return nil, err
		}
	}
}

func (l *lane) startCommit() {
	l.committing, l.pending, l.rows = l.pending, newLaneSet(), 0
}

// newLaneSet is a lane's pending set, sized once for a commit's rows:
// mapped, its pages cost memory only once written.
func newLaneSet() *idSet { return newIDSet(laneCommitRows) }

// settle takes the answers of the commits under way, waiting for them if
// wait is set.
func (b *Bulk) settle(wait bool) error {
	var errs []error
	for _, l := range b.lanes {
		if l.committing == nil {
			continue
		}
		if wait {
			errs = append(errs, b.settleLane(l, <-l.done))
			continue
		}
		select {
		case err := <-l.done:
			errs = append(errs, b.settleLane(l, err))
		default:
		}
	}
	return errors.Join(errs...)
}

// settleLane takes the answer to l's commit: committed hashes become
// stored ones; should the commit have failed, its rows are neither stored
// nor known.
func (b *Bulk) settleLane(l *lane, err error) error {
	set := l.committing
	l.committing = nil
	defer set.release()
	if err != nil {
		return fmt.Errorf("store: bulk commit: %w", err)
	}
	b.s.dedupMu.Lock()
	b.s.dedup.addSet(set)
	b.s.dedupMu.Unlock()
	b.stored += set.n
	return nil
}

// Stored is how many events this load has committed so far: all it
// accepted after Close, what is kept after a failure or Abort.
func (b *Bulk) Stored() int { return b.stored }

// Close commits what is pending and ends the load.
func (b *Bulk) Close() error {
	defer b.release()
	if err := b.settle(true); err != nil {
		return err
	}
	for _, l := range b.lanes {
		l.work <- laneWork{commit: true}
		l.startCommit()
	}
	return b.settle(true)
}

// Abort rolls back what was appended and not committed, and ends the load.
// A commit under way ends first and counts.
func (b *Bulk) Abort() { b.release() }

// stop ends every lane's goroutine, settles a commit under way and rolls
// back what a lane has not committed.
func (b *Bulk) stop() {
	for _, l := range b.lanes {
		close(l.work)
		for err := range l.done {
			b.settleLane(l, err)
		}
		l.app.clear()
		l.app.exec(`ROLLBACK`)
		l.app.close()
		l.pending.release()
	}
	b.lanes = nil
}

func (b *Bulk) release() {
	b.stop()
	b.s.appendMu.Unlock()
}
