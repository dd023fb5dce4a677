// Package strategy is the domain of regional strategies of digital
// transformation (issue 18): targets per region, methodology, indicator (or
// index node) and year, kept as versioned revisions that pass the same
// approval workflow as data values; their import from CSV and XLSX; the
// fact of a year; plan against fact, progress from a baseline, a trend
// forecast with a prediction interval and a status «достигнуто / в графике /
// отстаёт / под угрозой»; and the page models built on them (the РЦТ's
// scorecard, regions side by side, the governor's plan-vs-fact section).
//
// It is pure: the store implements Repository, the web layer and reports
// call the functions. docs/strategy.md states the fact rule, the forecast
// method and the status rule that this package implements.
package strategy
