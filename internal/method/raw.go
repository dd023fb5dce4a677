package method

import (
	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/period"
)

// The raw types mirror the file; their yaml tags are the keys a
// methodologist writes. Parse decodes into them and then builds and checks
// the Methodology.

type rawFile struct {
	ID              string              `yaml:"id"`
	Version         string              `yaml:"version"`
	Name            string              `yaml:"name"`
	Description     string              `yaml:"description"`
	Periods         []period.Type       `yaml:"periods"`
	ValidFrom       string              `yaml:"valid_from"`
	ValidTo         string              `yaml:"valid_to"`
	UnitLevel       string              `yaml:"unit_level"`
	DataElements    []rawDataElement    `yaml:"data_elements"`
	Indicators      []rawIndicator      `yaml:"indicators"`
	Index           *rawNode            `yaml:"index"`
	Pipeline        index.Config        `yaml:"pipeline"`
	Uncertainty     UncertaintyDefaults `yaml:"uncertainty"`
	DataSets        []rawDataSet        `yaml:"data_sets"`
	ValidationRules []rawRule           `yaml:"validation_rules"`
	Inputs          []Input             `yaml:"inputs"`
}

type rawDataElement struct {
	ID          string    `yaml:"id"`
	Name        string    `yaml:"name"`
	Unit        string    `yaml:"unit"`
	Description string    `yaml:"description"`
	Aggregation string    `yaml:"aggregation"`
	Demo        *DemoHint `yaml:"demo"`
}

type rawIndicator struct {
	ID             string   `yaml:"id"`
	Name           string   `yaml:"name"`
	Description    string   `yaml:"description"`
	Unit           string   `yaml:"unit"`
	Numerator      string   `yaml:"numerator"`
	Denominator    string   `yaml:"denominator"`
	Factor         *float64 `yaml:"factor"`
	Direction      string   `yaml:"direction"`
	Target         *float64 `yaml:"target"`
	AverageOfUnits bool     `yaml:"average_of_units"`
	Source         string   `yaml:"source"`
}

// rawNode is a node of the index tree. A leaf is written
// {indicator: arm_share, weight: 1}; its id and name default to the
// indicator's.
type rawNode struct {
	ID          string                `yaml:"id"`
	Name        string                `yaml:"name"`
	Indicator   string                `yaml:"indicator"`
	Weight      *float64              `yaml:"weight"`
	Aggregation index.AggregateMethod `yaml:"aggregation"`
	P           float64               `yaml:"p"`
	Children    []rawNode             `yaml:"children"`
}

type rawDataSet struct {
	ID           string      `yaml:"id"`
	Name         string      `yaml:"name"`
	Description  string      `yaml:"description"`
	DataElements []string    `yaml:"data_elements"`
	Level        string      `yaml:"level"`
	PeriodType   period.Type `yaml:"period_type"`
	DeadlineDays int         `yaml:"deadline_days"`
}

type rawRule struct {
	ID          string `yaml:"id"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Left        string `yaml:"left"`
	Operator    string `yaml:"operator"`
	Right       string `yaml:"right"`
	Missing     string `yaml:"missing"`
}
