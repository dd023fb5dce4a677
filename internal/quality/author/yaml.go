package author

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cifra-health/cifra/internal/quality/fhirq"
	"gopkg.in/yaml.v3"
)

// FromYAML reads the YAML layout (docs/questionnaires.md) and builds the
// Questionnaire.
func FromYAML(file string, data []byte) (*fhirq.Questionnaire, error) {
	s, err := ParseYAML(file, data)
	if err != nil {
		return nil, err
	}
	return Build(s)
}

// ParseYAML reads the YAML layout into a Spec without building it.
func ParseYAML(file string, data []byte) (*Spec, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Error{At: Pos{File: file, Line: yamlErrLine(err)}, Message: "неверный YAML: " + err.Error()}
	}
	p := &yparser{file: file}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, Error{At: Pos{File: file, Line: 1}, Message: "файл пуст"}
	}
	root := doc.Content[0]
	s := &Spec{At: Pos{File: file, Line: root.Line}}
	p.mapping(root, "", map[string]func(k, v *yaml.Node){
		"id":          func(k, v *yaml.Node) { s.ID = p.str(v, "id") },
		"url":         func(k, v *yaml.Node) { s.URL = p.str(v, "url") },
		"version":     func(k, v *yaml.Node) { s.Version = p.str(v, "version") },
		"title":       func(k, v *yaml.Node) { s.Title = p.str(v, "title") },
		"status":      func(k, v *yaml.Node) { s.Status = p.str(v, "status") },
		"description": func(k, v *yaml.Node) { s.Description = p.str(v, "description") },
		"publisher":   func(k, v *yaml.Node) { s.Publisher = p.str(v, "publisher") },
		"source":      func(k, v *yaml.Node) { s.Purpose = p.str(v, "source") },
		"context": func(k, v *yaml.Node) {
			p.mapping(v, "context", map[string]func(k, v *yaml.Node){
				"icd10":                   func(k, v *yaml.Node) { s.Context.ICD10 = p.strs(v, "context.icd10") },
				"clinical_recommendation": func(k, v *yaml.Node) { s.Context.ClinicalRecommendation = p.strs(v, "context.clinical_recommendation") },
				"disease_group":           func(k, v *yaml.Node) { s.Context.DiseaseGroup = p.str(v, "context.disease_group") },
				"settings":                func(k, v *yaml.Node) { s.Context.Settings = p.strs(v, "context.settings") },
			})
		},
		"items": func(k, v *yaml.Node) { s.Items = p.items(v) },
	})
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return s, nil
}

func yamlErrLine(err error) int {
	// yaml.v3 writes "yaml: line N: ..."
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+5:]
		if j := strings.IndexAny(rest, ":"); j > 0 {
			if n, err := strconv.Atoi(rest[:j]); err == nil {
				return n
			}
		}
	}
	return 0
}

type yparser struct {
	file string
	errs []error
}

func (p *yparser) at(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line} }

func (p *yparser) add(n *yaml.Node, field, format string, a ...any) {
	p.errs = append(p.errs, Error{At: p.at(n), Field: field, Message: fmt.Sprintf(format, a...)})
}

// mapping calls the handler of each key and reports unknown keys.
func (p *yparser) mapping(n *yaml.Node, path string, fields map[string]func(k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.add(n, path, "ожидался набор полей «ключ: значение»")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := fields[k.Value]
		if !ok {
			p.add(k, join(path, k.Value), "неизвестное поле (допустимы %s)", keys(fields))
			continue
		}
		if seen[k.Value] {
			p.add(k, join(path, k.Value), "поле записано дважды")
		}
		seen[k.Value] = true
		f(k, v)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func keys(m map[string]func(k, v *yaml.Node)) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

func (p *yparser) str(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode {
		p.add(n, field, "ожидалось значение, а не список или набор полей")
		return ""
	}
	return n.Value
}

func (p *yparser) strs(n *yaml.Node, field string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.add(n, field, "ожидался список")
		return nil
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, p.str(c, field))
	}
	return out
}

func (p *yparser) boolean(n *yaml.Node, field string) bool {
	var v bool
	if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil {
		if b, ok := boolOf(n.Value); ok && n.Kind == yaml.ScalarNode {
			return b
		}
		p.add(n, field, "ожидалось да или нет (true или false), записано %q", n.Value)
	}
	return v
}

func (p *yparser) integer(n *yaml.Node, field string) int {
	var v int
	if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil || v < 0 {
		p.add(n, field, "ожидалось целое неотрицательное число, записано %q", n.Value)
	}
	return v
}

