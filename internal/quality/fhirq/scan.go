package fhirq

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// MaxLine is the longest NDJSON line ScanResponses accepts (16 MiB): a
// response with thousands of answers fits, a runaway file does not.
const MaxLine = 16 << 20

// ScanResponses reads QuestionnaireResponse NDJSON from r with a
// FastDecoder and calls fn for every non-blank line: with the decoded rows,
// or with a Problem naming file, line and field when the line cannot be
// read. raw and f are reused after fn returns; copy what you keep. A
// non-nil error from fn stops the scan and is returned.
func ScanResponses(file string, r io.Reader, fn func(line int, raw []byte, f *FlatResponse, bad *Problem) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	var d FastDecoder
	var f FlatResponse
	n := 0
	for sc.Scan() {
		n++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var bad *Problem
		if err := d.Decode(raw, &f); err != nil {
			bad = &Problem{At: Place{File: file, Line: n}, Message: err.Error()}
		}
		if err := fn(n, raw, &f, bad); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s, строка %d: %w", file, n+1, err)
	}
	return nil
}
