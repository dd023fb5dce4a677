package catalog

import (
	"context"
	"io"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/feed"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/workflow"
)

// The writes a server makes go through these methods (and Add, Save,
// Recompute, ReloadHierarchy), which advance the generation once the
// store has committed, so that no caller can forget to.

// ImportValues writes data values atomically (store.ImportValues). A dry
// run writes nothing and leaves the generation alone.
func (c *Catalog) ImportValues(ctx context.Context, vals []datavalue.Value, opt store.ImportOptions) (store.ImportSummary, error) {
	sum, err := c.store.ImportValues(ctx, vals, opt)
	if err == nil && !opt.DryRun {
		c.gen.Advance()
	}
	return sum, err
}

// Transition applies a workflow action (store.Transition).
func (c *Catalog) Transition(ctx context.Context, ds *method.DataSet, orgUnit, periodID string, action workflow.Action,
	actor string, role auth.Role, reason string) (store.Approval, error) {
	a, err := c.store.Transition(ctx, ds, orgUnit, periodID, action, actor, role, reason)
	if err == nil {
		c.gen.Advance()
	}
	return a, err
}

// ClosePeriod freezes a period and publishes its ratings (store.ClosePeriod).
func (c *Catalog) ClosePeriod(ctx context.Context, periodID, actor, reason string) error {
	err := c.store.ClosePeriod(ctx, periodID, actor, reason)
	if err == nil {
		c.gen.Advance()
	}
	return err
}

// LoadFeed loads a pushed scheduling feed atomically (store.LoadFeed). A
// body loaded before changes nothing.
func (c *Catalog) LoadFeed(ctx context.Context, r io.Reader, name string, format feed.Format, opt store.FeedOptions) (store.FeedSummary, error) {
	sum, err := c.store.LoadFeed(ctx, r, name, format, opt)
	if err == nil && !sum.Skipped {
		c.gen.Advance()
	}
	return sum, err
}
