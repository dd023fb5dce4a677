// Package insurer reads the findings of the insurers' expert reviews of an
// МО's care — medico-economic expert review (МЭЭ) and expert review of the
// quality of care (ЭКМП) by the insurance company (СМО) or the territorial
// fund (ТФОМС) — from CSV, and turns each case with a defect into the
// trigger of a targeted internal review.
package insurer

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/quality/review"
	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/csvfile"
)

// Kind is the kind of expert review.
type Kind string

// Kinds of the insurers' expert review.
const (
	MEE  Kind = "mee"  // медико-экономическая экспертиза
	EKMP Kind = "ekmp" // экспертиза качества медицинской помощи
)

var kinds = map[string]Kind{
	"mee": MEE, "мээ": MEE, "медико-экономическая экспертиза": MEE,
	"ekmp": EKMP, "экмп": EKMP, "экспертиза качества медицинской помощи": EKMP,
}

var settingAliases = map[string]string{
	"outpatient": "outpatient", "амбулаторно": "outpatient", "амбулаторные": "outpatient",
	"day_hospital": "day_hospital", "дневной стационар": "day_hospital", "в дневном стационаре": "day_hospital",
	"inpatient": "inpatient", "стационарно": "inpatient", "стационар": "inpatient", "круглосуточный стационар": "inpatient",
}

// Finding is one row: a case an expert review examined, with the defect
// found ("" for none).
type Finding struct {
	Line       int
	MO         string
	Kind       Kind
	Expert     string // the СМО's code, or ТФОМС
	Act        string // the act's number
	ActDate    calendar.Date
	Case       review.Case
	DefectCode string // code of the defect classifier of compulsory insurance, e.g. 3.2.1
	Defect     string // its wording
}

// Layout is the CSV layout (documented in docs/quality-store.md).
var Layout = csvfile.Layout{
	Required: []string{"mo", "kind", "expert", "act", "act_date", "record", "icd10", "setting"},
	Optional: []string{"department", "doctor", "defect_code", "defect"},
	Aliases: map[string]string{
		"код мо": "mo", "мо": "mo", "вид экспертизы": "kind", "эксперт": "expert", "кто проводил": "expert",
		"номер акта": "act", "акт": "act", "дата акта": "act_date", "номер карты": "record", "карта": "record",
		"мкб-10": "icd10", "диагноз": "icd10", "условия": "setting", "условия оказания": "setting",
		"отделение": "department", "врач": "doctor", "код дефекта": "defect_code", "дефект": "defect",
	},
	// Exports of the insurers' systems carry many more columns.
	AllowUnknown: true,
}

var (
	reCode   = regexp.MustCompile(`^[0-9A-Za-zА-Яа-яЁё._/-]{1,40}$`)
	reDefect = regexp.MustCompile(`^[0-9]{1,2}(\.[0-9]{1,2}){0,3}$`)
)

// maxErrors bounds the errors collected from one file: past it, the file
// is plainly not in the layout and more messages would not help.
const maxErrors = 20

