// Package cache is the web server's one cache: values computed from the
// stored data (rendered pages, derived tables, feed measures, Monte Carlo
// runs), kept under the data generation they were computed at.
//
// Every key carries the catalog's data generation, which advances on every
// committed write: a value of an older generation is never served, and the
// first key of a newer one drops everything older. The cache is bounded
// twice, by entries (a least-recently-used list from hashicorp/golang-lru)
// and by the summed cost its callers declare (bytes for a page, an estimate
// for a structure), so that nothing a caller sends can grow it without
// bound. Concurrent loads of one key run once (singleflight).
package cache

import (
	"fmt"
	"sync"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"
)

// Key names a cached value: its data generation, its kind (what computes
// it: "page", "derived", "feed"…) and what it is of.
type Key struct {
	Gen  uint64
	Kind string
	ID   string
}

func (k Key) String() string { return fmt.Sprintf("%d|%s|%s", k.Gen, k.Kind, k.ID) }

type entry struct {
	v    any
	cost int64
}

// Cache is safe for concurrent use. The zero Cache is not; use New.
type Cache struct {
	mu      sync.Mutex // orders Put's add-then-trim and generation moves
	lru     *lru.Cache[Key, entry]
	maxCost int64
	cost    atomic.Int64
	gen     atomic.Uint64 // the newest generation seen
	group   singleflight.Group
}

// New makes a cache of at most entries values whose costs sum to at most
// maxCost.
func New(entries int, maxCost int64) *Cache {
	c := &Cache{maxCost: maxCost}
	l, err := lru.NewWithEvict(entries, func(_ Key, e entry) { c.cost.Add(-e.cost) })
	if err != nil {
		panic(fmt.Sprintf("cache: %v", err)) // only for entries <= 0
	}
	c.lru = l
	return c
}

// see moves the cache to generation gen when it is newer, dropping every
// older value, and reports whether gen is current.
func (c *Cache) see(gen uint64) bool {
	cur := c.gen.Load()
	if gen == cur {
		return true
	}
	if gen < cur {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen > c.gen.Load() {
		c.gen.Store(gen)
		c.lru.Purge()
	}
	return gen == c.gen.Load()
}

// Get returns the value kept under k.
func (c *Cache) Get(k Key) (any, bool) {
	if !c.see(k.Gen) {
		return nil, false
	}
	e, ok := c.lru.Get(k)
	return e.v, ok
}

// Put keeps v under k at the given cost. A value of an older generation, or
// one costing more than the whole cache may hold, is not kept.
func (c *Cache) Put(k Key, v any, cost int64) {
	if cost < 0 || cost > c.maxCost || !c.see(k.Gen) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k.Gen != c.gen.Load() {
		return
	}
	c.lru.Remove(k) // a replaced value gives back its cost
	c.cost.Add(cost)
	c.lru.Add(k, entry{v, cost})
	for c.cost.Load() > c.maxCost && c.lru.Len() > 1 {
		c.lru.RemoveOldest()
	}
}

// Load returns the value under k, calling load once (however many callers
// ask at the same time) when there is none. load returns the value and its
// cost; a failed load is not kept.
func (c *Cache) Load(k Key, load func() (any, int64, error)) (any, error) {
	if v, ok := c.Get(k); ok {
		return v, nil
	}
	v, err, _ := c.group.Do(k.String(), func() (any, error) {
		if v, ok := c.Get(k); ok {
			return v, nil
		}
		v, cost, err := load()
		if err != nil {
			return nil, err
		}
		c.Put(k, v, cost)
		return v, nil
	})
	return v, err
}

// Len is the number of values kept.
func (c *Cache) Len() int { return c.lru.Len() }

// Cost is the summed cost of the values kept.
func (c *Cache) Cost() int64 { return c.cost.Load() }

// Generation is the newest generation the cache has seen.
func (c *Cache) Generation() uint64 { return c.gen.Load() }

// Keys lists the keys kept, oldest first (for tests and diagnostics).
func (c *Cache) Keys() []Key { return c.lru.Keys() }
