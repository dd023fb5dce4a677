// Package method loads methodologies: YAML files that define data elements,
// indicators (numerator/denominator formulas), the index tree, the
// composite-index pipeline, data sets for collection and validation rules.
//
// Parse checks a file completely and reports every problem at once, each as
// "file:line: what: why", so that a methodologist can fix a file in one pass.
// Decoding is strict: an unknown key is an error (with a suggestion when it
// looks like a typo), because a misspelt optional key would otherwise be
// silently ignored and change the rating.
package method
