package attribution

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Path file column names.
const (
	colPath           = "path"
	colConversions    = "total_conversions"
	colValue          = "total_conversion_value"
	colNull           = "total_null"
	colConversionTime = "conversion_time"
)

// maxLine bounds one line of a path file.
const maxLine = 16 << 20

// ParseOptions configures ParsePaths.
type ParseOptions struct {
	// RequireTimes rejects a path whose touches have no timestamps, for
	// the time decay model.
	RequireTimes bool
}

// ParsePaths reads a path file in ChannelAttribution's format: a header
// line naming the columns, then one `;`-separated row per path, channels
// joined by ` > `:
//
//	path;total_conversions;total_conversion_value;total_null
//	eta > iota > alpha;1;0.244;3
//
// Columns may come in any order; path and total_conversions are required,
// total_conversion_value and total_null default to 0. Blank lines are
// skipped and fields may be double-quoted.
//
// For the time decay model Ripple adds an optional timestamp on each touch,
// `channel@2024-05-01T10:00:00Z` (RFC 3339) or `channel@1714557600` (Unix
// seconds), and an optional conversion_time column in the same forms. A
// touch is timestamped when the text after its last @ parses as a time; in
// a path either every touch is timestamped or none is, touches must be in
// time order, and the conversion time defaults to the last touch's.
//
// A bad row gives an error naming its line, the column and the reason.
func ParsePaths(r io.Reader, opt ParseOptions) ([]Journey, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	var cols []string
	var js []Journey
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		if cols == nil {
			var err error
			if cols, err = parseHeader(text); err != nil {
				return nil, fmt.Errorf("paths: line %d: header: %w", line, err)
			}
			continue
		}
		j, err := parseRow(text, cols, opt)
		if err != nil {
			return nil, fmt.Errorf("paths: line %d: %w", line, err)
		}
		js = append(js, j)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("paths: line %d: longer than %d bytes", line+1, maxLine)
		}
		return nil, fmt.Errorf("paths: reading line %d: %w", line+1, err)
	}
	if cols == nil {
		return nil, errors.New("paths: empty input: want a header line " + colPath + ";" + colConversions + ";" + colValue + ";" + colNull)
	}
	return js, nil
}

func parseHeader(text string) ([]string, error) {
	known := map[string]bool{colPath: true, colConversions: true, colValue: true, colNull: true, colConversionTime: true}
	seen := map[string]bool{}
	cols := strings.Split(text, ";")
	for i, c := range cols {
		c = unquote(c)
		cols[i] = c
		if !known[c] {
			return nil, fmt.Errorf("column %d: unknown name %q (want %s, %s, %s, %s or %s)", i+1, c, colPath, colConversions, colValue, colNull, colConversionTime)
		}
		if seen[c] {
			return nil, fmt.Errorf("column %d: %q given twice", i+1, c)
		}
		seen[c] = true
	}
	for _, c := range []string{colPath, colConversions} {
		if !seen[c] {
			return nil, fmt.Errorf("no %q column", c)
		}
	}
	return cols, nil
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

func parseRow(text string, cols []string, opt ParseOptions) (Journey, error) {
	fields := strings.Split(text, ";")
	if len(fields) != len(cols) {
		return Journey{}, fmt.Errorf("%d fields, want %d (%s)", len(fields), len(cols), strings.Join(cols, ";"))
	}
	var j Journey
	var path, convTime string
	for i, c := range cols {
		f := unquote(fields[i])
		switch c {
		case colPath:
			path = f
		case colConversionTime:
			convTime = f
		default:
			v, err := parseCount(f)
			if err != nil {
				return Journey{}, fmt.Errorf("%s: %w", c, err)
			}
			switch c {
			case colConversions:
				j.Conversions = v
			case colValue:
				j.Value = v
			case colNull:
				j.Null = v
			}
		}
	}
	if err := parsePath(path, &j, opt); err != nil {
		return Journey{}, fmt.Errorf("%s: %w", colPath, err)
	}
	if convTime != "" {
		t, ok := parseTime(convTime)
		if !ok {
			return Journey{}, fmt.Errorf("%s: %q is neither RFC 3339 nor Unix seconds", colConversionTime, convTime)
		}
		if n := len(j.Times); n > 0 && t.Before(j.Times[n-1]) {
			return Journey{}, fmt.Errorf("%s: %s is before the last touch", colConversionTime, convTime)
		}
		j.ConversionTime = t
	}
	return j, nil
}

func parseCount(f string) (float64, error) {
	if f == "" {
		return 0, errors.New("empty, want a number")
	}
	v, err := strconv.ParseFloat(f, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", f)
	}
	if v < 0 {
		return 0, fmt.Errorf("%q is negative", f)
	}
	if v > maxCount {
		return 0, fmt.Errorf("%q is too large", f)
	}
	return v, nil
}

func parsePath(path string, j *Journey, opt ParseOptions) error {
	if path == "" {
		return errors.New("empty, want channels joined by \" > \"")
	}
	touches := strings.Split(path, ">")
	j.Channels = make([]string, len(touches))
	var times []time.Time
	var stamped []bool
	timed := 0
	for i, t := range touches {
		t = strings.TrimSpace(t)
		if t == "" {
			return fmt.Errorf("touch %d: empty channel name", i+1)
		}
		j.Channels[i] = t
		at := strings.LastIndexByte(t, '@')
		if at < 0 {
			continue
		}
		ts, ok := parseTime(strings.TrimSpace(t[at+1:]))
		if !ok {
			continue
		}
		name := strings.TrimSpace(t[:at])
		if name == "" {
			return fmt.Errorf("touch %d: empty channel name before the timestamp", i+1)
		}
		if times == nil {
			times = make([]time.Time, len(touches))
			stamped = make([]bool, len(touches))
		}
		j.Channels[i] = name
		times[i] = ts
		stamped[i] = true
		timed++
	}
	if timed > 0 && timed < len(touches) {
		for i := range touches {
			if !stamped[i] {
				return fmt.Errorf("touch %d %q has no timestamp but other touches do", i+1, j.Channels[i])
			}
		}
	}
	if timed == 0 && opt.RequireTimes {
		return fmt.Errorf("touch 1 %q: %w", j.Channels[0], ErrNoTimestamps)
	}
	for i := 1; i < len(times); i++ {
		if times[i].Before(times[i-1]) {
			return fmt.Errorf("touch %d %q is earlier than touch %d", i+1, j.Channels[i], i)
		}
	}
	j.Times = times
	return nil
}

// parseTime reads RFC 3339 (with optional fractional seconds) or integer
// Unix seconds.
func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		// Before 1970 is surely a typo; beyond year 9999 times do not
		// round-trip through RFC 3339.
		if n < 0 || n > 253402300799 {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