// Parse reads a findings file. Every row must be good or nothing is
// returned; errors (up to 20) name the file, the line and the column, in
// Russian, and each is a *csvfile.Error.
func Parse(r io.Reader, name string) ([]Finding, error) {
	rd, err := csvfile.Open(r, name, Layout)
	if err != nil {
		return nil, err
	}
	var out []Finding
	var errs []error
	seen := map[string]int{}
	for len(errs) < maxErrors {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var ce *csvfile.Error
			if !errors.As(err, &ce) {
				err = &csvfile.Error{File: name, Msg: err.Error()}
			}
			errs = append(errs, err)
			break // the CSV itself is broken: later lines cannot be trusted
		}
		f, rowErrs := parseRow(row)
		errs = append(errs, rowErrs...)
		if len(rowErrs) > 0 {
			continue
		}
		k := strings.Join([]string{f.MO, f.Expert, f.Act, f.Case.Record, f.DefectCode}, "\x00")
		if first, dup := seen[k]; dup {
			errs = append(errs, row.Fail("record", "карта %s с дефектом «%s» по акту %s уже записана в строке %d", f.Case.Record, f.DefectCode, f.Act, first))
			continue
		}
		seen[k] = f.Line
		out = append(out, f)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func parseRow(row csvfile.Row) (Finding, []error) {
	var errs []error
	fail := func(col, format string, a ...any) { errs = append(errs, row.Fail(col, format, a...)) }
	f := Finding{Line: row.Line(), Expert: row.Get("expert"), Act: row.Get("act"), DefectCode: row.Get("defect_code"), Defect: row.Get("defect")}
	if f.MO = row.Get("mo"); !reCode.MatchString(f.MO) {
		fail("mo", "код МО %q: нужны буквы, цифры, «.», «-», «_» или «/», не больше 40", f.MO)
	}
	k, ok := kinds[strings.ToLower(row.Get("kind"))]
	if !ok {
		fail("kind", "вид экспертизы %q: допустимы МЭЭ и ЭКМП", row.Get("kind"))
	}
	f.Kind = k
	if f.Expert == "" {
		fail("expert", "не указано, кто проводил экспертизу (код СМО или ТФОМС)")
	}
	if !reCode.MatchString(f.Act) {
		fail("act", "номер акта %q: нужны буквы, цифры, «.», «-», «_» или «/», не больше 40", f.Act)
	}
	d, err := parseDate(row.Get("act_date"))
	if err != nil {
		fail("act_date", "%v", err)
	}
	f.ActDate = d
	f.Case = review.Case{Record: row.Get("record"), Department: row.Get("department"), Doctor: row.Get("doctor")}
	if f.Case.Record == "" {
		fail("record", "не указан номер медицинской карты")
	}
	code, err := review.NormICD10(row.Get("icd10"))
	if err != nil {
		fail("icd10", "%v", err)
	}
	f.Case.ICD10 = code
	s, ok := settingAliases[strings.ToLower(row.Get("setting"))]
	if !ok {
		fail("setting", "условия %q: допустимы амбулаторно, дневной стационар, стационарно", row.Get("setting"))
	}
	f.Case.Setting = s
	if f.DefectCode != "" && !reDefect.MatchString(f.DefectCode) {
		fail("defect_code", "код дефекта %q: ожидаются числа через точку, например 3.2.1", f.DefectCode)
	}
	if f.DefectCode == "" && f.Defect != "" {
		fail("defect_code", "дефект описан, а код дефекта не указан")
	}
	return f, errs
}

// parseDate reads ДД.ММ.ГГГГ or ГГГГ-ММ-ДД.
func parseDate(s string) (calendar.Date, error) {
	for _, layout := range []string{"02.01.2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 2000 || t.Year() > 2100 {
				return calendar.Date{}, fmt.Errorf("дата %s вне 2000–2100 годов", s)
			}
			return calendar.DateOf(t), nil
		}
	}
	return calendar.Date{}, fmt.Errorf("дата %q: ожидается ДД.ММ.ГГГГ", s)
}

// Source is the Trigger.Source of imported findings.
const Source = "insurer"

// Triggers returns one targeted-review trigger per case with a defect in
// an act (several defects of one case make one trigger listing their
// codes), dated at the start of the act's day in the МО's zone. file names
// the import in the trigger's note. Cases without a defect raise nothing.
func Triggers(fs []Finding, loc *time.Location, file string) []review.Trigger {
	var out []review.Trigger
	var codes [][]string
	index := map[string]int{}
	for _, f := range fs {
		if f.DefectCode == "" {
			continue
		}
		ref := fmt.Sprintf("%s, акт %s, карта %s", f.Expert, f.Act, f.Case.Record)
		i, ok := index[f.MO+"\x00"+ref]
		if !ok {
			cs := f.Case
			i = len(out)
			index[f.MO+"\x00"+ref] = i
			out = append(out, review.Trigger{Kind: "insurer", MO: f.MO, At: f.ActDate.Midnight(loc).UTC(), Source: Source, Ref: ref, Case: &cs})
			codes = append(codes, nil)
		}
		if !slices.Contains(codes[i], f.DefectCode) {
			codes[i] = append(codes[i], f.DefectCode)
		}
	}
	for i := range out {
		out[i].Note = fmt.Sprintf("импорт %s; дефекты: %s", file, strings.Join(codes[i], ", "))
	}
	return out
}
