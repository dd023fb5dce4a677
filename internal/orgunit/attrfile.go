package orgunit

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AttributeTable is a units file: units with a name and attributes, in file
// order, for ranking outside data (`cifra compute --units`) or for giving
// stored units attributes a methodology can group by (SetAttributes).
type AttributeTable struct {
	File string
	// Names are the attribute names, in column order.
	Names []string
	// Units have Code, Name (the code when the file leaves it empty) and
	// Attributes (a name is absent when its cell is empty).
	Units []Unit
	// Lines[i] is the file line of Units[i], for messages.
	Lines []int
}

// Bounds of a units file: more attributes or longer values than this are
// a wrong file rather than a methodology's groups.
const (
	maxAttributes  = 64
	maxAttrNameLen = 64
	maxFieldLen    = 1024
)

// ReadAttributes reads a units file: a header `code,name,ATTRIBUTE…` (the
// first two columns named code and name, in any case), then one unit a
// line. The separator is ';' when the header has more of them than commas
// (a spreadsheet's export); a UTF-8 BOM is skipped; blank lines are skipped.
// Attribute names are letters, digits, '_' and '-', unique, not code or
// name. Codes are unique and not empty. Errors are in Russian and name the
// file, line and column; on error nothing is returned.
func ReadAttributes(r io.Reader, file string) (*AttributeTable, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	first, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	cr := csv.NewReader(br)
	if bytes.Count(first, []byte{';'}) > bytes.Count(first, []byte{','}) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1 // counted here, to say so in Russian
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: пустой файл, нужна строка заголовка code,name,атрибут…", file)
	}
	if err != nil {
		return nil, csvErrorRu(file, err)
	}
	t := &AttributeTable{File: file}
	if len(header) < 2 || !strings.EqualFold(strings.TrimSpace(header[0]), "code") || !strings.EqualFold(strings.TrimSpace(header[1]), "name") {
		return nil, fmt.Errorf("%s, строка 1: первые столбцы заголовка должны быть code и name", file)
	}
	if len(header)-2 > maxAttributes {
		return nil, fmt.Errorf("%s, строка 1: %d атрибутов, допустимо не больше %d", file, len(header)-2, maxAttributes)
	}
	for k, h := range header[2:] {
		name := strings.TrimSpace(h)
		col := k + 3
		switch {
		case name == "":
			return nil, fmt.Errorf("%s, строка 1, столбец %d: пустое имя атрибута", file, col)
		case !validAttrName(name):
			return nil, fmt.Errorf("%s, строка 1, столбец %d: имя атрибута %q: допустимы буквы, цифры, «_» и «-», не длиннее %d знаков", file, col, name, maxAttrNameLen)
		case strings.EqualFold(name, "code") || strings.EqualFold(name, "name"):
			return nil, fmt.Errorf("%s, строка 1, столбец %d: атрибут не может называться %q", file, col, name)
		case slices.Contains(t.Names, name):
			return nil, fmt.Errorf("%s, строка 1, столбец %d: атрибут %q повторяется", file, col, name)
		}
		t.Names = append(t.Names, name)
	}
	lineOf := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvErrorRu(file, err)
		}
		line, _ := cr.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s, строка %d: %d полей, в заголовке %d", file, line, len(rec), len(header))
		}
		for k, f := range rec {
			if len(f) > maxFieldLen || !utf8.ValidString(f) {
				return nil, fmt.Errorf("%s, строка %d, столбец %s: значение длиннее %d байт или не в UTF-8", file, line, columnName(header, k), maxFieldLen)
			}
		}
		u := Unit{Code: strings.TrimSpace(rec[0]), Name: strings.TrimSpace(rec[1])}
		if u.Code == "" {
			return nil, fmt.Errorf("%s, строка %d, столбец code: пустой код", file, line)
		}
		if prev, dup := lineOf[u.Code]; dup {
			return nil, fmt.Errorf("%s, строка %d, столбец code: код %q уже был в строке %d", file, line, u.Code, prev)
		}
		lineOf[u.Code] = line
		if u.Name == "" {
			u.Name = u.Code
		}
		for k, name := range t.Names {
			if v := strings.TrimSpace(rec[k+2]); v != "" {
				if u.Attributes == nil {
					u.Attributes = make(map[string]string, len(t.Names))
				}
				u.Attributes[name] = v
			}
		}
		t.Units = append(t.Units, u)
		t.Lines = append(t.Lines, line)
	}
	if len(t.Units) == 0 {
		return nil, fmt.Errorf("%s: в файле нет ни одной единицы, только заголовок", file)
	}
	return t, nil
}

// Unit returns the unit of the table with the given code.
func (t *AttributeTable) Unit(code string) (*Unit, bool) {
	for i := range t.Units {
		if t.Units[i].Code == code {
			return &t.Units[i], true
		}
	}
	return nil, false
}

func validAttrName(s string) bool {
	if utf8.RuneCountInString(s) > maxAttrNameLen {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func columnName(header []string, k int) string {
	if k < len(header) {
		if h := strings.TrimSpace(header[k]); h != "" && utf8.ValidString(h) && len(h) <= maxAttrNameLen {
			return h
		}
	}
	return fmt.Sprint(k + 1)
}

// csvErrorRu is csvError for files whose messages are read by people.
func csvErrorRu(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		what := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			what = "кавычка не на месте"
		}
		return fmt.Errorf("%s, строка %d, позиция %d: %s: %w", file, pe.Line, pe.Column, what, pe.Err)
	}
	return fmt.Errorf("%s: %w", file, err)
}
