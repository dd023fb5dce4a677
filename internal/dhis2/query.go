package dhis2

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// The three dimensions Cifra answers: data (indicators, data elements and
// index nodes), periods and organisation units.
const (
	DimData   = "dx"
	DimPeriod = "pe"
	DimUnit   = "ou"
)

// IDScheme says how items are named in the answer. Cifra's ids are its
// codes, so UID and CODE give the same output; NAME replaces ids by names.
type IDScheme string

// Identifier schemes DHIS2 clients send.
const (
	SchemeUID  IDScheme = "UID"
	SchemeCode IDScheme = "CODE"
	SchemeName IDScheme = "NAME"
)

// DisplayProperty chooses the name shown for items.
type DisplayProperty string

// Display properties DHIS2 accepts.
const (
	DisplayName      DisplayProperty = "NAME"
	DisplayShortName DisplayProperty = "SHORTNAME"
)

// Axis is one dimension of a query: its items as written and whether it
// filters the answer instead of being a column.
type Axis struct {
	Dim    string   // DimData, DimPeriod or DimUnit
	Items  []string // as written: ids, relative periods, LEVEL-…, OU_GROUP-…
	Filter bool
	Param  string // the parameter it came from, for error messages
}

// Query is a parsed analytics request.
type Query struct {
	// Axes in the order the request gave them; each dimension appears at
	// most once. A dimension the request leaves out is absent here and
	// gets the Source's default when the answer is built.
	Axes            []Axis
	DisplayProperty DisplayProperty
	OutputIDScheme  IDScheme
	SkipRounding    bool
	SkipMeta        bool
	SkipData        bool
	// RelativePeriodDate replaces today for relative periods (zero: today).
	RelativePeriodDate time.Time
	// Methodology is Cifra's own parameter: whose values to answer.
	Methodology string
}

// Axis returns the query's axis for dim.
func (q *Query) Axis(dim string) (Axis, bool) {
	for _, a := range q.Axes {
		if a.Dim == dim {
			return a, true
		}
	}
	return Axis{}, false
}

// Limits bound the work one request can ask for. The parser enforces the
// sizes of the request; Build enforces Cells once relative periods and unit
// levels are expanded, before any value is read.
type Limits struct {
	QueryBytes int // length of the raw query string
	Params     int // number of parameters
	Items      int // items in all dimensions together, as written
	Cells      int // dx × pe × ou after expansion
}

// DefaultLimits suit an interactive API: a whole year of months for every
// region and a few dozen indicators fit; a crawl of everything does not.
func DefaultLimits() Limits {
	return Limits{QueryBytes: 8 << 10, Params: 64, Items: 1000, Cells: 200_000}
}

// ParamError is a request the parser or the builder refuses. Its message is
// Russian, for the people who write the query, and names the parameter.
type ParamError struct {
	Param string // query parameter, e.g. "dimension"
	Msg   string
}

func (e *ParamError) Error() string {
	if e.Param == "" {
		return e.Msg
	}
	return fmt.Sprintf("параметр «%s»: %s", e.Param, e.Msg)
}

func paramErr(param, format string, a ...any) *ParamError {
	return &ParamError{Param: clip(param), Msg: fmt.Sprintf(format, a...)}
}

// unsupported are DHIS2 analytics parameters whose meaning Cifra cannot
// honour; refusing them beats answering a different question silently.
var unsupported = map[string]string{
	"aggregationType":               "значения рейтинга не агрегируются заново",
	"measureCriteria":               "отбор по значению не поддерживается",
	"preAggregationMeasureCriteria": "отбор по значению не поддерживается",
	"startDate":                     "задайте периоды в измерении pe",
	"endDate":                       "задайте периоды в измерении pe",
	"tableLayout":                   "ответ всегда в виде строк (rows)",
	"columns":                       "ответ всегда в виде строк (rows)",
	"rows":                          "ответ всегда в виде строк (rows)",
	"userOrgUnit":                   "укажите организационные единицы в измерении ou",
	"approvalLevel":                 "уровни утверждения не поддерживаются",
	"timeField":                     "значения привязаны к периоду отчёта",
	"orgUnitField":                  "значения привязаны к единице отчёта",
	"completedOnly":                 "не поддерживается",
	"includeNumDen":                 "не поддерживается",
	"order":                         "строки упорядочены по измерениям",
}

// ignored are DHIS2 parameters that change nothing in Cifra's answer:
// Cifra never returns empty rows, pages or hierarchy paths.
var ignored = map[string]bool{
	"hideEmptyRows": true, "hideEmptyColumns": true, "ignoreLimit": true,
	"hierarchyMeta": true, "showHierarchy": true, "includeMetadataDetails": true,
	"paging": true, "inputIdScheme": true,
}

