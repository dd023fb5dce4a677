package datavalue

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// WriteCSV writes vals in the long CSV layout ReadCSV reads, with a header,
// ',' separator, '.' decimal point, in the order given.
func WriteCSV(w io.Writer, vals []Value) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{csvNames.de, csvNames.pe, csvNames.ou, csvNames.value, csvNames.comment}); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	rec := make([]string, 5)
	for i := range vals {
		v := &vals[i]
		num, err := formatNumber(v.Value)
		if err != nil {
			return fmt.Errorf("write csv value %d (%s, %s, %s): %w", i+1, v.DataElement, v.Period, v.OrgUnit, err)
		}
		rec[0], rec[1], rec[2], rec[3], rec[4] = v.DataElement, v.Period, v.OrgUnit, num, v.Comment
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv value %d: %w", i+1, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// dhis2Out is one exported data value; DHIS2 itself writes values as
// strings, so we do too.
type dhis2Out struct {
	DataElement string `json:"dataElement"`
	Period      string `json:"period"`
	OrgUnit     string `json:"orgUnit"`
	Value       string `json:"value"`
	Comment     string `json:"comment,omitempty"`
}

// WriteDHIS2 writes vals as a DHIS2 data value set, one value a line, in
// the order given.
func WriteDHIS2(w io.Writer, vals []Value) error {
	bw := bufio.NewWriter(w)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	bw.WriteString(`{"dataValues": [`)
	for i := range vals {
		v := &vals[i]
		num, err := formatNumber(v.Value)
		if err != nil {
			return fmt.Errorf("write dhis2 value %d (%s, %s, %s): %w", i+1, v.DataElement, v.Period, v.OrgUnit, err)
		}
		buf.Reset()
		if err := enc.Encode(dhis2Out{v.DataElement, v.Period, v.OrgUnit, num, v.Comment}); err != nil {
			return fmt.Errorf("write dhis2 value %d: %w", i+1, err)
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n  ")
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}))
	}
	bw.WriteString("\n]}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write dhis2: %w", err)
	}
	return nil
}

// formatNumber writes the shortest text that reads back to v exactly, in
// plain notation unless that would be unreadably long (as JavaScript does).
func formatNumber(v float64) (string, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", fmt.Errorf("value %v is not a finite number", v)
	}
	if a := math.Abs(v); a == 0 || (a >= 1e-6 && a < 1e21) {
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	}
	return strconv.FormatFloat(v, 'g', -1, 64), nil
}
