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
		for _, kind := range []Kind{Counts, Shares} {
			rep, err := Detect(rows, Config{Kind: kind, Direction: Both, MinHistory: 1})
			if err != nil {
				continue
			}
			for _, fl := range rep.Flags {
				if math.IsNaN(fl.Alert.Score) || math.IsInf(fl.Alert.Score, 0) {
					t.Fatalf("score %v for %+v", fl.Alert.Score, fl.Row)
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
	f.Add(seed(1, 2, 3, 1000, 0, 0, 5), false, 2.0)
	f.Add(seed(0.1, 0.2, 0.9, 1, 0, math.NaN(), -1), true, 0.5)
	f.Add(seed(1e300, math.MaxFloat64, 5e-324, math.Inf(1)), false, 0.0)
	f.Fuzz(func(t *testing.T, data []byte, shares bool, threshold float64) {
		cfg := Config{Interval: time.Hour, Direction: Both, MinHistory: 1, Threshold: threshold}
		if shares {
			cfg.Kind = Shares
		}
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
				a, ok := d.Push(tm, v)
				if !ok {
					continue
				}
				if math.IsNaN(a.Score) || math.IsInf(a.Score, 0) || math.IsNaN(a.Expected) || math.IsNaN(a.Ratio) {
					t.Fatalf("alert %+v for value %v", a, v)
				}
				if a.Start.After(a.Time) {
					t.Fatalf("alert starts %v after its time %v", a.Start, a.Time)
				}
			}
		}
	})
}
