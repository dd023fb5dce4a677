package review

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/quality/fhirq"
)

// Case is one medical record under expert review. It carries no patient's
// name: the record number leads to the patient inside the МО only.
type Case struct {
	Record                 string `json:"record"`     // medical record number
	Department             string `json:"department"` // the МО's department code
	Doctor                 string `json:"doctor"`     // staff code of the treating doctor
	ICD10                  string `json:"icd10"`      // canonical (NormICD10)
	Setting                string `json:"setting"`    // outpatient | day_hospital | inpatient
	ClinicalRecommendation string `json:"clinical_recommendation,omitempty"`
}

// Check validates the fields a review relies on and canonicalises the
// ICD-10 code.
func (c *Case) Check() error {
	var errs []error
	if strings.TrimSpace(c.Record) == "" {
		errs = append(errs, errors.New("не указан номер медицинской карты"))
	}
	if code, err := NormICD10(c.ICD10); err != nil {
		errs = append(errs, fmt.Errorf("диагноз: %w", err))
	} else {
		c.ICD10 = code
	}
	if !slices.Contains(settings, c.Setting) {
		errs = append(errs, fmt.Errorf("неизвестные условия оказания помощи %q (допустимы %s)", c.Setting, strings.Join(settings, ", ")))
	}
	return errors.Join(errs...)
}

// CaseResult is the expert's verdict on one case by one checklist.
type CaseResult struct {
	Case       Case      `json:"case"`
	Checklist  string    `json:"checklist"`          // Checklist.Key
	Response   string    `json:"response,omitempty"` // QuestionnaireResponse id, if it came as FHIR
	Applicable int       `json:"applicable"`         // criteria enabled for this case
	Applied    []string  `json:"applied"`            // their linkIds, for each criterion's share
	Failed     []Finding `json:"failed,omitempty"`
	Meets      bool      `json:"meets"` // every applicable criterion is met
	Reviewer   string    `json:"reviewer"`
	At         time.Time `json:"at"` // UTC
}

// Finding is one failed criterion.
type Finding struct {
	Criterion string `json:"criterion"` // linkId
	Text      string `json:"text"`
	Defect    string `json:"defect"`
}

// Evaluate scores a completed response to the checklist: a criterion
// disabled by enableWhen does not apply; an applicable one answered "no" is
// a finding. The response must be valid for the form and complete, so an
// unanswered criterion is an error, never a silent pass.
func (c *Checklist) Evaluate(cs Case, r *fhirq.FlatResponse) (CaseResult, error) {
	if r.Status != fhirq.StatusCompleted && r.Status != fhirq.StatusAmended {
		return CaseResult{}, fmt.Errorf("карта %s: ответ по чек-листу не завершён (статус %q)", cs.Record, r.Status)
	}
	if issues := c.Form.Validate(r); fhirq.HasErrors(issues) {
		var msgs []string
		for _, is := range issues {
			if is.Severity == fhirq.SeverityError {
				msgs = append(msgs, is.String())
			}
		}
		return CaseResult{}, fmt.Errorf("карта %s: ответ не соответствует чек-листу %s: %s", cs.Record, c.Key(), strings.Join(msgs, "; "))
	}
	if !c.Applies(cs) {
		return CaseResult{}, fmt.Errorf("карта %s: чек-лист %s не относится к случаю (%s, %s)", cs.Record, c.Key(), cs.ICD10, cs.Setting)
	}
	enabled := c.Form.Enabled(r)
	answer := map[string]bool{}
	for _, a := range r.Answers {
		if a.Kind == fhirq.KindBoolean {
			answer[a.LinkID] = a.Bool
		}
	}
	res := CaseResult{Case: cs, Checklist: c.Key(), Response: r.ID}
	for _, cr := range c.Criteria {
		if !enabled[cr.LinkID] {
			continue
		}
		v, ok := answer[cr.LinkID]
		if !ok {
			return CaseResult{}, fmt.Errorf("карта %s: нет ответа на критерий %s %s", cs.Record, cr.Prefix, cr.Text)
		}
		res.Applicable++
		res.Applied = append(res.Applied, cr.LinkID)
		if !v {
			res.Failed = append(res.Failed, Finding{Criterion: cr.LinkID, Text: cr.Text, Defect: cr.Defect})
		}
	}
	res.Meets = len(res.Failed) == 0
	return res, nil
}
