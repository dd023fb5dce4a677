// Package aggregate turns an МО's reviews, corrective actions and НОК
// survey tallies into the quarterly data-element values the methodology
// «Качество медицинской помощи и удовлетворённость пациентов»
// (methodologies/care-quality-satisfaction.yaml) reads, rolls them up to
// regions by each element's own aggregation, and breaks findings down by
// defect type, criterion, department and doctor for the commission's
// report. It decides what counts in which quarter and what is too small a
// sample to count; it reads no database.
package aggregate
