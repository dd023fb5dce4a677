// Package catalog ties stored data to computed ratings: it knows every
// methodology version (built in and stored), loads data values from the
// store into the rating engine, computes and saves results, and reads them
// back ready to explain.
package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/store"
)

// Catalog is the live set of methodologies over one store.
type Catalog struct {
	store *store.Store
	log   *slog.Logger
	gen   GenerationSource

	mu        sync.RWMutex
	current   map[string]*method.Methodology // newest version by id
	versions  map[string]*method.Methodology // by id + "@" + version
	hierarchy *orgunit.Hierarchy
	results   map[string]*rating.Result // cache by methodology + "@" + period
}

// Open loads the built-in methodologies, records their versions in the
// store, and reads the stored hierarchy.
func Open(ctx context.Context, st *store.Store, log *slog.Logger) (*Catalog, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Catalog{store: st, log: log, gen: &Counter{}, current: map[string]*method.Methodology{}, versions: map[string]*method.Methodology{}, results: map[string]*rating.Result{}}
	builtins, err := method.Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in methodologies: %w", err)
	}
	for _, m := range builtins {
		if err := c.Add(ctx, m); err != nil {
			return nil, err
		}
	}
	// Older versions stay loadable so that stored results can be explained
	// with the methodology that produced them.
	stored, err := st.MethodologyVersions(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, sv := range stored {
		key := sv.ID + "@" + sv.Version
		if _, ok := c.versions[key]; ok {
			continue
		}
		m, err := method.Parse(sv.Source, sv.Body)
		if err != nil {
			log.Warn("stored methodology no longer parses", "id", sv.ID, "version", sv.Version, "err", err)
			continue
		}
		c.versions[key] = m
		if _, ok := c.current[m.ID]; !ok {
			c.current[m.ID] = m
		}
	}
	if err := c.ReloadHierarchy(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Add makes m the current version of its methodology and stores its file.
func (c *Catalog) Add(ctx context.Context, m *method.Methodology) error {
	if _, err := c.store.SaveMethodology(ctx, store.MethodologyVersion{ID: m.ID, Version: m.Version, Name: m.Name, Source: m.Source, Body: m.Raw}); err != nil {
		return err
	}
	c.mu.Lock()
	c.current[m.ID] = m
	c.versions[m.ID+"@"+m.Version] = m
	c.mu.Unlock()
	c.gen.Advance()
	return nil
}

// ReloadHierarchy re-reads organisation units after they change.
func (c *Catalog) ReloadHierarchy(ctx context.Context) error {
	h, err := c.store.Hierarchy(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.hierarchy = h
	c.results = map[string]*rating.Result{}
	c.mu.Unlock()
	c.gen.Advance()
	return nil
}

// Hierarchy is the current organisation hierarchy.
func (c *Catalog) Hierarchy() *orgunit.Hierarchy {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.hierarchy
}

// Methodologies lists the current version of each methodology, by id.
func (c *Catalog) Methodologies() []*method.Methodology {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*method.Methodology, 0, len(c.current))
	for _, m := range c.current {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Methodology is the current version of id.
func (c *Catalog) Methodology(id string) (*method.Methodology, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	m, ok := c.current[id]
	return m, ok
}

// Version is a specific version of a methodology.
func (c *Catalog) Version(id, version string) (*method.Methodology, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	m, ok := c.versions[id+"@"+version]
	return m, ok
}

// Resolver accepts the data elements of every current methodology and the
// organisation units of the hierarchy, for validating imports.
func (c *Catalog) Resolver() datavalue.Resolver {
	des := map[string]bool{}
	for _, m := range c.Methodologies() {
		for _, de := range m.DataElements {
			des[de.ID] = true
		}
	}
	return resolver{des: des, h: c.Hierarchy()}
}

type resolver struct {
	des map[string]bool
	h   *orgunit.Hierarchy
}

func (r resolver) DataElement(code string) (string, bool) {
	return code, r.des[code]
}

func (r resolver) OrgUnit(code string) (string, bool) {
	u, ok := r.h.Lookup(code)
	if !ok {
		return "", false
	}
	return u.Code, true
}

// LoadDataset reads every stored value of the given data elements.
func (c *Catalog) LoadDataset(ctx context.Context, elements []string) (*rating.Dataset, error) {
	d := rating.NewDataset(1 << 16)
	err := c.store.EachValue(ctx, store.ValueFilter{DataElements: elements}, func(v store.StoredValue) error {
		return d.Add(v.DataElement, v.Period, v.OrgUnit, v.Value)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Progress is told how many steps of a long job are done.
type Progress func(done, total int)

// Recompute computes every current methodology for every period of its
// period types that has data, and stores the results. It returns the number
// of results stored. The generation advances once, when the results are
// stored (or some of them, when it fails midway), not per result.
func (c *Catalog) Recompute(ctx context.Context, progress Progress) (n int, err error) {
	defer func() {
		if n > 0 {
			c.gen.Advance()
		}
	}()
	ms := c.Methodologies()
	var ids []string
	seen := map[string]bool{}
	for _, m := range ms {
		for _, de := range m.DataElements {
			if !seen[de.ID] {
				seen[de.ID] = true
				ids = append(ids, de.ID)
			}
		}
	}
	data, err := c.LoadDataset(ctx, ids)
	if err != nil {
		return 0, err
	}
	synthetic := c.store.Synthetic(ctx)
	eng := &rating.Engine{Universe: rating.NewUniverse(c.Hierarchy()), Data: data, Methods: map[string]*method.Methodology{}, Synthetic: synthetic}
	type job struct {
		m *method.Methodology
		p period.Period
	}
	var jobs []job
	for _, m := range ms {
		eng.Methods[m.ID] = m
		for _, t := range m.PeriodTypes {
			for _, p := range data.PeriodsOf(t) {
				if m.AppliesTo(p) {
					jobs = append(jobs, job{m, p})
				}
			}
		}
	}
	for i, j := range jobs {
		r, err := eng.Compute(ctx, j.m, j.p)
		if err != nil {
			return n, fmt.Errorf("compute %s %s: %w", j.m.ID, j.p, err)
		}
		if err := c.save(ctx, r); err != nil {
			return n, err
		}
		n++
		if progress != nil {
			progress(i+1, len(jobs))
		}
	}
	return n, nil
}

// Save stores a computed result and its flat score table, and advances
// the generation.
func (c *Catalog) Save(ctx context.Context, r *rating.Result) error {
	if err := c.save(ctx, r); err != nil {
		return err
	}
	c.gen.Advance()
	return nil
}

func (c *Catalog) save(ctx context.Context, r *rating.Result) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode result %s %s: %w", r.Methodology, r.Period, err)
	}
	var scores []store.ScoreRow
	for _, row := range r.Rows {
		for node, s := range row.Scores {
			rank := 0
			if node == r.Root {
				rank = row.Rank
			}
			scores = append(scores, store.ScoreRow{OrgUnit: row.Code, Node: node, Score: float64(s), Rank: rank})
		}
	}
	doc := store.ResultDoc{Methodology: r.Methodology, Version: r.Version, Period: r.Period, ComputedAt: r.ComputedAt, Synthetic: r.Synthetic, Body: body}
	if err := c.store.SaveResult(ctx, doc, scores); err != nil {
		return err
	}
	// A closed period keeps serving its published rating (see Result).
	_, published, err := c.store.PublishedResult(ctx, r.Methodology, r.Period)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if published {
		delete(c.results, r.Methodology+"@"+r.Period)
	} else {
		c.results[r.Methodology+"@"+r.Period] = r
	}
	c.mu.Unlock()
	return nil
}

// ErrNoResult means the methodology has no result for the period.
var ErrNoResult = errors.New("no result")

// Result reads a stored result and rebuilds its details with the
// methodology version that produced it.
func (c *Catalog) Result(ctx context.Context, methodology, periodID string) (*rating.Result, error) {
	key := methodology + "@" + periodID
	c.mu.RLock()
	r, ok := c.results[key]
	c.mu.RUnlock()
	if ok {
		return r, nil
	}
	// A closed period's rating is the one published when it was closed,
	// whatever later recomputations stored.
	body, published, err := c.store.PublishedResult(ctx, methodology, periodID)
	if err != nil {
		return nil, err
	}
	if !published {
		doc, err := c.store.Result(ctx, methodology, periodID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%s for period %s: %w", methodology, periodID, ErrNoResult)
		}
		if err != nil {
			return nil, err
		}
		body = doc.Body
	}
	r = &rating.Result{}
	if err := json.Unmarshal(body, r); err != nil {
		return nil, fmt.Errorf("decode result %s %s: %w", methodology, periodID, err)
	}
	m, ok := c.Version(r.Methodology, r.Version)
	if !ok {
		return nil, fmt.Errorf("result %s %s was computed with version %s, which is not stored", methodology, periodID, r.Version)
	}
	if err := r.Rebuild(m); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.results[key] = r
	c.mu.Unlock()
	return r, nil
}

// Periods lists the periods with a stored result for a methodology.
func (c *Catalog) Periods(ctx context.Context, methodology string) ([]string, error) {
	ps, err := c.store.ResultPeriods(ctx, methodology)
	if err != nil {
		return nil, err
	}
	sort.Slice(ps, func(i, j int) bool {
		a, errA := period.Parse(ps[i])
		b, errB := period.Parse(ps[j])
		if errA != nil || errB != nil {
			return ps[i] < ps[j]
		}
		return a.Before(b)
	})
	return ps, nil
}
