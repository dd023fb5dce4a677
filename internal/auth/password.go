package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes: OWASP's minimum recommendation
// (19 MiB, 2 passes, 1 lane) keeps a login under ~50 ms on the project's
// 2-core machines while making offline guessing costly. Verification reads
// the parameters from the stored string, so raising them later only
// affects new and changed passwords.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Password length bounds. The upper bound stops a megabyte "password" from
// being hashed on every attempt.
const (
	MinPasswordLen = 10 // runes
	MaxPasswordLen = 256
)

var (
	// ErrBadHash is returned for a stored hash that cannot be parsed.
	ErrBadHash = errors.New("malformed password hash")
	// ErrWeakPassword is returned for a new password that is too short or too long.
	ErrWeakPassword = fmt.Errorf("password must have %d to %d characters", MinPasswordLen, MaxPasswordLen)
)

// HashPassword returns the argon2id hash of pw in the PHC string format
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key> (unpadded standard base64).
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash, comparing in
// constant time.
func CheckPassword(encoded, pw string) (bool, error) {
	h, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	if len(pw) > 4*MaxPasswordLen {
		return false, nil
	}
	key := argon2.IDKey([]byte(pw), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

type argonHash struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// decodeHash parses a PHC argon2id string, bounding the parameters so that
// a corrupted row cannot make a login allocate gigabytes.
func decodeHash(s string) (argonHash, error) {
	var h argonHash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return h, ErrBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version || parts[2] != fmt.Sprintf("v=%d", v) {
		return h, ErrBadHash
	}
	var m, t, p uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", m, t, p) {
		return h, ErrBadHash
	}
	if m < 8 || m > 1<<20 || t < 1 || t > 16 || p < 1 || p > 16 || m < 8*p {
		return h, ErrBadHash
	}
	b64 := base64.RawStdEncoding.Strict()
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return h, ErrBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return h, ErrBadHash
	}
	return argonHash{memory: m, time: t, threads: uint8(p), salt: salt, key: key}, nil
}

// CheckPasswordPolicy rejects passwords that are too short or too long.
func CheckPasswordPolicy(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || len(pw) > MaxPasswordLen {
		return ErrWeakPassword
	}
	return nil
}

// GeneratePassword returns a random password of 26 base32 characters
// (128 bits), easy to read aloud and to type.
func GeneratePassword() string { return rand.Text() }
