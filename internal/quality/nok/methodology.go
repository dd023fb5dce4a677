// Package nok scores the independent assessment of the quality of service
// conditions in medical organisations (НОК): the shipped outpatient and
// inpatient questionnaires, the methodology file that says how answers
// and the МО's audit become 0–100 per criterion and in total, tallies of
// answers, free-text comments kept apart, and the helpers that guard the
// public anonymous survey (proof of work, honeypot, one response per
// device and day).
package nok

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/quality/author"
	"github.com/cifra-health/cifra/internal/quality/fhirq"
	"gopkg.in/yaml.v3"
)

//go:embed methodology.yaml forms/*.yaml
var files embed.FS

// Variants of the survey.
const (
	Outpatient = "outpatient"
	Inpatient  = "inpatient"
)

// Audit fields: what the public council (or the МО) finds on the stands, the
// site and the premises. They feed the indicators that are not asked of
// patients.
var auditFields = []string{
	"info_stand_present", "info_stand_required", "info_site_present", "info_site_required",
	"remote_channels", "comfort_conditions", "disabled_facilities", "disabled_services",
}

// Methodology is a parsed methodology file.
type Methodology struct {
	ID             string            `yaml:"id"`
	Name           string            `yaml:"name"`
	Source         string            `yaml:"source"`
	Variants       map[string]string `yaml:"variants"` // variant → questionnaire id
	MinRespondents int               `yaml:"min_respondents"`
	CommentItems   []string          `yaml:"comment_items"`
	Criteria       []Criterion       `yaml:"criteria"`
}

// Criterion is one of the five criteria: weighted indicators.
type Criterion struct {
	ID         string      `yaml:"id"`
	Name       string      `yaml:"name"`
	Indicators []Indicator `yaml:"indicators"`
}

// Indicator is the mean of its parts with data.
type Indicator struct {
	ID     string  `yaml:"id"`
	Name   string  `yaml:"name"`
	Weight float64 `yaml:"weight"`
	Parts  []Part  `yaml:"parts"`
}

// Part is one way an indicator is measured; exactly one of the kinds is
// set. Variant limits it to one questionnaire.
type Part struct {
	Variant     string       `yaml:"variant"`
	Share       *Share       `yaml:"share"`
	Scale       *Scale       `yaml:"scale"`
	AuditRatio  *AuditRatio  `yaml:"audit_ratio"`
	AuditPoints *AuditPoints `yaml:"audit_points"`
}

// Share is 100 × (respondents answering yes to Yes) / (respondents
// answering yes to Of, or choosing the option Of = "question=code", or all
// respondents when Of is empty).
type Share struct {
	Yes string `yaml:"yes"`
	Of  string `yaml:"of"`
}

// Scale averages the scores of the options chosen for Question and maps the
// mean to points by the first step whose Min it reaches.
type Scale struct {
	Question string `yaml:"question"`
	Steps    []Step `yaml:"steps"`
}

// Step is one rung of a Scale.
type Step struct {
	Min    float64 `yaml:"min"`
	Points float64 `yaml:"points"`
}

// AuditRatio is 100 × Present / Required from the audit.
type AuditRatio struct {
	Present  string `yaml:"present"`
	Required string `yaml:"required"`
}

// AuditPoints is min(Max, Points × Count) from the audit.
type AuditPoints struct {
	Count  string  `yaml:"count"`
	Points float64 `yaml:"points"`
	Max    float64 `yaml:"max"`
}

// Builtin is the shipped methodology with its questionnaires.
type Builtin struct {
	Methodology *Methodology
	// Forms maps a variant to its questionnaire.
	Forms map[string]*fhirq.Questionnaire
}

// LoadBuiltin parses the embedded methodology and questionnaires and checks
// that every question the methodology names exists in its variant's form.
func LoadBuiltin() (*Builtin, error) {
	data, err := files.ReadFile("methodology.yaml")
	if err != nil {
		return nil, fmt.Errorf("nok: %w", err)
	}
	m, err := ParseMethodology("methodology.yaml", data)
	if err != nil {
		return nil, err
	}
	b := &Builtin{Methodology: m, Forms: map[string]*fhirq.Questionnaire{}}
	for variant, id := range m.Variants {
		src, err := files.ReadFile("forms/" + id + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("nok: анкета %s варианта %s: %w", id, variant, err)
		}
		q, err := author.FromYAML(id+".yaml", src)
		if err != nil {
			return nil, err
		}
		b.Forms[variant] = q
	}
	if err := m.CheckForms(b.Forms); err != nil {
		return nil, err
	}
	return b, nil
}

