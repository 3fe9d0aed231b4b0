package store

import (
	"context"
	"testing"
	"time"

	"ripple/internal/identity"
)

var seen = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func added(ws string, value string, profile int64) identity.Added {
	id := identity.Identifier{Kind: identity.AnonymousID, Value: value}
	return identity.Added{Key: identity.Key(ws, id), Identifier: id, Profile: profile, MessageID: "m-" + value, Time: seen}
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A save that fails part way, here on a merge that breaks a NOT NULL
// column, stores none of its rows; the next save works.
func TestSaveIdentityIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	bad := []identity.Changes{{
		Workspace: "ws",
		Added:     []identity.Added{added("ws", "a1", 1), added("ws", "a2", 2)},
		Merges:    []identity.Merge{{From: 2, Into: 1, MessageID: "", Via: 1, Time: seen}},
		Overrides: []identity.Override{{Profile: 2, Into: 1}},
	}}
	if err := s.SaveIdentity(ctx, bad); err == nil {
		t.Fatal("a merge without a message id was stored")
	}
	for _, table := range []string{"identity_identifiers", "identity_merges", "identity_overrides"} {
		if n := countRows(t, s, table); n != 0 {
			t.Errorf("%s holds %d rows after a failed save, want none", table, n)
		}
	}
	bad[0].Merges[0].MessageID = "m-3"
	if err := s.SaveIdentity(ctx, bad); err != nil {
		t.Fatalf("save after a failed one: %v", err)
	}
	if p, err := s.ProfileOf(ctx, "ws", 2); err != nil || p != 1 {
		t.Errorf("ProfileOf(2) = %d, %v; want 1", p, err)
	}
}

// Loading reads the graph a page at a time, keeping every row, and only
// the workspace's own; overrides stay one step after a survivor is merged.
func TestLoadIdentityPages(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	defer func(p int64) { idPage = p }(idPage)
	idPage = 7
	var a, b []identity.Added
	for i := range 50 {
		a = append(a, added("ws-a", "d"+string(rune('a'+i%26))+string(rune('a'+i/26)), int64(i+1)))
		b = append(b, added("ws-b", "x"+string(rune('a'+i%26))+string(rune('a'+i/26)), int64(i+1)))
	}
	changes := []identity.Changes{
		{Workspace: "ws-a", Added: a, Merges: []identity.Merge{{From: 2, Into: 1, MessageID: "m", Via: a[1].Key, Time: seen}}, Overrides: []identity.Override{{Profile: 2, Into: 1}}},
		{Workspace: "ws-b", Added: b},
	}
	if err := s.SaveIdentity(ctx, changes); err != nil {
		t.Fatal(err)
	}
	// Profile 1, which absorbed 2, is merged into 3: 2 must follow.
	moved := []identity.Changes{{Workspace: "ws-a", Merges: []identity.Merge{{From: 1, Into: 3, MessageID: "m2", Via: a[0].Key, Time: seen.Add(time.Hour)}},
		Overrides: []identity.Override{{Profile: 1, Into: 3}}, Moved: []identity.Override{{Profile: 1, Into: 3}}}}
	if err := s.SaveIdentity(ctx, moved); err != nil {
		t.Fatal(err)
	}
	links := map[uint64]int64{}
	overrides := map[int64]int64{}
	err := s.LoadIdentity(ctx, "ws-a", func(k uint64, p int64) { links[k] = p }, func(o identity.Override) { overrides[o.Profile] = o.Into })
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != len(a) {
		t.Errorf("loaded %d identifiers of ws-a, want %d", len(links), len(a))
	}
	for _, x := range a {
		if links[x.Key] != x.Profile {
			t.Errorf("%s: profile %d, want %d", x.Identifier, links[x.Key], x.Profile)
		}
	}
	if overrides[1] != 3 || overrides[2] != 3 || len(overrides) != 2 {
		t.Errorf("overrides %v, want 1 and 2 both into 3", overrides)
	}
	merges, err := s.ProfileMerges(ctx, "ws-a", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(merges) != 2 || merges[0].Via != a[1].Identifier || merges[1].Via != a[0].Identifier {
		t.Errorf("merge history of 3: %+v, want 2 into 1 via %s, then 1 into 3 via %s", merges, a[1].Identifier, a[0].Identifier)
	}
	if ids, err := s.ProfileIdentifiers(ctx, "ws-b", 3); err != nil || len(ids) != 1 || ids[0].Value != b[2].Value {
		t.Errorf("ws-b's profile 3: %+v, %v; want its own identifier alone", ids, err)
	}
}
