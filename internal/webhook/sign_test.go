package webhook

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// The Standard Webhooks specification's published test vector: matching
// it means receivers can verify Cifra's deliveries with that scheme's
// libraries.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignVector(t *testing.T) {
	key, err := ParseSecret(vectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	if got := Sign(key, vectorID, time.Unix(vectorTimestamp, 0), []byte(vectorBody)); got != vectorSignature {
		t.Errorf("Sign = %s, want the specification's %s", got, vectorSignature)
	}
}

func TestVerify(t *testing.T) {
	key, _ := ParseSecret(vectorSecret)
	_, other, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	signed := time.Unix(vectorTimestamp, 0)
	hdr := func(sig string, ts int64) http.Header {
		h := http.Header{}
		h.Set(HeaderID, vectorID)
		h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		h.Set(HeaderSignature, sig)
		return h
	}
	cases := []struct {
		name    string
		h       http.Header
		body    string
		now     time.Time
		secrets [][]byte
		want    error
	}{
		{"valid", hdr(vectorSignature, vectorTimestamp), vectorBody, signed.Add(time.Minute), [][]byte{key}, nil},
		{"rotated: old and new signatures, new secret", hdr("v1,AAAA "+Sign(other, vectorID, signed, []byte(vectorBody)), vectorTimestamp), vectorBody, signed, [][]byte{other}, nil},
		{"rotated: receiver knows both secrets", hdr(vectorSignature, vectorTimestamp), vectorBody, signed, [][]byte{other, key}, nil},
		{"body changed", hdr(vectorSignature, vectorTimestamp), `{"test": 2432232315}`, signed, [][]byte{key}, ErrBadSignature},
		{"timestamp changed", hdr(vectorSignature, vectorTimestamp+1), vectorBody, signed, [][]byte{key}, ErrBadSignature},
		{"wrong secret", hdr(vectorSignature, vectorTimestamp), vectorBody, signed, [][]byte{other}, ErrBadSignature},
		{"replayed later", hdr(vectorSignature, vectorTimestamp), vectorBody, signed.Add(6 * time.Minute), [][]byte{key}, ErrStale},
		{"from the future", hdr(vectorSignature, vectorTimestamp), vectorBody, signed.Add(-6 * time.Minute), [][]byte{key}, ErrStale},
		{"no signature", hdr("", vectorTimestamp), vectorBody, signed, [][]byte{key}, ErrNoSignature},
	}
	for _, c := range cases {
		err := Verify(c.h, []byte(c.body), c.now, 5*time.Minute, c.secrets...)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestSecrets(t *testing.T) {
	text, key, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSecret(text)
	if err != nil || string(back) != string(key) || len(key) != 32 {
		t.Errorf("round trip: %v, %d bytes", err, len(key))
	}
	if _, err := ParseSecret("whsec_c2hvcnQ="); err == nil {
		t.Error("a 5-byte secret was accepted")
	}
	if _, err := ParseSecret("whsec_***"); err == nil {
		t.Error("non-base64 accepted")
	}
}
