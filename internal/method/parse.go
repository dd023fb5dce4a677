package method

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Parse reads and validates a methodology file. name is the file name used
// in messages and kept as Source. On failure the error is an *Error listing
// every problem as "name:line: message".
func Parse(name string, data []byte) (*Methodology, error) {
	probs := &problems{file: name}
	root := parseYAML(data, probs)
	if root == nil {
		return nil, probs.err()
	}
	d := &decoder{probs: probs, lines: map[string]int{}, failed: map[string]bool{}}
	var raw rawFile
	d.decode(root, reflect.ValueOf(&raw).Elem(), "", "")
	b := &builder{probs: probs, lines: d.lines, failed: d.failed}
	m := b.build(&raw)
	if err := probs.err(); err != nil {
		return nil, err
	}
	m.Source = name
	m.Raw = bytes.Clone(data)
	return m, nil
}

// Load reads and parses a methodology file; messages name it by path.
func Load(path string) (*Methodology, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load methodology: %w", err)
	}
	return Parse(path, data)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML returns the top mapping of the only document in data, or nil
// after reporting why there is none.
func parseYAML(data []byte, probs *problems) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			probs.add(1, "the file is empty")
		} else {
			syntaxProblem(err, probs)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		syntaxProblem(err, probs)
		return nil
	default:
		probs.add(extra.Line, "a file holds one methodology: remove the second YAML document (---)")
		return nil
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		probs.add(max(doc.Line, 1), "a methodology file must be key: value pairs (id:, name:, ...)")
		return nil
	}
	return doc.Content[0]
}

// parserMessages are the errors of yaml.v3's parser (not its scanner). For
// them yaml.v3 reports a 0-based line, one less than the line shown in an
// editor; scanner errors are already 1-based.
var parserMessages = map[string]bool{
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected <document start>": true,
}

func syntaxProblem(err error, probs *problems) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if parserMessages[m[2]] {
			line++
		}
		probs.add(max(line, 1), "YAML syntax: %s", m[2])
		return
	}
	probs.add(1, "YAML syntax: %s", strings.TrimPrefix(msg, "yaml: "))
}
