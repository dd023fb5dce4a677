package datavalue

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Header names of the org unit column (A1) and of the optional period
// column, after normColumn.
var (
	xlsxOrgUnitHeaders = map[string]bool{"orgunit": true, "организация": true, "код": true}
	xlsxPeriodHeaders  = map[string]bool{"period": true, "период": true}
)

// Workbook bounds, checked before any XML is parsed. A data-set workbook of
// every МО in the country with a hundred elements is about a million cells
// and 50 MB of XML; excelize's own default (16 GB unzipped) let a 931 KB
// file of 0.9 GiB whitespace cost 37 s and 2.25 GB.
const (
	// XLSXMaxUnzipped bounds the sum of the uncompressed sizes of a
	// workbook's parts.
	XLSXMaxUnzipped = 64 << 20
	// XLSXMaxCells bounds the cells read from all sheets.
	XLSXMaxCells = 2_000_000
)

// ErrXLSXTooLarge marks a workbook refused by the bounds above.
var ErrXLSXTooLarge = errors.New("книга XLSX превышает предел размера")

// checkXLSXSize refuses a workbook whose parts unzip to more than
// XLSXMaxUnzipped bytes. The sizes come from the zip directory; archive/zip
// (which excelize uses) fails a part that inflates beyond its declared size,
// so a lying directory cannot get past.
func checkXLSXSize(name string, book []byte, limit uint64) error {
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		return nil // not a zip: excelize's own error names it
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > limit || f.UncompressedSize64 > limit {
			return fmt.Errorf("%s: книга XLSX после распаковки больше %d МиБ (предел; часть %q — %d МиБ); разделите её на несколько файлов: %w",
				name, limit>>20, f.Name, f.UncompressedSize64>>20, ErrXLSXTooLarge)
		}
	}
	return nil
}

// ReadXLSX reads a workbook with one sheet per data set. Row 1 of a sheet is
// the header: column A is the org unit ("org_unit", "Организация" or
// "Код"), an optional "period" column gives each row's period, and every
// other column is headed by a data element code. Each non-empty cell below
// is one value. period is used where a sheet has no period column or a
// row's period cell is empty; it is required when a sheet has no period
// column. Empty sheets are skipped.
//
// Rejections name the sheet and the row, and as field the column header
// (or the column letter for problems in the header itself).
func ReadXLSX(r io.Reader, name string, res Resolver, period string) (*Batch, error) {
	return readXLSX(r, name, res, period, xlsxLimits{unzipped: XLSXMaxUnzipped, cells: XLSXMaxCells})
}

// xlsxLimits are the bounds of one read (tests use small ones).
type xlsxLimits struct {
	unzipped uint64
	cells    int
}

func readXLSX(r io.Reader, name string, res Resolver, period string, lim xlsxLimits) (batch *Batch, err error) {
	// The workbook is an upload: a malformed one must not take the server
	// down should excelize panic on it.
	defer func() {
		if p := recover(); p != nil {
			batch, err = nil, fmt.Errorf("%s: malformed XLSX workbook: %v", name, p)
		}
	}()
	book, err := io.ReadAll(io.LimitReader(r, int64(lim.unzipped)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read XLSX workbook: %w", name, err)
	}
	if uint64(len(book)) > lim.unzipped {
		return nil, fmt.Errorf("%s: файл XLSX больше %d МиБ (предел): %w", name, lim.unzipped>>20, ErrXLSXTooLarge)
	}
	if err := checkXLSXSize(name, book, lim.unzipped); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(book), excelize.Options{UnzipSizeLimit: int64(lim.unzipped), UnzipXMLSizeLimit: int64(lim.unzipped)})
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable XLSX workbook: %w", name, err)
	}
	defer f.Close()

	c := newChecker(name, XLSX, res)
	var def *checked
	if strings.TrimSpace(period) != "" {
		p := resolvePeriod(strings.TrimSpace(period))
		if p.reason != "" {
			return nil, fmt.Errorf("%s: period %q given for the workbook %s", name, period, p.reason)
		}
		p.id, p.idx = c.intern(kindPE, p.id)
		def = &checked{r: p, ok: true}
	}
	budget := lim.cells
	for _, sheet := range f.GetSheetList() {
		if err := readSheet(f, sheet, c, def, &budget, lim.cells); err != nil {
			return nil, fmt.Errorf("%s sheet %q: %w", name, sheet, err)
		}
	}
	return c.finish(), nil
}

// xlsxColumn is one column of a sheet's header.
type xlsxColumn struct {
	field string // header text, for rejections
	de    resolved
	use   bool // a valid, first-seen data element column
	blank bool // no header: any value below is rejected once
	told  bool // a blank-header column has been reported
}

