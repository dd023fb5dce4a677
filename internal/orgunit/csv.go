package orgunit

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// csvRow gives typed access to one record and remembers the first error,
// positioned by file, line and column name, so parsers read fields in a
// straight line and check once per row.
type csvRow struct {
	name string
	r    *csv.Reader
	cols map[string]int
	rec  []string
	err  error
}

// readCSV checks that the header holds every column in want and calls fn
// for each following record. Errors carry the file name and line.
func readCSV(r io.Reader, name string, want []string, fn func(*csvRow) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return fmt.Errorf("%s: empty file", name)
	}
	if err != nil {
		return csvError(name, err)
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		cols[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, w := range want {
		if _, ok := cols[w]; !ok {
			return fmt.Errorf("%s line 1: missing column %q", name, w)
		}
	}
	row := &csvRow{name: name, r: cr, cols: cols}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		row.rec, row.err = rec, nil
		if err := fn(row); err != nil {
			return err
		}
		if row.err != nil {
			return row.err
		}
	}
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s line %d: %w", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// fail records an error about column col unless one is already recorded.
func (c *csvRow) fail(col, format string, a ...any) {
	if c.err != nil {
		return
	}
	line, _ := c.r.FieldPos(c.cols[col])
	c.err = fmt.Errorf("%s line %d field %s: %s", c.name, line, col, fmt.Sprintf(format, a...))
}

func (c *csvRow) str(col string) string {
	return strings.TrimSpace(c.rec[c.cols[col]])
}

func (c *csvRow) required(col string) string {
	s := c.str(col)
	if s == "" {
		c.fail(col, "empty")
	}
	return s
}

func (c *csvRow) int(col string, min, max int64) int64 {
	s := c.required(col)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		c.fail(col, "invalid integer %q", s)
	case v < min || v > max:
		c.fail(col, "%d out of range %d..%d", v, min, max)
	}
	return v
}

func (c *csvRow) float(col string, min, max float64) float64 {
	s := c.required(col)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil:
		c.fail(col, "invalid number %q", s)
	case !(v >= min && v <= max): // also rejects NaN
		c.fail(col, "%v out of range %v..%v", v, min, max)
	}
	return v
}

// code reads an optional all-digit classifier code, restoring leading
// zeros lost in spreadsheets: a code one digit short of a valid length
// gets a "0" in front.
func (c *csvRow) code(col string, lengths ...int) string {
	s := c.str(col)
	if s == "" {
		return ""
	}
	if !isDigits(s) {
		c.fail(col, "%q is not all digits", s)
		return s
	}
	for _, n := range lengths {
		if len(s) == n {
			return s
		}
	}
	for _, n := range lengths {
		if len(s) == n-1 {
			return "0" + s
		}
	}
	c.fail(col, "%q has %d digits, want %v", s, len(s), lengths)
	return s
}
