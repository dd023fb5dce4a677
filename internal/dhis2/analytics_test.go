package dhis2

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/rating"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

func build(t *testing.T, raw string) *Response {
	t.Helper()
	f := testFixture(t)
	q, err := Parse(raw, DefaultLimits())
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	resp, err := Build(context.Background(), q, f.source(), f.options())
	if err != nil {
		t.Fatalf("build %q: %v", raw, err)
	}
	return resp
}

// TestContractIndicatorValue is the contract: for an indicator id
// whose raw numerator is a head-count, the answer is the value the index
// uses after denomination, as the region's explanation shows it.
func TestContractIndicatorValue(t *testing.T) {
	f := testFixture(t)
	resp := build(t, "dimension=dx:epgu_users_rate&dimension=pe:2020Q4&filter=ou:RU-TUL&skipRounding=true")
	for _, h := range resp.Headers {
		if h.Name == "" || h.Column == "" || h.ValueType == "" || h.Type == "" {
			t.Errorf("header %+v lacks a field", h)
		}
	}
	if got := headerNames(resp); got != "dx,pe,value" {
		t.Fatalf("headers %s, want dx,pe,value (ou is a filter)", got)
	}
	if resp.MetaData == nil || resp.MetaData.Items["epgu_users_rate"].Name == "" || resp.MetaData.Items["RU-TUL"].Name != "Тульская область" {
		t.Fatalf("metaData items lack names: %+v", resp.MetaData)
	}
	if len(resp.Rows) != 1 || resp.Height != 1 || resp.Width != 3 {
		t.Fatalf("rows %v height %d width %d, want one row of 3", resp.Rows, resp.Height, resp.Width)
	}
	got, err := strconv.ParseFloat(resp.Rows[0][2], 64)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := f.Results["2020Q4"].Explain("RU-TUL", "epgu_users_rate", 0)
	if err != nil {
		t.Fatal(err)
	}
	raw := float64(ex.Indicator.Value)
	if want := float64(ex.Denominated); got != want {
		t.Errorf("epgu_users_rate for RU-TUL = %v, want the explanation's denominated %v", got, want)
	}
	// The head-count must not leak through: the rate per 1000 residents
	// is orders of magnitude below the number of users.
	if !(raw > 1000*got) {
		t.Errorf("raw numerator %v vs answer %v: the answer looks like the head-count", raw, got)
	}
}

// TestItemKinds: element ids give raw aggregated values, node ids the
// normalised scores, indicator ids the denominated value.
func TestItemKinds(t *testing.T) {
	f := testFixture(t)
	r := f.Results["2020"]
	ui := r.UnitIndex("RU-TUL")
	resp := build(t, "dimension=dx:epgu_health_users;epgu_users_rate;epgu;"+r.Root+"&dimension=ou:RU-TUL&filter=pe:2020&skipRounding=true")
	got := map[string]float64{}
	for _, row := range resp.Rows {
		v, err := strconv.ParseFloat(row[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		got[row[0]] = v
	}
	idx := r.Index()
	want := map[string]float64{
		"epgu_health_users": float64(r.ElementValues[elementIndex(t, r.Elements, "epgu_health_users")][ui]),
		"epgu_users_rate":   idx.Indicators[idx.IndicatorIndex("epgu_users_rate")].Denominated[ui],
		"epgu":              float64(r.Rows[ui].Scores["epgu"]),
		r.Root:              float64(r.Rows[ui].Score),
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, w)
		}
	}
	if got["epgu_health_users"] == got["epgu_users_rate"] {
		t.Error("element and indicator give the same number: denomination lost")
	}
	if kind := resp.MetaData.Items["epgu_health_users"].DimensionItemType; kind != "DATA_ELEMENT" {
		t.Errorf("element dimensionItemType %q", kind)
	}
}

func elementIndex(t *testing.T, els []rating.ElementRef, id string) int {
	t.Helper()
	for i, e := range els {
		if e.ID == id {
			return i
		}
	}
	t.Fatalf("no element %s", id)
	return -1
}

// TestBuildGoldens pins whole answers: the DHIS2 form with ';' items and a
// level, the short form, relative periods, a group within a boundary,
// names as ids and short names.
func TestBuildGoldens(t *testing.T) {
	cases := []struct{ name, raw string }{
		{"dimension-level", "dimension=dx:epgu_users_rate;remote_booking_share&dimension=pe:2020Q3;2020Q4&dimension=ou:LEVEL-region;FD-CEN"},
		{"short-form", "dx=remote_booking_share&pe=2020&ou=RU-TUL,RU-MOW"},
		{"relative-periods", "dimension=pe:LAST_4_QUARTERS&dimension=dx:epgu&filter=ou:RU-TUL&relativePeriodDate=2021-01-15"},
		{"names", "dimension=ou:RU-TUL;RU-TAM&dimension=dx:epgu_users_rate&filter=pe:THIS_YEAR&relativePeriodDate=2020-06-01&outputIdScheme=NAME"},
		{"group-in-boundary", "dimension=ou:OU_GROUP-" + tulaGroup(t) + ";RU-TUL&dimension=dx:arm_total&filter=pe:2020&displayProperty=SHORTNAME"},
		{"skip-meta", "dimension=dx:epgu_users_rate&dimension=pe:2020Q4&filter=ou:RU-TUL&skipMeta=true"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := build(t, c.raw)
			if resp.Width != len(resp.Headers) || resp.Height != len(resp.Rows) {
				t.Fatalf("width %d height %d for %d headers and %d rows", resp.Width, resp.Height, len(resp.Headers), len(resp.Rows))
			}
			for _, row := range resp.Rows {
				if len(row) != resp.Width {
					t.Fatalf("row %v is not %d wide", row, resp.Width)
				}
			}
			b, err := json.MarshalIndent(resp, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "analytics-"+c.name+".json"), append(b, '\n'))
		})
	}
}

