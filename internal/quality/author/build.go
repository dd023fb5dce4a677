package author

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cifra-health/cifra/internal/quality/fhirq"
)

var (
	reID    = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)
	reLink  = regexp.MustCompile(`^[A-Za-z0-9\-._]{1,64}$`)
	reICD10 = regexp.MustCompile(`^[A-Z][0-9]{2}(\.[0-9]{1,2})?(-[A-Z][0-9]{2}(\.[0-9]{1,2})?)?$`)
)

// Build turns a Spec into a Questionnaire checked by fhirq.Compile. All
// problems are returned together (errors.Join of Error); the Questionnaire
// is nil if there is any.
func Build(s *Spec) (*fhirq.Questionnaire, error) {
	b := &builder{spec: s, types: map[string]fhirq.ItemType{}, options: map[string][]OptionSpec{}, at: map[string]Pos{}}
	q := b.questionnaire()
	if len(b.errs) == 0 {
		if _, issues := fhirq.Compile(q); fhirq.HasErrors(issues) {
			for _, is := range issues {
				if is.Severity == fhirq.SeverityError {
					b.add(b.at[is.LinkID], is.Field, "%s", is.Message)
				}
			}
		}
	}
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return q, nil
}

type builder struct {
	spec    *Spec
	errs    []error
	types   map[string]fhirq.ItemType
	options map[string][]OptionSpec
	at      map[string]Pos
}

func (b *builder) add(at Pos, field, format string, a ...any) {
	if at.File == "" {
		at = b.spec.At
	}
	b.errs = append(b.errs, Error{At: at, Field: field, Message: fmt.Sprintf(format, a...)})
}

func (b *builder) questionnaire() *fhirq.Questionnaire {
	s := b.spec
	q := &fhirq.Questionnaire{
		ResourceType: "Questionnaire", ID: s.ID, URL: s.URL, Version: s.Version, Title: s.Title,
		Name: strings.ReplaceAll(s.ID, "-", "_"), Status: s.Status, Description: s.Description,
		Publisher: s.Publisher, Purpose: s.Purpose,
	}
	if !reID.MatchString(s.ID) {
		b.add(s.At, "id", "нужен код анкеты из латинских букв, цифр, точек и дефисов (до 64 знаков), записано %q", s.ID)
	}
	if q.URL == "" {
		q.URL = "urn:cifra:questionnaire:" + s.ID
	}
	if q.Status == "" {
		q.Status = "draft"
	}
	if strings.TrimSpace(s.Title) == "" {
		b.add(s.At, "title", "нужно название анкеты")
	}
	switch q.Status {
	case "draft", "active", "retired":
	default:
		b.add(s.At, "status", "статус %q не из draft, active, retired", q.Status)
	}
	q.UseContext = b.context(s.Context)
	if len(s.Items) == 0 {
		b.add(s.At, "items", "в анкете нет ни одного вопроса")
	}
	// Types and options first: conditions may name later questions.
	b.collect(s.Items)
	q.Item = b.items(s.Items)
	return q
}

func (b *builder) context(c Context) []fhirq.UsageContext {
	var out []fhirq.UsageContext
	focus := func(system string, codes []string) {
		if len(codes) == 0 {
			return
		}
		cc := &fhirq.CodeableConcept{}
		for _, code := range codes {
			cc.Coding = append(cc.Coding, fhirq.Coding{System: system, Code: code})
		}
		out = append(out, fhirq.UsageContext{Code: fhirq.Coding{System: usageContextSystem, Code: "focus"}, ValueCodeableConcept: cc})
	}
	for _, code := range c.ICD10 {
		if !reICD10.MatchString(code) {
			b.add(b.spec.At, "context.icd10", "код МКБ-10 %q не похож на код (I21, I21.0) или диапазон (I20-I25)", code)
		}
	}
	focus(SystemICD10, c.ICD10)
	focus(SystemClinicalRec, c.ClinicalRecommendation)
	if c.DiseaseGroup != "" {
		focus(SystemDiseaseGroup, []string{c.DiseaseGroup})
	}
	if len(c.Settings) > 0 {
		cc := &fhirq.CodeableConcept{}
		for _, st := range c.Settings {
			name, ok := careSettings[st]
			if !ok {
				b.add(b.spec.At, "context.settings", "условие оказания помощи %q не из outpatient, day_hospital, inpatient", st)
			}
			cc.Coding = append(cc.Coding, fhirq.Coding{System: SystemCareSetting, Code: st, Display: name})
		}
		out = append(out, fhirq.UsageContext{Code: fhirq.Coding{System: usageContextSystem, Code: "venue"}, ValueCodeableConcept: cc})
	}
	return out
}

