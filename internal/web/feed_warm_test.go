package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// WarmFeed leaves what the /slots and /pathway pages need in the feed
// cache, under the current feed version.
func TestWarmFeed(t *testing.T) {
	f := newFeedFixture(t, 200)
	ctx := context.Background()
	version := fmt.Sprintf("%p|%d", f.srv, f.srv.cat.Generation())
	has := func(what string) bool {
		feedCache.Lock()
		defer feedCache.Unlock()
		for k := range feedCache.m {
			if strings.HasPrefix(k, version+"|") && strings.Contains(k, what) {
				return true
			}
		}
		return false
	}
	feedCache.Lock()
	clear(feedCache.m)
	feedCache.Unlock()
	f.srv.WarmFeed(ctx)
	for _, what := range []string{"path", "avail|region|", "avail|20"} {
		if !has(what) {
			t.Errorf("after WarmFeed no cached %q", what)
		}
	}
}
