package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"ripple/internal/event"
	"ripple/internal/sim"
)

// benchImport simulates an NDJSON file, then imports it with a child
// `ripple import` so that the peak memory reported is the import's alone.
func benchImport(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "bench import", "bench import [--events N] [--keep DIR] [--baseline=false]")
	events := fs.Int("events", 1000000, "about how many events to simulate and import")
	keep := fs.String("keep", "", "work in DIR and keep the file and store (default: a temporary directory)")
	baseline := fs.Bool("baseline", true, "also time DuckDB loading the file with its own NDJSON reader")
	if err := fs.parse(args); err != nil {
		return err
	}
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "ripple-bench-import-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	file, data := filepath.Join(dir, "events.ndjson"), filepath.Join(dir, "data")
	if _, err := os.Stat(data); err == nil {
		return fmt.Errorf("--keep: %s holds a store from an earlier run; remove it or choose another directory", data)
	}
	start := time.Now()
	n, err := writeSimulation(ctx, file, *events)
	if err != nil {
		return err
	}
	gen := time.Since(start)
	fi, _ := os.Stat(file)
	fmt.Fprintf(s.out, "simulated %d events (%.0f MB) in %s: %.0f events/s\n", n, float64(fi.Size())/1e6, gen.Round(time.Millisecond), float64(n)/gen.Seconds())
	// The file is written to disk before the import starts: the kernel would
	// otherwise write its gigabytes back while the import runs, and the
	// import would be timed with that work, which a file at rest does not cost.
	if err := syncFile(file); err != nil {
		return err
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	// Only the import runs in a process of its own, so that its peak memory
	// is measured alone.
	if err := cmdWorkspace(ctx, stdio{out: io.Discard, err: s.err, getenv: s.getenv}, []string{"create", "--data", data, "--name", "Bench"}); err != nil {
		return fmt.Errorf("workspace create: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, "import", "--data", data, file)
	cmd.Stderr = s.err
	start = time.Now()
	out, err := cmd.Output()
	elapsed := time.Since(start)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprint(s.out, string(out))
	rss := int64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024
	}
	rate := float64(n) / elapsed.Seconds()
	fmt.Fprintf(s.out, "import: %d events in %s = %.0f events/s (process start and store open included); peak RSS %.0f MB\n",
		n, elapsed.Round(time.Millisecond), rate, float64(rss)/(1<<20))
	if !*baseline {
		return nil
	}
	rows, took, err := duckdbOwnLoad(ctx, filepath.Join(dir, "baseline.duckdb"), file)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	own := float64(rows) / took.Seconds()
	fmt.Fprintf(s.out, "baseline: DuckDB's own read_ndjson into a table, nine columns, no validation: %d rows in %s = %.0f rows/s\n",
		rows, took.Round(time.Millisecond), own)
	fmt.Fprintf(s.out, "ratio: import / DuckDB's own load %.2f\n", rate/own)
	return nil
}

// duckdbOwnLoad loads file into a fresh database with DuckDB's own
// multi-threaded NDJSON reader, keeping the columns Segment messages share:
// what the storage engine alone achieves on this machine, without Ripple's
// validation, channels, stages or deduplication.
func duckdbOwnLoad(ctx context.Context, path, file string) (int64, time.Duration, error) {
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	start := time.Now()
	_, err = db.ExecContext(ctx, `CREATE TABLE events AS SELECT * FROM read_ndjson(?, columns = {
		type: 'VARCHAR', messageId: 'VARCHAR', anonymousId: 'VARCHAR', userId: 'VARCHAR', event: 'VARCHAR',
		properties: 'JSON', context: 'JSON', traits: 'JSON', timestamp: 'TIMESTAMP'})`, file)
	if err == nil {
		_, err = db.ExecContext(ctx, `CHECKPOINT`)
	}
	took := time.Since(start)
	var n int64
	if err == nil {
		err = db.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n)
	}
	return n, took, err
}

// syncFile writes path's cached pages to disk and waits for them.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// writeSimulation writes about events simulated messages as NDJSON.
func writeSimulation(ctx context.Context, path string, events int) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	truth, err := sim.Run(ctx, sim.Config{Seed: 7, People: sim.PeopleFor(events, 90), Days: 90, SkipIncrementality: true},
		func(m *event.Message) error { return sim.WriteNDJSON(w, m) })
	if err != nil {
		return 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return int(truth.Counts.Events), f.Close()
}
