package event

import (
	"encoding/json"
	"math"
	"strconv"

	"ripple/internal/channel"
)

// props are the properties Ripple reads; the rest stay in the raw JSON.
type props struct {
	Channel  string          `json:"channel"`
	Platform string          `json:"platform"`
	URL      string          `json:"url"`
	Referrer string          `json:"referrer"`
	Revenue  json.RawMessage `json:"revenue"` // a number, or a string holding one
	Total    json.RawMessage `json:"total"`
	Value    json.RawMessage `json:"value"`
	Currency string          `json:"currency"`
	Text     string          `json:"text"`
	Body     string          `json:"body"`
	UTMSrc   string          `json:"utm_source"`
	UTMMed   string          `json:"utm_medium"`
	UTMCamp  string          `json:"utm_campaign"`
}

type ctx struct {
	Campaign struct {
		Name    string `json:"name"`
		Source  string `json:"source"`
		Medium  string `json:"medium"`
		Content string `json:"content"`
		Term    string `json:"term"`
	} `json:"campaign"`
	Page struct {
		URL      string `json:"url"`
		Referrer string `json:"referrer"`
	} `json:"page"`
	Referrer struct {
		URL string `json:"url"`
	} `json:"referrer"`
}

// Enrich fills the fields Ripple derives from a parsed message: its channel,
// stage, revenue and text. Malformed values inside properties or context
// (a string revenue that is not a number, say) are reported by field.
//
// It reuses what Parse read of properties and context; those of a message
// built by hand are decoded here.
func Enrich(m *Message, index int) error {
	var x extract
	if m.extract != nil {
		x = *m.extract
		extracts.Put(m.extract)
		m.extract = nil
	} else {
		var err error
		if x, err = decodeExtract(m, index); err != nil {
			return err
		}
	}
	p, c := &x.p, &x.c
	s := channel.Signals{
		Explicit: p.Channel,
		Platform: p.Platform,
		Source:   first(c.Campaign.Source, p.UTMSrc),
		Medium:   first(c.Campaign.Medium, p.UTMMed),
		Campaign: first(c.Campaign.Name, p.UTMCamp),
		Content:  c.Campaign.Content,
		Term:     c.Campaign.Term,
		URL:      first(c.Page.URL, p.URL),
		Referrer: first(c.Page.Referrer, c.Referrer.URL, p.Referrer),
		Event:    m.Event,
	}
	m.Channel = channel.Derive(s)
	m.Stage = StageOf(m)
	m.Currency = p.Currency
	m.Text = first(p.Text, p.Body)
	for _, f := range []struct {
		name string
		n    json.RawMessage
	}{{"revenue", p.Revenue}, {"total", p.Total}, {"value", p.Value}} {
		n := nonNull(f.n)
		if n == nil {
			continue
		}
		if n[0] == '"' {
			var s string
			if json.Unmarshal(n, &s) != nil || s == "" {
				return &FieldError{Index: index, Field: "properties." + f.name, Reason: "is not a number"}
			}
			n = []byte(s)
		}
		v, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return &FieldError{Index: index, Field: "properties." + f.name, Reason: "is not a number"}
		}
		m.Revenue = v
		break
	}
	return nil
}

// decodeExtract reads properties and context with encoding/json, in a
// function of its own so that Enrich's common path allocates nothing.
func decodeExtract(m *Message, index int) (extract, error) {
	var x extract
	if m.Properties != nil {
		if err := json.Unmarshal(m.Properties, &x.p); err != nil {
			return x, &FieldError{Index: index, Field: "properties." + jsonField(err), Reason: jsonReason(err)}
		}
	}
	if m.Context != nil {
		if err := json.Unmarshal(m.Context, &x.c); err != nil {
			return x, &FieldError{Index: index, Field: "context." + jsonField(err), Reason: jsonReason(err)}
		}
	}
	return x, nil
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
