package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"ripple/internal/report"
)

// Charts are drawn here as SVG: they need no JavaScript and no network,
// print well, and carry <title> text for screen readers and tooltips. Every
// chart's numbers are also on the page as a table and as a CSV download.

// chart is a drawn chart with its legend.
type chart struct {
	SVG    template.HTML
	Legend []legendItem
}

type legendItem struct {
	Label string
	Color string
}

// palette is distinguishable for the common colour-vision deficiencies
// (Okabe–Ito, plus grey for "Other").
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"}

// topSeries keeps the n busiest series and folds the rest into "Other".
func topSeries(all []report.Series, n int) []report.Series {
	if len(all) <= n+1 {
		return all
	}
	out := append([]report.Series(nil), all[:n]...)
	other := report.Series{Channel: "", Name: fmt.Sprintf("Other (%d channels)", len(all)-n), Counts: make([]int64, len(all[0].Counts))}
	for _, s := range all[n:] {
		for i, v := range s.Counts {
			other.Counts[i] += v
		}
		other.Total += s.Total
	}
	return append(out, other)
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// The charts have no viewBox: they are as wide as the page and of a fixed
// height in CSS pixels, with horizontal positions in percent. Their text
// keeps its size at any width, so labels stay readable on a phone instead
// of shrinking with the drawing.

// pct formats a horizontal position or width in percent.
func pct(v float64) string { return fmt.Sprintf("%.2f%%", v) }

// stackedBars draws events per day, one bar per day stacked by channel.
func stackedBars(days []time.Time, series []report.Series) chart {
	const h, top, bottom = 260.0, 16.0, 24.0
	const left, right = 7.0, 0.5 // percent of the width: the value axis, a margin
	var c chart
	totals := make([]int64, len(days))
	var max int64
	for i := range days {
		for _, s := range series {
			totals[i] += s.Counts[i]
		}
		if totals[i] > max {
			max = totals[i]
		}
	}
	for i, s := range series {
		c.Legend = append(c.Legend, legendItem{Label: s.Name, Color: palette[i%len(palette)]})
	}
	scaleMax := niceCeil(float64(max))
	plotW, plotH := 100-left-right, h-top-bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="events-chart" width="100%%" height="%g" role="img" aria-labelledby="evt-title evt-desc" xmlns="http://www.w3.org/2000/svg">`, h)
	fmt.Fprintf(&b, `<title id="evt-title">Events per day by channel</title><desc id="evt-desc">Stacked bars for %d days from %s to %s; the busiest day had %d events. The numbers are in the table below.</desc>`,
		len(days), dayOr(days, 0), dayOr(days, len(days)-1), max)
	// Grid lines and the value axis.
	for i := 0; i <= 4; i++ {
		v := scaleMax * float64(i) / 4
		y := top + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%.1f" y2="%.1f" stroke="#ddd" stroke-width="1"/>`, pct(left), pct(100-right), y, y)
		fmt.Fprintf(&b, `<text x="%s" y="%.1f" dx="-4" text-anchor="end" font-size="11" fill="#555">%s</text>`, pct(left), y+4, esc(shortNum(v)))
	}
	if len(days) > 0 && max > 0 {
		slot := plotW / float64(len(days))
		barW := slot * 0.8
		for i, d := range days {
			x := left + slot*float64(i) + (slot-barW)/2
			y := top + plotH
			for si, s := range series {
				v := s.Counts[i]
				if v == 0 {
					continue
				}
				bh := plotH * float64(v) / scaleMax
				y -= bh
				fmt.Fprintf(&b, `<rect x="%s" y="%.1f" width="%s" height="%.1f" fill="%s"><title>%s, %s: %d events</title></rect>`,
					pct(x), y, pct(barW), bh, palette[si%len(palette)], d.Format("2006-01-02"), esc(s.Name), v)
			}
		}
	}
	// Day labels, thinned to about ten; a phone shows every other one.
	step := max1(int(math.Ceil(float64(len(days)) / 10)))
	for n, i := 0, 0; i < len(days); n, i = n+1, i+step {
		x := left + plotW/float64(len(days))*(float64(i)+0.5)
		class := ""
		if n%2 == 1 {
			class = ` class="tick-odd"`
		}
		fmt.Fprintf(&b, `<text%s x="%s" y="%g" text-anchor="middle" font-size="11" fill="#555">%s</text>`, class, pct(x), h-6, days[i].Format("Jan 2"))
	}
	if max == 0 {
		fmt.Fprintf(&b, `<text x="50%%" y="%g" text-anchor="middle" font-size="14" fill="#555">No events in this range</text>`, h/2)
	}
	b.WriteString(`</svg>`)
	c.SVG = template.HTML(b.String())
	return c
}

// funnelBars draws people per stage as horizontal bars, each under a line
// with the stage's name, its count and its share of the first stage.
func funnelBars(f []report.StageCount) chart {
	const label, bar, gap = 18.0, 14.0, 12.0 // heights in CSS pixels
	row := label + 4 + bar + gap
	h := row * float64(len(f))
	var first int64
	if len(f) > 0 {
		first = f[0].People
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="funnel-chart" width="100%%" height="%g" role="img" aria-labelledby="fun-title fun-desc" xmlns="http://www.w3.org/2000/svg">`, h)
	fmt.Fprintf(&b, `<title id="fun-title">People per stage</title><desc id="fun-desc">People whose furthest stage is at or past each stage; %d reached the first. The numbers are in the table below.</desc>`, first)
	for i, s := range f {
		y := row * float64(i)
		share, width := "", 0.0
		if first > 0 {
			share = fmt.Sprintf(" (%.1f%%)", 100*float64(s.People)/float64(first))
			width = 100 * float64(s.People) / float64(first)
		}
		fmt.Fprintf(&b, `<text x="0" y="%.1f" font-size="14" fill="#222">%s</text>`, y+label-4, esc(stageLabel(s.Stage)))
		fmt.Fprintf(&b, `<text x="100%%" y="%.1f" text-anchor="end" font-size="14" fill="#222">%s%s</text>`, y+label-4, esc(formatInt(s.People)), share)
		fmt.Fprintf(&b, `<rect x="0" y="%.1f" width="100%%" height="%g" fill="#eef1f4"/>`, y+label+4, bar)
		fmt.Fprintf(&b, `<rect x="0" y="%.1f" width="%s" height="%g" fill="%s"><title>%s: %d people</title></rect>`,
			y+label+4, pct(width), bar, palette[0], esc(stageLabel(s.Stage)), s.People)
	}
	b.WriteString(`</svg>`)
	return chart{SVG: template.HTML(b.String())}
}

func dayOr(days []time.Time, i int) string {
	if i < 0 || i >= len(days) {
		return ""
	}
	return days[i].Format("2006-01-02")
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten, for axis ticks.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func shortNum(v float64) string {
	switch {
	case v >= 1e6:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v/1e6), ".0") + "M"
	case v >= 1e3:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v/1e3), ".0") + "k"
	}
	return fmt.Sprintf("%g", v)
}
