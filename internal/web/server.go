// Package web serves Cifra over HTTP: the JSON API under /api/v1/ and the
// Russian-language pages. routes.go is the route table; the server owns
// its one cache (package cache), its templates and its background work.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/web/cache"
	"github.com/cifra-health/cifra/internal/web/response"
	"github.com/cifra-health/cifra/internal/web/view"
)

// DefaultMethodology is used when a request names none.
const DefaultMethodology = "health-digital-maturity"

// Cache bounds: rendered pages are most of it (a league table is ≈200 KB).
const (
	cacheEntries = 4096
	cacheBytes   = 128 << 20
)

// Server holds what the handlers share.
type Server struct {
	cat      *catalog.Catalog
	log      *slog.Logger
	mux      *http.ServeMux
	table    []Route // what routes() registered (routes.go)
	cache    *cache.Cache
	views    *view.Set // every page's template
	accounts authState
	// now is the clock of the workflow pages (deadlines, timeliness);
	// tests set it.
	now func() time.Time
	// adhoc admits one Monte Carlo run with a caller's own seed or draws
	// at a time: such runs are not cached, so they must not pile up.
	adhoc chan struct{}

	// Background work (warm-ups) runs on ctx, which Close cancels.
	ctx    context.Context
	cancel context.CancelFunc
	bgMu   sync.Mutex
	closed bool
	bg     sync.WaitGroup
}

// New builds the HTTP handler over a catalog. Close stops its background
// work.
func New(cat *catalog.Catalog, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cat: cat, log: log, mux: http.NewServeMux(), cache: cache.New(cacheEntries, cacheBytes),
		views: view.MustParse(), now: time.Now, adhoc: make(chan struct{}, 1), ctx: ctx, cancel: cancel}
	s.accounts.cop = http.NewCrossOriginProtection()
	s.routes()
	return s
}

// Close cancels the server's background work and waits for it to stop.
func (s *Server) Close() {
	s.bgMu.Lock()
	s.closed = true
	s.bgMu.Unlock()
	s.cancel()
	s.bg.Wait()
}

// background runs f on the server's context unless the server is closed
// (then it reports false and f does not run).
func (s *Server) background(f func(ctx context.Context)) bool {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.closed {
		return false
	}
	s.bg.Go(func() { f(s.ctx) })
	return true
}

// ServeHTTP implements http.Handler, recovering from handler panics with a
// problem response rather than a dropped connection. The request carries
// the data generation it started at: everything it caches is kept under
// it, so that a write during the request cannot leave an older answer
// under a newer generation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("handler panic", "path", r.URL.Path, "panic", v)
			response.Error(w, r, http.StatusInternalServerError, "internal error")
		}
	}()
	r = r.WithContext(withGeneration(r.Context(), s.cat.Generation()))
	s.mux.ServeHTTP(w, r)
}

type generationKey struct{}

func withGeneration(ctx context.Context, gen uint64) context.Context {
	return context.WithValue(ctx, generationKey{}, gen)
}

// generation is the data generation ctx was started at (the current one
// for work started outside a request).
func (s *Server) generation(ctx context.Context) uint64 {
	if g, ok := ctx.Value(generationKey{}).(uint64); ok {
		return g
	}
	return s.cat.Generation()
}

// key names a cached value of kind computed for ctx's generation.
func (s *Server) key(ctx context.Context, kind, id string) cache.Key {
	return cache.Key{Gen: s.generation(ctx), Kind: kind, ID: id}
}

// cached is the cache's Load under s.key.
func (s *Server) cached(ctx context.Context, kind, id string, cost int64, load func() (any, error)) (any, error) {
	return s.cache.Load(s.key(ctx, kind, id), func() (any, int64, error) {
		v, err := load()
		return v, cost, err
	})
}
