package sim

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"ripple/internal/event"
)

var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// WriteNDJSON writes m as one line of Segment JSON, the way a client sends
// it: type, messageId, userId, anonymousId, event, name, properties, traits,
// context and timestamp (RFC 3339 with milliseconds). Empty fields are left
// out. Give it a buffered writer: it makes one Write per message.
func WriteNDJSON(w io.Writer, m *event.Message) error {
	bp := lineBufs.Get().(*[]byte)
	b := AppendNDJSON((*bp)[:0], m)
	_, err := w.Write(b)
	*bp = b
	lineBufs.Put(bp)
	if err != nil {
		return fmt.Errorf("sim: write message %s: %w", m.MessageID, err)
	}
	return nil
}

// AppendNDJSON appends m's NDJSON line, newline included, to dst.
func AppendNDJSON(dst []byte, m *event.Message) []byte {
	dst = append(dst, `{"type":`...)
	dst = appendString(dst, string(m.Type))
	field := func(name, v string) {
		if v != "" {
			dst = append(dst, name...)
			dst = appendString(dst, v)
		}
	}
	field(`,"messageId":`, m.MessageID)
	field(`,"userId":`, m.UserID)
	field(`,"anonymousId":`, m.AnonymousID)
	field(`,"previousId":`, m.PreviousID)
	field(`,"groupId":`, m.GroupID)
	field(`,"event":`, m.Event)
	field(`,"name":`, m.Name)
	raw := func(name string, v []byte) {
		if len(v) > 0 {
			dst = append(dst, name...)
			dst = append(dst, v...)
		}
	}
	raw(`,"properties":`, m.Properties)
	raw(`,"traits":`, m.Traits)
	raw(`,"context":`, m.Context)
	ts := m.OriginalTimestamp
	if ts.IsZero() {
		ts = m.Timestamp
	}
	if !ts.IsZero() {
		dst = append(dst, `,"timestamp":"`...)
		dst = appendTime(dst, ts)
		dst = append(dst, '"')
	}
	return append(dst, "}\n"...)
}

// appendTime writes t in UTC as 2006-01-02T15:04:05.000Z without going
// through time.Format's layout interpreter.
func appendTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	dst = appendPad(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPad(dst, int(mo), 2)
	dst = append(dst, '-')
	dst = appendPad(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendPad(dst, h, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, mi, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, s, 2)
	dst = append(dst, '.')
	dst = appendPad(dst, ms, 3)
	return append(dst, 'Z')
}

func appendPad(dst []byte, n, width int) []byte {
	var buf [8]byte
	i := len(buf)
	for ; width > 0 || n > 0; width-- {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, buf[i:]...)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced so the line stays valid JSON.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	i := 0
	for i < len(s) && plain[s[i]] {
		i++
	}
	if i == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	return appendEscaped(dst, s)
}

// plain marks the bytes a JSON string holds as they are: printable ASCII
// other than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendFloat(dst []byte, f float64) []byte {
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}
