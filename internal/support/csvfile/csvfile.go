// Package csvfile reads the CSV files people prepare for the support
// centre (production calendars, ticket history, priority matrices): it
// strips a UTF-8 byte-order mark, decodes Windows-1251 (what Excel and
// Redmine write for Russian users), detects the separator, maps columns by
// header name and reports bad input in Russian, naming file, line and field.
package csvfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// MaxSize bounds what Open reads: a region's year of tickets is well
// under it, and a larger upload is refused rather than exhausting memory.
const MaxSize = 256 << 20

// Error locates bad input for the person who prepared the file.
type Error struct {
	File  string
	Line  int    // 1-based; 0 when the whole file is at fault
	Field string // column name; "" when the line as a whole is at fault
	Msg   string // Russian
}

func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Field == "":
		return fmt.Sprintf("%s, строка %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s, строка %d, поле «%s»: %s", e.File, e.Line, e.Field, e.Msg)
}

// Layout says which columns a file must and may have. Column names are
// matched without regard to case and surrounding spaces.
type Layout struct {
	Required []string
	Optional []string
	// Aliases maps another header (e.g. a Russian one) to a column name of
	// Required or Optional.
	Aliases map[string]string
	// AllowUnknown keeps columns the layout does not name (exports carry
	// many); otherwise an unknown column is an error, which catches typos.
	AllowUnknown bool
}

// Reader yields the rows of one file.
type Reader struct {
	name   string
	csv    *csv.Reader
	cols   map[string]int // canonical column → index
	header []string       // as written in the file
}

// Open reads the header of a CSV file. name is what errors call the file.
func Open(r io.Reader, name string, l Layout) (*Reader, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("чтение %s: %w", name, err)
	}
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("файл больше %d МБ", MaxSize>>20)}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		// Windows-1251 maps every byte, so it cannot fail; a file in yet
		// another encoding shows up as unknown headers or bad values.
		data, _ = charmap.Windows1251.NewDecoder().Bytes(data)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "файл пуст: нет строки заголовка"}
	}
	c := csv.NewReader(bytes.NewReader(data))
	c.Comma = detectComma(data)
	c.FieldsPerRecord = -1 // checked in Next, with a clearer message
	c.ReuseRecord = false
	header, err := c.Read()
	if err != nil {
		return nil, wrap(name, err)
	}
	rd := &Reader{name: name, csv: c, cols: map[string]int{}, header: header}
	known := map[string]bool{}
	for _, k := range append(append([]string{}, l.Required...), l.Optional...) {
		known[norm(k)] = true
	}
	aliases := map[string]string{}
	for a, v := range l.Aliases {
		aliases[norm(a)] = norm(v)
	}
	for i, h := range header {
		k := norm(h)
		if a, ok := aliases[k]; ok {
			k = a
		}
		if !known[k] {
			if l.AllowUnknown {
				continue
			}
			return nil, &Error{File: name, Line: 1, Field: h, Msg: fmt.Sprintf("неизвестный столбец; допустимы: %s", strings.Join(append(append([]string{}, l.Required...), l.Optional...), ", "))}
		}
		if _, dup := rd.cols[k]; dup {
			return nil, &Error{File: name, Line: 1, Field: h, Msg: "столбец повторяется"}
		}
		rd.cols[k] = i
	}
	for _, k := range l.Required {
		if _, ok := rd.cols[norm(k)]; !ok {
			return nil, &Error{File: name, Line: 1, Field: k, Msg: "нет обязательного столбца"}
		}
	}
	return rd, nil
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// detectComma picks the separator that occurs most in the header line
// outside quotes: Russian Excel and Redmine write ';', most tools ','.
func detectComma(data []byte) rune {
	line, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(line) {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func wrap(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := "ошибка разбора CSV"
		switch {
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			msg = "непарная или лишняя кавычка"
		case errors.Is(pe.Err, csv.ErrFieldCount):
			msg = "число полей не совпадает с заголовком"
		}
		return &Error{File: name, Line: pe.Line, Msg: msg}
	}
	return fmt.Errorf("%s: %w", name, err)
}

// Has reports whether the file has the column.
func (r *Reader) Has(col string) bool { _, ok := r.cols[norm(col)]; return ok }

// Next returns the next row, io.EOF after the last. Blank lines are skipped
// by encoding/csv.
func (r *Reader) Next() (Row, error) {
	rec, err := r.csv.Read()
	if err != nil {
		if err == io.EOF {
			return Row{}, io.EOF
		}
		return Row{}, wrap(r.name, err)
	}
	line, _ := r.csv.FieldPos(0)
	if len(rec) != len(r.header) {
		return Row{}, &Error{File: r.name, Line: line, Msg: fmt.Sprintf("полей в строке: %d, в заголовке: %d", len(rec), len(r.header))}
	}
	return Row{r: r, rec: rec, line: line}, nil
}

// Row is one record.
type Row struct {
	r    *Reader
	rec  []string
	line int
}

// Line is the 1-based line the record starts on.
func (w Row) Line() int { return w.line }

// Get returns the trimmed value of a column, "" when the file lacks it.
func (w Row) Get(col string) string {
	i, ok := w.r.cols[norm(col)]
	if !ok {
		return ""
	}
	return strings.TrimSpace(w.rec[i])
}

// Fail returns an Error for a column of this row.
func (w Row) Fail(col, format string, a ...any) error {
	line := w.line
	if i, ok := w.r.cols[norm(col)]; ok {
		// A quoted field may span lines: count the newlines before it.
		for _, f := range w.rec[:i] {
			line += strings.Count(f, "\n")
		}
		col = w.r.header[i]
		if col = strings.TrimSpace(col); col == "" {
			col = fmt.Sprintf("№%d", i+1)
		}
	}
	return &Error{File: w.r.name, Line: line, Field: col, Msg: fmt.Sprintf(format, a...)}
}

// ReadAll reads every row of a file of layout l through parse, which
// returns a row's value or its error (Row.Fail). Nothing is returned
// unless every row is good.
func ReadAll[T any](r io.Reader, name string, l Layout, parse func(Row) (T, error)) ([]T, error) {
	rd, err := Open(r, name, l)
	if err != nil {
		return nil, err
	}
	var out []T
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		v, err := parse(row)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// Errors are all the located problems of one file or import, for
// importers that report every bad line rather than the first.
type Errors []*Error

func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}
