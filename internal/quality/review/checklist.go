package review

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/quality/author"
	"github.com/cifra-health/cifra/internal/quality/fhirq"
)

//go:embed checklists/*.yaml
var checklistFiles embed.FS

// Settings of care a checklist or a case names (203н: амбулаторно, в
// дневном стационаре, стационарно).
var settings = []string{"outpatient", "day_hospital", "inpatient"}

// Checklist is a questionnaire of quality criteria compiled for expert
// review. A criterion is a yes/no item carrying a defect type; other
// yes/no items only switch criteria on and off through enableWhen.
type Checklist struct {
	Q        *fhirq.Questionnaire
	Form     *fhirq.Form
	Context  author.Context
	Criteria []Criterion
	icd      []icdPattern
}

// Criterion is one yes/no item of a checklist.
type Criterion struct {
	LinkID string
	Prefix string
	Text   string
	Defect string // a DefectType id of the policy
}

// Key is how reviews refer to the checklist: url|version.
func (c *Checklist) Key() string { return c.Q.URL + "|" + c.Q.Version }

// NewChecklist compiles q as a checklist and checks it against the policy:
// it has criteria, each a boolean item with a known defect type, and its
// context names valid ICD-10 patterns and known settings.
func NewChecklist(q *fhirq.Questionnaire, p *Policy) (*Checklist, error) {
	name := q.URL
	if name == "" {
		name = "Questionnaire/" + q.ID
	}
	f, issues := fhirq.Compile(q)
	if f == nil {
		return nil, fmt.Errorf("чек-лист %s: %s", name, issues[0])
	}
	c := &Checklist{Q: q, Form: f, Context: author.ContextOf(q)}
	for _, s := range c.Context.ICD10 {
		pat, err := parseICDPattern(s)
		if err != nil {
			return nil, fmt.Errorf("чек-лист %s: МКБ-10: %w", name, err)
		}
		c.icd = append(c.icd, pat)
	}
	for _, s := range c.Context.Settings {
		if !slices.Contains(settings, s) {
			return nil, fmt.Errorf("чек-лист %s: неизвестные условия оказания помощи %q (допустимы %s)", name, s, strings.Join(settings, ", "))
		}
	}
	for _, it := range f.Items() {
		d := author.DefectOf(it)
		if d == "" {
			continue
		}
		if it.Type != fhirq.TypeBoolean {
			return nil, fmt.Errorf("чек-лист %s: критерий %s должен быть вопросом да/нет, а он типа %s", name, it.LinkID, it.Type)
		}
		if _, ok := p.DefectType(d); !ok {
			return nil, fmt.Errorf("чек-лист %s: у критерия %s неизвестный вид дефекта %q", name, it.LinkID, d)
		}
		c.Criteria = append(c.Criteria, Criterion{LinkID: it.LinkID, Prefix: it.Prefix, Text: it.Text, Defect: d})
	}
	if len(c.Criteria) == 0 {
		return nil, fmt.Errorf("чек-лист %s: нет ни одного критерия (вопроса да/нет с видом дефекта)", name)
	}
	return c, nil
}

// BuiltinChecklists compiles the shipped example checklists.
func BuiltinChecklists(p *Policy) ([]*Checklist, error) {
	names, err := fs.Glob(checklistFiles, "checklists/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("shipped checklists: %w", err)
	}
	var out []*Checklist
	for _, n := range names {
		data, err := checklistFiles.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("shipped checklist %s: %w", n, err)
		}
		q, err := author.FromYAML(strings.TrimPrefix(n, "checklists/"), data)
		if err != nil {
			return nil, err
		}
		c, err := NewChecklist(q, p)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Applies reports whether the checklist is for the case: its ICD-10 code
// in one of the checklist's patterns, its setting among the checklist's,
// and, when both name clinical recommendations, one in common (an id
// without a version, 157, matches every version 157_4, 157_5). An empty
// part of the context matches every case.
func (c *Checklist) Applies(cs Case) bool {
	if len(c.icd) > 0 && !slices.ContainsFunc(c.icd, func(p icdPattern) bool { return p.match(cs.ICD10) }) {
		return false
	}
	if len(c.Context.Settings) > 0 && !slices.Contains(c.Context.Settings, cs.Setting) {
		return false
	}
	if cs.ClinicalRecommendation != "" && len(c.Context.ClinicalRecommendation) > 0 {
		return slices.ContainsFunc(c.Context.ClinicalRecommendation, func(cr string) bool {
			return sameRecommendation(cr, cs.ClinicalRecommendation)
		})
	}
	return true
}

func sameRecommendation(a, b string) bool {
	if a == b {
		return true
	}
	ba, va, _ := strings.Cut(a, "_")
	bb, vb, _ := strings.Cut(b, "_")
	return ba == bb && (va == "" || vb == "")
}

// Select returns the checklists that apply to a case, the most specific
// first: keyed by clinical recommendation, then by disease group, then
// general ones, each in the given order.
func Select(list []*Checklist, cs Case) []*Checklist {
	var out []*Checklist
	for _, c := range list {
		if c.Applies(cs) {
			out = append(out, c)
		}
	}
	rank := func(c *Checklist) int {
		switch {
		case len(c.Context.ClinicalRecommendation) > 0:
			return 0
		case c.Context.DiseaseGroup != "":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b *Checklist) int { return rank(a) - rank(b) })
	return out
}
