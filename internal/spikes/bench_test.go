package spikes

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkPush measures the streaming detector on an hourly counts series
// with daily and weekly seasonality, in points per second.
func BenchmarkPush(b *testing.B) {
	sr := synth(42, kindSpike)
	d := New(Config{Interval: time.Hour, Direction: Both})
	t := sr.times[0]
	n := len(sr.values)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d.Push(t, sr.values[i%n])
		t = t.Add(time.Hour)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkParseAndDetect measures the command's path: CSV text to flags.
func BenchmarkParseAndDetect(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("timestamp,value\n")
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for rep := range 10 {
		sr := synth(uint64(rep), kindSpike)
		for _, v := range sr.values {
			sb.WriteString(t.Format("2006-01-02 15:04:05"))
			t = t.Add(time.Hour)
			sb.WriteByte(',')
			sb.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
			sb.WriteByte('\n')
		}
	}
	text := sb.String()
	rowsPer := strings.Count(text, "\n") - 1
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		rows, err := ParseCSV(strings.NewReader(text))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Detect(rows, Config{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*rowsPer)/b.Elapsed().Seconds(), "rows/s")
}
