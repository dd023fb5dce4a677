package tilemap

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/orgunit"
)

func reference(t *testing.T) []Region {
	t.Helper()
	h, err := orgunit.Reference()
	if err != nil {
		t.Fatal(err)
	}
	var rs []Region
	for _, u := range h.AtLevel(orgunit.Region) {
		rs = append(rs, Region{Code: u.ISO, Lat: u.Lat, Lon: u.Lon})
	}
	return rs
}

func TestPlaceReference(t *testing.T) {
	rs := reference(t)
	l := Place(rs, 18, 9)
	if len(l.Cells) != len(rs) {
		t.Fatalf("placed %d of %d", len(l.Cells), len(rs))
	}
	seen := map[Cell]string{}
	for code, c := range l.Cells {
		if c.Col < 0 || c.Col >= l.Cols || c.Row < 0 || c.Row >= l.Rows {
			t.Errorf("%s outside grid: %+v", code, c)
		}
		if o, ok := seen[c]; ok {
			t.Errorf("%s and %s share %+v", code, o, c)
		}
		seen[c] = code
	}
	// Rough geography: Kaliningrad west of Moscow, Moscow west of
	// Novosibirsk, Novosibirsk west of Chukotka; Murmansk north of Krasnodar.
	west := [][2]string{{"RU-KGD", "RU-MOW"}, {"RU-MOW", "RU-NVS"}, {"RU-NVS", "RU-CHU"}}
	for _, p := range west {
		if l.Cells[p[0]].Col >= l.Cells[p[1]].Col {
			t.Errorf("%s (%v) should be west of %s (%v)", p[0], l.Cells[p[0]], p[1], l.Cells[p[1]])
		}
	}
	if l.Cells["RU-MUR"].Row >= l.Cells["RU-KDA"].Row {
		t.Errorf("Murmansk %v should be north of Krasnodar %v", l.Cells["RU-MUR"], l.Cells["RU-KDA"])
	}
	// Deterministic.
	again := Place(rs, 18, 9)
	for code, c := range l.Cells {
		if again.Cells[code] != c {
			t.Fatalf("layout not deterministic for %s", code)
		}
	}
	if testing.Verbose() {
		grid := make([][]string, l.Rows)
		for r := range grid {
			grid[r] = make([]string, l.Cols)
			for c := range grid[r] {
				grid[r][c] = "   "
			}
		}
		for code, c := range l.Cells {
			grid[c.Row][c.Col] = fmt.Sprintf("%-3s", strings.TrimPrefix(code, "RU-"))
		}
		for _, row := range grid {
			t.Log(strings.Join(row, " "))
		}
	}
}

func TestPlaceSmall(t *testing.T) {
	l := Place([]Region{{"A", 10, 10}, {"B", 10, 10}, {"C", 0, 0}}, 2, 1)
	if len(l.Cells) != 3 || l.Rows != 2 {
		t.Fatalf("grid grows to fit: %+v", l)
	}
}
