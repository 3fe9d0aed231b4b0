package identity

import "encoding/json"

// fields calls f with each top-level key of the JSON object obj and its
// value's raw bytes, in order, and reports false when obj is not an object it
// can read. It reads what encoding/json would (the message was decoded once
// already, so obj is valid JSON) at a fraction of the cost: traits are read
// from every identify call and every message with context.traits. Keys with
// escapes are decoded; values are returned as written.
func fields(obj []byte, f func(key string, val []byte)) bool {
	i := skipWS(obj, 0)
	if i == len(obj) || obj[i] != '{' {
		return false
	}
	i = skipWS(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return true
	}
	for i < len(obj) {
		if obj[i] != '"' {
			return false
		}
		end, escaped := stringEnd(obj, i)
		if end < 0 {
			return false
		}
		key := string(obj[i+1 : end-1])
		if escaped && json.Unmarshal(obj[i:end], &key) != nil {
			return false
		}
		i = skipWS(obj, end)
		if i == len(obj) || obj[i] != ':' {
			return false
		}
		i = skipWS(obj, i+1)
		vend := valueEnd(obj, i)
		if vend < 0 {
			return false
		}
		f(key, obj[i:vend])
		i = skipWS(obj, vend)
		if i == len(obj) {
			return false
		}
		switch obj[i] {
		case '}':
			return true
		case ',':
			i = skipWS(obj, i+1)
		default:
			return false
		}
	}
	return false
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd is the index after the string starting at b[i], or -1, and
// whether it holds escapes.
func stringEnd(b []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return -1, false
}

// valueEnd is the index after the JSON value starting at b[i], or -1.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		end, _ := stringEnd(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := stringEnd(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	// A number or a literal: up to the next delimiter.
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
