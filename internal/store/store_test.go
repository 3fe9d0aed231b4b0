package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ripple/internal/access"
	"ripple/internal/event"
	"ripple/internal/workspace"
)

func openTest(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func msg(ws, id string) event.Message {
	m, err := event.Parse([]byte(fmt.Sprintf(`{"type":"track","event":"Product Viewed","userId":"u1","messageId":%q,"properties":{"revenue":"1.5"}}`, id)),
		-1, time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), event.Defaults{})
	if err != nil {
		panic(err)
	}
	if err := event.Enrich(&m, -1); err != nil {
		panic(err)
	}
	m.Workspace = ws
	return m
}

// batch is messages of workspace "a" with the ids from to from+n-1.
func batch(from, n int) []event.Message {
	var msgs []event.Message
	for i := from; i < from+n; i++ {
		msgs = append(msgs, msg("a", fmt.Sprint(i)))
	}
	return msgs
}

// openBulk begins a bulk load on a new store, closed when the test ends.
func openBulk(t *testing.T) (*Store, *Bulk) {
	t.Helper()
	s := openTest(t, t.TempDir())
	t.Cleanup(func() { s.Close() })
	b, err := s.BeginBulk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, b
}

func TestAppendDeduplicatesAcrossCallsAndRestarts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTest(t, dir)
	n, err := s.AppendEvents(ctx, []event.Message{msg("a", "1"), msg("a", "2"), msg("a", "1"), msg("b", "1")})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("first append inserted %d, want 3: the repeat of a/1 skipped", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openTest(t, dir)
	defer s.Close()
	n, err = s.AppendEvents(ctx, []event.Message{msg("a", "2"), msg("a", "3")})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("after restart inserted %d, want 1: a/2 is already stored", n)
	}
	for ws, want := range map[string]int64{"a": 3, "b": 1} {
		if n, err := s.CountEvents(ctx, ws); err != nil || n != want {
			t.Errorf("CountEvents(%s) = %d, %v; want %d", ws, n, err, want)
		}
	}
}

func TestWriteKeysAreHashedAndScoped(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	settings := workspace.New(s, nil, nil, workspace.Hooks{})
	a, err := settings.Create(ctx, "Acme", "product")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := settings.Create(ctx, "Beta", "service")
	key, secret, err := settings.CreateKey(ctx, access.Operator(a.ID), "site")
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	s.db.QueryRowContext(ctx, `SELECT count(*) FROM write_keys WHERE hash = ? OR hint = ?`, secret, secret).Scan(&stored)
	if stored != 0 {
		t.Fatal("the key's secret is stored in plain text")
	}
	if ws, err := s.WorkspaceForKey(ctx, secret); err != nil || ws != a.ID {
		t.Fatalf("WorkspaceForKey = %q, %v; want %q", ws, err, a.ID)
	}
	if err := s.RevokeWriteKey(ctx, b.ID, key.ID, time.Now()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoking A's key from workspace B: err %v, want ErrNotFound", err)
	}
	if err := s.RevokeWriteKey(ctx, a.ID, key.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WorkspaceForKey(ctx, secret); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoked key still resolves: %v", err)
	}
}

func TestIDSetGrows(t *testing.T) {
	s := newIDSet(0)
	for i := uint64(1); i <= 100000; i++ {
		if !s.add(i * 0x9E3779B97F4A7C15) {
			t.Fatalf("add %d reported a duplicate", i)
		}
	}
	for i := uint64(1); i <= 100000; i++ {
		if !s.has(i * 0x9E3779B97F4A7C15) {
			t.Fatalf("lost %d after growing", i)
		}
	}
	if s.has(12345) || s.add(0x9E3779B97F4A7C15) {
		t.Fatal("set answers wrongly for an absent or present hash")
	}
	s.reserve(1000000)
	seven := uint64(7)
	if len(s.slots) < 1100000 || !s.has(seven*0x9E3779B97F4A7C15) || s.n != 100000 {
		t.Fatalf("after reserve: %d slots, %d hashes; want room for 1.1M and every hash kept", len(s.slots), s.n)
	}
}

