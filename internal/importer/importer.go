// Package importer owns file imports: NDJSON files of Segment messages and
// CSV files of touchpoints, validated exactly as the collection API validates
// them, parsed in parallel and appended to the store in large ordered chunks.
package importer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"ripple/internal/event"
)

// Sink stores events durably and deduplicated, reporting how many were new.
// It may read msgs after it returns, until it calls release (never nil);
// the importer then reuses their memory for the lines that follow.
type Sink interface {
	AppendEventsThen(ctx context.Context, msgs []event.Message, release func()) (int, error)
}

// Format is the layout of an import file.
type Format string

// The formats Ripple imports.
const (
	NDJSON Format = "ndjson"
	CSV    Format = "csv"
)

// Options tune an import. Zero values are sensible.
type Options struct {
	Workspace   string
	Format      Format
	Workers     int              // parsers; default the number of CPUs
	ChunkRows   int              // lines per parse chunk; default 2048
	Progress    func(Progress)   // called from the writer after each commit
	Now         func() time.Time // receivedAt for every message; default time.Now
	KeepRejects int              // how many rejects to list in the summary; default 100
}

// Progress is reported as chunks are committed.
type Progress struct {
	Lines     int
	Bytes     int64
	Accepted  int
	Duplicate int
	Rejected  int
}

// Reject is a line that was not imported, and why.
type Reject struct {
	Line   int
	Reason string
}

// Summary is the outcome of an import.
type Summary struct {
	Lines     int
	Accepted  int // new events stored
	Duplicate int // valid events whose message id was already stored
	Rejected  int
	Rejects   []Reject // the first KeepRejects rejects, in line order
	Elapsed   time.Duration
}

// chunk is a run of consecutive lines and, once parsed, their messages.
type chunk struct {
	seq       int
	firstLine int
	lineNos   []int // each line's number when lines are not consecutive
	lines     [][]byte
	blocks    [][]byte // what lines point into, kept when the chunk is reused
	cur       int      // the block being filled
	bytes     int64
	msgs      []event.Message
	rejects   []Reject
	err       error
}

// blockSize is the size of the blocks lines are copied into: one allocation
// for a chunk's lines rather than one each.
const blockSize = 1 << 20

// reuse empties c for the lines from firstLine on, keeping its memory. Its
// rejects are not kept: the summary may still be reading them.
func (c *chunk) reuse(seq, firstLine int) {
	for i := range c.blocks {
		c.blocks[i] = c.blocks[i][:0]
	}
	*c = chunk{seq: seq, firstLine: firstLine, lines: c.lines[:0], blocks: c.blocks, msgs: c.msgs[:0]}
}

// copyLine copies b into c's blocks and returns the copy.
func (c *chunk) copyLine(b []byte) []byte {
	for ; c.cur < len(c.blocks); c.cur++ {
		if blk := c.blocks[c.cur]; cap(blk)-len(blk) >= len(b) {
			start := len(blk)
			blk = append(blk, b...)
			c.blocks[c.cur] = blk
			return blk[start:len(blk):len(blk)]
		}
	}
	blk := append(make([]byte, 0, max(blockSize, len(b))), b...)
	c.blocks = append(c.blocks, blk)
	return blk[:len(b):len(b)]
}

