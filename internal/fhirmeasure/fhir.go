package fhirmeasure

// The subset of FHIR R4 data types the two resources use, as R4 JSON
// writes them (empty elements are omitted: FHIR forbids empty values).

// CodeableConcept is R4 CodeableConcept.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Coding is R4 Coding.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// Quantity is R4 Quantity; Value is a pointer because 0 is a value.
type Quantity struct {
	Value  *float64 `json:"value,omitempty"`
	Unit   string   `json:"unit,omitempty"`
	System string   `json:"system,omitempty"`
	Code   string   `json:"code,omitempty"`
}

// Period is R4 Period (dates, end inclusive).
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Identifier is R4 Identifier.
type Identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// Reference is R4 Reference; Cifra refers by identifier, not by a
// resource it does not serve.
type Reference struct {
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Expression is R4 Expression.
type Expression struct {
	Description string `json:"description,omitempty"`
	Language    string `json:"language"`
	Expression  string `json:"expression,omitempty"`
}

// Meta is R4 Meta.
type Meta struct {
	Security []Coding `json:"security,omitempty"`
}

// Code systems and values of the specification.
const (
	measurePopulationSystem = "http://terminology.hl7.org/CodeSystem/measure-population"
	measureScoringSystem    = "http://terminology.hl7.org/CodeSystem/measure-scoring"
	compositeScoringSystem  = "http://terminology.hl7.org/CodeSystem/composite-measure-scoring"
	improvementSystem       = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
	actReasonSystem         = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
	iso3166_2System         = "urn:iso:std:iso:3166:-2"
	uriSystem               = "urn:ietf:rfc:3986"
	formulaLanguage         = "text/x-cifra-formula" // Cifra's formula syntax; R4 binds Expression.language extensibly
)

// testData marks resources computed from demo data: HL7's "test health
// data" security label.
func testData() Coding {
	return Coding{System: actReasonSystem, Code: "HTEST", Display: "test health data"}
}

func ptr(f float64) *float64 { return &f }
