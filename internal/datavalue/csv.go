package datavalue

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// csvNames are the CSV column names; rejections use them whatever the
// spelling in the file's header.
var csvNames = fieldNames{
	de:      "data_element",
	pe:      "period",
	ou:      "org_unit",
	value:   "value",
	comment: "comment",
}

// csvColumns maps a normalised header name (see normColumn) to a field.
// The DHIS2 spellings (dataelement, orgunit, de/pe/ou) are accepted so that
// DHIS2 CSV exports import as they are; their extra columns are ignored.
var csvColumns = map[string]string{
	"dataelement": csvNames.de,
	"de":          csvNames.de,
	"period":      csvNames.pe,
	"pe":          csvNames.pe,
	"orgunit":     csvNames.ou,
	"ou":          csvNames.ou,
	"value":       csvNames.value,
	"comment":     csvNames.comment,
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// ReadCSV reads the long CSV layout: a header naming data_element, period,
// org_unit, value and optionally comment, in any order and case, then one
// value a row. The separator is ',' unless the header line has more ';' (or
// tabs); with ';' a decimal comma is accepted. A UTF-8 BOM is skipped.
//
// An error means the file as a whole is unusable (unreadable, no header, a
// required column missing); problems with rows are in Batch.Rejected.
func ReadCSV(r io.Reader, name string, res Resolver) (*Batch, error) {
	size := sizeHint(r)
	br := bufio.NewReaderSize(r, 64<<10)
	if err := skipBOM(br); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sep, err := sniffSeparator(br)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1 // a wrong count is a rejection, not the end of the file
	cr.ReuseRecord = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file, expected a header line (data_element,period,org_unit,value[,comment])", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	header = slices.Clone(header) // ReuseRecord would overwrite it
	col, err := csvHeader(header)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}

	c := newChecker(name, CSV, res)
	c.decimalComma = sep == ';'
	var f rawFields
	records := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote)) {
				// encoding/csv resumes at the next line, so the rest of
				// the file can still be checked.
				c.reject(c.source(pe.StartLine, ""), "", "",
					fmt.Sprintf("%v (line %d, column %d)", pe.Err, pe.Line, pe.Column))
				continue
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue // trailing ";;;" rows from spreadsheets
		}
		if records++; records == hintRecords {
			c.reserveFor(size, cr.InputOffset(), records)
		}
		src := c.source(line, "")
		if len(rec) != len(header) {
			c.reject(src, "", "", fmt.Sprintf("has %d fields, the header has %d", len(rec), len(header)))
			continue
		}
		f = rawFields{
			de:    rec[col.de],
			pe:    rec[col.pe],
			ou:    rec[col.ou],
			value: rec[col.value],
		}
		if col.comment >= 0 {
			f.comment = rec[col.comment]
		}
		c.record(src, &csvNames, &f)
	}
	return c.finish(), nil
}

// csvCols holds the index of each field's column; comment is -1 if absent.
type csvCols struct {
	de, pe, ou, value, comment int
}

func csvHeader(header []string) (csvCols, error) {
	at := map[string]int{}
	for i, h := range header {
		field, ok := csvColumns[normColumn(h)]
		if !ok {
			continue // other columns (DHIS2 categoryoptioncombo, storedby...) are ignored
		}
		if j, dup := at[field]; dup {
			return csvCols{}, fmt.Errorf("header: column %s appears twice (columns %d and %d)", field, j+1, i+1)
		}
		at[field] = i
	}
	var missing []string
	for _, f := range []string{csvNames.de, csvNames.pe, csvNames.ou, csvNames.value} {
		if _, ok := at[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		word := "column"
		if len(missing) > 1 {
			word = "columns"
		}
		return csvCols{}, fmt.Errorf("header: missing required %s %s (header is %q)",
			word, strings.Join(missing, ", "), strings.Join(header, ","))
	}
	col := csvCols{de: at[csvNames.de], pe: at[csvNames.pe], ou: at[csvNames.ou], value: at[csvNames.value], comment: -1}
	if i, ok := at[csvNames.comment]; ok {
		col.comment = i
	}
	return col, nil
}

// normColumn folds case and the separators people put in column names:
// "Data Element", "data_element" and "dataElement" are one column.
func normColumn(s string) string {
	return columnSeparators.Replace(strings.ToLower(strings.TrimSpace(s)))
}

var columnSeparators = strings.NewReplacer("_", "", "-", "", " ", "", ".", "")

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

func skipBOM(br *bufio.Reader) error {
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		_, err := br.Discard(len(bomUTF8))
		return err
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		return errors.New("file is UTF-16 encoded; save it as UTF-8 CSV")
	}
	return nil
}

// sniffSeparator picks the separator that occurs most often outside quotes
// in the header line; ',' wins ties.
func sniffSeparator(br *bufio.Reader) (rune, error) {
	head, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, err
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	var commas, semis, tabs int
	quoted := false
	for _, b := range head {
		switch b {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				commas++
			}
		case ';':
			if !quoted {
				semis++
			}
		case '\t':
			if !quoted {
				tabs++
			}
		}
	}
	switch {
	case semis > commas && semis >= tabs:
		return ';', nil
	case tabs > commas && tabs > semis:
		return '\t', nil
	}
	return ',', nil
}
