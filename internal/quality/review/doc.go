// Package review is the internal quality and safety control of medical
// care in a medical organisation (МО) after Minzdrav order 785н: the
// commission and its members at their levels of control, planned reviews
// each quarter and targeted reviews raised by a death, a complication, a
// complaint, a readmission or an insurer's or regulator's finding, expert
// review of medical records against checklists of quality criteria (order
// 203н and the clinical recommendations, shipped as loadable questionnaires,
// never hard-coded), findings classified by defect type, and corrective
// actions with owners and deadlines.
//
// Every change is a method that checks who makes it and appends an audit
// Event; a Repository stores the change and its new events in one
// transaction. The package holds no storage and no HTTP.
package review
