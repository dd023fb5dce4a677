package feedmeasure_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/feedmeasure"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/store/storetest"
)

const testMO = "1.2.643.5.1.13.13.12.2.71.1000"

func saveMO(t *testing.T, s *store.Store) {
	t.Helper()
	if err := s.SaveOrgUnits(context.Background(), []orgunit.Unit{{Code: testMO, Parent: "RU-TUL", Level: orgunit.Organisation,
		Name: "Поликлиника № 1", TimeZone: "UTC+3", Population: 20000}}); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// feedNDJSON is the store's feed test file: a schedule, two slots, a
// booking through ЕПГУ, its visit with an ЭМД registered a day later, and
// a visit of an unknown МО.
const feedNDJSON = `{"resourceType":"Schedule","id":"s1","actor":[{"reference":"PractitionerRole/p1"},{"identifier":{"value":"urn:oid:` + testMO + `"}}],"specialty":[{"coding":[{"code":"76"}]}]}
{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00+03:00","end":"2026-11-23T09:15:00+03:00","meta":{"tag":[{"code":"epgu"}]}}
{"resourceType":"Slot","id":"b","schedule":{"reference":"Schedule/s1"},"status":"busy","start":"2026-11-23T09:15:00+03:00","end":"2026-11-23T09:30:00+03:00"}
{"resourceType":"Appointment","id":"ap1","status":"booked","slot":[{"reference":"Slot/b"}],"created":"2026-11-20T10:00:00+03:00","start":"2026-11-23T09:15:00+03:00","participant":[{"actor":{"reference":"Patient/p9"}}],"meta":{"tag":[{"code":"epgu"}]}}
{"resourceType":"Encounter","id":"e1","status":"finished","appointment":[{"reference":"Appointment/ap1"}],"serviceProvider":{"reference":"Organization/` + testMO + `"},"period":{"start":"2026-11-23T09:20:00+03:00"}}
{"resourceType":"DocumentReference","id":"d1","status":"current","context":{"encounter":[{"reference":"Encounter/e1"}]},"date":"2026-11-23T10:00:00+03:00","extension":[{"url":"https://cifra.health/fhir/StructureDefinition/remd-registered","valueDateTime":"2026-11-24T10:00:00+03:00"}]}
{"resourceType":"Encounter","id":"e2","status":"finished","serviceProvider":{"reference":"Organization/unknown"}}
`

func TestFeedValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		saveMO(t, s)
		ctx := context.Background()
		path := writeFile(t, "feed.ndjson", feedNDJSON)
		if _, err := s.LoadFeedFile(ctx, path, store.FeedOptions{Snapshot: time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		p, _ := period.Parse("2026Q4")
		vals, err := feedmeasure.Values(ctx, s, p)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, v := range vals {
			if v.OrgUnit != testMO || v.Period != "2026Q4" {
				t.Errorf("value %+v", v)
			}
			got[v.DataElement] = v.Value
		}
		// The appointment has no МО of its own: it takes its slot's schedule's.
		// Visit 09:20, registration the next day 10:00: 1 d 40 min = 1.03 d.
		want := map[string]float64{feedmeasure.DESlotsTotal: 2, feedmeasure.DESlotsEPGU: 1, feedmeasure.DEAppointments: 1, feedmeasure.DEApptsRemote: 1,
			feedmeasure.DECasesCompleted: 1, feedmeasure.DECasesWithEMD: 1, feedmeasure.DEEMDDelay: 1.03}
		if len(got) != len(want) {
			t.Errorf("values %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %v, want %v", k, got[k], v)
			}
		}
		sum, err := s.ImportValues(ctx, vals, store.ImportOptions{Actor: "test", Source: "feed", Format: "feed"})
		if err != nil || sum.Imported != int64(len(vals)) {
			t.Fatalf("import %+v %v", sum, err)
		}
		p3, _ := period.Parse("2026Q3")
		if vals, err := feedmeasure.Values(ctx, s, p3); err != nil || len(vals) != 0 {
			t.Errorf("2026Q3: %v %v", vals, err)
		}
	})
}
