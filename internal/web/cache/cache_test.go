package cache

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestGenerations(t *testing.T) {
	c := New(10, 1000)
	c.Put(Key{1, "page", "/"}, "one", 1)
	if v, ok := c.Get(Key{1, "page", "/"}); !ok || v != "one" {
		t.Fatalf("get: %v %v", v, ok)
	}
	// A newer generation drops the older values and refuses late ones.
	if _, ok := c.Get(Key{2, "page", "/"}); ok {
		t.Fatal("a value of generation 1 served at generation 2")
	}
	if c.Len() != 0 || c.Cost() != 0 {
		t.Fatalf("after moving on: %d values, cost %d", c.Len(), c.Cost())
	}
	c.Put(Key{1, "page", "/"}, "late", 1)
	if _, ok := c.Get(Key{1, "page", "/"}); ok || c.Len() != 0 {
		t.Fatal("a value of an older generation was kept")
	}
}

func TestBounds(t *testing.T) {
	for _, tc := range []struct {
		name             string
		entries          int
		maxCost, each    int64
		puts             int
		wantLen, maxLeft int
	}{
		{"by entries", 8, 1 << 20, 1, 100, 8, 8},
		{"by cost", 100, 50, 10, 100, 5, 5},
		{"too costly", 10, 50, 51, 10, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.entries, tc.maxCost)
			for i := range tc.puts {
				c.Put(Key{7, "k", strconv.Itoa(i)}, i, tc.each)
			}
			if c.Len() != tc.wantLen || c.Cost() > tc.maxCost || c.Cost() != int64(c.Len())*tc.each {
				t.Fatalf("%d values costing %d, want %d within %d", c.Len(), c.Cost(), tc.wantLen, tc.maxCost)
			}
			// The newest stay.
			if tc.wantLen > 0 {
				if _, ok := c.Get(Key{7, "k", strconv.Itoa(tc.puts - 1)}); !ok {
					t.Fatal("the newest value was evicted")
				}
			}
		})
	}
	c := New(4, 100)
	c.Put(Key{1, "k", "a"}, 1, 60)
	c.Put(Key{1, "k", "a"}, 2, 30) // replacing gives the old cost back
	if c.Cost() != 30 || c.Len() != 1 {
		t.Fatalf("after replacing: cost %d, %d values", c.Cost(), c.Len())
	}
}

// TestLoadOnce: concurrent callers of a missing key cause one load, and a
// failed load is not kept.
func TestLoadOnce(t *testing.T) {
	c := New(10, 100)
	var mu sync.Mutex
	loads := 0
	load := func() (any, int64, error) {
		mu.Lock()
		loads++
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		return loads, 1, nil
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := c.Load(Key{1, "k", "x"}, load); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if loads != 1 {
		t.Fatalf("%d loads for 50 concurrent callers, want 1", loads)
	}
	if _, err := c.Load(Key{1, "k", "bad"}, func() (any, int64, error) { return nil, 0, errors.New("boom") }); err == nil {
		t.Fatal("error not returned")
	}
	v, err := c.Load(Key{1, "k", "bad"}, func() (any, int64, error) { return 7, 1, nil })
	if err != nil || v != 7 {
		t.Fatalf("after a failed load: %v, %v", v, err)
	}
}