func (p *yparser) items(n *yaml.Node) []ItemSpec {
	if n.Kind != yaml.SequenceNode {
		p.add(n, "items", "ожидался список вопросов")
		return nil
	}
	var out []ItemSpec
	for _, in := range n.Content {
		it := ItemSpec{At: p.at(in)}
		p.mapping(in, "items", map[string]func(k, v *yaml.Node){
			"id":              func(k, v *yaml.Node) { it.ID = p.str(v, "id") },
			"text":            func(k, v *yaml.Node) { it.Text = p.str(v, "text") },
			"type":            func(k, v *yaml.Node) { it.Type = p.str(v, "type") },
			"prefix":          func(k, v *yaml.Node) { it.Prefix = p.str(v, "prefix") },
			"required":        func(k, v *yaml.Node) { it.Required = p.boolean(v, "required") },
			"repeats":         func(k, v *yaml.Node) { it.Repeats = p.boolean(v, "repeats") },
			"max_length":      func(k, v *yaml.Node) { it.MaxLength = p.integer(v, "max_length") },
			"option_system":   func(k, v *yaml.Node) { it.OptionSystem = p.str(v, "option_system") },
			"options":         func(k, v *yaml.Node) { it.Options = p.options(v) },
			"enable_when":     func(k, v *yaml.Node) { it.EnableWhen = p.conditions(v) },
			"enable_behavior": func(k, v *yaml.Node) { it.EnableBehavior = p.str(v, "enable_behavior") },
			"defect":          func(k, v *yaml.Node) { it.Defect = p.str(v, "defect") },
			"codes":           func(k, v *yaml.Node) { it.Codes = p.codes(v) },
			"items":           func(k, v *yaml.Node) { it.Items = p.items(v) },
		})
		if it.Type == "" {
			if len(it.Items) > 0 {
				it.Type = string(fhirq.TypeGroup)
			} else {
				p.add(in, "type", "не указан тип вопроса")
			}
		}
		out = append(out, it)
	}
	return out
}

// options reads answer options: {code, text, score} or a plain text, whose
// code is then its position (1, 2, …).
func (p *yparser) options(n *yaml.Node) []OptionSpec {
	if n.Kind != yaml.SequenceNode {
		p.add(n, "options", "ожидался список вариантов ответа")
		return nil
	}
	var out []OptionSpec
	for i, on := range n.Content {
		o := OptionSpec{At: p.at(on)}
		if on.Kind == yaml.ScalarNode {
			o.Code, o.Text = strconv.Itoa(i+1), on.Value
			out = append(out, o)
			continue
		}
		p.mapping(on, "options", map[string]func(k, v *yaml.Node){
			"code": func(k, v *yaml.Node) { o.Code = p.str(v, "options.code") },
			"text": func(k, v *yaml.Node) { o.Text = p.str(v, "options.text") },
			"score": func(k, v *yaml.Node) {
				var f float64
				if v.Kind != yaml.ScalarNode || v.Decode(&f) != nil {
					p.add(v, "options.score", "балл должен быть числом, записано %q", v.Value)
					return
				}
				o.Score = &f
			},
		})
		if o.Code == "" {
			p.add(on, "options.code", "у варианта ответа нет кода")
		}
		out = append(out, o)
	}
	return out
}

func (p *yparser) conditions(n *yaml.Node) []CondSpec {
	if n.Kind == yaml.MappingNode {
		n = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}, Line: n.Line}
	}
	if n.Kind != yaml.SequenceNode {
		p.add(n, "enable_when", "ожидался список условий")
		return nil
	}
	var out []CondSpec
	for _, cn := range n.Content {
		c := CondSpec{At: p.at(cn)}
		p.mapping(cn, "enable_when", map[string]func(k, v *yaml.Node){
			"question": func(k, v *yaml.Node) { c.Question = p.str(v, "enable_when.question") },
			"operator": func(k, v *yaml.Node) { c.Operator = p.str(v, "enable_when.operator") },
			"answer": func(k, v *yaml.Node) {
				var x any
				if v.Kind != yaml.ScalarNode || v.Decode(&x) != nil {
					p.add(v, "enable_when.answer", "ожидалось одно значение")
					return
				}
				c.Answer = x
			},
		})
		out = append(out, c)
	}
	return out
}

func (p *yparser) codes(n *yaml.Node) []fhirq.Coding {
	if n.Kind != yaml.SequenceNode {
		p.add(n, "codes", "ожидался список кодов")
		return nil
	}
	var out []fhirq.Coding
	for _, cn := range n.Content {
		var c fhirq.Coding
		p.mapping(cn, "codes", map[string]func(k, v *yaml.Node){
			"system":  func(k, v *yaml.Node) { c.System = p.str(v, "codes.system") },
			"code":    func(k, v *yaml.Node) { c.Code = p.str(v, "codes.code") },
			"display": func(k, v *yaml.Node) { c.Display = p.str(v, "codes.display") },
		})
		out = append(out, c)
	}
	return out
}
