package fhirq

import (
	"fmt"
	"strings"
)

// Place locates a record in an input: the file, the 1-based line where the
// record starts and, inside a Bundle, the 1-based entry number.
type Place struct {
	File  string
	Line  int
	Entry int
}

// String writes the place for people: «file.ndjson, строка 12, запись Bundle 3».
func (p Place) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ", строка %d", p.Line)
	}
	if p.Entry > 0 {
		fmt.Fprintf(&b, ", запись Bundle %d", p.Entry)
	}
	return b.String()
}

// Problem is a record that could not be read. Message is Russian.
type Problem struct {
	At      Place
	Field   string // JSON path inside the record, e.g. item.linkId; "" for the whole record
	Message string
}

func (p Problem) Error() string {
	if p.Field != "" {
		return fmt.Sprintf("%s: поле %s: %s", p.At, p.Field, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.At, p.Message)
}

// Severity of a validation issue.
type Severity string

// Severities. An error means the response does not conform to its
// questionnaire; a warning is a deviation Cifra tolerates (the official
// examples have some).
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Issue is one finding of Validate. Message is Russian.
type Issue struct {
	Severity Severity
	LinkID   string // the item concerned; "" for the response as a whole
	Field    string // the element, e.g. answer.valueCoding, status
	Message  string
}

func (i Issue) String() string {
	var b strings.Builder
	if i.Severity == SeverityWarning {
		b.WriteString("предупреждение: ")
	}
	if i.LinkID != "" {
		fmt.Fprintf(&b, "вопрос %s: ", i.LinkID)
	}
	if i.Field != "" {
		fmt.Fprintf(&b, "поле %s: ", i.Field)
	}
	b.WriteString(i.Message)
	return b.String()
}

// HasErrors reports whether any issue is an error.
func HasErrors(issues []Issue) bool {
	for _, i := range issues {
		if i.Severity == SeverityError {
			return true
		}
	}
	return false
}
