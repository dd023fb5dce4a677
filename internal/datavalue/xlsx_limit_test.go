package datavalue

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// bloatXLSX rewrites a workbook so that its first sheet's XML carries pad
// bytes of whitespace before </worksheet>: the attack of a 931 KB file that
// unzips to 0.9 GiB.
func bloatXLSX(t *testing.T, book []byte, pad int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			head, tail, _ := bytes.Cut(body, []byte("</worksheet>"))
			w.Write(head)
			chunk := bytes.Repeat([]byte(" "), 1<<20)
			for n := pad; n > 0; n -= len(chunk) {
				w.Write(chunk[:min(n, len(chunk))])
			}
			w.Write([]byte("</worksheet>"))
			w.Write(tail)
			continue
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestReadXLSXRefusesWhitespaceBomb(t *testing.T) {
	book := makeXLSX(t, sheet{"S", [][]any{{"org_unit", "BEDS"}, {"RU-MOW", 1}}})
	bomb := bloatXLSX(t, book, XLSXMaxUnzipped+1<<20)
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes; it should compress to well under 1 MiB", len(bomb))
	}
	_, err := ReadXLSX(bytes.NewReader(bomb), "bomb.xlsx", testResolver(), "2021")
	if !errors.Is(err, ErrXLSXTooLarge) {
		t.Fatalf("error %v, want ErrXLSXTooLarge", err)
	}
	for _, want := range []string{"bomb.xlsx", "64 МиБ", "предел", "sheet1.xml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	// Just under the bound the same padding is read: the limit refuses
	// only what exceeds it.
	ok := bloatXLSX(t, book, 1<<20)
	b, err := ReadXLSX(bytes.NewReader(ok), "ok.xlsx", testResolver(), "2021")
	if err != nil || len(b.Values) != 1 {
		t.Fatalf("padded workbook under the bound: %+v, %v", b, err)
	}
}

func TestReadXLSXCellLimit(t *testing.T) {
	rows := [][]any{{"org_unit", "BEDS", "STAFF"}}
	for range 10 {
		rows = append(rows, []any{"RU-MOW", 1, 2})
	}
	book := makeXLSX(t, sheet{"S", rows})
	lim := xlsxLimits{unzipped: XLSXMaxUnzipped, cells: 33} // 11 rows × 3 cells
	if _, err := readXLSX(bytes.NewReader(book), "book.xlsx", testResolver(), "2021", lim); err != nil {
		t.Fatalf("33 cells under a limit of 33: %v", err)
	}
	lim.cells = 32
	_, err := readXLSX(bytes.NewReader(book), "book.xlsx", testResolver(), "2021", lim)
	if !errors.Is(err, ErrXLSXTooLarge) || !strings.Contains(err.Error(), "32 ячеек") || !strings.Contains(err.Error(), "row 11") {
		t.Fatalf("error %v, want the cell limit named at row 11", err)
	}
}
