package dhis2

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cases := []struct {
		raw  string
		want Query
	}{
		{"dimension=dx:a;b&dimension=pe:2020Q4&filter=ou:RU-TUL", Query{Axes: []Axis{
			{Dim: "dx", Items: []string{"a", "b"}, Param: "dimension"},
			{Dim: "pe", Items: []string{"2020Q4"}, Param: "dimension"},
			{Dim: "ou", Items: []string{"RU-TUL"}, Filter: true, Param: "filter"},
		}}},
		// ';' encoded, ',' as a separator, repeats and blanks dropped.
		{"dimension=dx%3Aa%3Bb,a;;&pe=LAST_YEAR", Query{Axes: []Axis{
			{Dim: "dx", Items: []string{"a", "b"}, Param: "dimension"},
			{Dim: "pe", Items: []string{"LAST_YEAR"}, Param: "pe"},
		}}},
		{"dx=x&displayProperty=shortname&idScheme=name&skipRounding=true&skipMeta=1&skipData=false&relativePeriodDate=2021-01-15&methodology=m1&hideEmptyRows=true",
			Query{Axes: []Axis{{Dim: "dx", Items: []string{"x"}, Param: "dx"}}, DisplayProperty: DisplayShortName, OutputIDScheme: SchemeName,
				SkipRounding: true, SkipMeta: true, RelativePeriodDate: time.Date(2021, 1, 15, 0, 0, 0, 0, time.UTC), Methodology: "m1"}},
		{"ou=1.2.643.5.1.13.13.12.2.71.1001&outputIdScheme=CODE", Query{Axes: []Axis{{Dim: "ou", Items: []string{"1.2.643.5.1.13.13.12.2.71.1001"}, Param: "ou"}}, OutputIDScheme: SchemeCode}},
		{"", Query{}},
	}
	for _, c := range cases {
		got, err := Parse(c.raw, DefaultLimits())
		if err != nil {
			t.Errorf("%q: %v", c.raw, err)
			continue
		}
		if c.want.DisplayProperty == "" {
			c.want.DisplayProperty = DisplayName
		}
		if c.want.OutputIDScheme == "" {
			c.want.OutputIDScheme = SchemeUID
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got  %+v\n want %+v", c.raw, got, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	tiny := Limits{QueryBytes: 40, Params: 3, Items: 3, Cells: 10}
	cases := []struct {
		raw, param, msg string
		lim             Limits
	}{
		{"dimension=dx", "dimension", "ожидается «измерение:элемент;элемент»", DefaultLimits()},
		{"dimension=co:abc", "dimension", "неизвестное измерение «co»", DefaultLimits()},
		{"dimension=dx:a&dx=b", "dx", "измерение dx задано дважды", DefaultLimits()},
		{"dimension=dx:", "dimension", "не указан ни один элемент", DefaultLimits()},
		{"dimension=dx:a%20b", "dimension", "недопустимый элемент «a b»", DefaultLimits()},
		{"filter=ou:RU-TUL;<script>", "filter", "недопустимый элемент «<script>»", DefaultLimits()},
		{"displayProperty=FULL", "displayProperty", "ожидается NAME или SHORTNAME", DefaultLimits()},
		{"outputIdScheme=ID", "outputIdScheme", "ожидается UID, CODE или NAME", DefaultLimits()},
		{"idScheme=CODE&outputIdScheme=UID", "outputIdScheme", "задана дважды", DefaultLimits()},
		{"skipRounding=yes", "skipRounding", "ожидается true или false", DefaultLimits()},
		{"skipMeta=true&skipMeta=false", "skipMeta", "задан дважды", DefaultLimits()},
		{"relativePeriodDate=15.01.2021", "relativePeriodDate", "ожидается дата ГГГГ-ММ-ДД", DefaultLimits()},
		{"aggregationType=SUM", "aggregationType", "не поддерживается", DefaultLimits()},
		{"frobnicate=1", "frobnicate", "неизвестный параметр", DefaultLimits()},
		{"dx=%zz", "dx", "неверное %-кодирование", DefaultLimits()},
		{"methodology=../etc", "methodology", "недопустимый идентификатор", DefaultLimits()},
		{"dx=" + strings.Repeat("a", 50), "", "длиннее 40 байт", tiny},
		{"dx=a&pe=2020&ou=b&skipMeta=true", "", "больше 3 параметров", tiny},
		{"dx=a;b&pe=1;2", "pe", "больше 3 элементов", tiny},
		{"dx=" + strings.Repeat("a", 129), "dx", "недопустимый элемент", DefaultLimits()},
	}
	for _, c := range cases {
		_, err := Parse(c.raw, c.lim)
		var pe *ParamError
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want a ParamError", c.raw, err)
			continue
		}
		if pe.Param != c.param || !strings.Contains(pe.Error(), c.msg) {
			t.Errorf("%q: %q (param %q), want param %q and %q", c.raw, pe.Error(), pe.Param, c.param, c.msg)
		}
		if c.param != "" && !strings.HasPrefix(pe.Error(), "параметр «"+c.param+"»: ") {
			t.Errorf("%q: message %q does not start by naming the parameter", c.raw, pe.Error())
		}
	}
}

// TestParseClipsEcho: an error never echoes more than a short piece of
// the request back.
func TestParseClipsEcho(t *testing.T) {
	_, err := Parse("displayProperty="+strings.Repeat("Ж", 1000), DefaultLimits())
	if err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), "…") {
		t.Errorf("error %d bytes: %.80q", len(err.Error()), err)
	}
}
