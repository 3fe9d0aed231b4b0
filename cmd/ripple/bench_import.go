package main

import (
	"bufio"
	"context"
	"fmt"
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
	fs := newFlagSet(s, "bench import", "bench import [--events N] [--keep DIR]")
	events := fs.Int("events", 1000000, "about how many events to simulate and import")
	keep := fs.String("keep", "", "work in DIR and keep the file and store (default: a temporary directory)")
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
	file := filepath.Join(dir, "events.ndjson")
	start := time.Now()
	n, err := writeSimulation(ctx, file, *events)
	if err != nil {
		return err
	}
	gen := time.Since(start)
	fi, _ := os.Stat(file)
	fmt.Fprintf(s.out, "simulated %d events (%.0f MB) in %s: %.0f events/s\n", n, float64(fi.Size())/1e6, gen.Round(time.Millisecond), float64(n)/gen.Seconds())

	self, err := os.Executable()
	if err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	for _, step := range [][]string{{"workspace", "create", "--data", data, "--name", "Bench"}} {
		if out, err := exec.CommandContext(ctx, self, step...).CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %v: %s", step, err, out)
		}
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
	fmt.Fprintf(s.out, "import: %d events in %s = %.0f events/s (process start and store open included); peak RSS %.0f MB\n",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), float64(rss)/(1<<20))
	return nil
}

// writeSimulation writes about events simulated messages as NDJSON.
func writeSimulation(ctx context.Context, path string, events int) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	n := 0
	var line []byte
	_, err = sim.Run(ctx, sim.Config{Seed: 7, People: sim.PeopleFor(events, 90), Days: 90, SkipIncrementality: true},
		func(m *event.Message) error {
			line = sim.AppendNDJSON(line[:0], m)
			n++
			_, err := w.Write(line)
			return err
		})
	if err != nil {
		return n, err
	}
	if err := w.Flush(); err != nil {
		return n, err
	}
	return n, f.Close()
}
