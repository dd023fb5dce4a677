package auth

import "testing"

func FuzzDecodeHash(f *testing.F) {
	good, _ := HashPassword("x")
	f.Add(good)
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := decodeHash(s)
		if err != nil {
			return
		}
		// Whatever parses must stay within the bounds a login can afford.
		if h.memory > 1<<20 || h.time > 16 || h.threads == 0 || len(h.salt) < 8 || len(h.key) < 16 {
			t.Fatalf("accepted out-of-bounds hash %q: %+v", s, h)
		}
	})
}