// Parse reads a raw query string (r.URL.RawQuery). It splits on '&' only,
// because DHIS2 clients separate items with an unencoded ';', which
// url.ParseQuery drops.
func Parse(raw string, lim Limits) (Query, error) {
	q := Query{DisplayProperty: DisplayName, OutputIDScheme: SchemeUID}
	if len(raw) > lim.QueryBytes {
		return q, &ParamError{Msg: fmt.Sprintf("строка запроса длиннее %d байт", lim.QueryBytes)}
	}
	p := parser{q: &q, lim: lim, seen: map[string]bool{}}
	n := 0
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		if n++; n > lim.Params {
			return q, &ParamError{Msg: fmt.Sprintf("больше %d параметров в запросе", lim.Params)}
		}
		name, value, _ := strings.Cut(part, "=")
		k, err := url.QueryUnescape(name)
		if err != nil {
			return q, &ParamError{Msg: fmt.Sprintf("имя параметра «%s»: неверное %%-кодирование", clip(name))}
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			return q, paramErr(k, "неверное %%-кодирование значения")
		}
		if err := p.param(k, v); err != nil {
			return q, err
		}
	}
	return q, nil
}

type parser struct {
	q     *Query
	lim   Limits
	seen  map[string]bool // single-valued parameters already given
	items int
}

func (p *parser) once(k string) error {
	if p.seen[k] {
		return paramErr(k, "задан дважды")
	}
	p.seen[k] = true
	return nil
}

func (p *parser) param(k, v string) error {
	switch k {
	case "dimension", "filter":
		dim, items, ok := strings.Cut(v, ":")
		if !ok {
			return paramErr(k, "ожидается «измерение:элемент;элемент», например dx:epgu_users_rate, получено «%s»", clip(v))
		}
		return p.axis(k, dim, items, k == "filter")
	case DimData, DimPeriod, DimUnit:
		// Cifra's short form, kept for existing clients: dx=a;b&pe=…&ou=….
		return p.axis(k, k, v, false)
	case "displayProperty":
		if err := p.once(k); err != nil {
			return err
		}
		switch DisplayProperty(strings.ToUpper(v)) {
		case DisplayName, DisplayShortName:
			p.q.DisplayProperty = DisplayProperty(strings.ToUpper(v))
			return nil
		}
		return paramErr(k, "ожидается NAME или SHORTNAME, получено «%s»", clip(v))
	case "outputIdScheme", "idScheme":
		if err := p.once("outputIdScheme"); err != nil {
			return paramErr(k, "схема идентификаторов задана дважды")
		}
		switch IDScheme(strings.ToUpper(v)) {
		case SchemeUID, SchemeCode, SchemeName:
			p.q.OutputIDScheme = IDScheme(strings.ToUpper(v))
			return nil
		}
		return paramErr(k, "ожидается UID, CODE или NAME, получено «%s»", clip(v))
	case "skipRounding", "skipMeta", "skipData":
		if err := p.once(k); err != nil {
			return err
		}
		b, err := parseBool(v)
		if err != nil {
			return paramErr(k, "ожидается true или false, получено «%s»", clip(v))
		}
		switch k {
		case "skipRounding":
			p.q.SkipRounding = b
		case "skipMeta":
			p.q.SkipMeta = b
		default:
			p.q.SkipData = b
		}
		return nil
	case "relativePeriodDate":
		if err := p.once(k); err != nil {
			return err
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return paramErr(k, "ожидается дата ГГГГ-ММ-ДД, получено «%s»", clip(v))
		}
		p.q.RelativePeriodDate = t
		return nil
	case "methodology":
		if err := p.once(k); err != nil {
			return err
		}
		if !validItem(v) {
			return paramErr(k, "недопустимый идентификатор методики «%s»", clip(v))
		}
		p.q.Methodology = v
		return nil
	}
	if why, ok := unsupported[k]; ok {
		return paramErr(k, "не поддерживается: %s", why)
	}
	if ignored[k] {
		return nil
	}
	return paramErr(k, "неизвестный параметр; Cifra принимает dimension, filter, displayProperty, outputIdScheme, skipRounding, skipMeta, skipData, relativePeriodDate и methodology")
}

func (p *parser) axis(param, dim, list string, filter bool) error {
	switch dim {
	case DimData, DimPeriod, DimUnit:
	default:
		return paramErr(param, "неизвестное измерение «%s»; поддерживаются dx, pe и ou", clip(dim))
	}
	if _, dup := p.q.Axis(dim); dup {
		return paramErr(param, "измерение %s задано дважды", dim)
	}
	a := Axis{Dim: dim, Filter: filter, Param: param}
	seen := map[string]bool{}
	for item := range strings.FieldsFuncSeq(list, func(r rune) bool { return r == ';' || r == ',' }) {
		item = strings.TrimSpace(item)
		if item == "" || seen[item] {
			continue
		}
		if p.items++; p.items > p.lim.Items {
			return paramErr(param, "больше %d элементов в измерениях запроса", p.lim.Items)
		}
		if !validItem(item) {
			return paramErr(param, "измерение %s: недопустимый элемент «%s» (ожидаются латинские буквы, цифры, «_», «-», «.»)", dim, clip(item))
		}
		seen[item] = true
		a.Items = append(a.Items, item)
	}
	if len(a.Items) == 0 {
		return paramErr(param, "измерение %s: не указан ни один элемент", dim)
	}
	p.q.Axes = append(p.q.Axes, a)
	return nil
}

// validItem accepts Cifra ids, unit codes and OIDs, DHIS2 period ids and
// the LEVEL-/OU_GROUP-/relative-period keywords.
func validItem(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", s)
}

// clip keeps echoed input short: an error message must not carry a
// megabyte of someone's query back.
// Decoded %-escapes may not be UTF-8: such bytes are shown as U+FFFD.
func clip(s string) string {
	const max = 64
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
