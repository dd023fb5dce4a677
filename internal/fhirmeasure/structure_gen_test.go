package fhirmeasure

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fhirPackage points at an unpacked hl7.fhir.r4.examples 4.0.1 package
// (npm pack hl7.fhir.r4.examples@4.0.1; tar xzf …; its package/ folder).
// With it, TestExtractStructure rewrites testdata/r4/structure.json.
var fhirPackage = flag.String("fhir-package", "", "unpacked hl7.fhir.r4.examples package dir: regenerate testdata/r4/structure.json")

// TestExtractStructure derives the compact structure file the validator
// reads from the official StructureDefinitions: for MeasureReport, Measure
// and every data type they use, each element's path, cardinality, types,
// content reference and, for required bindings, the allowed codes; for
// primitives, the JSON kind and the regex the specification gives.
func TestExtractStructure(t *testing.T) {
	if *fhirPackage == "" {
		t.Skip("set -fhir-package to regenerate testdata/r4/structure.json")
	}
	dir := *fhirPackage
	read := func(name string, v any) error {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		return json.Unmarshal(b, v)
	}
	type sdType struct {
		Code      string `json:"code"`
		Extension []struct {
			URL         string `json:"url"`
			ValueString string `json:"valueString"`
		} `json:"extension"`
	}
	type sdElement struct {
		Path             string   `json:"path"`
		Min              int      `json:"min"`
		Max              string   `json:"max"`
		Type             []sdType `json:"type"`
		ContentReference string   `json:"contentReference"`
		Binding          *struct {
			Strength string `json:"strength"`
			ValueSet string `json:"valueSet"`
		} `json:"binding"`
	}
	type sd struct {
		Kind     string `json:"kind"`
		Snapshot struct {
			Element []sdElement `json:"element"`
		} `json:"snapshot"`
	}
	out := structure{Source: "hl7.fhir.r4.examples 4.0.1 (FHIR R4, CC0-1.0): StructureDefinition snapshots, ValueSets and CodeSystems", Types: map[string]*typeDef{}}
	queue := []string{"MeasureReport", "Measure"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if _, done := out.Types[name]; done {
			continue
		}
		var s sd
		if err := read("StructureDefinition-"+name+".json", &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		td := &typeDef{Kind: s.Kind}
		out.Types[name] = td
		for _, e := range s.Snapshot.Element {
			if s.Kind == "primitive-type" {
				if e.Path == name+".value" && len(e.Type) > 0 {
					for _, x := range e.Type[0].Extension {
						if strings.HasSuffix(x.URL, "/regex") {
							if _, err := regexp.Compile("^(?:" + x.ValueString + ")$"); err == nil {
								td.Regex = x.ValueString
							}
						}
					}
				}
				continue
			}
			el := element{Path: e.Path, Min: e.Min, Max: e.Max, ContentReference: strings.TrimPrefix(e.ContentReference, "#")}
			for _, ty := range e.Type {
				code := ty.Code
				if strings.HasPrefix(code, "http://hl7.org/fhirpath/System.") {
					code = "string" // element ids and extension urls
				}
				el.Types = append(el.Types, code)
				if code != "BackboneElement" && code != "Element" && code != "Resource" && !slices.Contains(queue, code) {
					queue = append(queue, code)
				}
			}
			if e.Binding != nil && e.Binding.Strength == "required" {
				codes, err := valueSetCodes(dir, strings.Split(e.Binding.ValueSet, "|")[0])
				if err != nil {
					t.Fatalf("%s: %v", e.Path, err)
				}
				el.Codes = codes
			}
			td.Elements = append(td.Elements, el)
		}
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "r4", "structure.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// valueSetCodes lists the codes of a value set made of whole code systems
// or listed concepts (every required binding MeasureReport and Measure
// use is of that kind).
func valueSetCodes(dir, url string) ([]string, error) {
	id := url[strings.LastIndex(url, "/")+1:]
	var vs struct {
		Compose struct {
			Include []struct {
				System  string `json:"system"`
				Concept []struct {
					Code string `json:"code"`
				} `json:"concept"`
			} `json:"include"`
		} `json:"compose"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "ValueSet-"+id+".json"))
	if err != nil {
		return nil, nil // defined outside the package (e.g. mime types): not checked
	}
	if err := json.Unmarshal(b, &vs); err != nil {
		return nil, fmt.Errorf("value set %s: %w", id, err)
	}
	var codes []string
	for _, inc := range vs.Compose.Include {
		if len(inc.Concept) > 0 {
			for _, c := range inc.Concept {
				codes = append(codes, c.Code)
			}
			continue
		}
		csID := inc.System[strings.LastIndex(inc.System, "/")+1:]
		var cs struct {
			Concept []concept `json:"concept"`
		}
		b, err := os.ReadFile(filepath.Join(dir, "CodeSystem-"+csID+".json"))
		if err != nil {
			return nil, nil // an external code system: not checked
		}
		if err := json.Unmarshal(b, &cs); err != nil {
			return nil, fmt.Errorf("code system %s: %w", csID, err)
		}
		var walk func([]concept)
		walk = func(cs []concept) {
			for _, c := range cs {
				codes = append(codes, c.Code)
				walk(c.Concept)
			}
		}
		walk(cs.Concept)
	}
	return codes, nil
}

type concept struct {
	Code    string    `json:"code"`
	Concept []concept `json:"concept"`
}