func itemType(s string) (fhirq.ItemType, bool) {
	if t, ok := typeAliases[strings.ToLower(strings.TrimSpace(s))]; ok {
		return t, true
	}
	t := fhirq.ItemType(strings.TrimSpace(s))
	return t, t.Valid()
}

func (b *builder) collect(items []ItemSpec) {
	for _, it := range items {
		if t, ok := itemType(it.Type); ok {
			b.types[it.ID] = t
		}
		b.options[it.ID] = it.Options
		b.at[it.ID] = it.At
		b.collect(it.Items)
	}
}

func (b *builder) items(specs []ItemSpec) []fhirq.Item {
	var out []fhirq.Item
	for _, s := range specs {
		out = append(out, b.item(s))
	}
	return out
}

func (b *builder) item(s ItemSpec) fhirq.Item {
	t, ok := itemType(s.Type)
	if !ok {
		b.add(s.At, "type", "неизвестный тип вопроса %q (допустимы да/нет, выбор, выбор или свой ответ, целое, число, строка, текст, дата, дата и время, время, группа, пояснение или тип FHIR)", s.Type)
	}
	if !reLink.MatchString(s.ID) {
		b.add(s.At, "id", "нужен код вопроса из латинских букв, цифр, точек, дефисов и подчёркиваний, записано %q", s.ID)
	}
	if strings.TrimSpace(s.Text) == "" && t != fhirq.TypeGroup {
		b.add(s.At, "text", "нет текста вопроса")
	}
	it := fhirq.Item{LinkID: s.ID, Text: s.Text, Type: t, Prefix: s.Prefix, Code: s.Codes}
	if s.Required {
		it.Required = ptr(true)
	}
	if s.Repeats {
		it.Repeats = ptr(true)
	}
	if s.MaxLength > 0 {
		it.MaxLength = ptr(s.MaxLength)
	}
	if s.Defect != "" {
		it.Code = append(it.Code, fhirq.Coding{System: SystemDefectType, Code: s.Defect})
	}
	switch t {
	case fhirq.TypeChoice, fhirq.TypeOpenChoice:
		if len(s.Options) == 0 {
			b.add(s.At, "options", "у вопроса с выбором нет вариантов ответа")
		}
		system := s.OptionSystem
		if system == "" {
			system = SystemAnswers + ":" + b.spec.ID
		}
		seen := map[string]bool{}
		for _, o := range s.Options {
			if seen[o.Code] {
				b.add(o.At, "options", "код варианта %q повторяется", o.Code)
			}
			seen[o.Code] = true
			ao := fhirq.AnswerOption{ValueCoding: &fhirq.Coding{System: system, Code: o.Code, Display: o.Text}}
			if o.Score != nil {
				ao.Extension = []fhirq.Extension{{URL: fhirq.ExtOrdinalValue, ValueDecimal: ptr(*o.Score)}}
			}
			it.AnswerOption = append(it.AnswerOption, ao)
		}
	default:
		if len(s.Options) > 0 {
			b.add(s.At, "options", "варианты ответа бывают только у вопросов с выбором, а тип вопроса — %s", t)
		}
	}
	for _, c := range s.EnableWhen {
		if ew, ok := b.condition(c); ok {
			it.EnableWhen = append(it.EnableWhen, ew)
		}
	}
	it.EnableBehavior = s.EnableBehavior
	if len(it.EnableWhen) > 1 && it.EnableBehavior == "" {
		it.EnableBehavior = "all"
	}
	if t == fhirq.TypeGroup && len(s.Items) == 0 {
		b.add(s.At, "items", "в группе нет вопросов")
	}
	it.Item = b.items(s.Items)
	return it
}

