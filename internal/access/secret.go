package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// NewID returns a random identifier with a readable prefix, e.g. "usr_3kf9…".
func NewID(prefix string) string {
	var b [12]byte
	rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

// NewSecret returns a random secret of n bytes, in hex, after a readable
// prefix: "rk_…" for a write key.
func NewSecret(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

func newSecret(prefix string) string { return NewSecret(prefix, 32) }

// HashSecret is how session, token and key secrets are stored: they are long
// and random, so a plain SHA-256 cannot be reversed or brute-forced.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
