// Package author turns a questionnaire a methodologist writes — YAML, or
// an XLSX form of three sheets — into a FHIR R4 Questionnaire, so that no
// one writes FHIR JSON by hand. Both layouts are described in
// docs/questionnaires.md; they share one intermediate Spec and one builder,
// so they accept the same things and report errors the same way: in
// Russian, naming the file, the line (or sheet and row) and the field.
package author

import (
	"fmt"

	"github.com/cifra-health/cifra/internal/quality/fhirq"
)

// Pos is where something was written: a YAML line or an XLSX sheet and row.
type Pos struct {
	File  string
	Line  int
	Sheet string
	Row   int
}

func (p Pos) String() string {
	switch {
	case p.Sheet != "":
		return fmt.Sprintf("%s, лист «%s», строка %d", p.File, p.Sheet, p.Row)
	case p.Line > 0:
		return fmt.Sprintf("%s, строка %d", p.File, p.Line)
	}
	return p.File
}

// Error is one problem in an authored questionnaire.
type Error struct {
	At      Pos
	Field   string
	Message string
}

func (e Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: поле %s: %s", e.At, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.At, e.Message)
}

// Spec is a questionnaire as authored, before it becomes FHIR.
type Spec struct {
	At          Pos
	ID          string
	URL         string
	Version     string
	Title       string
	Status      string
	Description string
	Publisher   string
	Purpose     string // the source the questions follow, e.g. an order of the ministry
	Context     Context
	Items       []ItemSpec
}

// Context says which cases a checklist applies to. Surveys leave it empty.
type Context struct {
	ICD10                  []string // codes (I21) or ranges (I20-I25)
	ClinicalRecommendation []string // clinical recommendation ids, e.g. 157_5
	DiseaseGroup           string   // the 203н section, e.g. "9"
	Settings               []string // outpatient, day_hospital, inpatient
}

// ItemSpec is one question, group or display text.
type ItemSpec struct {
	At             Pos
	ID             string
	Parent         string // XLSX only: the linkId of the enclosing item
	Text           string
	Type           string
	Prefix         string
	Required       bool
	Repeats        bool
	MaxLength      int
	OptionSystem   string
	Options        []OptionSpec
	EnableWhen     []CondSpec
	EnableBehavior string
	Defect         string
	Codes          []fhirq.Coding
	Items          []ItemSpec
}

// OptionSpec is one answer option of a choice question.
type OptionSpec struct {
	At    Pos
	Code  string
	Text  string
	Score *float64
}

// CondSpec is one enableWhen condition: the answer is typed by the question
// it names (a bool, a number, an option code or a string).
type CondSpec struct {
	At       Pos
	Question string
	Operator string
	Answer   any
}

// Code systems Cifra writes on authored questionnaires.
const (
	SystemAnswers      = "urn:cifra:answer" // + ":" + questionnaire id, for option codes
	SystemICD10        = "urn:cifra:icd10-pattern"
	SystemClinicalRec  = "urn:cifra:clinical-recommendation"
	SystemDiseaseGroup = "urn:cifra:203n-group"
	SystemCareSetting  = "urn:cifra:care-setting"
	SystemDefectType   = "urn:cifra:defect-type"
	usageContextSystem = "http://terminology.hl7.org/CodeSystem/usage-context-type"
)

// Care settings (203н: амбулаторно, в дневном стационаре, стационарно).
var careSettings = map[string]string{
	"outpatient":   "амбулаторно",
	"day_hospital": "в условиях дневного стационара",
	"inpatient":    "стационарно",
}

// typeAliases lets a methodologist write item types in Russian.
var typeAliases = map[string]fhirq.ItemType{
	"да/нет": fhirq.TypeBoolean, "выбор": fhirq.TypeChoice, "выбор или свой ответ": fhirq.TypeOpenChoice,
	"целое": fhirq.TypeInteger, "число": fhirq.TypeDecimal, "строка": fhirq.TypeString, "текст": fhirq.TypeText,
	"дата": fhirq.TypeDate, "дата и время": fhirq.TypeDateTime, "время": fhirq.TypeTime,
	"группа": fhirq.TypeGroup, "пояснение": fhirq.TypeDisplay,
}
