package catalog

import (
	"context"
	"time"

	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/workflow"
)

// The stored records the pages and the API read besides ratings: the
// methodology log, data values, approvals, audit and the scheduling feed.
// They are the store's, passed through so that the web layer depends on
// the catalog alone.

// MethodologyVersions lists the stored versions of a methodology ("" = all).
func (c *Catalog) MethodologyVersions(ctx context.Context, id string) ([]store.MethodologyVersion, error) {
	return c.store.MethodologyVersions(ctx, id)
}

// DataPeriods lists the periods that hold data values.
func (c *Catalog) DataPeriods(ctx context.Context) ([]period.Period, error) {
	return c.store.Periods(ctx)
}

// EachValue calls fn for every stored value matching f.
func (c *Catalog) EachValue(ctx context.Context, f store.ValueFilter, fn func(store.StoredValue) error) error {
	return c.store.EachValue(ctx, f, fn)
}

// DataSetValues reads the values (and comments) of elements for units in
// exactly period p.
func (c *Catalog) DataSetValues(ctx context.Context, elements, units []string, p period.Period) (map[string]workflow.Values, map[string]map[string]string, error) {
	return c.store.DataSetValues(ctx, elements, units, p)
}

// ValueAudit reads the newest data-value changes, of one unit when orgUnit
// is not "".
func (c *Catalog) ValueAudit(ctx context.Context, orgUnit string, limit int) ([]store.AuditEntry, error) {
	return c.store.Audit(ctx, orgUnit, limit)
}

// Approval is one unit's approval state for a data set and period.
func (c *Catalog) Approval(ctx context.Context, dataSet, orgUnit, periodID string) (store.Approval, error) {
	return c.store.Approval(ctx, dataSet, orgUnit, periodID)
}

// Approvals are the approval states of a data set's units for a period.
func (c *Catalog) Approvals(ctx context.Context, dataSet, periodID string) (map[string]store.Approval, error) {
	return c.store.Approvals(ctx, dataSet, periodID)
}

// ApprovalHistory reads the approval history, newest first.
func (c *Catalog) ApprovalHistory(ctx context.Context, f store.ApprovalFilter) ([]store.ApprovalEvent, error) {
	return c.store.ApprovalHistory(ctx, f)
}

// ClosedPeriod is the closing that freezes periodID (a quarter is closed
// with its year), or nil while it is open.
func (c *Catalog) ClosedPeriod(ctx context.Context, periodID string) (*store.ClosedPeriod, error) {
	closed, err := c.store.PeriodClosed(ctx, periodID)
	if err != nil || !closed {
		return nil, err
	}
	all, err := c.store.ClosedPeriods(ctx)
	if err != nil {
		return nil, err
	}
	pe, err := period.Parse(periodID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if cp, err := period.Parse(all[i].Period); err == nil && cp.Start().Before(pe.End()) && cp.End().After(pe.Start()) {
			return &all[i], nil
		}
	}
	return &store.ClosedPeriod{Period: periodID}, nil
}

// FeedSnapshots lists the stored slot snapshots, oldest first.
func (c *Catalog) FeedSnapshots(ctx context.Context) ([]time.Time, error) {
	return c.store.FeedSnapshots(ctx)
}

// FeedSynthetic reports whether the stored feed is synthetic.
func (c *Catalog) FeedSynthetic(ctx context.Context) bool { return c.store.FeedSynthetic(ctx) }

// FeedAvailability is a snapshot's slot availability by group (nil group:
// МО × specialty).
func (c *Catalog) FeedAvailability(ctx context.Context, snapshot time.Time, group func(slots.Post) string) (map[string]*slots.Availability, error) {
	return c.store.FeedAvailability(ctx, snapshot, c.Hierarchy(), group)
}

// FeedPathway reads the event log of the stored feed between from and to
// (zero: open).
func (c *Catalog) FeedPathway(ctx context.Context, from, to time.Time) (*store.PathwayRecords, error) {
	return c.store.FeedPathway(ctx, from, to)
}

// FeedStoredUnits maps stored feed records of a FHIR type, by id, to their МО.
func (c *Catalog) FeedStoredUnits(ctx context.Context, typ string, ids []string) (map[string]string, error) {
	return c.store.FeedStoredUnits(ctx, typ, ids)
}

// DataSet finds a data set of the loaded methodologies by id.
func (c *Catalog) DataSet(id string) (DataSetRef, bool) {
	for _, d := range c.DataSets() {
		if d.DS.ID == id {
			return d, true
		}
	}
	return DataSetRef{}, false
}

// NationalScope reports whether scope is the root of the hierarchy (the
// whole country).
func (c *Catalog) NationalScope(scope string) bool {
	root, ok := c.Hierarchy().Root()
	return ok && scope == root.Code
}
