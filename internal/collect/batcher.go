// Package collect owns the Segment-compatible collection API: it
// authenticates write keys, decodes and validates batches, and group-commits
// them to the event store, answering a client only once its events are durable.
package collect

import (
	"context"
	"errors"
	"sync"
	"time"

	"ripple/internal/event"
	"ripple/internal/metrics"
)

// Sink stores events durably and deduplicated, reporting how many were new.
// The embedded store implements it; a distributed engine can later. One
// commit loop is faster than two here: two halve the groups, and a commit's
// fixed cost (the log sync) then dominates.
type Sink interface {
	AppendEvents(ctx context.Context, msgs []event.Message) (int, error)
}

// ErrOverloaded means the commit queue is full; the client should retry later.
var ErrOverloaded = errors.New("collect: ingest queue is full")

// errClosed means the batcher was stopped before the request was committed.
var errClosed = errors.New("collect: shutting down")

type request struct {
	msgs []event.Message
	done chan error
}

// Batcher group-commits requests: while one commit is being written, the
// requests that arrive meanwhile queue up and are written together by the
// next one. No timer is involved, so an idle server answers at once and a
// busy one commits in large, cheap appends.
type Batcher struct {
	sink    Sink
	queue   chan *request
	maxRows int

	stored, dupes *metrics.Counter
	commit        *metrics.Histogram

	mu     sync.RWMutex // guards closed against Submit racing Close
	closed bool
	wg     sync.WaitGroup
}

// NewBatcher starts a batcher that holds at most queueLen waiting requests
// and writes at most maxRows rows per commit.
func NewBatcher(sink Sink, reg *metrics.Registry, queueLen, maxRows int) *Batcher {
	b := &Batcher{
		sink:    sink,
		queue:   make(chan *request, queueLen),
		maxRows: maxRows,
		stored:  reg.Counter("ripple_events_stored_total", "Events committed to the store."),
		dupes:   reg.Counter("ripple_events_duplicate_total", "Events skipped because their message id was already stored."),
		commit:  reg.Histogram("ripple_commit_seconds", "Time to commit one group of batches."),
	}
	b.wg.Add(1)
	go b.loop()
	return b
}

// Submit queues msgs and waits until they are committed. It fails fast with
// ErrOverloaded instead of letting requests pile up without bound.
func (b *Batcher) Submit(ctx context.Context, msgs []event.Message) error {
	r := &request{msgs: msgs, done: make(chan error, 1)}
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return errClosed
	}
	select {
	case b.queue <- r:
	default:
		b.mu.RUnlock()
		return ErrOverloaded
	}
	b.mu.RUnlock()
	// Once queued the request will be committed even if the client goes
	// away, so wait for the outcome rather than for ctx.
	return <-r.done
}

// Stored is how many events the batcher has committed since it started.
func (b *Batcher) Stored() int64 { return b.stored.Value() }

// Close stops accepting requests, commits every queued one and returns.
func (b *Batcher) Close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	b.wg.Wait()
}

func (b *Batcher) loop() {
	defer b.wg.Done()
	var group []*request
	var rows []event.Message
	for first := range b.queue {
		group = append(group[:0], first)
		n := len(first.msgs)
	more:
		for n < b.maxRows {
			select {
			case r, ok := <-b.queue:
				if !ok {
					break more
				}
				group = append(group, r)
				n += len(r.msgs)
			default:
				break more
			}
		}
		rows = rows[:0]
		for _, r := range group {
			rows = append(rows, r.msgs...)
		}
		start := time.Now()
		inserted, err := b.sink.AppendEvents(context.Background(), rows)
		b.commit.Observe(time.Since(start))
		if err == nil {
			b.stored.Add(int64(inserted))
			b.dupes.Add(int64(len(rows) - inserted))
		}
		for _, r := range group {
			r.done <- err
		}
		clear(group)
		clear(rows) // or the last commit's messages stay reachable until the next
	}
}
