package alert

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// FuzzParseAlertmanager: any body is refused with a Problem or yields
// alerts that each carry a key and an org unit; never a panic.
func FuzzParseAlertmanager(f *testing.F) {
	for _, n := range []string{"testdata/alertmanager-firing.json", "testdata/alertmanager-resolved.json"} {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":"4","commonLabels":{"orgunit":"MO"},"alerts":[{"fingerprint":"x","status":"resolved"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		alerts, rejected, err := ParseAlertmanager(bytes.NewReader(b))
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("error not a Problem: %T %v", err, err)
			}
			return
		}
		for _, a := range alerts {
			if a.Key == "" || a.OrgUnit == "" || a.Title == "" {
				t.Fatalf("incomplete alert %+v", a)
			}
		}
		for _, p := range rejected {
			if p.Alert == 0 || p.Field == "" {
				t.Fatalf("unlocated rejection %+v", p)
			}
		}
	})
}

// FuzzParseZabbix: as above for Zabbix events.
func FuzzParseZabbix(f *testing.F) {
	f.Add([]byte(`{"version":"1","event_id":"1","value":"1","orgunit":"MO","date":"2025.03.04 10:15:00","timezone":"UTC+7"}`))
	f.Add([]byte(`{"version":"1","event_id":"1","value":"0","orgunit":"MO","recovery":"2025.03.04 10:15:00"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, ok, err := ParseZabbix(bytes.NewReader(b))
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("error not a Problem: %T %v", err, err)
			}
			return
		}
		if ok && (a.Key == "" || a.OrgUnit == "" || a.Title == "") {
			t.Fatalf("incomplete alert %+v", a)
		}
	})
}
