package identity_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"ripple/internal/event"
	"ripple/internal/identity"
	"ripple/internal/store"
)

// BenchmarkResolve resolves 3M identifiers into 1M profiles in batches of
// 4096 messages, storing the changes in a real store as ingest will: a
// million people, each with a user id, an email and a browser. Half browse
// first and sign up (two messages); the other half are identified by the
// backend first, then browse anonymously and sign in, which merges two
// profiles (three messages). Each pass over the people is one kind of
// message, so merges happen late, with the graph full. The messages are
// made with the timer stopped; resolution and persistence are timed, in
// wall-clock seconds and in the CPU seconds the process spent on them (cpu-s,
// which other programs on the machine do not inflate); commit-s is the part
// of the time spent storing; checkpoint-s and checkpoint-cpu-s, untimed, the
// checkpoint that folds what was committed into the database file.
// load-s is how long a fresh resolver takes to load the stored graph (a
// restart).
//
// "batch" stores every batch's changes before the next (Resolve, as
// collection will); "grouped" stores them 64 batches at a time (a Pending,
// as an import can).
func BenchmarkResolve(b *testing.B) {
	b.Run("batch", func(b *testing.B) { benchResolve(b, 1) })
	b.Run("grouped", func(b *testing.B) { benchResolve(b, 64) })
}

func benchResolve(b *testing.B, commitEvery int) {
	const people, batchSize = 1_000_000, 4096
	ctx := context.Background()
	b.StopTimer()
	for range b.N {
		st, err := store.Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		ws := createWorkspace(b, st, "Bench")
		r, err := identity.New(st, identity.DefaultRules(), time.Now)
		if err != nil {
			b.Fatal(err)
		}
		batch := make([]event.Message, 0, batchSize)
		var total identity.Stats
		pending, staged := r.Begin(), 0
		var cpu, committing time.Duration
		commit := func() error {
			began := time.Now()
			err := pending.Commit(ctx)
			committing += time.Since(began)
			pending, staged = r.Begin(), 0
			return err
		}
		flush := func() {
			b.StartTimer()
			began := processCPU()
			s, err := pending.Resolve(ctx, batch)
			if staged++; err == nil && staged == commitEvery {
				err = commit()
			}
			cpu += processCPU() - began
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			total.Add(s)
			batch = batch[:0]
		}
		num := 0
		add := func(m event.Message) {
			num++
			m.Workspace, m.MessageID, m.Timestamp = ws.ID, "m"+strconv.Itoa(num), day0
			batch = append(batch, m)
			if len(batch) == batchSize {
				flush()
			}
		}
		user := func(i int) string { return "user-" + strconv.Itoa(i) }
		anon := func(i int) string { return "anon-" + strconv.Itoa(i) + "-9f3c2a" }
		traits := func(i int) json.RawMessage {
			return json.RawMessage(`{"email":"person` + strconv.Itoa(i) + `@mail.example"}`)
		}
		for pass := range 3 {
			for i := range people {
				browseFirst := i%2 == 0
				switch {
				case pass == 0 && browseFirst:
					add(event.Message{Type: event.Page, AnonymousID: anon(i)})
				case pass == 0:
					add(event.Message{Type: event.Identify, UserID: user(i), Traits: traits(i)})
				case pass == 1 && browseFirst:
					add(event.Message{Type: event.Identify, UserID: user(i), AnonymousID: anon(i), Traits: traits(i)})
				case pass == 1:
					add(event.Message{Type: event.Page, AnonymousID: anon(i)})
				case pass == 2 && !browseFirst:
					add(event.Message{Type: event.Identify, UserID: user(i), AnonymousID: anon(i)})
				}
			}
		}
		if len(batch) > 0 {
			flush()
		}
		b.StartTimer()
		began := processCPU()
		err = commit()
		cpu += processCPU() - began
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if total.Created-total.Merged != people || total.Merged != people/2 {
			b.Fatalf("stats %+v: want %d live profiles after %d merges", total, people, people/2)
		}
		b.ReportMetric(float64(3*people)/b.Elapsed().Seconds(), "identifiers/s")
		b.ReportMetric(b.Elapsed().Seconds(), "s/3M-identifiers")
		b.ReportMetric(cpu.Seconds(), "cpu-s/3M-identifiers")
		b.ReportMetric(committing.Seconds(), "commit-s")

		// What small commits leave in the write-ahead log, a checkpoint
		// compresses into the file later: timed apart, since the server does
		// it after bursts, off the ingest path.
		checkpointing, checkpointCPU := time.Now(), processCPU()
		if err := st.Checkpoint(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(checkpointing).Seconds(), "checkpoint-s")
		b.ReportMetric((processCPU() - checkpointCPU).Seconds(), "checkpoint-cpu-s")

		// A restart: a fresh resolver loads the stored graph on its first batch.
		fresh, err := identity.New(st, identity.DefaultRules(), time.Now)
		if err != nil {
			b.Fatal(err)
		}
		loading := time.Now()
		probe := []event.Message{{Workspace: ws.ID, MessageID: "probe", Type: event.Page, AnonymousID: anon(1)}}
		if _, err := fresh.Resolve(ctx, probe); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(loading).Seconds(), "load-s")
		b.ReportMetric(float64(total.Created), "profiles-created")
		if want, err := st.FindProfile(ctx, ws.ID, identity.Identifier{Kind: identity.UserID, Value: user(1)}); err != nil || probe[0].Profile != want {
			b.Fatalf("after reload, anon-1 resolves to %d, user-1's profile is %d (%v)", probe[0].Profile, want, err)
		}
		st.Close()
	}
}
