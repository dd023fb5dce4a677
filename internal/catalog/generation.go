package catalog

import (
	"context"
	"sync/atomic"
)

// A GenerationSource tells the data generation: a number that moves on
// after every committed write, so that anything computed from the data
// (rendered pages, derived tables, Monte Carlo runs) can be kept under the
// generation it was computed at and is never served once the data moved.
//
// The catalog advances its source after each of its own writes commits.
// The in-process Counter is enough for one server; a source kept in the
// database (advanced by the store's writes, shared by every process over
// the same database) can replace it with SetGenerationSource.
type GenerationSource interface {
	Generation() uint64
	Advance()
}

// Counter is the in-process GenerationSource.
type Counter struct{ n atomic.Uint64 }

// Generation is the number of writes counted so far.
func (c *Counter) Generation() uint64 { return c.n.Load() }

// Advance counts a write.
func (c *Counter) Advance() { c.n.Add(1) }

// Generation is the current data generation (see GenerationSource).
func (c *Catalog) Generation() uint64 { return c.gen.Generation() }

// SetGenerationSource replaces the in-process counter, before the catalog
// is shared.
func (c *Catalog) SetGenerationSource(g GenerationSource) { c.gen = g }

// Follow keeps the catalog in step with writes of other processes on a
// shared (PostgreSQL) database until ctx ends: whenever the store's data
// generation moves, the hierarchy is read again and the result cache
// emptied, which advances the catalog's generation, so that every cache
// keyed by it lets go. A write of this process comes back here too; the
// cost is one re-read of the hierarchy and of each result next shown.
func (c *Catalog) Follow(ctx context.Context) error {
	first := true
	return c.store.WatchGeneration(ctx, func(int64) {
		if first { // the generation at the start: nothing to catch up
			first = false
			return
		}
		if err := c.ReloadHierarchy(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("follow the database: reload failed", "err", err)
		}
	})
}
