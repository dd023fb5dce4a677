package insurer

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/csvfile"
)

// FuzzParse: any input either parses into findings whose cases pass
// review's own checks and whose triggers carry a case and a key, or fails
// with located errors; never a panic.
func FuzzParse(f *testing.F) {
	b, err := os.ReadFile("testdata/findings.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("mo,kind,expert,act,act_date,record,icd10,setting\n1,ЭКМП,ТФОМС,1,01.04.2026,5,I21,inpatient\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := Parse(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			var ce *csvfile.Error
			if !errors.As(err, &ce) {
				t.Fatalf("unlocated error %T: %v", err, err)
			}
			return
		}
		for _, f := range fs {
			c := f.Case
			if err := c.Check(); err != nil || c != f.Case {
				t.Fatalf("line %d: parsed case fails review's check or changes: %v", f.Line, err)
			}
		}
		for _, tr := range Triggers(fs, time.UTC, "fuzz.csv") {
			if tr.Case == nil || tr.Kind != "insurer" || tr.Ref == "" || tr.At.IsZero() {
				t.Fatalf("incomplete trigger %+v", tr)
			}
		}
	})
}
