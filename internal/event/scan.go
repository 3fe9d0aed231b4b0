package event

import (
	"encoding/json"
	"strconv"
	"strings"
	"unsafe"
)

// The scanner reads a message in one pass: the top-level fields, the raw
// properties, traits and context, and the few fields inside properties and
// context that Enrich needs. encoding/json would read the same bytes four
// times (validate, decode, then properties and context again), which is most
// of what collection spends per event.
//
// It is an optimisation, never the judge: on anything it does not handle
// exactly as encoding/json would (escapes in keys or values, a key that
// matches only case-insensitively, an unexpected type, a syntax error) it
// gives up, and the caller decodes with encoding/json, whose result and
// error messages stand. FuzzScanAgreesWithDecoder checks the two agree.

// extract is what Enrich needs from properties and context.
type extract struct {
	p props
	c ctx
}

type scanner struct {
	b     []byte
	i     int
	alias bool // strings and raw values point into b instead of copying it
}

// scanMessage fills w and x from raw and reports whether it could. x is
// valid only when both properties and context were objects, null or absent
// and every field read had the expected type. With alias, what it reads
// points into raw, which the caller must then never change.
func scanMessage(raw []byte, alias bool, w *wire, x *extract) (ok, xok bool) {
	s := scanner{b: raw, alias: alias}
	xok = true
	failed := s.object(func(key string) bool {
		switch key {
		case "type":
			v := string(w.Type)
			ok := s.stringOrNull(&v)
			w.Type = Type(v)
			return ok
		case "messageId":
			return s.id(&w.MessageID)
		case "userId":
			return s.id(&w.UserID)
		case "anonymousId":
			return s.id(&w.AnonymousID)
		case "previousId":
			return s.id(&w.PreviousID)
		case "groupId":
			return s.id(&w.GroupID)
		case "event":
			return s.stringOrNull(&w.Event)
		case "name":
			return s.stringOrNull(&w.Name)
		case "timestamp":
			return s.stringOrNull(&w.Timestamp)
		case "originalTimestamp":
			return s.stringOrNull(&w.OriginalTimestamp)
		case "sentAt":
			return s.stringOrNull(&w.SentAt)
		case "properties":
			x.p = props{}
			return s.raw(&w.Properties, func() bool { return s.props(&x.p) }, &xok)
		case "traits":
			return s.raw(&w.Traits, nil, &xok)
		case "context":
			x.c = ctx{}
			return s.raw(&w.Context, func() bool { return s.ctx(&x.c) }, &xok)
		}
		return s.known(key, wireKeys) && s.skip(0)
	})
	s.ws()
	if failed || s.i != len(s.b) {
		return false, false
	}
	return true, xok
}

// wireKeys are the top-level names encoding/json would match; a key equal to
// one of them only when case is ignored is left to encoding/json.
var wireKeys = []string{"type", "messageId", "userId", "anonymousId", "previousId", "groupId", "event", "name",
	"timestamp", "originalTimestamp", "sentAt", "properties", "traits", "context"}

// known reports whether key may be skipped: it matches none of names, even
// ignoring case.
func (s *scanner) known(key string, names []string) bool {
	for _, n := range names {
		if strings.EqualFold(key, n) {
			return false
		}
	}
	return true
}

// raw copies the next value into dst; when it is an object and inner is set,
// inner reads it first. A non-object clears xok, leaving the decision to
// Enrich's own decoding.
func (s *scanner) raw(dst *json.RawMessage, inner func() bool, xok *bool) bool {
	s.ws()
	start := s.i
	if s.peek() == '{' && inner != nil {
		if !inner() {
			return false
		}
	} else {
		if inner != nil && !s.isNull() {
			*xok = false
		}
		if !s.skip(0) {
			return false
		}
	}
	if s.alias {
		*dst = s.b[start:s.i:s.i]
	} else {
		*dst = append(json.RawMessage(nil), s.b[start:s.i]...)
	}
	return true
}

func (s *scanner) props(p *props) bool {
	return !s.object(func(key string) bool {
		switch key {
		case "channel":
			return s.stringOrNull(&p.Channel)
		case "platform":
			return s.stringOrNull(&p.Platform)
		case "url":
			return s.stringOrNull(&p.URL)
		case "referrer":
			return s.stringOrNull(&p.Referrer)
		case "currency":
			return s.stringOrNull(&p.Currency)
		case "text":
			return s.stringOrNull(&p.Text)
		case "body":
			return s.stringOrNull(&p.Body)
		case "utm_source":
			return s.stringOrNull(&p.UTMSrc)
		case "utm_medium":
			return s.stringOrNull(&p.UTMMed)
		case "utm_campaign":
			return s.stringOrNull(&p.UTMCamp)
		case "revenue":
			return s.raw(&p.Revenue, nil, nil)
		case "total":
			return s.raw(&p.Total, nil, nil)
		case "value":
			return s.raw(&p.Value, nil, nil)
		}
		return s.known(key, propKeys) && s.skip(0)
	})
}

