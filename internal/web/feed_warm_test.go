package web

import (
	"context"
	"strings"
	"testing"
)

// WarmFeed leaves what the /slots and /pathway pages need in the cache,
// under the current data generation.
func TestWarmFeed(t *testing.T) {
	f := newFeedFixture(t, 200)
	ctx := context.Background()
	gen := f.srv.cat.Generation()
	has := func(what string) bool {
		for _, k := range f.srv.cache.Keys() {
			if k.Gen == gen && k.Kind == "feed" && strings.HasPrefix(k.ID, what) {
				return true
			}
		}
		return false
	}
	for _, what := range []string{"path", "avail|region|", "avail|20"} {
		if has(what) {
			t.Fatalf("%q cached before WarmFeed", what)
		}
	}
	f.srv.WarmFeed(ctx)
	for _, what := range []string{"path", "avail|region|", "avail|20"} {
		if !has(what) {
			t.Errorf("after WarmFeed no cached %q", what)
		}
	}
}