type sheetHeader struct {
	ouField string
	peCol   int // -1 if none
	peField string
	cols    []xlsxColumn // indexed like the row's cells
}

// readSheet reads one sheet, spending budget: a row costs its cells, and at
// least one, so that millions of empty rows are bounded too.
func readSheet(f *excelize.File, sheet string, c *checker, def *checked, budget *int, limit int) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()

	var h *sheetHeader
	row := 0
	for rows.Next() {
		row++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fmt.Errorf("row %d: %w", row, err)
		}
		if *budget -= max(len(cells), 1); *budget < 0 {
			return fmt.Errorf("row %d: в книге больше %d ячеек (предел); разделите её на несколько файлов: %w", row, limit, ErrXLSXTooLarge)
		}
		if h == nil {
			if row == 1 && blank(cells) {
				continue
			}
			if row > 1 {
				if blank(cells) {
					continue
				}
				return fmt.Errorf("row 1 must be the header (org_unit, then data element codes), but it is empty")
			}
			if h, err = xlsxHeader(c, sheet, cells, def); err != nil {
				return err
			}
			continue
		}
		xlsxRow(c, sheet, row, h, cells, def)
	}
	if err := rows.Error(); err != nil {
		return err
	}
	return nil
}

func xlsxHeader(c *checker, sheet string, cells []string, def *checked) (*sheetHeader, error) {
	a1 := strings.TrimSpace(cells[0])
	if !xlsxOrgUnitHeaders[normColumn(a1)] {
		return nil, fmt.Errorf(`cell A1 must be "org_unit" (or "Организация", "Код"), found %q`, shorten(a1))
	}
	h := &sheetHeader{ouField: a1, peCol: -1, cols: make([]xlsxColumn, len(cells))}
	src := c.source(1, sheet)
	byID := map[string]string{} // data element id -> column letter holding it
	for i := 1; i < len(cells); i++ {
		text := strings.TrimSpace(cells[i])
		letter := columnLetter(i)
		col := &h.cols[i]
		col.field = text
		switch {
		case text == "":
			col.blank = true
		case xlsxPeriodHeaders[normColumn(text)]:
			if h.peCol >= 0 {
				return nil, fmt.Errorf("two period columns, %s and %s", columnLetter(h.peCol), letter)
			}
			h.peCol, h.peField = i, text
		default:
			de, ok := c.dataElement(src, "column "+letter, text)
			if !ok {
				continue
			}
			if first, dup := byID[de.id]; dup {
				c.reject(src, "column "+letter, text, "repeats the data element of column "+first)
				continue
			}
			byID[de.id] = letter
			col.de, col.use = de, true
		}
	}
	if h.peCol < 0 && def == nil {
		return nil, errors.New("no period column and no period given for the workbook")
	}
	return h, nil
}

func xlsxRow(c *checker, sheet string, row int, h *sheetHeader, cells []string, def *checked) {
	src := c.source(row, sheet)
	hasValues := false
	for i := 1; i < len(cells) && i < len(h.cols); i++ {
		if i != h.peCol && strings.TrimSpace(cells[i]) != "" {
			hasValues = true
			break
		}
	}
	for i := len(h.cols); i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			c.reject(src, "column "+columnLetter(i), cells[i], "is beyond the last header column")
		}
	}
	if !hasValues {
		return // a region listed without data is not an error
	}

	ou, ouOK := c.orgUnit(src, h.ouField, cells[0])
	pe, peOK := resolved{}, false
	switch {
	case h.peCol >= 0 && h.peCol < len(cells) && strings.TrimSpace(cells[h.peCol]) != "":
		pe, peOK = c.period(src, h.peField, cells[h.peCol])
	case def != nil:
		pe, peOK = def.r, def.ok
	default:
		c.reject(src, h.peField, "", reasonMissing)
	}

	for i := 1; i < len(cells) && i < len(h.cols); i++ {
		col := &h.cols[i]
		text := strings.TrimSpace(cells[i])
		if i == h.peCol || text == "" {
			continue
		}
		if col.blank {
			if !col.told {
				c.reject(src, "column "+columnLetter(i), text, "has no data element code in row 1")
				col.told = true
			}
			continue
		}
		if !col.use {
			continue // the header was rejected once already
		}
		v, vOK := c.number(src, col.field, text)
		if ouOK && peOK {
			c.add(src, col.de, pe, ou, v, "", vOK)
		}
	}
}

// columnLetter turns a 0-based column index into A, B, ..., Z, AA, ...
func columnLetter(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprintf("#%d", i+1)
	}
	return name
}
