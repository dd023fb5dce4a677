package register

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// FuzzImportSystems: any systems file either imports into a register that
// validates, with every probe within its bounds, or fails with located
// errors; never a panic.
func FuzzImportSystems(f *testing.F) {
	b, err := os.ReadFile("testdata/systems.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("id,region,orgunit,kind,name,probe,interval\ns,RU-TUL,MO-TUL-1,mis,МИС,tcp://[::1]:5432,2s\n"))
	f.Add([]byte("id;region;orgunit;kind;name;subsystem\nr;RU-TUL;RU-TUL;integration;РЭМД;remd\n"))
	vendors, err := os.ReadFile("testdata/vendors.csv")
	if err != nil {
		f.Fatal(err)
	}
	contracts, err := os.ReadFile("testdata/contracts.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		reg, err := Import(Files{Vendors: bytes.NewReader(vendors), VendorsName: "v.csv",
			Contracts: bytes.NewReader(contracts), ContractsName: "c.csv",
			Systems: bytes.NewReader(b), SystemsName: "s.csv"}, units)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 || len(es) > MaxErrors {
				t.Fatalf("errors not located or unbounded: %T %v", err, err)
			}
			for _, e := range es {
				if e.File == "" {
					t.Fatalf("error without a file: %v", e)
				}
			}
			return
		}
		if err := reg.Validate(units); err != nil {
			t.Fatalf("imported register invalid: %v", err)
		}
		for _, s := range reg.Probed() {
			p := s.Probe
			if p.Interval < MinInterval || p.Interval > MaxInterval || p.Timeout <= 0 || p.Timeout > p.Interval {
				t.Fatalf("probe out of bounds: %+v", p)
			}
			if _, err := ParseProbe(p.Target, p.Interval, p.Timeout); err != nil {
				t.Fatalf("a stored target does not parse again: %v", err)
			}
		}
	})
}
