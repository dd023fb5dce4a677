// Package fhirq holds the FHIR R4 Questionnaire and QuestionnaireResponse
// resources Cifra uses for checklists and surveys: their types, loading
// from JSON, NDJSON and Bundles in any mix, matching responses to known
// questionnaires, validation of a response against its questionnaire
// (enableWhen included), scoring by the ordinalValue and itemWeight
// extensions, and a fast path that reads NDJSON responses into flat rows
// for bulk import.
//
// Only the elements Cifra needs are modelled; a loaded resource also keeps
// its raw JSON, so nothing a sender wrote is lost when the store keeps it.
package fhirq
