package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"ripple/internal/config"
	"ripple/internal/importer"
	"ripple/internal/store"
)

func cmdImport(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "import", `import [--data DIR] [--workspace ID] [--format ndjson|csv] FILE

Loads touchpoints into a workspace, validated as the collection API validates
them; a message id already stored is counted as a duplicate, not stored again.
FILE "-" reads standard input.

NDJSON: one Segment message per line (identify, track, page, screen, group,
alias), e.g. an export of Segment or RudderStack.
CSV: a header row; the columns message_id, type (default track), event, name,
user_id, anonymous_id, timestamp, email, utm_source, utm_medium, utm_campaign,
utm_content, utm_term, url, referrer have their Segment meaning; every other
column (revenue, channel, platform, text, ...) becomes a property.`)
	cfg := fs.settings(config.Data)
	ws := fs.String("workspace", "", "workspace id (default: the only workspace)")
	format := fs.String("format", "", "ndjson or csv (default: from the file name, else ndjson)")
	memory := fs.String("memory", "40MB", "the database's memory while loading, e.g. 256MB; raise it if the import runs out")
	if err := fs.parse(args); err != nil {
		return err
	}
	if !memorySize.MatchString(*memory) {
		return fmt.Errorf("--memory: %q is not a size such as 32MB or 1GB", *memory)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	path := fs.Arg(0)
	f := importer.Format(strings.ToLower(*format))
	if f == "" {
		f = importer.NDJSON
		if strings.EqualFold(filepath.Ext(path), ".csv") {
			f = importer.CSV
		}
	}
	in, size, err := openInput(s, path)
	if err != nil {
		return err
	}
	defer in.Close()

	// A bulk load writes row groups straight to the file, so it needs little
	// of DuckDB's cache; what does not fit is spilled to the data directory.
	// DuckDB still needs what it is appending and compressing at that
	// moment: a 10M-event load once ran out at 32 MB, so 40 is the default.
	// DuckDB does its part of the load on the load's own lanes; worker
	// threads of its own would only poll for tasks and compete for the
	// cores (one thread: about 15% faster). Without FSST an import's
	// strings cost less to store, for a larger file. The Go heap is the
	// chunks in flight, about 22 MB; the deduplication set lives outside
	// it. Its soft limit keeps the collector from letting it double.
	st, err := openStore(ctx, cfg.Data, store.WithMemoryLimit(*memory), store.WithThreads(1), store.WithoutFSST())
	if s.getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(48 << 20))
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if *ws, err = resolveWorkspace(ctx, st, *ws); err != nil {
		return err
	}
	bulk, err := st.BeginBulk(ctx)
	if err != nil {
		return err
	}
	bulk.Reserve(estimateLines(in, size))
	bar := newProgressBar(s.err, size)
	sum, err := importer.Import(ctx, in, bulk, importer.Options{Workspace: *ws, Format: f, Progress: bar.update})
	bar.done()
	if err != nil {
		bulk.Abort()
		printSummary(s.out, sum)
		hint := ""
		if strings.Contains(err.Error(), "memory_limit") { // DuckDB's advice when it runs out
			hint = " with a larger --memory"
		}
		return fmt.Errorf("%w (%d events were stored before it, the rest rolled back: run the import again%s; stored lines count as duplicates)", err, bulk.Stored(), hint)
	}
	if err := bulk.Close(); err != nil {
		return err
	}
	printSummary(s.out, sum)
	return nil
}

// memorySize is what --memory accepts: a number and a unit DuckDB knows.
var memorySize = regexp.MustCompile(`^(?i)[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|KiB|MiB|GiB)$`)

// estimateLines guesses how many lines in holds, so the deduplication set
// is sized once and not much larger than needed. A file is sampled at
// several places, since its first lines may be shorter or longer than the
// rest; other input is not sized.
func estimateLines(in io.Reader, size int64) int {
	f, ok := in.(io.ReaderAt)
	if !ok || size <= 0 {
		return 0
	}
	const samples, sampleBytes = 16, 64 << 10
	buf := make([]byte, sampleBytes)
	var read, lines int64
	for i := range int64(samples) {
		n, _ := f.ReadAt(buf, i*size/samples)
		read += int64(n)
		lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
	}
	if lines == 0 {
		return 0
	}
	return int(size * lines / read)
}

func openInput(s stdio, path string) (io.ReadCloser, int64, error) {
	if path == "-" {
		return io.NopCloser(s.in), 0, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	return f, size, nil
}

// resolveWorkspace defaults to the only workspace, so a first import needs
// no id; with several, the user must say which.
func resolveWorkspace(ctx context.Context, st *store.Store, id string) (string, error) {
	if id != "" {
		if _, err := st.Workspace(ctx, id); err != nil {
			return "", fmt.Errorf("--workspace: %w", err)
		}
		return id, nil
	}
	all, err := st.Workspaces(ctx)
	if err != nil {
		return "", err
	}
	switch len(all) {
	case 0:
		return "", fmt.Errorf("--workspace: there is no workspace yet; create one with 'ripple workspace create --name NAME'")
	case 1:
		return all[0].ID, nil
	}
	return "", fmt.Errorf("--workspace: is required when there are several workspaces (see 'ripple workspace list')")
}

func printSummary(w io.Writer, sum importer.Summary) {
	rate := 0.0
	if sum.Elapsed > 0 {
		rate = float64(sum.Accepted+sum.Duplicate+sum.Rejected) / sum.Elapsed.Seconds()
	}
	fmt.Fprintf(w, "lines %d: accepted %d, duplicate %d, rejected %d in %s (%.0f events/s)\n",
		sum.Lines, sum.Accepted, sum.Duplicate, sum.Rejected, sum.Elapsed.Round(time.Millisecond), rate)
	for _, r := range sum.Rejects {
		fmt.Fprintf(w, "  line %d: %s\n", r.Line, r.Reason)
	}
	if more := sum.Rejected - len(sum.Rejects); more > 0 {
		fmt.Fprintf(w, "  ... and %d more rejected lines\n", more)
	}
}

// progressBar redraws one line on a terminal; elsewhere (a pipe, a log) it
// stays silent so output stays clean.
type progressBar struct {
	w     io.Writer
	size  int64
	tty   bool
	start time.Time
	last  time.Time
}

func newProgressBar(w io.Writer, size int64) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, size: size, tty: tty, start: time.Now()}
}

func (p *progressBar) update(pr importer.Progress) {
	if !p.tty || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	rate := float64(pr.Lines) / time.Since(p.start).Seconds()
	if p.size <= 0 {
		fmt.Fprintf(p.w, "\r%d lines  %.0f/s  ", pr.Lines, rate)
		return
	}
	frac := min(1, float64(pr.Bytes)/float64(p.size))
	const width = 30
	filled := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%%  %d lines  %.0f/s  rejected %d ",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100, pr.Lines, rate, pr.Rejected)
}

func (p *progressBar) done() {
	if p.tty && !p.last.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
