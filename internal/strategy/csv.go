package strategy

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"
)

// ParseCSV reads targets from a CSV file with the header
// region,methodology,indicator,year,target (in any order; the Russian
// names регион/субъект, методика, показатель, год, цель are accepted too).
// The separator is ',' unless the header has more ';' or tabs; a UTF-8
// BOM is skipped; a target may use a decimal comma. Every problem is
// collected: on any, the error is an *ImportError and no row is returned.
func ParseCSV(r io.Reader, name string, cat *Catalog) ([]Row, error) {
	c, err := newChecker(name, cat)
	if err != nil {
		return nil, err
	}
	c.strict = true
	br := bufio.NewReader(r)
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		c.fail(0, "", "", "файл в кодировке UTF-16: сохраните его как «CSV UTF-8»")
		return c.result()
	}
	sep, err := sniffSeparator(br)
	if err != nil {
		c.fail(0, "", "", "файл не читается: %v", err)
		return c.result()
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	header := true
	for !c.full() {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrFieldCount)) {
				// encoding/csv goes on at the next record.
				c.fail(pe.StartLine, "", "", "ошибка в кавычках (строка %d, позиция %d)", pe.Line, pe.Column)
				header = false
				continue
			}
			c.fail(0, "", "", "файл не читается: %v", err)
			break
		}
		line, _ := cr.FieldPos(0)
		if !validUTF8(rec) {
			c.fail(line, "", "", "строка не в кодировке UTF-8: сохраните файл как «CSV UTF-8»")
			header = false
			continue
		}
		if header {
			if blank(rec) {
				continue
			}
			header = false
			if !c.readHeader(line, rec) {
				return c.result()
			}
			continue
		}
		if c.header == nil {
			break // the header was lost to a quoting error
		}
		c.record(line, rec)
	}
	if c.header == nil && len(c.probs) == 0 {
		c.fail(0, "", "", "файл пуст; ожидается заголовок region,methodology,indicator,year,target")
	}
	return c.result()
}

func validUTF8(rec []string) bool {
	for _, s := range rec {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// sniffSeparator picks the separator that occurs most often outside quotes
// on the first line; ',' wins ties.
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
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ',':
			commas++
		case b == ';':
			semis++
		case b == '\t':
			tabs++
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
