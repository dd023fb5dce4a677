package rating

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
)

const groupMethod = `id: grp
version: "1"
name: Группы
periods: [yearly]
data_elements:
  - {id: a, name: А, aggregation: sum}
  - {id: b, name: Б, aggregation: sum}
indicators:
  - {id: ia, name: А, numerator: a, direction: higher}
  - {id: ib, name: Б, numerator: b, direction: higher}
index:
  id: index
  name: Индекс
  children:
    - {indicator: ia, weight: 1}
    - {indicator: ib, weight: 1}
pipeline:
  impute: {method: group_mean, group_by: income}
  normalise: {method: minmax, range: [0, 100]}
  ranks: {within: [income]}
`

// TestTableUniverseGroupImputation: a missing value is filled with the mean
// of the unit's own group from the units file, the attribute is kept in the
// result, and every node has ranks overall and within the grouping.
func TestTableUniverseGroupImputation(t *testing.T) {
	m, err := method.Parse("grp.yaml", []byte(groupMethod))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := orgunit.ReadAttributes(strings.NewReader("code,name,income\nh1,,high\nh2,,high\nh3,,high\nl1,,low\nl2,,low\n"), "u.csv")
	if err != nil {
		t.Fatal(err)
	}
	data := NewDataset(10)
	for _, v := range []struct {
		de, ou string
		x      float64
	}{
		{"a", "h1", 10}, {"a", "h2", 30}, // h3 has no a: high's mean is 20
		{"a", "l1", 1}, {"a", "l2", 3},
		{"b", "h1", 5}, {"b", "h2", 4}, {"b", "h3", 3}, {"b", "l1", 2}, {"b", "l2", 1},
	} {
		if err := data.Add(v.de, "2021", v.ou, v.x); err != nil {
			t.Fatal(err)
		}
	}
	eng := &Engine{Universe: TableUniverse(tab, orgunit.Region), Data: data}
	p, _ := period.Parse("2021")
	r, err := eng.Compute(context.Background(), m, p)
	if err != nil {
		t.Fatal(err)
	}
	u := r.UnitIndex("h3")
	if got := r.Index().Indicators[0].Imputed[u]; got != 20 {
		t.Errorf("h3's a imputed as %v, want the high group's mean 20 (all units' mean is 11)", got)
	}
	if r.Units[u].Attributes["income"] != "high" {
		t.Errorf("h3's attributes = %v", r.Units[u].Attributes)
	}
	// a normalised: (x−1)/29·100; h3 = 19/29·100; b: (x−1)/4·100, h3 = 50.
	wantIA := 19.0 / 29 * 100
	row := r.Rows[u]
	if got := float64(row.Scores["ia"]); math.Abs(got-wantIA) > 1e-12 {
		t.Errorf("h3 ia = %v, want %v", got, wantIA)
	}
	// a: h2 30 > h3 20 > h1 10 > l2 3 > l1 1; b: h1 > h2 > h3 > l1 > l2.
	if row.Ranks["ia"] != 2 || row.Ranks["ib"] != 3 {
		t.Errorf("h3 ranks = %v", row.Ranks)
	}
	if r.Rows[r.UnitIndex("l1")].Within["income"]["ib"] != 1 || r.Rows[r.UnitIndex("l2")].Within["income"]["ia"] != 1 {
		t.Errorf("within-group ranks: l1 %v, l2 %v", r.Rows[r.UnitIndex("l1")].Within, r.Rows[r.UnitIndex("l2")].Within)
	}
	if r.Order == "" {
		t.Error("order not written in the result")
	}

	// A stored result (JSON, attributes kept) re-runs with the same groups.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var stored Result
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	for i := range stored.Rows {
		stored.Rows[i].Ranks = nil // as stored before ranks were kept
	}
	if err := stored.Rebuild(m); err != nil {
		t.Fatal(err)
	}
	if got := stored.Index().Indicators[0].Imputed[u]; got != 20 {
		t.Errorf("rebuilt: h3's a imputed as %v, want 20", got)
	}
	if stored.Rows[u].Ranks["ia"] != 2 {
		t.Errorf("rebuilt ranks = %v", stored.Rows[u].Ranks)
	}
}

// TestHierarchyAttributesReachThePipeline: attributes of stored units
// (SetAttributes) and built-in ones group the units of a hierarchy.
func TestHierarchyAttributesReachThePipeline(t *testing.T) {
	h, err := orgunit.Reference()
	if err != nil {
		t.Fatal(err)
	}
	tab, _ := orgunit.ReadAttributes(strings.NewReader("code,name,income\nRU-TUL,,x\n"), "a.csv")
	if err := h.SetAttributes(tab); err != nil {
		t.Fatal(err)
	}
	u := NewUniverse(h)
	i := u.Index("RU-TUL")
	if got := u.Attribute(i, "income"); got != "x" {
		t.Errorf("income = %q", got)
	}
	if got := u.Attribute(i, orgunit.AttrFederalDistrict); got != "FD-CEN" {
		t.Errorf("federal_district = %q", got)
	}
	if got := u.Attribute(u.Index("RU-MOW"), "income"); got != "" {
		t.Errorf("RU-MOW income = %q", got)
	}
}
