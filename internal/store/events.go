package store

import (
	"context"
	"fmt"

	"ripple/internal/event"
)

// AppendEvents stores msgs durably, skipping any message whose (workspace,
// message id) is already stored: clients retry, and a retried batch must not
// count twice. It returns how many were new; when it returns a nil error
// those rows are committed. Calls may run concurrently: each commits through
// its own connection, while ids in flight count as taken, so a retry racing
// its original is still stored once.
func (s *Store) AppendEvents(ctx context.Context, msgs []event.Message) (int, error) {
	s.appendMu.RLock()
	defer s.appendMu.RUnlock()

	s.dedupMu.Lock()
	hashes, dup, n := s.fresh(msgs, s.inflight)
	for i, h := range hashes {
		if !dup[i] {
			s.inflight[h] = struct{}{}
		}
	}
	s.dedupMu.Unlock()
	if n == 0 {
		return 0, nil
	}

	chans, err := s.channelIDsOf(ctx, msgs, dup)
	if err == nil {
		w := <-s.writers
		err = w.append(s.path, msgs, dup, chans)
		s.writers <- w
	}

	s.dedupMu.Lock()
	for i, h := range hashes {
		if !dup[i] {
			delete(s.inflight, h)
			if err == nil {
				s.dedup.add(h)
			}
		}
	}
	s.dedupMu.Unlock()
	if err != nil {
		return 0, fmt.Errorf("store: append events: %w", err)
	}
	return n, nil
}

// fresh hashes each message's (workspace, message id) and marks those already
// stored, already taken (pending in a bulk transaction or in flight), or
// repeated within msgs. It returns the hashes, the marks and how many are
// new. The caller holds dedupMu.
func (s *Store) fresh(msgs []event.Message, inflight map[uint64]struct{}, pending ...*idSet) ([]uint64, []bool, int) {
	dup := make([]bool, len(msgs))
	hashes := make([]uint64, len(msgs))
	for i := range msgs {
		hashes[i] = s.dedup.hash(msgs[i].Workspace, msgs[i].MessageID)
	}
	s.dedup.prefetch(hashes)
	for _, set := range pending {
		set.prefetch(hashes)
	}
	seen := make(map[uint64]struct{}, len(msgs))
	for i, h := range hashes {
		_, again := seen[h]
		_, flying := inflight[h]
		if again || flying || s.dedup.has(h) || anyHas(pending, h) {
			dup[i] = true
			continue
		}
		seen[h] = struct{}{}
	}
	return hashes, dup, len(seen)
}

func anyHas(sets []*idSet, h uint64) bool {
	for _, set := range sets {
		if set.has(h) {
			return true
		}
	}
	return false
}

// writer is one ingest connection with its appender, kept between commits:
// making them costs about as much as appending a hundred rows, and
// collection commits small groups many times a second.
type writer struct {
	app *eventAppender
}

// append appends the messages not marked dup and commits them. After an
// error the appender is dropped and made anew next time.
func (w *writer) append(path string, msgs []event.Message, dup []bool, chans []int32) error {
	if w.app == nil {
		app, err := openEventAppender(path)
		if err != nil {
			return err
		}
		w.app = app
	}
	err := w.app.append(msgs, dup, chans)
	if err == nil {
		err = w.app.flush() // outside a transaction a flush is a commit
	}
	if err != nil {
		w.close()
	}
	return err
}

func (w *writer) close() {
	if w.app != nil {
		w.app.close()
		w.app = nil
	}
}

// loadMessageIDs reads the ids of every stored message into a fresh set, so
// that deduplication survives restarts, crashes included.
func (s *Store) loadMessageIDs(ctx context.Context) (*idSet, error) {
	var n, last int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(rowid), -1) FROM events`).Scan(&n, &last); err != nil {
		return nil, fmt.Errorf("store: count events: %w", err)
	}
	set := newIDSet(int(n))
	for from := int64(0); from <= last; from += idPage {
		if err := s.readMessageIDs(ctx, set, from, from+idPage); err != nil {
			set.release()
			return nil, fmt.Errorf("store: load message ids: %w", err)
		}
	}
	return set, nil
}

// idPage is how many rows loadMessageIDs reads per query. DuckDB
// materialises a query's whole result: ten million ids at once took most of
// a gigabyte, a page of them takes a few megabytes. (A variable for a test.)
var idPage int64 = 1 << 17

// readMessageIDs adds the ids of the rows in [from, to) to set.
func (s *Store) readMessageIDs(ctx context.Context, set *idSet, from, to int64) error {
	rows, err := s.db.QueryContext(ctx, `SELECT workspace_id, message_id FROM events WHERE rowid >= ? AND rowid < ?`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	var ws, id string
	for rows.Next() {
		if err := rows.Scan(&ws, &id); err != nil {
			return err
		}
		set.add(set.hash(ws, id))
	}
	return rows.Err()
}

// CountEvents is the number of events stored for a workspace.
func (s *Store) CountEvents(ctx context.Context, workspace string) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE workspace_id = ?`, workspace).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count events: %w", err)
	}
	return n, nil
}
