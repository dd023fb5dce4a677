package author

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cifra-health/cifra/internal/quality/fhirq"
	"github.com/xuri/excelize/v2"
)

// The XLSX form (docs/questionnaires.md): sheet «Анкета» with a key and a
// value per row, sheet «Вопросы» with one question a row, sheet
// «Варианты» with one answer option a row. The first row of «Вопросы» and
// «Варианты» is the header; columns are found by their header, in any
// order.
const (
	SheetMeta      = "Анкета"
	SheetQuestions = "Вопросы"
	SheetOptions   = "Варианты"
)

var metaKeys = map[string]string{
	"код": "id", "адрес": "url", "версия": "version", "название": "title", "статус": "status",
	"описание": "description", "издатель": "publisher", "источник": "source",
	"мкб-10": "icd10", "клинические рекомендации": "clinical_recommendation",
	"группа заболеваний (203н)": "disease_group", "условия оказания помощи": "settings",
}

var questionColumns = map[string]string{
	"код": "id", "родитель": "parent", "тип": "type", "текст": "text", "номер": "prefix",
	"обязательный": "required", "повторяется": "repeats", "длина": "max_length",
	"показывать, если": "enable_when", "сочетание условий": "enable_behavior", "дефект": "defect",
}

var optionColumns = map[string]string{"вопрос": "question", "код": "code", "текст": "text", "балл": "score"}

// FromXLSX reads the XLSX form and builds the Questionnaire.
func FromXLSX(file string, data []byte) (*fhirq.Questionnaire, error) {
	s, err := ParseXLSX(file, data)
	if err != nil {
		return nil, err
	}
	return Build(s)
}

// ParseXLSX reads the XLSX form into a Spec.
func ParseXLSX(file string, data []byte) (*Spec, error) {
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, Error{At: Pos{File: file}, Message: "не удалось открыть файл XLSX: " + err.Error()}
	}
	defer x.Close()
	r := &xreader{file: file, x: x}
	s := &Spec{At: Pos{File: file, Sheet: SheetMeta, Row: 1}}
	r.meta(s)
	items := r.questions()
	r.attachOptions(items)
	s.Items = r.nest(items)
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	return s, nil
}

type xreader struct {
	file string
	x    *excelize.File
	errs []error
}

func (r *xreader) add(sheet string, row int, field, format string, a ...any) {
	r.errs = append(r.errs, Error{At: Pos{File: r.file, Sheet: sheet, Row: row}, Field: field, Message: fmt.Sprintf(format, a...)})
}

func (r *xreader) rows(sheet string) [][]string {
	rows, err := r.x.GetRows(sheet)
	if err != nil {
		r.add(sheet, 1, "", "нет листа «%s»", sheet)
		return nil
	}
	return rows
}

func (r *xreader) meta(s *Spec) {
	for i, row := range r.rows(SheetMeta) {
		if len(row) == 0 || strings.TrimSpace(row[0]) == "" {
			continue
		}
		key, ok := metaKeys[strings.ToLower(strings.TrimSpace(row[0]))]
		if !ok {
			r.add(SheetMeta, i+1, row[0], "неизвестная строка (допустимы: код, адрес, версия, название, статус, описание, издатель, источник, МКБ-10, клинические рекомендации, группа заболеваний (203н), условия оказания помощи)")
			continue
		}
		val := ""
		if len(row) > 1 {
			val = strings.TrimSpace(row[1])
		}
		switch key {
		case "id":
			s.ID = val
		case "url":
			s.URL = val
		case "version":
			s.Version = val
		case "title":
			s.Title = val
		case "status":
			s.Status = val
		case "description":
			s.Description = val
		case "publisher":
			s.Publisher = val
		case "source":
			s.Purpose = val
		case "icd10":
			s.Context.ICD10 = list(val)
		case "clinical_recommendation":
			s.Context.ClinicalRecommendation = list(val)
		case "disease_group":
			s.Context.DiseaseGroup = val
		case "settings":
			s.Context.Settings = list(val)
		}
	}
}

