package dhis2

import (
	"context"

	"github.com/cifra-health/cifra/internal/period"
)

// ItemKind says what a data item is; DHIS2 calls it dimensionItemType.
type ItemKind string

// The kinds of data items Cifra answers. An index node (the composite
// index or one of its sub-indices) is computed like an indicator, so DHIS2
// clients see it as one.
const (
	KindIndicator   ItemKind = "INDICATOR"
	KindDataElement ItemKind = "DATA_ELEMENT"
	KindIndexNode   ItemKind = "INDEX_NODE"
)

// Item is one data item (dx) a Source can answer.
type Item struct {
	ID          string
	Name        string
	ShortName   string // "" = Name
	Description string
	Kind        ItemKind
	Aggregation string // DHIS2 aggregation type of a data element (SUM, AVERAGE, LAST…); "" for computed items
}

// Source supplies the items and values of one methodology. The web layer
// builds one per request (see NewRatingSource for computed ratings).
type Source interface {
	// Methodology is the id of the methodology whose values these are.
	Methodology() string
	// Items lists every data item, in the order to show them.
	Items() []Item
	// Periods lists the periods with values, oldest first.
	Periods(ctx context.Context) ([]period.Period, error)
	// DefaultUnits is the ou item list used when a query names none
	// (for example LEVEL-region).
	DefaultUnits() []string
	// Values returns the values of period p, or nil when there are none.
	Values(ctx context.Context, p period.Period) (Values, error)
}

// Values are the values of one period.
type Values interface {
	// Value of item for unit; ok is false when there is none.
	Value(item, unit string) (v float64, ok bool)
	// Synthetic reports demo data.
	Synthetic() bool
}
