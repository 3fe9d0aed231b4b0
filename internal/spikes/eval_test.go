package spikes

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// tally is the event-level outcome of one detector on one suite: an event
// is detected when any interval of its window is flagged, and every flag
// outside all windows is a false positive.
type tally struct {
	events, detected, falsePos, scored int
	delays                             []int // first flag minus event start
}

func (t tally) recall() float64 { return ratio(t.detected, t.events) }

func (t tally) precision() float64 { return ratio(t.detected, t.detected+t.falsePos) }

func (t tally) f1() float64 {
	p, r := t.precision(), t.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

func (t *tally) add(sr series, flagged []bool) {
	inWindow := make([]bool, len(flagged))
	for _, e := range sr.events {
		t.events++
		first := -1
		for i := e.start; i < e.end && i < len(flagged); i++ {
			inWindow[i] = true
			if flagged[i] && first < 0 {
				first = i
			}
		}
		if first >= 0 {
			t.detected++
			t.delays = append(t.delays, first-e.start)
		}
	}
	for i := synthWarm; i < len(flagged); i++ {
		t.scored++
		if flagged[i] && !inWindow[i] {
			t.falsePos++
		}
	}
}

// detectSeasonal runs the streaming detector over a series and marks the
// intervals that raised an alert: the first of each episode.
func detectSeasonal(sr series) []bool {
	d := New(Config{Interval: time.Hour, Direction: Both})
	flagged := make([]bool, len(sr.values))
	for i, v := range sr.values {
		flagged[i] = d.Push(sr.times[i], v).Opened
	}
	return flagged
}

// detectNaive flags values more than three standard deviations from the
// mean of the whole series. It even sees the future, which only helps it.
func detectNaive(sr series) []bool {
	var sum, sq float64
	for _, v := range sr.values {
		sum += v
		sq += v * v
	}
	n := float64(len(sr.values))
	mean := sum / n
	sd := math.Sqrt(max(sq/n-mean*mean, 0))
	flagged := make([]bool, len(sr.values))
	for i, v := range sr.values {
		flagged[i] = math.Abs(v-mean) > 3*sd
	}
	return flagged
}

const seriesPerSuite = 40

type evalRow struct {
	kind     eventKind
	detector string
	tally
}

func evaluate() []evalRow {
	var rows []evalRow
	for _, k := range []eventKind{kindSpike, kindShift, kindBurst, kindNone} {
		var seasonal, naive tally
		for s := range seriesPerSuite {
			sr := synth(uint64(1000*len(k)+s), k)
			seasonal.add(sr, detectSeasonal(sr))
			naive.add(sr, detectNaive(sr))
		}
		rows = append(rows, evalRow{k, "seasonal", seasonal}, evalRow{k, "mean+3sd", naive})
	}
	return rows
}

func formatTable(rows []evalRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %-5s | %-8s | %6s | %8s | %6s | %9s | %9s | %5s | %10s | %9s | %11s |\n",
		"kind", "detector", "events", "detected", "recall", "false pos", "precision", "F1", "mean delay", "max delay", "FP/1000 int")
	b.WriteString("|-------|----------|--------|----------|--------|-----------|-----------|-------|------------|-----------|-------------|\n")
	for _, r := range rows {
		mean, worst := math.NaN(), 0
		if len(r.delays) > 0 {
			sum := 0
			for _, d := range r.delays {
				sum += d
				worst = max(worst, d)
			}
			mean = float64(sum) / float64(len(r.delays))
		}
		rec, prec, f1, delay := fmt.Sprintf("%.3f", r.recall()), fmt.Sprintf("%.3f", r.precision()), fmt.Sprintf("%.3f", r.f1()), fmt.Sprintf("%.2f", mean)
		if r.events == 0 {
			rec, prec, f1, delay = "-", "-", "-", "-"
		}
		fmt.Fprintf(&b, "| %-5s | %-8s | %6d | %8d | %6s | %9d | %9s | %5s | %10s | %9d | %11.2f |\n",
			r.kind, r.detector, r.events, r.detected, rec, r.falsePos, prec, f1,
			delay, worst, 1000*float64(r.falsePos)/float64(r.scored))
	}
	return b.String()
}

// TestEvaluate measures the detector against the naive baseline on
// generated series whose anomalies are known, and fails below the bars:
// over the whole suite recall and precision >= 0.8; per kind precision
// >= 0.8 and recall >= 0.7 (noise bursts at low counts are the hard case);
// spikes flagged within one interval on average; F1 above the baseline's.
func TestEvaluate(t *testing.T) {
	rows := evaluate()
	t.Logf("%d hourly series of %d weeks per kind; events after %d intervals of history; direction both\n%s",
		seriesPerSuite, synthWeeks, synthWarm, formatTable(rows))
	var all, naiveAll tally
	for _, r := range rows {
		switch {
		case r.detector == "mean+3sd":
			naiveAll.events += r.events
			naiveAll.detected += r.detected
			naiveAll.falsePos += r.falsePos
		case r.kind == kindNone:
			all.falsePos += r.falsePos
			if rate := float64(r.falsePos) / float64(r.scored); rate > 0.001 {
				t.Errorf("clean series: have %.4f false alarms per interval, want <= 0.001", rate)
			}
		default:
			all.events += r.events
			all.detected += r.detected
			all.falsePos += r.falsePos
			if r.recall() < 0.7 {
				t.Errorf("%s: have recall %.3f, want >= 0.7", r.kind, r.recall())
			}
			if r.precision() < 0.8 {
				t.Errorf("%s: have precision %.3f, want >= 0.8", r.kind, r.precision())
			}
			if limit := 5.0; r.kind == kindSpike && mean(r.delays) > 1 || mean(r.delays) > limit {
				t.Errorf("%s: have mean delay %.2f intervals, want <= 1 for spikes, <= %v otherwise", r.kind, mean(r.delays), limit)
			}
		}
	}
	t.Logf("whole suite: seasonal recall %.3f precision %.3f F1 %.3f; mean+3sd recall %.3f precision %.3f F1 %.3f",
		all.recall(), all.precision(), all.f1(), naiveAll.recall(), naiveAll.precision(), naiveAll.f1())
	if all.recall() < 0.8 || all.precision() < 0.8 {
		t.Errorf("whole suite: have recall %.3f precision %.3f, want both >= 0.8", all.recall(), all.precision())
	}
	if all.f1() <= naiveAll.f1() {
		t.Errorf("whole suite F1: have %.3f, want above the naive baseline's %.3f", all.f1(), naiveAll.f1())
	}
}

func mean(xs []int) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0
	for _, x := range xs {
		s += x
	}
	return float64(s) / float64(len(xs))
}
