package datavalue

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// SniffLen is how much of a file Detect wants to see.
const SniffLen = 512

var zipMagic = []byte("PK\x03\x04")

// Detect tells the format of a file by its extension (.csv, .tsv, .txt,
// .json, .xlsx) and, failing that, by its first bytes (head; SniffLen bytes
// are plenty).
func Detect(name string, head []byte) (Format, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".csv", ".tsv", ".txt":
		return CSV, nil
	case ".json":
		return DHIS2JSON, nil
	case ".xlsx":
		return XLSX, nil
	case ".xls":
		return "", fmt.Errorf("%s: legacy .xls workbooks are not supported; save it as .xlsx", name)
	}
	if bytes.HasPrefix(head, zipMagic) {
		return XLSX, nil
	}
	text := bytes.TrimPrefix(head, bomUTF8)
	if trimmed := bytes.TrimLeft(text, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		return DHIS2JSON, nil
	}
	if looksLikeCSV(text) {
		return CSV, nil
	}
	return "", fmt.Errorf("%s: unknown format (expected .csv, .json or .xlsx)", name)
}

// looksLikeCSV wants text whose first line holds a separator.
func looksLikeCSV(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	} else {
		// The head may end inside a multi-byte rune.
		for k := 1; k < utf8.UTFMax && !utf8.Valid(line) && len(line) > 0; k++ {
			line = line[:len(line)-1]
		}
	}
	return utf8.Valid(line) && bytes.ContainsAny(line, ",;\t")
}

// Read reads a file in the given format; with format "" it detects the
// format first. defaultPeriod is used by XLSX only (see ReadXLSX).
func Read(r io.Reader, name string, format Format, res Resolver, defaultPeriod string) (*Batch, error) {
	if format == "" {
		br := bufio.NewReader(r)
		head, err := br.Peek(SniffLen)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if format, err = Detect(name, head); err != nil {
			return nil, err
		}
		r = sized{br, sizeHint(r)}
	}
	switch format {
	case CSV:
		return ReadCSV(r, name, res)
	case DHIS2JSON:
		return ReadDHIS2(r, name, res)
	case XLSX:
		return ReadXLSX(r, name, res, defaultPeriod)
	}
	return nil, fmt.Errorf("%s: unknown format %q", name, format)
}

// sized keeps the size hint of a reader wrapped for detection.
type sized struct {
	io.Reader
	size int64
}

func (s sized) Size() int64 { return s.size }
