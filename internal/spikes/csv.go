package spikes

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Row is one timestamp,value line of a series.
type Row struct {
	Line  int       // 1-based line in the input
	Stamp string    // the timestamp exactly as written
	Time  time.Time // the parsed timestamp
	Value float64
}

// Timestamp layouts ParseCSV accepts. A timestamp without a zone is UTC.
var layouts = []string{
	time.RFC3339Nano,      // 2024-05-01T13:00:00Z, 2024-05-01T13:00:00.5+02:00
	"2006-01-02 15:04:05", // 2024-05-01 13:00:00
	"2006-01-02",          // 2024-05-01, for daily series
}

// ParseTime reads a timestamp as "YYYY-MM-DD HH:MM:SS" (UTC), RFC 3339 or
// "YYYY-MM-DD" (UTC midnight).
func ParseTime(s string) (time.Time, error) {
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q: want YYYY-MM-DD HH:MM:SS or RFC 3339", s)
}

// ParseCSV reads timestamp,value rows. The first line may be a header: it
// is taken as one when its value field is not a number. Blank lines are
// skipped, fields may be quoted, spaces around fields are ignored. Any
// other malformed row is an error naming its line and the reason; the
// rows are returned in input order.
func ParseCSV(r io.Reader) ([]Row, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var rows []Row
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d: %v", pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("reading csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 2 {
			return nil, fmt.Errorf("line %d: %d fields, want 2 (timestamp,value)", line, len(rec))
		}
		stamp, val := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		v, verr := strconv.ParseFloat(val, 64)
		if first && verr != nil {
			continue // a header such as "timestamp,value"
		}
		t, err := ParseTime(stamp)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if verr != nil {
			return nil, fmt.Errorf("line %d: value %q: not a number", line, val)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("line %d: value %q: must be finite", line, val)
		}
		rows = append(rows, Row{Line: line, Stamp: stamp, Time: t, Value: v})
	}
}

// InferInterval returns the median spacing between consecutive distinct
// timestamps of rows sorted by time.
func InferInterval(sorted []Row) (time.Duration, error) {
	gaps := make([]time.Duration, 0, len(sorted))
	for i := 1; i < len(sorted); i++ {
		if g := sorted[i].Time.Sub(sorted[i-1].Time); g > 0 {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) == 0 {
		return 0, errors.New("interval: need two distinct timestamps to infer it")
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2], nil
}

// Flag is an anomalous row and its scored point.
type Flag struct {
	Row   Row
	Point Point
}

// Alert is an episode and the row that opened it. The episode is as it
// stood when it closed, or after the last row when it is still open.
type Alert struct {
	Row     Row
	Episode Episode
}

// Repeat is a timestamp given on more than one line, whose values were
// merged into one interval: summed for counts, averaged otherwise.
type Repeat struct {
	Stamp string
	Lines []int
}

// Report is the outcome of Detect.
type Report struct {
	Interval   time.Duration // given or inferred
	MinHistory int           // points learnt from before any alert
	Rows       int           // rows read
	Points     int           // intervals scored, after merging repeats
	Repeats    []Repeat      // in time order
	Alerts     []Alert       // one per episode, in time order
	Flags      []Flag        // every anomalous interval, in time order
}

var errNoRows = errors.New("no rows")

// Detect scores a whole series as a stream, in time order. Rows may come
// in any order: they are sorted by time (rows keep their line numbers).
// Rows that share a timestamp are one interval, reported in Repeats: a
// clock change or a double export writes an interval twice. A value the
// kind cannot take (a negative count, a share outside [0, 1]) is an error
// naming its line. When cfg.Interval is zero it is the median spacing of
// the rows. Missing intervals are simply absent: seasonal slots come from
// the timestamps, not from row positions.
func Detect(rows []Row, cfg Config) (Report, error) {
	if len(rows) == 0 {
		return Report{}, errNoRows
	}
	for _, r := range rows {
		switch {
		case cfg.Kind == Values:
		case r.Value < 0:
			return Report{}, fmt.Errorf("line %d: value %v: a %s value cannot be negative (use kind values)", r.Line, r.Value, cfg.Kind)
		case cfg.Kind == Shares && r.Value > 1:
			return Report{}, fmt.Errorf("line %d: value %v: a share must be in [0, 1]", r.Line, r.Value)
		}
	}
	sorted, repeats := merge(rows, cfg.Kind)
	if cfg.Interval == 0 {
		iv, err := InferInterval(sorted)
		if err != nil {
			return Report{}, err
		}
		cfg.Interval = iv
	}
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	d := New(cfg)
	rep := Report{Interval: d.Interval(), MinHistory: d.MinHistory(), Rows: len(rows), Points: len(sorted), Repeats: repeats}
	for _, r := range sorted {
		p := d.Push(r.Time, r.Value)
		if p.Opened {
			rep.Alerts = append(rep.Alerts, Alert{Row: r})
		}
		if p.State == Anomalous {
			rep.Flags = append(rep.Flags, Flag{Row: r, Point: p})
		}
		// An episode is final when it closes; one still open at the end
		// is taken as it stands.
		if p.Closed {
			rep.Alerts[len(rep.Alerts)-1].Episode, _ = d.Episode()
		}
	}
	if ep, ok := d.Episode(); ok && ep.Open() {
		rep.Alerts[len(rep.Alerts)-1].Episode = ep
	}
	return rep, nil
}

// merge sorts rows by time and makes one row of each run that shares a
// timestamp: the first of them, with the values summed for counts and
// averaged for shares and values.
func merge(rows []Row, kind Kind) ([]Row, []Repeat) {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b Row) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	var repeats []Repeat
	out := sorted[:0]
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j].Time.Equal(sorted[i].Time) {
			j++
		}
		r := sorted[i]
		if j > i+1 {
			rep := Repeat{Stamp: r.Stamp}
			var sum, mean float64
			for k, x := range sorted[i:j] {
				rep.Lines = append(rep.Lines, x.Line)
				sum += x.Value
				mean += (x.Value - mean) / float64(k+1) // cannot overflow
			}
			r.Value = sum
			if kind != Counts {
				r.Value = mean
			}
			repeats = append(repeats, rep)
		}
		out = append(out, r)
		i = j
	}
	return out, repeats
}