// tulaGroup is the first unit group with a member in Тульская область.
func tulaGroup(t *testing.T) string {
	h := testFixture(t).h
	for _, g := range h.Groups() {
		for _, m := range g.Members {
			if h.IsDescendant(m, "RU-TUL") {
				return g.Code
			}
		}
	}
	t.Fatal("the demo put no grouped unit in RU-TUL")
	return ""
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the answer (run go test -update after checking):\n%s", path, firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got  " + al[i] + "\n want " + bl[i]
		}
	}
	return "lengths differ"
}

// TestBuildRefuses: bad items name their parameter; a multi-item filter
// and an answer bigger than the limit are refused before values are read.
func TestBuildRefuses(t *testing.T) {
	f := testFixture(t)
	small := DefaultLimits()
	small.Cells = 100
	cases := []struct {
		raw, param, msg string
		lim             Limits
	}{
		{"dimension=dx:nope&dimension=pe:2020", "dimension", "«nope» — не показатель", DefaultLimits()},
		{"dx=epgu&filter=ou:RU-TUL;RU-MOW", "filter", "должен давать один элемент, а даёт 2", DefaultLimits()},
		{"dx=epgu&filter=ou:LEVEL-region", "filter", "а даёт 85", DefaultLimits()},
		{"dx=epgu&ou=RU-XXX", "ou", "единицы «RU-XXX» нет", DefaultLimits()},
		{"dx=epgu&ou=LEVEL-7", "ou", "уровня 7 нет", DefaultLimits()},
		{"dx=epgu&ou=OU_GROUP-none", "ou", "группы", DefaultLimits()},
		{"dx=epgu&pe=2020Q5", "pe", "не период", DefaultLimits()},
		{"dimension=dx:epgu;epgu_users_rate&dimension=pe:LAST_12_MONTHS&dimension=ou:LEVEL-region", "", "больше 100 значений", small},
	}
	for _, c := range cases {
		q, err := Parse(c.raw, c.lim)
		if err != nil {
			t.Fatalf("parse %q: %v", c.raw, err)
		}
		opt := f.options()
		opt.Limits = c.lim
		_, err = Build(context.Background(), q, f.source(), opt)
		var pe *ParamError
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want a ParamError", c.raw, err)
			continue
		}
		if pe.Param != c.param || !strings.Contains(pe.Error(), c.msg) {
			t.Errorf("%q: %q (param %q), want param %q and %q", c.raw, pe.Error(), pe.Param, c.param, c.msg)
		}
	}
}

// TestBuildDefaults: with nothing asked, every indicator of the latest
// period for every rated region, marked synthetic (demo data).
func TestBuildDefaults(t *testing.T) {
	f := testFixture(t)
	resp := build(t, "")
	if !resp.Synthetic || resp.Methodology != f.Methodology.ID {
		t.Errorf("synthetic %v methodology %q", resp.Synthetic, resp.Methodology)
	}
	if got := resp.MetaData.Dimensions["pe"]; len(got) != 1 || got[0] != "2020Q4" {
		t.Errorf("default pe %v, want the latest, 2020Q4", got)
	}
	if n := len(resp.MetaData.Dimensions["dx"]); n != len(f.Methodology.Indicators) {
		t.Errorf("default dx has %d items, want the %d indicators", n, len(f.Methodology.Indicators))
	}
	if n := len(resp.MetaData.Dimensions["ou"]); n != 85 {
		t.Errorf("default ou has %d units, want 85 regions", n)
	}
	if resp.Height < len(f.Methodology.Indicators)*85/2 {
		t.Errorf("only %d rows", resp.Height)
	}
}

// TestSkipData keeps the headers and metaData and reads no values.
func TestSkipData(t *testing.T) {
	resp := build(t, "dimension=dx:epgu&dimension=pe:2020&skipData=true")
	if len(resp.Rows) != 0 || resp.Height != 0 || resp.MetaData == nil || len(resp.Headers) != 4 {
		t.Errorf("skipData: %d rows, height %d, meta %v, %d headers", len(resp.Rows), resp.Height, resp.MetaData != nil, len(resp.Headers))
	}
}

// TestRoundingMatchesDHIS2 checks the rounded rows against skipRounding.
func TestRoundingMatchesDHIS2(t *testing.T) {
	const q = "dimension=dx:epgu_users_rate;remote_booking_share&dimension=ou:LEVEL-region&filter=pe:2020"
	rounded, exact := build(t, q), build(t, q+"&skipRounding=true")
	if len(rounded.Rows) != len(exact.Rows) || len(rounded.Rows) == 0 {
		t.Fatalf("%d rounded rows, %d exact", len(rounded.Rows), len(exact.Rows))
	}
	for i := range rounded.Rows {
		r, _ := strconv.ParseFloat(rounded.Rows[i][2], 64)
		e, _ := strconv.ParseFloat(exact.Rows[i][2], 64)
		if math.Abs(r-e) > 0.05+1e-9 {
			t.Errorf("row %v rounds %v to %v", exact.Rows[i], e, r)
		}
	}
}

func headerNames(r *Response) string {
	var s []string
	for _, h := range r.Headers {
		s = append(s, h.Name)
	}
	return strings.Join(s, ",")
}
