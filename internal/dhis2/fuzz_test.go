package dhis2

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"dimension=dx:epgu_users_rate&dimension=pe:2020Q4&filter=ou:RU-TUL",
	"dimension=dx:epgu;remote_booking_share&dimension=pe:LAST_4_QUARTERS&dimension=ou:LEVEL-region;FD-CEN&relativePeriodDate=2021-01-15",
	"dx=epgu&pe=2020&ou=OU_GROUP-MO-CHILD;RU-TUL&displayProperty=SHORTNAME&outputIdScheme=NAME&skipRounding=true",
	"dimension=ou:CHILDREN-RU&filter=dx:arm_total&pe=THIS_YEAR",
	"dimension=dx%3Aa%3Bb&skipMeta&skipData=false",
	"filter=ou:LEVEL-2&dimension=dx:x",
	"dimension=co:x&aggregationType=SUM",
}

// FuzzParse: any query string either parses into a query within the
// limits or fails with a Russian ParamError; never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	lim := Limits{QueryBytes: 512, Params: 8, Items: 16, Cells: 1000}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := Parse(raw, lim)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v, want *ParamError", err, err)
			}
			if !strings.ContainsFunc(pe.Error(), func(r rune) bool { return r >= 'а' && r <= 'я' }) || len(pe.Msg) > 400 {
				t.Fatalf("message %q is not a short Russian sentence", pe.Error())
			}
			if !utf8.ValidString(pe.Msg) && utf8.ValidString(raw) {
				t.Fatalf("message %q is not valid UTF-8", pe.Msg)
			}
			return
		}
		n, dims := 0, map[string]bool{}
		for _, a := range q.Axes {
			if dims[a.Dim] {
				t.Fatalf("dimension %s twice in %+v", a.Dim, q)
			}
			dims[a.Dim] = true
			if len(a.Items) == 0 {
				t.Fatalf("axis %s without items", a.Dim)
			}
			for _, it := range a.Items {
				if !validItem(it) {
					t.Fatalf("invalid item %q accepted", it)
				}
			}
			n += len(a.Items)
		}
		if n > lim.Items {
			t.Fatalf("%d items, limit %d", n, lim.Items)
		}
	})
}

// FuzzBuild runs whatever parses against real results: the answer is
// consistent and within the cell limit, or a ParamError.
func FuzzBuild(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	fx := testFixture(f)
	lim := Limits{QueryBytes: 512, Params: 8, Items: 16, Cells: 2000}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := Parse(raw, lim)
		if err != nil {
			return
		}
		opt := fx.options()
		opt.Limits = lim
		resp, err := Build(context.Background(), q, fx.source(), opt)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("%q: error %v, want *ParamError", raw, err)
			}
			return
		}
		if len(resp.Rows) > lim.Cells || resp.Height != len(resp.Rows) || resp.Width != len(resp.Headers) {
			t.Fatalf("%q: %d rows, height %d, width %d, %d headers", raw, len(resp.Rows), resp.Height, resp.Width, len(resp.Headers))
		}
		for _, row := range resp.Rows {
			if len(row) != resp.Width {
				t.Fatalf("%q: row %v", raw, row)
			}
			if _, err := strconv.ParseFloat(row[len(row)-1], 64); err != nil {
				t.Fatalf("%q: value %q is not a number", raw, row[len(row)-1])
			}
		}
	})
}

// FuzzFormatValue: the rounded string is a number within half a unit of
// the last kept decimal.
func FuzzFormatValue(f *testing.F) {
	for _, v := range []float64{0, 12, 0.125, -0.005, 99.96, 473356, 1e-7, -1e300} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if !finite(v) {
			return
		}
		s := formatValue(v, false)
		got, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%v → %q: %v", v, s, err)
		}
		tol := 0.05
		if v > -1 && v < 1 {
			tol = 0.005
		}
		if d := math.Abs(got - v); d > tol*(1+1e-9)+math.Abs(v)*1e-15 {
			t.Fatalf("%v → %q, off by %v", v, s, d)
		}
	})
}
