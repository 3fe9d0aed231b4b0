package access

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"ripple/internal/fault"
)

// Argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane), which keeps
// a sign-in near 30 ms on a small server while making offline guessing costly.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// HashPassword returns an encoded argon2id hash of pw with a random salt, in
// the PHC string format so the parameters can change later.
func HashPassword(pw string) (string, error) {
	if len(pw) < MinPasswordLen {
		return "", fault.Invalid("password", fmt.Sprintf("must be at least %d characters", MinPasswordLen))
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// GeneratePassword returns a random password for a user created without
// one: 20 characters of base64url, about 120 bits.
func GeneratePassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// dummyHash is what a sign-in with an unknown email is checked against, so
// that it costs as long as one with a known email. It is made on the first
// such sign-in, not at start: an argon2id hash is 19 MiB of work that most
// processes (every command, every test binary) never need.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password at all")
	return h
})
