package nok

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"time"
)

// The public survey is anonymous, so the server keeps no per-visitor
// state to stop bots. These helpers are stateless: a proof-of-work
// challenge signed with an HMAC, a honeypot field, and a key that is the
// same for one device, МО and day (the store keeps one response per key).

// Errors of the guards, for the survey page to show in Russian.
var (
	ErrChallengeBad     = errors.New("проверка формы не пройдена: обновите страницу и отправьте анкету ещё раз")
	ErrChallengeExpired = errors.New("время на заполнение анкеты истекло: обновите страницу")
	ErrTooFast          = errors.New("анкета отправлена слишком быстро")
	ErrHoneypot         = errors.New("анкета не принята")
)

const (
	challengeVersion = 1
	// MaxChallengeBits caps the difficulty: 2^20 hashes take a phone's
	// browser about a second.
	MaxChallengeBits = 24
	// maxToken bounds what VerifyChallenge reads, so that its cost stays
	// one HMAC and one SHA-256 over a short input whatever is sent.
	maxToken    = 512
	maxSolution = 16
)

// IssueChallenge returns a signed token for the survey form of one МО:
// version, difficulty, issue time, 16 random bytes and the МО code, then an
// HMAC-SHA256 of all that under secret.
func IssueChallenge(secret []byte, mo string, now time.Time, difficulty int, rnd io.Reader) (string, error) {
	if difficulty < 0 || difficulty > MaxChallengeBits {
		return "", fmt.Errorf("сложность %d вне 0..%d", difficulty, MaxChallengeBits)
	}
	if len(mo) > 200 {
		return "", errors.New("слишком длинный код МО")
	}
	payload := make([]byte, 2+8+16, 2+8+16+len(mo))
	payload[0], payload[1] = challengeVersion, byte(difficulty)
	binary.BigEndian.PutUint64(payload[2:], uint64(now.Unix()))
	if _, err := io.ReadFull(rnd, payload[10:26]); err != nil {
		return "", fmt.Errorf("challenge nonce: %w", err)
	}
	payload = append(payload, mo...)
	mac := hmac.New(sha256.New, secret)
	mac.Write(payload)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(mac.Sum(nil)), nil
}

// VerifyChallenge checks a token and its solution for the МО: the HMAC,
// the МО, the age (at least minAge — a person reads the questions — and at
// most maxAge), and that SHA-256(token ":" solution) starts with the
// token's number of zero bits. A token can be replayed within maxAge:
// the per-device-per-day key is what limits repeated responses.
func VerifyChallenge(secret []byte, token, solution, mo string, now time.Time, minAge, maxAge time.Duration) error {
	if len(token) > maxToken || len(solution) == 0 || len(solution) > maxSolution {
		return ErrChallengeBad
	}
	if _, err := strconv.ParseUint(solution, 10, 64); err != nil {
		return ErrChallengeBad
	}
	p, sig, ok := cut(token)
	if !ok {
		return ErrChallengeBad
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p)
	got, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || len(payload) < 26 || payload[0] != challengeVersion {
		return ErrChallengeBad
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(payload)
	if !hmac.Equal(got, mac.Sum(nil)) || string(payload[26:]) != mo {
		return ErrChallengeBad
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(payload[2:10])), 0)
	age := now.Sub(issued)
	switch {
	case age < 0:
		return ErrChallengeBad
	case age < minAge:
		return ErrTooFast
	case age > maxAge:
		return ErrChallengeExpired
	}
	if leadingZeroBits(token, solution) < int(payload[1]) {
		return ErrChallengeBad
	}
	return nil
}

func cut(token string) (string, string, bool) {
	for i := len(token) - 1; i >= 0; i-- {
		if token[i] == '.' {
			return token[:i], token[i+1:], true
		}
	}
	return "", "", false
}

func leadingZeroBits(token, solution string) int {
	h := sha256.New()
	io.WriteString(h, token)
	io.WriteString(h, ":")
	io.WriteString(h, solution)
	sum := h.Sum(nil)
	n := 0
	for _, b := range sum {
		if b == 0 {
			n += 8
			continue
		}
		return n + bits.LeadingZeros8(b)
	}
	return n
}

// Solve finds a solution for a token (what the page's script does); for
// tests and benchmarks.
func Solve(token string, difficulty int) string {
	for i := uint64(0); ; i++ {
		s := strconv.FormatUint(i, 10)
		if leadingZeroBits(token, s) >= difficulty {
			return s
		}
	}
}

// HoneypotField is the name of a form field hidden from people (by CSS,
// with autocomplete off and a label asking to leave it empty); bots that
// fill every field give themselves away.
const HoneypotField = "website"

// CheckHoneypot returns ErrHoneypot when the hidden field was filled.
func CheckHoneypot(value string) error {
	if value != "" {
		return ErrHoneypot
	}
	return nil
}

// NewDeviceCookie returns a random value for the survey's device cookie.
func NewDeviceCookie(rnd io.Reader) (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(rnd, b); err != nil {
		return "", fmt.Errorf("device cookie: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// DeviceDayKey is HMAC-SHA256(secret, cookie, МО, date) in hex, the date
// taken in loc (the МО's time zone) so that "a day" is the patient's day.
// The store keeps at most one response per key; the key reveals neither
// the cookie nor, without the secret, which device answered.
func DeviceDayKey(secret []byte, cookie, mo string, at time.Time, loc *time.Location) string {
	mac := hmac.New(sha256.New, secret)
	// Length-prefixed fields: ("ab","c") and ("a","bc") differ.
	for _, f := range []string{"nok-device-day", cookie, mo, at.In(loc).Format("2006-01-02")} {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(f)))
		mac.Write(n[:])
		mac.Write([]byte(f))
	}
	return hex.EncodeToString(mac.Sum(nil))
}