var propKeys = []string{"channel", "platform", "url", "referrer", "currency", "text", "body", "utm_source", "utm_medium",
	"utm_campaign", "revenue", "total", "value"}

func (s *scanner) ctx(c *ctx) bool {
	return !s.object(func(key string) bool {
		switch key {
		case "campaign":
			return s.nested(func(k string) bool {
				switch k {
				case "name":
					return s.stringOrNull(&c.Campaign.Name)
				case "source":
					return s.stringOrNull(&c.Campaign.Source)
				case "medium":
					return s.stringOrNull(&c.Campaign.Medium)
				case "content":
					return s.stringOrNull(&c.Campaign.Content)
				case "term":
					return s.stringOrNull(&c.Campaign.Term)
				}
				return s.known(k, []string{"name", "source", "medium", "content", "term"}) && s.skip(0)
			})
		case "page":
			return s.nested(func(k string) bool {
				switch k {
				case "url":
					return s.stringOrNull(&c.Page.URL)
				case "referrer":
					return s.stringOrNull(&c.Page.Referrer)
				}
				return s.known(k, []string{"url", "referrer"}) && s.skip(0)
			})
		case "referrer":
			return s.nested(func(k string) bool {
				if k == "url" {
					return s.stringOrNull(&c.Referrer.URL)
				}
				return s.known(k, []string{"url"}) && s.skip(0)
			})
		}
		return s.known(key, []string{"campaign", "page", "referrer"}) && s.skip(0)
	})
}

// nested reads an object field of a struct: null leaves it as it is, any
// other non-object is a type error left to encoding/json.
func (s *scanner) nested(field func(key string) bool) bool {
	s.ws()
	if s.isNull() {
		return s.skip(0)
	}
	return s.peek() == '{' && !s.object(field)
}

// object reads an object, calling field for each key with the scanner on
// the value; it returns true on failure.
func (s *scanner) object(field func(key string) bool) (failed bool) {
	s.ws()
	if s.peek() != '{' {
		return true
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
		return false
	}
	for {
		s.ws()
		key, ok := s.plainString()
		if !ok {
			return true
		}
		s.ws()
		if s.peek() != ':' {
			return true
		}
		s.i++
		if !field(key) {
			return true
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return false
		default:
			return true
		}
	}
}

// stringOrNull reads a string without escapes into dst; null leaves dst as
// it is, as encoding/json does.
func (s *scanner) stringOrNull(dst *string) bool {
	s.ws()
	if s.isNull() {
		return s.skip(0)
	}
	v, ok := s.plainString()
	if ok {
		*dst = v
	}
	return ok
}

// id reads a string, a number (kept as its text) or null (empty), as
// flexString does.
func (s *scanner) id(dst *flexString) bool {
	s.ws()
	switch c := s.peek(); {
	case c == '"':
		v, ok := s.plainString()
		*dst = flexString(v)
		return ok
	case s.isNull():
		*dst = ""
		return s.skip(0)
	case c == '-' || (c >= '0' && c <= '9'):
		start := s.i
		if !s.number() {
			return false
		}
		if _, err := strconv.ParseFloat(string(s.b[start:s.i]), 64); err != nil {
			return false
		}
		*dst = flexString(s.b[start:s.i])
		return true
	}
	return false
}

// plainString reads a string with no escapes and no control characters.
func (s *scanner) plainString() (string, bool) {
	if s.peek() != '"' {
		return "", false
	}
	start := s.i + 1
	for i := start; i < len(s.b); i++ {
		switch c := s.b[i]; {
		case c == '"':
			s.i = i + 1
			if s.alias && i > start {
				return unsafe.String(&s.b[start], i-start), true
			}
			return string(s.b[start:i]), true
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

func (s *scanner) isNull() bool {
	return len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null"
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// maxDepth keeps a hostile message from recursing deep; encoding/json takes
// over past it.
const maxDepth = 64

// skip validates and passes one value of any kind.
func (s *scanner) skip(depth int) bool {
	if depth > maxDepth {
		return false
	}
	s.ws()
	switch c := s.peek(); {
	case c == '{':
		return !s.object(func(string) bool { return s.skip(depth + 1) })
	case c == '[':
		s.i++
		s.ws()
		if s.peek() == ']' {
			s.i++
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			s.ws()
			switch s.peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				return true
			default:
				return false
			}
		}
	case c == '"':
		return s.skipString()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return s.number()
}

func (s *scanner) literal(lit string) bool {
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// skipString passes a string, checking its escapes.
func (s *scanner) skipString() bool {
	for i := s.i + 1; i < len(s.b); i++ {
		switch c := s.b[i]; {
		case c == '"':
			s.i = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			i++
			if i >= len(s.b) {
				return false
			}
			switch s.b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s.b) {
					return false
				}
				for _, h := range s.b[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return false
}

// number passes a number in JSON's grammar.
func (s *scanner) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	s.i = i
	return true
}
