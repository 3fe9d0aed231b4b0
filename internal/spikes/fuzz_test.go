package spikes

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"time"
)

func FuzzParseCSV(f *testing.F) {
	f.Add("timestamp,value\n2024-05-01 13:00:00,4\n2024-05-01 14:00:00,5\n")
	f.Add("2024-05-01T13:00:00Z,0.5\n2024-05-01T12:00:00+01:00,1\n")
	f.Add("\ufeff\"2024-05-01\",\"3\"\r\n\r\n2024-05-02,1e3\n")
	f.Add("a,b,c\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ParseCSV(strings.NewReader(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error %q does not name a line", err)
			}
			return
		}
		for _, r := range rows {
			if r.Line < 1 || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
				t.Fatalf("bad row %+v", r)
			}
			if _, err := ParseTime(r.Stamp); err != nil {
				t.Fatalf("row %+v: stamp does not parse again: %v", r, err)
			}
		}
		for _, kind := range []Kind{Counts, Shares, Values} {
			rep, err := Detect(rows, Config{Kind: kind, Direction: Both, MinHistory: 1})
			if err != nil {
				if !strings.HasPrefix(err.Error(), "line ") && err != errNoRows && !strings.HasPrefix(err.Error(), "interval") {
					t.Fatalf("error %q names neither a line nor the interval", err)
				}
				continue
			}
			merged := 0
			for _, r := range rep.Repeats {
				merged += len(r.Lines) - 1
			}
			if rep.Points != len(rows)-merged {
				t.Fatalf("%d rows, %d merged away, but %d points", len(rows), merged, rep.Points)
			}
			for _, fl := range rep.Flags {
				if !finite(fl.Point.Score) || !finite(fl.Point.Expected) {
					t.Fatalf("point %+v for %+v", fl.Point, fl.Row)
				}
			}
			for i, a := range rep.Alerts {
				ep := a.Episode
				if !a.Row.Time.Equal(ep.Start) || ep.Peak.Before(ep.Start) || !ep.End.IsZero() && ep.End.Before(ep.Peak) {
					t.Fatalf("alert %d: row %+v episode %+v out of order", i, a.Row, ep)
				}
				if i > 0 && !rep.Alerts[i-1].Episode.End.Before(ep.Start) {
					t.Fatalf("alert %d starts %v before the previous episode ended %v", i, ep.Start, rep.Alerts[i-1].Episode.End)
				}
			}
		}
	})
}

// FuzzDetector pushes arbitrary values and time steps, 10 bytes a point:
// two for the step in minutes, eight for the value's bits.
func FuzzDetector(f *testing.F) {
	seed := func(vals ...float64) []byte {
		var b bytes.Buffer
		for _, v := range vals {
			binary.Write(&b, binary.LittleEndian, uint16(60))
			binary.Write(&b, binary.LittleEndian, math.Float64bits(v))
		}
		return b.Bytes()
	}
	f.Add(seed(1, 2, 3, 1000, 0, 0, 5), uint8(Counts), 2.0)
	f.Add(seed(0.1, 0.2, 0.9, 1, 0, math.NaN(), -1), uint8(Shares), 0.5)
	f.Add(seed(1e300, math.MaxFloat64, 5e-324, math.Inf(1)), uint8(Counts), 0.0)
	f.Add(seed(-3.5, 2e-9, -1e300, 7, 0, -7), uint8(Values), 1.0)
	f.Fuzz(func(t *testing.T, data []byte, kind uint8, threshold float64) {
		cfg := Config{Interval: time.Hour, Direction: Both, MinHistory: 1, Threshold: threshold, Kind: Kind(kind % 3)}
		if cfg.Validate() != nil {
			return
		}
		d := New(cfg)
		tm := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		// Repeat the input so that the windows fill and scoring starts.
		for rep := 0; rep < 40 && len(data) >= 10; rep++ {
			for p := data; len(p) >= 10; p = p[10:] {
				tm = tm.Add(time.Duration(binary.LittleEndian.Uint16(p)) * time.Minute)
				v := math.Float64frombits(binary.LittleEndian.Uint64(p[2:]))
				p := d.Push(tm, v)
				if !finite(p.Score) || !finite(p.Expected) {
					t.Fatalf("point %+v for value %v", p, v)
				}
				ep, ok := d.Episode()
				if !ok {
					continue
				}
				if !finite(ep.Score) || !finite(ep.PeakScore) || !finite(ep.Expected) || !finite(ep.Ratio) {
					t.Fatalf("episode %+v for value %v", ep, v)
				}
				if ep.Start.After(p.Time) || ep.Peak.Before(ep.Start) || math.Abs(ep.PeakScore) < math.Abs(ep.Score) {
					t.Fatalf("episode %+v at %v", ep, p.Time)
				}
			}
		}
	})
}
