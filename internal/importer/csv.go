package importer

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"ripple/internal/event"
)

// CSV touchpoints have a header row. These columns have a meaning; any other
// column becomes a property of the event, so nothing in the file is lost.
var csvColumns = map[string]string{
	"message_id": "messageId", "type": "type", "event": "event", "name": "name",
	"user_id": "userId", "anonymous_id": "anonymousId", "timestamp": "timestamp",
	"email":      "traits.email",
	"utm_source": "campaign.source", "utm_medium": "campaign.medium", "utm_campaign": "campaign.name",
	"utm_content": "campaign.content", "utm_term": "campaign.term",
	"url": "page.url", "referrer": "page.referrer",
}

type csvReader struct {
	r      *csv.Reader
	header []string
}

func newCSVReader(r io.Reader) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short row is reported by line, not fatal
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("import: csv header: %w", err)
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "" {
			return nil, fmt.Errorf("import: csv header: column %d has no name", i+1)
		}
		if seen[h] {
			return nil, fmt.Errorf("import: csv header: column %q appears twice", h)
		}
		seen[h] = true
		header[i] = h
	}
	if !seen["user_id"] && !seen["anonymous_id"] {
		return nil, errors.New("import: csv header: needs a user_id or anonymous_id column")
	}
	return &csvReader{r: cr, header: header}, nil
}

// read turns records into chunks; each record becomes one line holding the
// equivalent Segment message as JSON, so CSV and NDJSON share validation.
// A quoted field may span lines, so each record keeps its own line number.
func (cr *csvReader) read(ctx context.Context, rows int, out chan<- *chunk) error {
	seq := 0
	c := &chunk{seq: seq}
	flush := func() error {
		select {
		case out <- c:
		case <-ctx.Done():
			return ctx.Err()
		}
		seq++
		c = &chunk{seq: seq}
		return nil
	}
	for {
		rec, err := cr.r.Read()
		if err == io.EOF {
			if len(c.lines) > 0 {
				return flush()
			}
			return nil
		}
		var b []byte
		var line int
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("read csv: %w", err)
			}
			line = pe.StartLine
			b = append([]byte("\x00"), pe.Err.Error()...)
		} else {
			line, _ = cr.r.FieldPos(0)
			b = cr.message(rec)
		}
		c.lines = append(c.lines, b)
		c.lineNos = append(c.lineNos, line)
		c.bytes += int64(len(b))
		if len(c.lines) == rows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// message builds the Segment message a CSV record stands for.
func (cr *csvReader) message(rec []string) []byte {
	if len(rec) != len(cr.header) {
		return []byte(fmt.Sprintf("\x00row has %d fields, the header has %d", len(rec), len(cr.header)))
	}
	top := map[string]any{}
	props := map[string]any{}
	traits := map[string]any{}
	campaign := map[string]any{}
	page := map[string]any{}
	for i, h := range cr.header {
		v := strings.TrimSpace(rec[i])
		if v == "" {
			continue
		}
		dest, known := csvColumns[h]
		switch {
		case !known:
			props[h] = csvValue(v)
		case strings.HasPrefix(dest, "traits."):
			traits[dest[7:]] = v
		case strings.HasPrefix(dest, "campaign."):
			campaign[dest[9:]] = v
		case strings.HasPrefix(dest, "page."):
			page[dest[5:]] = v
			props[h] = v
		default:
			top[dest] = v
		}
	}
	if _, ok := top["type"]; !ok {
		top["type"] = "track"
	}
	if len(props) > 0 {
		top["properties"] = props
	}
	if len(traits) > 0 {
		top["traits"] = traits
	}
	ctx := map[string]any{}
	if len(campaign) > 0 {
		ctx["campaign"] = campaign
	}
	if len(page) > 0 {
		ctx["page"] = page
	}
	if len(ctx) > 0 {
		top["context"] = ctx
	}
	b, _ := json.Marshal(top)
	return b
}

// csvValue keeps numbers and booleans typed, so revenue sums and filters work.
func csvValue(v string) any {
	if _, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "xXnN") {
		return json.Number(v)
	}
	switch v {
	case "true":
		return true
	case "false":
		return false
	}
	return v
}

func (cr *csvReader) parse(c *chunk, received time.Time, workspace string) {
	c.msgs = make([]event.Message, 0, len(c.lines))
	for i, l := range c.lines {
		line := c.lineNos[i]
		if len(l) > 0 && l[0] == 0 {
			c.rejects = append(c.rejects, Reject{line, string(l[1:])})
			continue
		}
		m, err := event.ParseInPlace(l, -1, received, event.Defaults{}) // each line is a fresh encoding
		if err == nil {
			err = event.Enrich(&m, -1)
		}
		if err != nil {
			c.rejects = append(c.rejects, Reject{line, csvReason(err)})
			continue
		}
		m.Workspace = workspace
		c.msgs = append(c.msgs, m)
	}
}

// csvReason names CSV columns rather than the Segment fields they map to.
func csvReason(err error) string {
	var fe *event.FieldError
	if !errors.As(err, &fe) {
		return err.Error()
	}
	for col, dest := range csvColumns {
		if dest == fe.Field {
			return col + ": " + fe.Reason
		}
	}
	return strings.TrimPrefix(fe.Field, "properties.") + ": " + fe.Reason
}