// TestIDSetAddSet merges more hashes than one prefetch batch, some already
// present, and counts each hash once.
func TestIDSetAddSet(t *testing.T) {
	into, from := newIDSet(0), newIDSet(0)
	for i := uint64(1); i <= 1000; i++ {
		into.add(i * 0x9E3779B97F4A7C15)
	}
	for i := uint64(501); i <= 2500; i++ {
		from.add(i * 0x9E3779B97F4A7C15)
	}
	into.addSet(from)
	if into.n != 2500 {
		t.Fatalf("after addSet: %d hashes, want 2500", into.n)
	}
	for i := uint64(1); i <= 2500; i++ {
		if !into.has(i * 0x9E3779B97F4A7C15) {
			t.Fatalf("hash %d missing after addSet", i)
		}
	}
}

func TestBulkDeduplicatesAndCommits(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTest(t, dir)
	if _, err := s.AppendEvents(ctx, []event.Message{msg("a", "1")}); err != nil {
		t.Fatal(err)
	}
	b, err := s.BeginBulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		msgs []event.Message
		want int
	}{
		{[]event.Message{msg("a", "1"), msg("a", "2"), msg("a", "2")}, 1}, // 1 is stored, 2 repeats
		{[]event.Message{msg("a", "2"), msg("a", "3")}, 1},                // 2 is pending in the transaction
	} {
		if n, err := b.AppendEvents(ctx, tc.msgs); err != nil || n != tc.want {
			t.Fatalf("bulk append: %d, %v; want %d new", n, err, tc.want)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountEvents(ctx, "a"); n != 3 {
		t.Fatalf("after bulk: %d events, want 3", n)
	}

	b, _ = s.BeginBulk(ctx)
	if n, _ := b.AppendEvents(ctx, []event.Message{msg("a", "3"), msg("a", "4")}); n != 1 {
		t.Fatalf("second bulk appended %d, want 1 (3 is committed)", n)
	}
	b.Abort()
	if n, _ := s.CountEvents(ctx, "a"); n != 3 {
		t.Fatalf("after abort: %d events, want 3", n)
	}
	// An aborted id is not taken for stored.
	if n, _ := s.AppendEvents(ctx, []event.Message{msg("a", "4")}); n != 1 {
		t.Fatalf("append after abort: %d, want 1", n)
	}
	s.Close()
	s = openTest(t, dir)
	defer s.Close()
	if n, _ := s.AppendEvents(ctx, []event.Message{msg("a", "2"), msg("a", "4")}); n != 0 {
		t.Fatalf("after restart %d appended, want both recognised", n)
	}
}

// TestBulkCommitsAsItGoes: each lane commits every laneCommitRows rows
// while the load goes on; an abort keeps what was committed and nothing
// after it, and the committed ids, only they, count as stored.
func TestBulkCommitsAsItGoes(t *testing.T) {
	defer func(n int) { laneCommitRows = n }(laneCommitRows)
	laneCommitRows = 10
	ctx := context.Background()
	s, b := openBulk(t)
	for from := 0; from < 60; from += 6 {
		if n, err := b.AppendEvents(ctx, batch(from, 6)); err != nil || n != 6 {
			t.Fatalf("bulk append at %d: %d, %v", from, n, err)
		}
	}
	b.Abort()
	// A lane commits with every second batch it takes, so at most one
	// batch per lane is left to roll back.
	stored := b.Stored()
	if n, _ := s.CountEvents(ctx, "a"); n != int64(stored) || stored < 48 {
		t.Fatalf("after abort: %d events, load says %d stored; want them equal and at least 48", n, stored)
	}
	if n, _ := s.AppendEvents(ctx, batch(0, 60)); n != 60-stored {
		t.Fatalf("append after abort stored %d of the 60 ids, want the %d rolled back", n, 60-stored)
	}
}

// TestBulkReleasesAfterAppending: a bulk load calls release once per call,
// and only after its lane has appended the rows, so the caller may then
// overwrite them; a call whose rows are all stored already releases at once.
func TestBulkReleasesAfterAppending(t *testing.T) {
	ctx := context.Background()
	s, b := openBulk(t)
	var released atomic.Int32
	for _, from := range []int{0, 100, 200, 0} {
		msgs := batch(from, 100)
		_, err := b.AppendEventsThen(ctx, msgs, func() {
			released.Add(1)
			for i := range msgs {
				msgs[i].Event = "overwritten"
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if n := released.Load(); n != 4 {
		t.Errorf("released %d times, want once for each of the 4 calls", n)
	}
	var stored, overwritten int
	s.db.QueryRow(`SELECT count(*), count(*) FILTER (event = 'overwritten') FROM events`).Scan(&stored, &overwritten)
	if stored != 300 || overwritten != 0 {
		t.Errorf("stored %d events, %d of them overwritten; want 300 as appended", stored, overwritten)
	}
}

// TestIDsLoadPageByPage: ids stored across several pages of the start-up
// load are all known after a restart.
func TestIDsLoadPageByPage(t *testing.T) {
	defer func(n int64) { idPage = n }(idPage)
	idPage = 3
	ctx := context.Background()
	dir := t.TempDir()
	s := openTest(t, dir)
	var msgs []event.Message
	for i := range 10 {
		msgs = append(msgs, msg("a", fmt.Sprint(i)))
	}
	if n, err := s.AppendEvents(ctx, msgs); err != nil || n != 10 {
		t.Fatalf("append: %d, %v", n, err)
	}
	s.Close()
	s = openTest(t, dir)
	defer s.Close()
	if n, err := s.AppendEvents(ctx, append(msgs, msg("a", "10"))); err != nil || n != 1 {
		t.Fatalf("after restart: %d new, %v; want only id 10", n, err)
	}
}

// TestConcurrentAppendsStoreEachIDOnce: appends racing with the same ids, as
// a retry racing its original does, store every id exactly once.
func TestConcurrentAppendsStoreEachIDOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	const goroutines, ids = 6, 300
	var wg sync.WaitGroup
	var total atomic.Int64
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := 0; start < ids; start += 20 {
				var batch []event.Message
				for i := start; i < start+20; i++ {
					batch = append(batch, msg("a", fmt.Sprint((i+g*7)%ids)))
				}
				n, err := s.AppendEvents(ctx, batch)
				if err != nil {
					t.Error(err)
					return
				}
				total.Add(int64(n))
			}
		}()
	}
	wg.Wait()
	stored, _ := s.CountEvents(ctx, "a")
	var distinct int64
	s.db.QueryRow(`SELECT count(DISTINCT message_id) FROM events`).Scan(&distinct)
	if stored != ids || distinct != ids || total.Load() != ids {
		t.Fatalf("stored %d rows, %d distinct, reported %d new; want %d of each", stored, distinct, total.Load(), ids)
	}
}

// BenchmarkIDSet fills a set reserved for b.N hashes to its maximum load,
// looking each hash up before adding it, as deduplication does.
func BenchmarkIDSet(b *testing.B) {
	s := newIDSet(b.N)
	defer s.release()
	h := uint64(0x9E3779B97F4A7C15)
	for i := 0; i < b.N; i++ {
		h = h*6364136223846793005 + 1442695040888963407
		if !s.has(h) {
			s.add(h)
		}
	}
}

// TestUserEmailUniqueUnderRace: sign-ups racing with one address in
// different cases create one user; the others are told it exists.
func TestUserEmailUniqueUnderRace(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	emails := []string{"Ana@Example.com", "ana@example.com", " ANA@example.com", "ana@EXAMPLE.com"}
	errs := make(chan error, 4*len(emails))
	var wg sync.WaitGroup
	for i := range 4 * len(emails) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.CreateUser(ctx, access.User{ID: access.NewID("usr"), Email: emails[i%len(emails)], CreatedAt: time.Now()}, "x")
		}()
	}
	wg.Wait()
	close(errs)
	created := 0
	for err := range errs {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, ErrExists):
			t.Errorf("create: %v, want nil or ErrExists", err)
		}
	}
	var rows int
	s.db.QueryRow(`SELECT count(*) FROM users`).Scan(&rows)
	if created != 1 || rows != 1 {
		t.Fatalf("%d created, %d stored; want exactly one user", created, rows)
	}
	if u, _, err := s.UserByEmail(ctx, "ANA@example.COM"); err != nil || u.Email != "ana@example.com" {
		t.Fatalf("lookup: %+v, %v; want the user, stored lower-case", u, err)
	}
}
