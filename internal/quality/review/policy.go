package review

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"
)

//go:embed policy.yaml
var builtinPolicy []byte

// Policy is an МО's rules of internal control as data: the levels of
// control, the level and deadline of each trigger of a targeted review, and
// the defect types findings are classified by. A region or an МО adopts its
// own by loading another file; the shipped one follows 785н.
type Policy struct {
	ID          string       `yaml:"id"`
	Name        string       `yaml:"name"`
	Source      string       `yaml:"source"`
	Levels      []Level      `yaml:"levels"`
	Planned     PlannedRule  `yaml:"planned"`
	Triggers    []TriggerDef `yaml:"triggers"`
	DefectTypes []DefectType `yaml:"defect_types"`
}

// Level is one level of control. A higher rank may review what a lower
// one may; OwnDepartment limits a level to its own department's cases.
type Level struct {
	ID            string `yaml:"id"`
	Name          string `yaml:"name"`
	Rank          int    `yaml:"rank"`
	OwnDepartment bool   `yaml:"own_department"`
}

// PlannedRule is the lowest level a planned review may be held at.
type PlannedRule struct {
	Level string `yaml:"level"`
}

// TriggerDef is one reason for a targeted review: the lowest level that
// may hold it and its deadline in working days after the trigger.
type TriggerDef struct {
	ID           string `yaml:"id"`
	Name         string `yaml:"name"`
	Level        string `yaml:"level"`
	DeadlineDays int    `yaml:"deadline_working_days"`
}

// DefectType classifies a failed criterion.
type DefectType struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
}

var reID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// BuiltinPolicy returns the shipped policy (a fresh copy on each call).
func BuiltinPolicy() (*Policy, error) { return ParsePolicy("policy.yaml", builtinPolicy) }

// ParsePolicy reads and checks a policy file. Errors are Russian and name
// the file, the line and the field.
func ParsePolicy(file string, data []byte) (*Policy, error) {
	var p Policy
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: неверный файл порядка контроля: %w", file, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	lines := func(key string) []int { return itemLines(&root, key) }
	var errs []error
	bad := func(line int, field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s, строка %d: поле %s: %s", file, line, field, fmt.Sprintf(format, a...)))
	}
	if p.ID == "" || p.Name == "" {
		errs = append(errs, fmt.Errorf("%s: нужны поля id и name", file))
	}
	levelLines, trigLines, defLines := lines("levels"), lines("triggers"), lines("defect_types")
	if len(p.Levels) == 0 {
		errs = append(errs, fmt.Errorf("%s: нет уровней контроля (levels)", file))
	}
	seen := map[string]bool{}
	ranks := map[int]string{}
	for i, l := range p.Levels {
		ln := at(levelLines, i)
		if !reID.MatchString(l.ID) {
			bad(ln, "levels.id", "код %q: нужны строчные латинские буквы, цифры и _", l.ID)
		} else if seen["level:"+l.ID] {
			bad(ln, "levels.id", "уровень %s указан дважды", l.ID)
		}
		seen["level:"+l.ID] = true
		if l.Name == "" {
			bad(ln, "levels.name", "у уровня %s нет названия", l.ID)
		}
		if l.Rank < 1 {
			bad(ln, "levels.rank", "у уровня %s ранг должен быть не меньше 1", l.ID)
		} else if other, dup := ranks[l.Rank]; dup {
			bad(ln, "levels.rank", "у уровней %s и %s одинаковый ранг %d", other, l.ID, l.Rank)
		}
		ranks[l.Rank] = l.ID
	}
	if p.Planned.Level == "" || !seen["level:"+p.Planned.Level] {
		errs = append(errs, fmt.Errorf("%s: поле planned.level: нет уровня %q", file, p.Planned.Level))
	}
	if len(p.Triggers) == 0 {
		errs = append(errs, fmt.Errorf("%s: нет поводов целевых проверок (triggers)", file))
	}
	for i, t := range p.Triggers {
		ln := at(trigLines, i)
		if !reID.MatchString(t.ID) {
			bad(ln, "triggers.id", "код %q: нужны строчные латинские буквы, цифры и _", t.ID)
		} else if seen["trigger:"+t.ID] {
			bad(ln, "triggers.id", "повод %s указан дважды", t.ID)
		}
		seen["trigger:"+t.ID] = true
		if t.Name == "" {
			bad(ln, "triggers.name", "у повода %s нет названия", t.ID)
		}
		if !seen["level:"+t.Level] {
			bad(ln, "triggers.level", "у повода %s неизвестный уровень %q", t.ID, t.Level)
		}
		if t.DeadlineDays < 1 || t.DeadlineDays > 60 {
			bad(ln, "triggers.deadline_working_days", "у повода %s срок %d рабочих дней: допустимо от 1 до 60", t.ID, t.DeadlineDays)
		}
	}
	for i, d := range p.DefectTypes {
		ln := at(defLines, i)
		if !reID.MatchString(d.ID) {
			bad(ln, "defect_types.id", "код %q: нужны строчные латинские буквы, цифры и _", d.ID)
		} else if seen["defect:"+d.ID] {
			bad(ln, "defect_types.id", "вид дефекта %s указан дважды", d.ID)
		}
		seen["defect:"+d.ID] = true
		if d.Name == "" {
			bad(ln, "defect_types.name", "у вида дефекта %s нет названия", d.ID)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &p, nil
}

// itemLines returns the line of each item of the top-level list under key.
func itemLines(root *yaml.Node, key string) []int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, n := range m.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

func at(lines []int, i int) int {
	if i < len(lines) {
		return lines[i]
	}
	return 0
}

// Level returns the level with the id.
func (p *Policy) Level(id string) (Level, bool) {
	for _, l := range p.Levels {
		if l.ID == id {
			return l, true
		}
	}
	return Level{}, false
}

// Trigger returns the trigger definition with the id.
func (p *Policy) Trigger(id string) (TriggerDef, bool) {
	for _, t := range p.Triggers {
		if t.ID == id {
			return t, true
		}
	}
	return TriggerDef{}, false
}

// DefectType returns the defect type with the id.
func (p *Policy) DefectType(id string) (DefectType, bool) {
	for _, d := range p.DefectTypes {
		if d.ID == id {
			return d, true
		}
	}
	return DefectType{}, false
}

// covers reports whether level a may do what level b may.
func (p *Policy) covers(a, b string) bool {
	la, ok1 := p.Level(a)
	lb, ok2 := p.Level(b)
	return ok1 && ok2 && la.Rank >= lb.Rank
}
