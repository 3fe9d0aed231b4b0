package spikes

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseCSV(t *testing.T) {
	h := func(s string) time.Time { tm, _ := time.Parse("2006-01-02 15:04:05", s); return tm }
	tests := []struct {
		name    string
		in      string
		want    []Row
		wantErr string
	}{
		{"header", "timestamp,value\n2024-05-01 13:00:00,4\n", []Row{{2, "2024-05-01 13:00:00", h("2024-05-01 13:00:00"), 4}}, ""},
		{"no header", "2024-05-01 13:00:00,4.5\n", []Row{{1, "2024-05-01 13:00:00", h("2024-05-01 13:00:00"), 4.5}}, ""},
		{"rfc3339 kept as written", "2024-05-01T15:00:00+02:00,1\n", []Row{{1, "2024-05-01T15:00:00+02:00", h("2024-05-01 13:00:00"), 1}}, ""},
		{"date only", "2024-05-01,7\n", []Row{{1, "2024-05-01", h("2024-05-01 00:00:00"), 7}}, ""},
		{"bom crlf spaces blank lines", "\ufefftime,count\r\n\r\n 2024-05-01 13:00:00 , 2 \r\n", []Row{{3, "2024-05-01 13:00:00", h("2024-05-01 13:00:00"), 2}}, ""},
		{"quoted", "\"2024-05-01 13:00:00\",\"3\"\n", []Row{{1, "2024-05-01 13:00:00", h("2024-05-01 13:00:00"), 3}}, ""},
		{"empty", "", nil, ""},
		{"bad time", "2024-05-01 13:00:00,1\n01/05/2024,2\n", nil, "line 2: timestamp \"01/05/2024\""},
		{"bad value", "2024-05-01 13:00:00,1\n2024-05-01 14:00:00,x\n", nil, "line 2: value \"x\": not a number"},
		{"header only first", "t,v\nt,v\n", nil, "line 2: timestamp"},
		{"nan", "2024-05-01 13:00:00,NaN\n", nil, "line 1: value \"NaN\": must be finite"},
		{"three fields", "2024-05-01 13:00:00,1,2\n", nil, "line 1: 3 fields, want 2"},
		{"one field", "2024-05-01 13:00:00\n", nil, "line 1: 1 fields, want 2"},
		{"bad quote", "\"2024,1\n", nil, "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCSV(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("have error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("have error %v, want none", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("have %d rows %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.Line != w.Line || g.Stamp != w.Stamp || !g.Time.Equal(w.Time) || g.Value != w.Value {
					t.Errorf("row %d: have %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestInferInterval(t *testing.T) {
	rows := func(mins ...int) []Row {
		var r []Row
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, m := range mins {
			r = append(r, Row{Time: base.Add(time.Duration(m) * time.Minute)})
		}
		return r
	}
	tests := []struct {
		name    string
		rows    []Row
		want    time.Duration
		wantErr bool
	}{
		{"regular", rows(0, 60, 120, 180), time.Hour, false},
		{"gaps", rows(0, 60, 120, 600, 660, 720), time.Hour, false},
		{"jitter", rows(0, 14, 30, 45, 61, 75), 15 * time.Minute, false},
		{"one row", rows(0), 0, true},
		{"same time", rows(5, 5), 0, true},
	}
	for _, tt := range tests {
		got, err := InferInterval(tt.rows)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: have %v %v, want %v (error %v)", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestDetectSortsAndReportsLines(t *testing.T) {
	sr := flat(9)
	at := synthWarm + 30
	sr.values[at] = sr.values[at]*5 + 50
	var rows []Row
	for i := len(sr.values) - 1; i >= 0; i-- { // newest first
		rows = append(rows, Row{Line: len(sr.values) - i, Stamp: sr.times[i].Format(time.RFC3339), Time: sr.times[i], Value: sr.values[i]})
	}
	rep, err := Detect(rows, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Interval != time.Hour || rep.Rows != len(rows) {
		t.Errorf("have interval %v rows %d, want 1h %d", rep.Interval, rep.Rows, len(rows))
	}
	found := false
	for i, f := range rep.Flags {
		if i > 0 && !f.Row.Time.After(rep.Flags[i-1].Row.Time) {
			t.Errorf("flags out of time order at %d", i)
		}
		if f.Row.Time.Equal(sr.times[at]) {
			found = f.Row.Line == len(sr.values)-at && f.Row.Stamp == sr.times[at].Format(time.RFC3339)
		}
	}
	if !found {
		t.Errorf("have flags %+v, want the spike at line %d", rep.Flags, len(sr.values)-at)
	}
}

func TestDetectErrors(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	row := func(line int, h int, v float64) Row {
		tm := t0.Add(time.Duration(h) * time.Hour)
		return Row{Line: line, Stamp: tm.Format(time.RFC3339), Time: tm, Value: v}
	}
	tests := []struct {
		name string
		rows []Row
		cfg  Config
		want string
	}{
		{"no rows", nil, Config{}, "no rows"},
		{"negative", []Row{row(1, 0, 1), row(2, 1, -1)}, Config{}, "line 2: value -1: a counts value cannot be negative"},
		{"negative share", []Row{row(1, 0, 0.1), row(2, 1, -0.5)}, Config{Kind: Shares}, "line 2: value -0.5: a shares value cannot be negative"},
		{"share", []Row{row(1, 0, 0.1), row(2, 1, 2)}, Config{Kind: Shares}, "line 2: value 2: a share must be in [0, 1]"},
		{"one row", []Row{row(1, 0, 1)}, Config{}, "interval"},
		{"bad config", []Row{row(1, 0, 1), row(2, 1, 1)}, Config{Threshold: math.Inf(1)}, "threshold"},
	}
	for _, tt := range tests {
		_, err := Detect(tt.rows, tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: have error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestDetectMergesRepeats(t *testing.T) {
	// A clock change writes 02:00 twice; a double export writes 05:00
	// three times, out of order. Counts are summed, values averaged, and
	// the repeats name their lines.
	t0 := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	row := func(line, h int, v float64) Row {
		tm := t0.Add(time.Duration(h) * time.Hour)
		return Row{Line: line, Stamp: tm.Format("2006-01-02 15:04:05"), Time: tm, Value: v}
	}
	rows := []Row{row(1, 0, 4), row(2, 1, 5), row(3, 2, 6), row(4, 2, 2), row(5, 3, 1), row(6, 5, 3), row(7, 4, 8), row(8, 5, 1), row(9, 5, -1.5)}
	for _, tt := range []struct {
		kind Kind
		at2  float64 // merged value at 02:00
		at5  float64
	}{
		{Values, 4, 2.5 / 3},
		{Counts, 8, 4},
	} {
		in := rows
		if tt.kind == Counts {
			in = rows[:len(rows)-1] // no negative count
		}
		rep, err := Detect(in, Config{Kind: tt.kind, Interval: time.Hour})
		if err != nil {
			t.Fatalf("%v: %v", tt.kind, err)
		}
		wantLines := [][]int{{3, 4}, {6, 8, 9}}
		if tt.kind == Counts {
			wantLines[1] = []int{6, 8}
		}
		if len(rep.Repeats) != 2 || !slices.Equal(rep.Repeats[0].Lines, wantLines[0]) || !slices.Equal(rep.Repeats[1].Lines, wantLines[1]) ||
			rep.Repeats[0].Stamp != "2024-03-31 02:00:00" {
			t.Errorf("%v: have repeats %+v, want lines %v", tt.kind, rep.Repeats, wantLines)
		}
		if rep.Rows != len(in) || rep.Points != 6 {
			t.Errorf("%v: have %d rows %d points, want %d and 6", tt.kind, rep.Rows, rep.Points, len(in))
		}
		sorted, _ := merge(in, tt.kind)
		if len(sorted) != 6 || sorted[2].Value != tt.at2 || math.Abs(sorted[5].Value-tt.at5) > 1e-12 || sorted[2].Line != 3 || sorted[4].Line != 7 {
			t.Errorf("%v: have merged rows %+v, want %v at 02:00 (line 3) and %v at 05:00", tt.kind, sorted, tt.at2, tt.at5)
		}
	}
}
