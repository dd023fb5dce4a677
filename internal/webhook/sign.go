package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of the Standard Webhooks scheme.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// MinSecretBytes is the shortest secret accepted: HMAC-SHA256 gains
// nothing from more than its 32-byte block of entropy, and less is
// guessable.
const MinSecretBytes = 24

// Sign returns the signature header value for one message: "v1," and the
// base64 HMAC-SHA256 of "id.unix-seconds.body".
func Sign(secret []byte, id string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(ts.Unix(), 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SetHeaders puts the id, timestamp and signature on a request.
func SetHeaders(h http.Header, secret []byte, id string, ts time.Time, body []byte) {
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, Sign(secret, id, ts, body))
}

// Verification errors.
var (
	ErrNoSignature  = errors.New("webhook: missing id, timestamp or signature header")
	ErrStale        = errors.New("webhook: timestamp outside the tolerance")
	ErrBadSignature = errors.New("webhook: no signature matches")
)

// Verify checks a received message as a subscriber would: the timestamp
// lies within tolerance of now (against replays) and one of the
// space-separated signatures matches one of the secrets (so that secrets
// can be rotated). It compares in constant time.
func Verify(h http.Header, body []byte, now time.Time, tolerance time.Duration, secrets ...[]byte) error {
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return ErrNoSignature
	}
	sec, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook: timestamp %q: %w", tsText, err)
	}
	ts := time.Unix(sec, 0)
	if d := now.Sub(ts); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: %s off", ErrStale, d.Round(time.Second))
	}
	for _, secret := range secrets {
		want := Sign(secret, id, ts, body)
		for _, got := range strings.Fields(sigs) {
			if hmac.Equal([]byte(got), []byte(want)) {
				return nil
			}
		}
	}
	return ErrBadSignature
}

// secretPrefix marks secrets in the Standard Webhooks text form.
const secretPrefix = "whsec_"

// NewSecret makes a random 32-byte secret and its text form
// ("whsec_" + base64), which the administrator hands to the receiver.
func NewSecret() (text string, key []byte, err error) {
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", nil, fmt.Errorf("new webhook secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(key), key, nil
}

// ParseSecret reads a secret in text form, with or without the prefix.
func ParseSecret(text string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(text, secretPrefix))
	if err != nil {
		return nil, fmt.Errorf("webhook secret: not base64: %w", err)
	}
	if len(key) < MinSecretBytes {
		return nil, fmt.Errorf("webhook secret: %d bytes, want at least %d", len(key), MinSecretBytes)
	}
	return key, nil
}
