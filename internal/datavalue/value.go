// Package datavalue reads and writes data values in the import formats Cifra
// accepts: long CSV, DHIS2 JSON and XLSX workbooks. It parses and validates
// only; storing values is the caller's business, and the caller stores
// nothing unless a Batch has no rejections (imports are atomic).
package datavalue

import (
	"fmt"
	"strconv"
	"strings"
)

// Value is one data value as it enters Cifra.
type Value struct {
	DataElement string // data element id (matched by code)
	Period      string // canonical period id
	OrgUnit     string // canonical org unit code (after resolution)
	Value       float64
	Comment     string
	Source      Source // where it came from, for messages
}

// Source locates a record in an input file.
type Source struct {
	File string
	// Record is the 1-based line of the record's start for CSV (the header
	// is line 1), index+1 in dataValues for DHIS2 JSON (0 = the top-level
	// object), the sheet row number for XLSX.
	Record int
	Sheet  string // XLSX only
	// Format picks the word for Record in messages ("line", "value", "row");
	// readers always set it.
	Format Format
}

// String renders the location as people read it: `data.csv line 7`,
// `data.json value 3`, `book.xlsx sheet "Beds" row 5`.
func (s Source) String() string {
	var b strings.Builder
	b.WriteString(s.File)
	if s.Sheet != "" {
		b.WriteString(" sheet ")
		b.WriteString(strconv.Quote(s.Sheet))
	}
	if s.Record > 0 {
		b.WriteByte(' ')
		b.WriteString(s.Format.recordWord())
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(s.Record))
	}
	return b.String()
}

// where names a record relative to another in the same file, for
// "duplicates line 3" style reasons.
func (s Source) where(of Source) string {
	w := s.Format.recordWord() + " " + strconv.Itoa(s.Record)
	if s.Sheet != of.Sheet {
		w = "sheet " + strconv.Quote(s.Sheet) + " " + w
	}
	return w
}

// Rejection is one problem with one record of an input file.
type Rejection struct {
	Source Source
	Field  string // column or JSON key as named in the file; "" = the whole record
	Value  string // the offending text; "" when missing
	Reason string // reads after the quoted value: `"12,5x" is not a number`
}

// Error renders e.g. `data.csv line 7, field value: "12,5x" is not a number`.
func (r Rejection) Error() string {
	var b strings.Builder
	b.WriteString(r.Source.String())
	if r.Field != "" {
		b.WriteString(", field ")
		b.WriteString(r.Field)
	}
	b.WriteString(": ")
	if r.Value != "" {
		b.WriteString(strconv.Quote(r.Value))
		b.WriteByte(' ')
	}
	b.WriteString(r.Reason)
	return b.String()
}

// Rejections lists every problem found in an import.
type Rejections []Rejection

// maxListed bounds the summary: beyond it people fix the file and retry.
const maxListed = 50

// Error summarises the first maxListed rejections, one a line.
func (rs Rejections) Error() string {
	var b strings.Builder
	if len(rs) == 1 {
		b.WriteString("1 rejected record:")
	} else {
		fmt.Fprintf(&b, "%d rejected records:", len(rs))
	}
	for i, r := range rs {
		if i == maxListed {
			fmt.Fprintf(&b, "\n\tand %d more", len(rs)-maxListed)
			break
		}
		b.WriteString("\n\t")
		b.WriteString(r.Error())
	}
	return b.String()
}

// Resolver says which codes exist; the store/hierarchy implements it.
type Resolver interface {
	// DataElement returns the data element id for a code or id.
	DataElement(code string) (id string, ok bool)
	// OrgUnit returns the canonical org unit code for any of its codes
	// (ISO, OKATO, OID...).
	OrgUnit(code string) (canonical string, ok bool)
}

// Batch is the outcome of reading one file: the valid values and every
// rejected record. Callers must write nothing unless Rejected is empty.
type Batch struct {
	Values   []Value
	Rejected Rejections
}

// Err returns Rejected as an error, or nil when there is none.
func (b *Batch) Err() error {
	if len(b.Rejected) == 0 {
		return nil
	}
	return b.Rejected
}

// Format names an import format.
type Format string

// Formats.
const (
	CSV       Format = "csv"
	DHIS2JSON Format = "dhis2json"
	XLSX      Format = "xlsx"
)

func (f Format) recordWord() string {
	switch f {
	case DHIS2JSON:
		return "value"
	case XLSX:
		return "row"
	case CSV:
		return "line"
	}
	return "record"
}