// condition types the condition's answer by the question it names.
func (b *builder) condition(c CondSpec) (fhirq.EnableWhen, bool) {
	ew := fhirq.EnableWhen{Question: c.Question, Operator: c.Operator}
	if ew.Operator == "" {
		ew.Operator = "="
	}
	t, ok := b.types[c.Question]
	if !ok {
		b.add(c.At, "enable_when.question", "условие ссылается на вопрос %q, которого нет в анкете", c.Question)
		return ew, false
	}
	if ew.Operator == "exists" {
		v, ok := boolOf(c.Answer)
		if !ok {
			b.add(c.At, "enable_when.answer", "для exists ответ — да или нет")
			return ew, false
		}
		ew.AnswerBoolean = &v
		return ew, true
	}
	bad := func(want string) (fhirq.EnableWhen, bool) {
		b.add(c.At, "enable_when.answer", "вопрос %s типа %s: ожидается %s, записано %v", c.Question, t, want, c.Answer)
		return ew, false
	}
	switch t {
	case fhirq.TypeBoolean:
		v, ok := boolOf(c.Answer)
		if !ok {
			return bad("да или нет")
		}
		ew.AnswerBoolean = &v
	case fhirq.TypeInteger:
		v, ok := numberOf(c.Answer)
		if !ok || v != float64(int64(v)) {
			return bad("целое число")
		}
		ew.AnswerInteger = ptr(int64(v))
	case fhirq.TypeDecimal:
		v, ok := numberOf(c.Answer)
		if !ok {
			return bad("число")
		}
		ew.AnswerDecimal = &v
	case fhirq.TypeChoice, fhirq.TypeOpenChoice:
		code := fmt.Sprint(c.Answer)
		found := false
		for _, o := range b.options[c.Question] {
			found = found || o.Code == code
		}
		if !found {
			return bad("код одного из вариантов ответа")
		}
		ew.AnswerCoding = &fhirq.Coding{Code: code}
	case fhirq.TypeDate:
		ew.AnswerDate = ptr(fmt.Sprint(c.Answer))
	case fhirq.TypeString, fhirq.TypeText:
		ew.AnswerString = ptr(fmt.Sprint(c.Answer))
	default:
		return bad("вопрос, по ответу на который можно ставить условие")
	}
	return ew, true
}

func boolOf(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "да", "true", "yes":
			return true, true
		case "нет", "false", "no":
			return false, true
		}
	}
	return false, false
}

func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(x), ",", "."), 64)
		return f, err == nil
	}
	return 0, false
}

func ptr[T any](v T) *T { return &v }

// ContextOf reads a checklist's context back from a Questionnaire written
// by Build (or any Questionnaire using the same systems).
func ContextOf(q *fhirq.Questionnaire) Context {
	var c Context
	for _, uc := range q.UseContext {
		if uc.ValueCodeableConcept == nil {
			continue
		}
		for _, cd := range uc.ValueCodeableConcept.Coding {
			switch cd.System {
			case SystemICD10:
				c.ICD10 = append(c.ICD10, cd.Code)
			case SystemClinicalRec:
				c.ClinicalRecommendation = append(c.ClinicalRecommendation, cd.Code)
			case SystemDiseaseGroup:
				c.DiseaseGroup = cd.Code
			case SystemCareSetting:
				c.Settings = append(c.Settings, cd.Code)
			}
		}
	}
	return c
}

// DefectOf returns the defect type an item records when answered "no".
func DefectOf(it *fhirq.Item) string {
	for _, c := range it.Code {
		if c.System == SystemDefectType {
			return c.Code
		}
	}
	return ""
}
