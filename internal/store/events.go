package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2"

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
		err = w.append(ctx, s.db, msgs, dup, chans)
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
	seen := make(map[uint64]struct{}, len(msgs))
	for i := range msgs {
		h := s.dedup.hash(msgs[i].Workspace, msgs[i].MessageID)
		hashes[i] = h
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
	conn *sql.Conn
	a    *duckdb.Appender
}

// append appends the messages not marked dup and commits them. After an
// error the connection and appender are dropped and made anew next time.
func (w *writer) append(ctx context.Context, db *sql.DB, msgs []event.Message, dup []bool, chans []int32) error {
	if w.a == nil {
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		err = conn.Raw(func(dc any) (err error) {
			w.a, err = duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "events")
			return err
		})
		if err != nil {
			conn.Close()
			return err
		}
		w.conn = conn
	}
	err := appendTo(w.a, msgs, dup, chans)
	if err == nil {
		err = w.a.Flush() // in auto-commit mode a flush is a commit
	}
	if err != nil {
		w.a.Clear() // or Close would commit the rows appended before the error
		w.close()
	}
	return err
}

func (w *writer) close() {
	if w.a != nil {
		w.a.Close()
		w.conn.Close()
		w.a, w.conn = nil, nil
	}
}

func appendTo(a *duckdb.Appender, msgs []event.Message, dup []bool, chans []int32) error {
	var r [eventColumns]driver.Value // one row's values, reused: rows are copied as they are appended
	for i := range msgs {
		if dup[i] {
			continue
		}
		fillRow(&r, &msgs[i], chans[i])
		if err := a.AppendRow(r[:]...); err != nil {
			return fmt.Errorf("message %q: %w", msgs[i].MessageID, err)
		}
	}
	return nil
}

// eventColumns is the number of columns of the events table.
const eventColumns = 21

// fillRow sets r to a message in the events table's column order.
func fillRow(r *[eventColumns]driver.Value, m *event.Message, channelID int32) {
	*r = [eventColumns]driver.Value{
		m.Workspace, m.MessageID, string(m.Type),
		nullable(m.UserID), nullable(m.AnonymousID), nullable(m.PreviousID), nullable(m.GroupID),
		nullable(m.Event), nullable(m.Name),
		m.Timestamp, nullTime(m.OriginalTimestamp), nullTime(m.SentAt), m.ReceivedAt,
		nullRaw(m.Properties), nullRaw(m.Traits), nullRaw(m.Context),
		channelID, int8(m.Stage.Rank()),
		nullFloat(m.Revenue), nullable(m.Currency), nullable(m.Text),
	}
}

func nullable(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// nullRaw passes raw JSON to the appender without copying it: the appender
// copies it into DuckDB at once, and nothing changes a message's bytes.
func nullRaw(b []byte) driver.Value {
	if len(b) == 0 {
		return nil
	}
	return unsafe.String(&b[0], len(b))
}

func nullTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullFloat(f float64) driver.Value {
	if f == 0 {
		return nil
	}
	return f
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
