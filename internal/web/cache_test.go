package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cifra-health/cifra/internal/catalog/catalogtest"
	"github.com/cifra-health/cifra/internal/web/cache"
)

// TestUncertaintySeedsBounded: anonymous callers asking for the Monte Carlo
// run with 1,000 different seeds get their answers but do not grow the
// cache past its bound, nor evict the canonical run the region cards use.
func TestUncertaintySeedsBounded(t *testing.T) {
	s := New(catalogtest.Demo(t), nil)
	t.Cleanup(s.Close)
	const bound = 64
	s.cache = cache.New(bound, cacheBytes)
	do := func(target string) {
		t.Helper()
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
	}
	do("/api/v1/uncertainty?period=2020")
	canonical := s.cache.Keys()
	if len(canonical) != 1 || canonical[0].Kind != "uncertainty" {
		t.Fatalf("after the canonical run the cache holds %v", canonical)
	}
	for seed := 2; seed < 1002; seed++ {
		do(fmt.Sprintf("/api/v1/uncertainty?period=2020&draws=2&seed=%d", seed))
		if n := s.cache.Len(); n > bound {
			t.Fatalf("after seed %d the cache holds %d values, over its bound %d", seed, n, bound)
		}
	}
	if _, ok := s.cache.Get(canonical[0]); !ok {
		t.Fatal("the canonical run was evicted by callers' seeds")
	}
	if n := s.cache.Len(); n != 1 {
		t.Errorf("callers' seeds left %d values in the cache, want only the canonical run", n)
	}
}

// TestPagesFollowGeneration: a kept page is served until the data
// generation moves, and never after.
func TestPagesFollowGeneration(t *testing.T) {
	c := catalogtest.Demo(t)
	s := New(c, nil)
	t.Cleanup(s.Close)
	get := func() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/map?period=2020", nil))
		if w.Code != http.StatusOK {
			t.Fatalf("map: %d", w.Code)
		}
	}
	pages := func(gen uint64) int {
		n := 0
		for _, k := range s.cache.Keys() {
			if k.Kind == "page" && k.Gen == gen {
				n++
			}
		}
		return n
	}
	get()
	gen := c.Generation()
	if pages(gen) != 1 {
		t.Fatalf("map not kept at generation %d: %v", gen, s.cache.Keys())
	}
	if err := c.ReloadHierarchy(t.Context()); err != nil {
		t.Fatal(err)
	}
	if c.Generation() == gen {
		t.Fatal("reloading the hierarchy did not advance the generation")
	}
	get()
	if pages(gen) != 0 || pages(c.Generation()) != 1 {
		t.Fatalf("after a write: %v", s.cache.Keys())
	}
}

// TestCloseStopsBackground: after Close no background work is running or
// starts.
func TestCloseStopsBackground(t *testing.T) {
	s := New(catalogtest.Demo(t), nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/?period=2020", nil)) // starts the uncertainty warm-up
	s.Close()                                                                 // waits for it
	if s.ctx.Err() == nil {
		t.Fatal("Close left the server's context alive")
	}
	if s.background(func(context.Context) {}) {
		t.Fatal("background work started after Close")
	}
}
