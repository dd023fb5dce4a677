package strategy

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxLimit bounds the unzipped size of a workbook: a targets workbook is
// kilobytes, and the library's default (16 GB) would let a zip bomb in.
const xlsxLimit = 64 << 20

// targetSheets are sheet names read in preference to the first sheet.
var targetSheets = map[string]bool{"targets": true, "цели": true, "целевые значения": true}

// ParseXLSX reads targets from a workbook: the sheet named «Цели» (or
// "targets"), else the first sheet, with the same header and rules as
// ParseCSV in row 1. Lines in problems are the sheet's row numbers.
func ParseXLSX(r io.Reader, name string, cat *Catalog) (rows []Row, err error) {
	c, err := newChecker(name, cat)
	if err != nil {
		return nil, err
	}
	// An upload must not take the server down should excelize panic.
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, &ImportError{File: name, Problems: []Problem{{File: name, Text: fmt.Sprintf("книга XLSX повреждена: %v", p)}}}
		}
	}()
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: xlsxLimit, UnzipXMLSizeLimit: xlsxLimit / 4})
	if err != nil {
		c.fail(0, "", "", "не читается как книга XLSX: %v", err)
		return c.result()
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		c.fail(0, "", "", "в книге нет листов")
		return c.result()
	}
	sheet := sheets[0]
	for _, s := range sheets {
		if targetSheets[strings.ToLower(strings.TrimSpace(s))] {
			sheet = s
			break
		}
	}
	c.sheet = sheet
	it, err := f.Rows(sheet)
	if err != nil {
		c.fail(0, "", "", "лист не читается: %v", err)
		return c.result()
	}
	defer it.Close()
	line := 0
	for it.Next() && !c.full() {
		line++
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			c.fail(line, "", "", "строка не читается: %v", err)
			continue
		}
		if c.header == nil {
			if blank(cells) {
				continue
			}
			if !c.readHeader(line, cells) {
				return c.result()
			}
			continue
		}
		c.record(line, cells)
	}
	if err := it.Error(); err != nil {
		c.fail(0, "", "", "лист не читается: %v", err)
	}
	if c.header == nil && len(c.probs) == 0 {
		c.fail(0, "", "", "лист «%s» пуст; ожидается заголовок region,methodology,indicator,year,target в строке 1", sheet)
	}
	return c.result()
}
