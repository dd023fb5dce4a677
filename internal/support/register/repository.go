package register

import (
	"context"
	"errors"
)

// Errors a Repository returns (errors.Is).
var (
	ErrNotFound = errors.New("register: not found")
	ErrInUse    = errors.New("register: referenced by a system or a ticket")
)

// Repository stores the register (tables proposed in docs/support.md).
// Only administrators write it; every write is audited and advances the
// data generation so that the prober picks up new targets.
type Repository interface {
	// Register reads a region's register ("" for every region: the
	// prober's view).
	Register(ctx context.Context, region string) (*Register, error)
	// Replace stores an imported register of a region in one transaction:
	// rows of the region not in r are deleted unless referenced
	// (ErrInUse names them).
	Replace(ctx context.Context, region string, r *Register) error
	// PutSystem adds or changes one system (the CLI's `support system
	// add`); its vendor and contract must exist.
	PutSystem(ctx context.Context, s System) error
	// DeleteSystem removes a system never referenced by a ticket.
	DeleteSystem(ctx context.Context, id string) error
	PutVendor(ctx context.Context, v Vendor) error
	PutContract(ctx context.Context, c Contract) error
}
