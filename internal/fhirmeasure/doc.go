// Package fhirmeasure writes Cifra's indicators as FHIR R4 resources: a
// Measure describing a methodology (one group per indicator, with its
// numerator and denominator formulas, and one per index node) and a
// summary MeasureReport of one unit and period (each indicator's numerator
// and denominator populations and its measure score, each node's score),
// so that FHIR-based quality systems can read Cifra's ratings.
package fhirmeasure