// list splits "a, b; c" into its parts.
func list(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// header maps column names to indices, reporting unknown ones.
func (r *xreader) header(sheet string, row []string, known map[string]string) map[string]int {
	cols := map[string]int{}
	for i, h := range row {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		key, ok := known[h]
		if !ok {
			r.add(sheet, 1, row[i], "неизвестный столбец")
			continue
		}
		cols[key] = i
	}
	return cols
}

func cell(row []string, cols map[string]int, key string) string {
	i, ok := cols[key]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (r *xreader) questions() []ItemSpec {
	rows := r.rows(SheetQuestions)
	if len(rows) == 0 {
		return nil
	}
	cols := r.header(SheetQuestions, rows[0], questionColumns)
	for _, need := range []string{"id", "type", "text"} {
		if _, ok := cols[need]; !ok {
			r.add(SheetQuestions, 1, "", "нет столбца «%s»", map[string]string{"id": "Код", "type": "Тип", "text": "Текст"}[need])
		}
	}
	var out []ItemSpec
	for i, row := range rows[1:] {
		n := i + 2
		if strings.Join(row, "") == "" {
			continue
		}
		it := ItemSpec{At: Pos{File: r.file, Sheet: SheetQuestions, Row: n},
			ID: cell(row, cols, "id"), Parent: cell(row, cols, "parent"), Type: cell(row, cols, "type"),
			Text: cell(row, cols, "text"), Prefix: cell(row, cols, "prefix"), Defect: cell(row, cols, "defect")}
		it.Required = r.yes(n, row, cols, "required", "Обязательный")
		it.Repeats = r.yes(n, row, cols, "repeats", "Повторяется")
		if v := cell(row, cols, "max_length"); v != "" {
			m, err := strconv.Atoi(v)
			if err != nil || m < 0 {
				r.add(SheetQuestions, n, "Длина", "ожидалось целое число, записано %q", v)
			}
			it.MaxLength = m
		}
		switch b := strings.ToLower(cell(row, cols, "enable_behavior")); b {
		case "", "все", "all":
			if b != "" {
				it.EnableBehavior = "all"
			}
		case "любое", "any":
			it.EnableBehavior = "any"
		default:
			r.add(SheetQuestions, n, "Сочетание условий", "ожидалось «все» или «любое», записано %q", b)
		}
		it.EnableWhen = r.conditions(n, cell(row, cols, "enable_when"))
		out = append(out, it)
	}
	return out
}

func (r *xreader) yes(n int, row []string, cols map[string]int, key, title string) bool {
	v := cell(row, cols, key)
	if v == "" {
		return false
	}
	b, ok := boolOf(v)
	if !ok {
		r.add(SheetQuestions, n, title, "ожидалось «да» или «нет», записано %q", v)
	}
	return b
}

// conditions parses "q1 = нет; age >= 65": the question, an operator and a
// value, separated by spaces; several conditions by ";".
func (r *xreader) conditions(n int, s string) []CondSpec {
	var out []CondSpec
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		f := strings.Fields(part)
		if len(f) < 3 {
			r.add(SheetQuestions, n, "Показывать, если", "условие %q не в виде «код-вопроса операция значение», например «q1 = нет»", part)
			continue
		}
		var ans any = strings.Join(f[2:], " ")
		out = append(out, CondSpec{At: Pos{File: r.file, Sheet: SheetQuestions, Row: n}, Question: f[0], Operator: f[1], Answer: ans})
	}
	return out
}

func (r *xreader) attachOptions(items []ItemSpec) {
	rows := r.rows(SheetOptions)
	if len(rows) == 0 {
		return
	}
	cols := r.header(SheetOptions, rows[0], optionColumns)
	byID := map[string]*ItemSpec{}
	for i := range items {
		byID[items[i].ID] = &items[i]
	}
	for i, row := range rows[1:] {
		n := i + 2
		if strings.Join(row, "") == "" {
			continue
		}
		q := cell(row, cols, "question")
		it, ok := byID[q]
		if !ok {
			r.add(SheetOptions, n, "Вопрос", "вопроса %q нет на листе «%s»", q, SheetQuestions)
			continue
		}
		o := OptionSpec{At: Pos{File: r.file, Sheet: SheetOptions, Row: n}, Code: cell(row, cols, "code"), Text: cell(row, cols, "text")}
		if o.Code == "" {
			o.Code = strconv.Itoa(len(it.Options) + 1)
		}
		if v := cell(row, cols, "score"); v != "" {
			f, ok := numberOf(v)
			if !ok {
				r.add(SheetOptions, n, "Балл", "балл должен быть числом, записано %q", v)
			}
			o.Score = &f
		}
		it.Options = append(it.Options, o)
	}
}

// nest puts each row under its parent (rows are listed flat on the sheet).
func (r *xreader) nest(flat []ItemSpec) []ItemSpec {
	children := map[string][]int{}
	known := map[string]bool{}
	for i, it := range flat {
		known[it.ID] = true
		children[it.Parent] = append(children[it.Parent], i)
	}
	for _, it := range flat {
		if it.Parent != "" && !known[it.Parent] {
			r.add(SheetQuestions, it.At.Row, "Родитель", "вопроса или группы %q нет на листе", it.Parent)
		}
	}
	var build func(parent string, depth int) []ItemSpec
	build = func(parent string, depth int) []ItemSpec {
		if depth > 10 {
			return nil
		}
		var out []ItemSpec
		for _, i := range children[parent] {
			it := flat[i]
			if it.ID != "" && it.ID != parent {
				it.Items = build(it.ID, depth+1)
			}
			out = append(out, it)
		}
		return out
	}
	return build("", 0)
}
