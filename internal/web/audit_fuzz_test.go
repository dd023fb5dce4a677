package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
)

// formNumberSeeds are what people type into the form, and near misses.
var formNumberSeeds = []string{
	"1 234,5", "−3", "1e5", "12а", ",", "+-1",
	"", "0", "-0", "+7", ".5", "5.", ",5", "1,2,3", "1.234,5", "1\u00a0000", "1\u202f000,25", " 42 ", "- 5",
	"999999999999999,9", "1000000000000000", "1000000000000001", "1e15", "NaN", "Inf", "-Inf", "0x10", "1_000",
	"٣", "１２", "--1", "−−1", "0,000000000000000000001", strings.Repeat("9", 400),
}

// formSpace is what parseFormNumber drops: spaces people put between
// thousands.
var formSpace = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "\u2009", "")

// formNumberShape is the whole accepted language once spaces are dropped:
// at most one sign, digits with at most one decimal separator.
var formNumberShape = regexp.MustCompile(`^[+\-−]?([0-9]+[.,]?[0-9]*|[.,][0-9]+)$`)

// ruGrouped writes v as Russian documents do: a minus sign, no-break spaces
// between thousands, a decimal comma.
func ruGrouped(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if math.Signbit(v) {
		b.WriteString("−")
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

func TestParseFormNumberExamples(t *testing.T) {
	for raw, want := range map[string]float64{"1 234,5": 1234.5, "−3": -3, "+7": 7, ",5": 0.5, "5.": 5, "1\u00a0000": 1000, "1000000000000000": 1e15} {
		if v, why := parseFormNumber(raw); why != "" || v != want {
			t.Errorf("parseFormNumber(%q) = %v, %q; want %v", raw, v, why, want)
		}
	}
	for _, raw := range []string{"1e5", "12а", ",", "+-1", "", "1,2,3", "1.234,5", "1000000000000001", "NaN", "Inf", "0x10", "1_000", "٣", "１２", "--1", "−−1"} {
		if v, why := parseFormNumber(raw); why == "" {
			t.Errorf("parseFormNumber(%q) = %v, accepted", raw, v)
		}
	}
}

// FuzzParseFormNumber: whatever the form's number parser accepts is a
// finite number within bounds, written in the accepted shape, and reads
// back the same from the form's own rendering and from the grouped Russian
// style; whatever it refuses comes with a reason and a zero value.
func FuzzParseFormNumber(f *testing.F) {
	for _, s := range formNumberSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, why := parseFormNumber(raw)
		compact := formSpace.Replace(raw)
		if why != "" {
			if v != 0 {
				t.Fatalf("parseFormNumber(%q) refused (%s) but returned %v", raw, why, v)
			}
			// Refusals are right: a well-shaped number within bounds must pass.
			if formNumberShape.MatchString(compact) {
				x, err := strconv.ParseFloat(strings.NewReplacer("−", "-", ",", ".").Replace(compact), 64)
				if err == nil && math.Abs(x) <= 1e15 {
					t.Fatalf("parseFormNumber(%q) refused %v: %s", raw, x, why)
				}
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e15 {
			t.Fatalf("parseFormNumber(%q) = %v: not finite or out of bounds", raw, v)
		}
		if !formNumberShape.MatchString(compact) {
			t.Fatalf("parseFormNumber(%q) = %v: accepted a text that is not a plain number", raw, v)
		}
		for _, back := range []string{rufmt.Number(v, -1), ruGrouped(v)} {
			w, why := parseFormNumber(back)
			if why != "" || w != v {
				t.Fatalf("parseFormNumber(%q) = %v, but its rendering %q reads back as %v (%s)", raw, v, back, w, why)
			}
		}
	})
}

// entryFuzzFixture is a server with one МО operator, built once per fuzz
// run on f (newAuthFixture signs in every role, which is too slow to
// repeat per input, and ties its cleanup to one input's *testing.T).
func entryFuzzFixture(f *testing.F) (*authFixture, *account) {
	f.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "", nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	if err := st.SaveOrgUnits(ctx, []orgunit.Unit{{Code: "MO-TUL-1", Name: "МО 1", Level: orgunit.Organisation, Parent: "RU-TUL"}}); err != nil {
		f.Fatal(err)
	}
	c, err := catalog.Open(ctx, st, nil)
	if err != nil {
		f.Fatal(err)
	}
	fx := &authFixture{srv: New(c, nil), st: st, svc: auth.New(st, c.Hierarchy, nil)}
	fx.srv.UseAuth(fx.svc)
	fx.fixClock()
	f.Cleanup(fx.srv.Close)
	mo := &account{login: "u-fuzz", password: "пароль u-fuzz", role: auth.MOOperator, scope: "MO-TUL-1", in: "MO-TUL-1"}
	if _, _, err := fx.svc.CreateUser(ctx, "test", mo.login, mo.role, mo.scope, mo.password); err != nil {
		f.Fatal(err)
	}
	if mo.session, _, err = fx.svc.Login(ctx, mo.login, mo.password, "fuzz"); err != nil {
		f.Fatal(err)
	}
	return fx, mo
}

// FuzzEntryForm posts arbitrary text into a field of the data-entry form:
// the form never fails with a server error, and when it saves a number,
// the stored value is what parseFormNumber reads, audited as "form".
func FuzzEntryForm(f *testing.F) {
	for _, s := range formNumberSeeds {
		f.Add(s, "")
	}
	f.Add("12", "комментарий")
	f.Add("", "комментарий без значения")
	f.Add("1", strings.Repeat("я", maxComment+1))
	f.Add("1\x00", "\x00")
	f.Add("\xff1", "\xff")
	fx, mo := entryFuzzFixture(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, raw, comment string) {
		w := fx.post(mo, entryPath("MO-TUL-1", "2021Q1"), url.Values{"v.arm_total": {raw}, "c.arm_total": {comment}, "action": {"save"}})
		if w.Code >= 500 {
			t.Fatalf("raw %q comment %q: %d %s", raw, comment, w.Code, w.Body.String())
		}
		v, why := parseFormNumber(strings.TrimSpace(raw))
		if w.Code != http.StatusSeeOther || strings.TrimSpace(raw) == "" {
			return
		}
		if why != "" {
			t.Fatalf("raw %q refused by the parser (%s) but saved", raw, why)
		}
		stored := formValues(t, fx.st)
		if x, ok := stored["arm_total"]; !ok || x != v {
			t.Fatalf("raw %q: stored %v (%v), want %v", raw, x, ok, v)
		}
		last, err := fx.st.Audit(ctx, "MO-TUL-1", 1)
		if err != nil || len(last) != 1 || last[0].New != v || last[0].Source != "form" || last[0].Actor != mo.login {
			t.Fatalf("raw %q: last audit row %+v %v, want %v by %s from the form", raw, last, err, v, mo.login)
		}
	})
}

// formValues reads MO-TUL-1's stored 2021Q1 values by data element.
func formValues(t *testing.T, st *store.Store) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	err := st.EachValue(context.Background(), store.ValueFilter{}, func(v store.StoredValue) error {
		if v.OrgUnit == "MO-TUL-1" && v.Period == "2021Q1" {
			out[v.DataElement] = v.Value
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
