package fhirmeasure

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// structure is testdata/r4/structure.json: what the validator knows of R4.
type structure struct {
	Source string              `json:"source"`
	Types  map[string]*typeDef `json:"types"`
}

type typeDef struct {
	Kind     string    `json:"kind"` // resource, complex-type, primitive-type
	Regex    string    `json:"regex,omitempty"`
	Elements []element `json:"elements,omitempty"`
}

type element struct {
	Path             string   `json:"path"`
	Min              int      `json:"min"`
	Max              string   `json:"max"`
	Types            []string `json:"types,omitempty"`
	ContentReference string   `json:"contentReference,omitempty"`
	Codes            []string `json:"codes,omitempty"` // required binding
}

func loadStructure(t testing.TB) *structure {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "r4", "structure.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s structure
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// validate checks a resource's JSON against the R4 structure: every
// property is an element of its type (choice types by their suffix),
// cardinalities hold (arrays exactly where max is not 1, required elements
// present), primitives have the right JSON kind and match the
// specification's regex, and codes of required bindings are allowed. It
// does not evaluate FHIRPath invariants. It returns every problem found.
func (s *structure) validate(raw []byte) []string {
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return []string{err.Error()}
	}
	rt, _ := v["resourceType"].(string)
	if td, ok := s.Types[rt]; !ok || td.Kind != "resource" {
		return []string{fmt.Sprintf("resourceType %q is not a known resource", rt)}
	}
	var probs []string
	s.object(rt, rt, rt, v, &probs)
	sort.Strings(probs)
	return probs
}

// object checks obj as the element at path (defined in type typ).
func (s *structure) object(typ, path, where string, obj map[string]any, probs *[]string) {
	td := s.Types[typ]
	children := map[string]element{}
	for _, e := range td.Elements {
		if rest, ok := strings.CutPrefix(e.Path, path+"."); ok && !strings.Contains(rest, ".") {
			children[rest] = e
		}
	}
	present := map[string]bool{}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		val := obj[k]
		if k == "resourceType" && path == typ && td.Kind == "resource" {
			continue
		}
		name := strings.TrimPrefix(k, "_") // _x holds x's id and extensions
		e, ok := children[name]
		ty := ""
		if ok {
			if len(e.Types) == 1 {
				ty = e.Types[0]
			}
		} else {
			for cname, ce := range children {
				base, choice := strings.CutSuffix(cname, "[x]")
				if !choice || !strings.HasPrefix(name, base) {
					continue
				}
				for _, ct := range ce.Types {
					if name == base+upperFirst(ct) {
						e, ok, ty, name = ce, true, ct, cname
					}
				}
			}
		}
		if !ok {
			*probs = append(*probs, fmt.Sprintf("%s.%s: no such element in %s", where, k, path))
			continue
		}
		present[name] = true
		items := []any{val}
		if arr, isArr := val.([]any); isArr {
			if e.Max == "1" {
				*probs = append(*probs, fmt.Sprintf("%s.%s: an array where at most one value is allowed", where, k))
			}
			if len(arr) == 0 {
				*probs = append(*probs, fmt.Sprintf("%s.%s: empty array (FHIR omits empty elements)", where, k))
			}
			items = arr
		} else if e.Max != "1" && e.Max != "0" {
			*probs = append(*probs, fmt.Sprintf("%s.%s: a single value where FHIR writes an array", where, k))
		}
		if strings.HasPrefix(k, "_") {
			continue // primitive extensions: not checked further
		}
		for i, it := range items {
			at := where + "." + k
			if len(items) > 1 || e.Max != "1" {
				at = fmt.Sprintf("%s[%d]", at, i)
			}
			s.value(e, ty, at, it, probs)
		}
	}
	for cname, e := range children {
		if e.Min > 0 && !present[cname] {
			*probs = append(*probs, fmt.Sprintf("%s: required element %s missing", where, cname))
		}
	}
}

func (s *structure) value(e element, ty, at string, v any, probs *[]string) {
	if e.ContentReference != "" {
		obj, ok := v.(map[string]any)
		if !ok {
			*probs = append(*probs, fmt.Sprintf("%s: want an object", at))
			return
		}
		root := strings.SplitN(e.ContentReference, ".", 2)[0]
		s.object(root, e.ContentReference, at, obj, probs)
		return
	}
	if ty == "" {
		*probs = append(*probs, fmt.Sprintf("%s: element %s has no single type", at, e.Path))
		return
	}
	switch ty {
	case "BackboneElement", "Element":
		obj, ok := v.(map[string]any)
		if !ok {
			*probs = append(*probs, fmt.Sprintf("%s: want an object", at))
			return
		}
		root := strings.SplitN(e.Path, ".", 2)[0]
		s.object(root, e.Path, at, obj, probs)
		return
	case "Resource":
		obj, ok := v.(map[string]any)
		rt, _ := obj["resourceType"].(string)
		if !ok || rt == "" {
			*probs = append(*probs, fmt.Sprintf("%s: want a resource", at))
		} else if _, known := s.Types[rt]; known {
			s.object(rt, rt, at, obj, probs)
		}
		return
	}
	td, ok := s.Types[ty]
	if !ok {
		*probs = append(*probs, fmt.Sprintf("%s: type %s unknown to the validator", at, ty))
		return
	}
	if td.Kind == "primitive-type" {
		s.primitive(ty, td, e, at, v, probs)
		return
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		*probs = append(*probs, fmt.Sprintf("%s: want a %s object", at, ty))
		return
	}
	s.object(ty, ty, at, obj, probs)
	if len(e.Codes) > 0 && ty == "CodeableConcept" {
		// A required binding on a CodeableConcept: some coding must carry
		// an allowed code.
		found := false
		if cs, ok := obj["coding"].([]any); ok {
			for _, c := range cs {
				if m, ok := c.(map[string]any); ok && slices.Contains(e.Codes, fmt.Sprint(m["code"])) {
					found = true
				}
			}
		}
		if !found {
			*probs = append(*probs, fmt.Sprintf("%s: no coding from the required value set %v", at, e.Codes))
		}
	}
}

func (s *structure) primitive(ty string, td *typeDef, e element, at string, v any, probs *[]string) {
	var text string
	switch ty {
	case "boolean":
		if _, ok := v.(bool); !ok {
			*probs = append(*probs, fmt.Sprintf("%s: want a JSON boolean", at))
		}
		return
	case "integer", "positiveInt", "unsignedInt", "decimal":
		f, ok := v.(float64)
		if !ok {
			*probs = append(*probs, fmt.Sprintf("%s: want a JSON number for %s", at, ty))
			return
		}
		if ty != "decimal" && f != float64(int64(f)) {
			*probs = append(*probs, fmt.Sprintf("%s: %v is not an %s", at, f, ty))
		}
		text = strconv.FormatFloat(f, 'f', -1, 64)
	default:
		str, ok := v.(string)
		if !ok {
			*probs = append(*probs, fmt.Sprintf("%s: want a JSON string for %s", at, ty))
			return
		}
		if strings.TrimSpace(str) == "" {
			*probs = append(*probs, fmt.Sprintf("%s: empty %s", at, ty))
		}
		text = str
	}
	if td.Regex != "" && ty != "decimal" {
		if !regexp.MustCompile("^(?:" + td.Regex + ")$").MatchString(text) {
			*probs = append(*probs, fmt.Sprintf("%s: %q is not a valid %s", at, text, ty))
		}
	}
	if len(e.Codes) > 0 && ty == "code" && !slices.Contains(e.Codes, text) {
		*probs = append(*probs, fmt.Sprintf("%s: %q is not in the required value set %v", at, text, e.Codes))
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