// ParseMethodology reads and checks a methodology file. Errors are Russian
// and name the file and, for YAML problems, the line.
func ParseMethodology(file string, data []byte) (*Methodology, error) {
	var m Methodology
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: неверный файл методики: %w", file, err)
	}
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{file}, a...)...))
	}
	if m.ID == "" || m.Name == "" {
		bad("нужны id и name")
	}
	if len(m.Variants) == 0 {
		bad("не указаны варианты анкеты (variants)")
	}
	if len(m.Criteria) == 0 {
		bad("нет критериев")
	}
	for _, c := range m.Criteria {
		sum := 0.0
		for _, ind := range c.Indicators {
			where := fmt.Sprintf("критерий %s, показатель %s", c.ID, ind.ID)
			if ind.Weight <= 0 {
				bad("%s: вес должен быть больше нуля", where)
			}
			sum += ind.Weight
			if len(ind.Parts) == 0 {
				bad("%s: нет частей (parts)", where)
			}
			for i, p := range ind.Parts {
				if err := m.checkPart(p); err != nil {
					bad("%s, часть %d: %v", where, i+1, err)
				}
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			bad("критерий %s: сумма весов показателей %g, а должна быть 1", c.ID, sum)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *Methodology) checkPart(p Part) error {
	kinds := 0
	for _, set := range []bool{p.Share != nil, p.Scale != nil, p.AuditRatio != nil, p.AuditPoints != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return errors.New("нужен ровно один вид части: share, scale, audit_ratio или audit_points")
	}
	if _, ok := m.Variants[p.Variant]; p.Variant != "" && !ok {
		return fmt.Errorf("неизвестный вариант анкеты %q", p.Variant)
	}
	switch {
	case p.Share != nil && p.Share.Yes == "":
		return errors.New("share: не указан вопрос yes")
	case p.Scale != nil:
		if p.Scale.Question == "" || len(p.Scale.Steps) == 0 {
			return errors.New("scale: нужны question и steps")
		}
		for i := 1; i < len(p.Scale.Steps); i++ {
			if p.Scale.Steps[i].Min >= p.Scale.Steps[i-1].Min {
				return errors.New("scale: ступени должны идти по убыванию min")
			}
		}
	case p.AuditRatio != nil:
		if !slices.Contains(auditFields, p.AuditRatio.Present) || !slices.Contains(auditFields, p.AuditRatio.Required) {
			return fmt.Errorf("audit_ratio: поля аудита — %s", strings.Join(auditFields, ", "))
		}
	case p.AuditPoints != nil:
		if !slices.Contains(auditFields, p.AuditPoints.Count) || p.AuditPoints.Points <= 0 || p.AuditPoints.Max <= 0 {
			return fmt.Errorf("audit_points: нужны count (одно из %s), points и max больше нуля", strings.Join(auditFields, ", "))
		}
	}
	return nil
}

// CheckForms checks that every question a part names is a question of each
// variant the part applies to, of the right type.
func (m *Methodology) CheckForms(forms map[string]*fhirq.Questionnaire) error {
	var errs []error
	compiled := map[string]*fhirq.Form{}
	for v, q := range forms {
		f, issues := fhirq.Compile(q)
		if f == nil {
			return fmt.Errorf("анкета варианта %s: %v", v, issues)
		}
		compiled[v] = f
	}
	need := func(c *Criterion, ind *Indicator, variant, link string, want ...fhirq.ItemType) {
		for v, f := range compiled {
			if variant != "" && v != variant {
				continue
			}
			it, ok := f.Item(link)
			if !ok {
				errs = append(errs, fmt.Errorf("критерий %s, показатель %s: в анкете %s нет вопроса %q", c.ID, ind.ID, m.Variants[v], link))
			} else if !slices.Contains(want, it.Type) {
				errs = append(errs, fmt.Errorf("критерий %s, показатель %s: вопрос %q анкеты %s типа %s, а нужен %v", c.ID, ind.ID, link, m.Variants[v], it.Type, want))
			}
		}
	}
	for ci := range m.Criteria {
		c := &m.Criteria[ci]
		for ii := range c.Indicators {
			ind := &c.Indicators[ii]
			for _, p := range ind.Parts {
				switch {
				case p.Share != nil:
					need(c, ind, p.Variant, p.Share.Yes, fhirq.TypeBoolean)
					if q, _, isCode := strings.Cut(p.Share.Of, "="); isCode {
						need(c, ind, p.Variant, q, fhirq.TypeChoice)
					} else if p.Share.Of != "" {
						need(c, ind, p.Variant, p.Share.Of, fhirq.TypeBoolean)
					}
				case p.Scale != nil:
					need(c, ind, p.Variant, p.Scale.Question, fhirq.TypeChoice)
				}
			}
		}
	}
	for _, link := range m.CommentItems {
		for v, f := range compiled {
			if it, ok := f.Item(link); !ok || (it.Type != fhirq.TypeText && it.Type != fhirq.TypeString) {
				errs = append(errs, fmt.Errorf("comment_items: в анкете %s нет текстового вопроса %q", m.Variants[v], link))
			}
		}
	}
	return errors.Join(errs...)
}