// Import reads r in the given format and appends every valid line to sink.
// A line that fails validation is counted and listed, never stored; the
// import goes on. It stops early only if ctx ends or the sink fails.
func Import(ctx context.Context, r io.Reader, sink Sink, opt Options) (Summary, error) {
	start := time.Now()
	if opt.Workspace == "" {
		return Summary{}, errors.New("import: workspace: is required")
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	if opt.ChunkRows <= 0 {
		// Several chunks are in flight at once; 2048 lines each keep
		// that to a few megabytes, and smaller chunks cost more than
		// they save.
		opt.ChunkRows = 2048
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.KeepRejects == 0 {
		opt.KeepRejects = 100
	}
	// Stored chunks come back to the reader of lines: an import of gigabytes
	// then allocates a few megabytes, and the collector has next to nothing
	// to do. Chunks beyond what free holds, and every CSV chunk (its records
	// are fresh each; free stays nil), are left to the collector.
	var free chan *chunk
	release := func(c *chunk) func() {
		return func() {
			select {
			case free <- c:
			default:
			}
		}
	}
	var parse func(c *chunk, received time.Time)
	var read func(ctx context.Context, out chan<- *chunk) error
	switch opt.Format {
	case NDJSON, "":
		free = make(chan *chunk, 16)
		parse = func(c *chunk, received time.Time) { parseNDJSON(c, received, opt.Workspace) }
		read = func(ctx context.Context, out chan<- *chunk) error { return readLines(ctx, r, opt.ChunkRows, out, free) }
	case CSV:
		cr, err := newCSVReader(r)
		if err != nil {
			return Summary{}, err
		}
		parse = func(c *chunk, received time.Time) { cr.parse(c, received, opt.Workspace) }
		read = func(ctx context.Context, out chan<- *chunk) error { return cr.read(ctx, opt.ChunkRows, out) }
	default:
		return Summary{}, fmt.Errorf("import: format: %q is not ndjson or csv", opt.Format)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	received := opt.Now().UTC()
	// One chunk waits at each stage: more buys no speed, only memory.
	raw := make(chan *chunk, 1)
	parsed := make(chan *chunk, 1)
	readErr := make(chan error, 1)
	go func() {
		readErr <- read(ctx, raw)
		close(raw)
	}()
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range raw {
				parse(c, received)
				select {
				case parsed <- c:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(parsed)
	}()

	// Chunks arrive out of order from the workers; commit them in file order
	// so line numbers in the summary and the stored order follow the file.
	var sum Summary
	var prog Progress
	pending := map[int]*chunk{}
	next := 0
	var sinkErr error
	for c := range parsed {
		pending[c.seq] = c
		for {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if sinkErr != nil {
				continue
			}
			// c may be reused as soon as the sink releases it.
			lines, valid, rejects, size := len(c.lines), len(c.msgs), c.rejects, c.bytes
			n, err := sink.AppendEventsThen(ctx, c.msgs, release(c))
			if err != nil {
				sinkErr = err
				cancel()
				continue
			}
			sum.Lines += lines
			sum.Accepted += n
			sum.Duplicate += valid - n
			sum.Rejected += len(rejects)
			for _, rj := range rejects {
				if len(sum.Rejects) < opt.KeepRejects {
					sum.Rejects = append(sum.Rejects, rj)
				}
			}
			prog = Progress{Lines: sum.Lines, Bytes: prog.Bytes + size, Accepted: sum.Accepted, Duplicate: sum.Duplicate, Rejected: sum.Rejected}
			if opt.Progress != nil {
				opt.Progress(prog)
			}
		}
	}
	sum.Elapsed = time.Since(start)
	if sinkErr != nil {
		return sum, fmt.Errorf("import: %w", sinkErr)
	}
	// The reader has finished unless ctx ended, and then it may still sit in
	// a read (of a terminal, say): its error is not waited for.
	select {
	case err := <-readErr:
		if err != nil {
			return sum, fmt.Errorf("import: %w", err)
		}
	default:
	}
	return sum, ctx.Err()
}

// readLines cuts r into chunks of lines, reusing the chunks that come back
// on free. A line over the message limit is kept short (its reject needs
// only its length), so memory stays bounded whatever the file holds.
func readLines(ctx context.Context, r io.Reader, rows int, out chan<- *chunk, free <-chan *chunk) error {
	br := bufio.NewReaderSize(r, blockSize)
	seq, line := 0, 1
	next := func() *chunk {
		select {
		case c := <-free:
			c.reuse(seq, line)
			return c
		default:
			return &chunk{seq: seq, firstLine: line}
		}
	}
	c := next()
	for {
		b, err := br.ReadSlice('\n')
		n := int64(len(b))
		if errors.Is(err, bufio.ErrBufferFull) {
			// Over 1 MiB: far beyond the 32 KB limit; skip the rest of it
			// and keep a nil line, which parsing reports as too long.
			for errors.Is(err, bufio.ErrBufferFull) {
				var more []byte
				more, err = br.ReadSlice('\n')
				n += int64(len(more))
			}
			c.lines = append(c.lines, nil)
			c.bytes += n
			line++
		} else if len(b) > 0 {
			c.lines = append(c.lines, c.copyLine(b))
			c.bytes += n
			line++
		}
		if len(c.lines) == rows || (err != nil && len(c.lines) > 0) {
			select {
			case out <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
			seq++
			c = next()
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
	}
}

func parseNDJSON(c *chunk, received time.Time, workspace string) {
	if cap(c.msgs) < len(c.lines) {
		c.msgs = make([]event.Message, 0, len(c.lines))
	}
	for i, l := range c.lines {
		line := c.firstLine + i
		if l == nil {
			c.rejects = append(c.rejects, Reject{line, fmt.Sprintf("message: is over the limit of %d bytes (32 KB)", event.MaxMessageBytes)})
			continue
		}
		if l = bytes.TrimSpace(l); len(l) == 0 {
			continue
		}
		// A chunk's blocks are reused only once the sink has released its
		// messages, so messages may point into them.
		m, err := event.ParseInPlace(l, -1, received, event.Defaults{})
		if err == nil {
			err = event.Enrich(&m, -1)
		}
		if err != nil {
			c.rejects = append(c.rejects, Reject{line, err.Error()})
			continue
		}
		m.Workspace = workspace
		c.msgs = append(c.msgs, m)
	}
}
