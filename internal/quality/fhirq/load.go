package fhirq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// LoadedQuestionnaire is a Questionnaire read from an input, with its raw
// JSON as written.
type LoadedQuestionnaire struct {
	Q   *Questionnaire
	At  Place
	Raw json.RawMessage
}

// LoadedResponse is a QuestionnaireResponse read from an input, with its
// raw JSON as written.
type LoadedResponse struct {
	R   *QuestionnaireResponse
	At  Place
	Raw json.RawMessage
}

// Skipped is a resource of another type found in an input (a Patient in a
// Bundle, a Measure): reported, not an error.
type Skipped struct {
	At           Place
	ResourceType string
	ID           string
	Reason       string
}

// Batch collects what Load read from one or more inputs.
type Batch struct {
	Questionnaires []LoadedQuestionnaire
	Responses      []LoadedResponse
	Skipped        []Skipped
	Problems       []Problem
}

// Err joins the problems, nil when every record was read.
func (b *Batch) Err() error {
	errs := make([]error, len(b.Problems))
	for i, p := range b.Problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// maxBundleDepth bounds Bundles inside Bundles, so that a hostile input
// cannot recurse without end.
const maxBundleDepth = 4

// Load reads FHIR resources from data: one JSON resource (pretty-printed or
// not), NDJSON with one resource a line, Bundles (of any mix, nested up to
// maxBundleDepth), or several of these concatenated. Questionnaires and
// QuestionnaireResponses go to their lists, other resources to Skipped, and
// records that cannot be read to Problems; a bad record does not stop the
// ones after it.
func (b *Batch) Load(file string, data []byte) {
	lines := newLineIndex(data)
	off := 0
	for off < len(data) {
		dec := json.NewDecoder(bytes.NewReader(data[off:]))
		for {
			prev := off + int(dec.InputOffset())
			var raw json.RawMessage
			err := dec.Decode(&raw)
			if err == io.EOF {
				return
			}
			if err != nil {
				// Report the broken record and resume at the next line that
				// starts with "{": in NDJSON that is the next record, while
				// the indented lines of a broken pretty-printed document are
				// passed over instead of each being reported.
				at := off + int(dec.InputOffset())
				var se *json.SyntaxError
				if errors.As(err, &se) {
					at = off + int(se.Offset)
				}
				start := skipSpace(data, prev, at)
				b.Problems = append(b.Problems, Problem{
					At:      Place{File: file, Line: lines.line(start)},
					Message: "неверный JSON: " + syntaxMessage(err),
				})
				next := nextRecord(data, start)
				if next < 0 {
					return
				}
				off = next
				break
			}
			end := off + int(dec.InputOffset())
			start := end - len(raw)
			b.resource(Place{File: file, Line: lines.line(start)}, raw, 0)
		}
	}
}

// nextRecord returns the offset of the first line after the one holding
// from that begins with '{', or -1.
func nextRecord(data []byte, from int) int {
	for i := from; i < len(data)-1; i++ {
		if data[i] == '\n' && data[i+1] == '{' {
			return i + 1
		}
	}
	return -1
}

// skipSpace returns the first non-space offset in data[from:to].
func skipSpace(data []byte, from, to int) int {
	for from < to && from < len(data) && (data[from] == ' ' || data[from] == '\t' || data[from] == '\r' || data[from] == '\n') {
		from++
	}
	return from
}

type head struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
}

type bundle struct {
	Type  string `json:"type"`
	Entry []struct {
		FullURL  string          `json:"fullUrl"`
		Resource json.RawMessage `json:"resource"`
	} `json:"entry"`
}

func (b *Batch) resource(at Place, raw json.RawMessage, depth int) {
	if len(raw) == 0 || raw[0] != '{' {
		b.Problems = append(b.Problems, Problem{At: at, Message: "ожидался ресурс FHIR — объект JSON"})
		return
	}
	var h head
	if err := json.Unmarshal(raw, &h); err != nil {
		b.Problems = append(b.Problems, decodeProblem(at, err))
		return
	}
	switch h.ResourceType {
	case "Questionnaire":
		var q Questionnaire
		if err := json.Unmarshal(raw, &q); err != nil {
			b.Problems = append(b.Problems, decodeProblem(at, err))
			return
		}
		b.Questionnaires = append(b.Questionnaires, LoadedQuestionnaire{Q: &q, At: at, Raw: raw})
	case "QuestionnaireResponse":
		var r QuestionnaireResponse
		if err := json.Unmarshal(raw, &r); err != nil {
			b.Problems = append(b.Problems, decodeProblem(at, err))
			return
		}
		b.Responses = append(b.Responses, LoadedResponse{R: &r, At: at, Raw: raw})
	case "Bundle":
		if depth >= maxBundleDepth {
			b.Problems = append(b.Problems, Problem{At: at, Message: fmt.Sprintf("Bundle вложен глубже %d уровней", maxBundleDepth)})
			return
		}
		var bu bundle
		if err := json.Unmarshal(raw, &bu); err != nil {
			b.Problems = append(b.Problems, decodeProblem(at, err))
			return
		}
		for i, e := range bu.Entry {
			// Entries of a nested Bundle keep the number of the outer entry.
			eat := at
			if eat.Entry == 0 {
				eat.Entry = i + 1
			}
			if len(e.Resource) == 0 || string(e.Resource) == "null" {
				b.Skipped = append(b.Skipped, Skipped{At: eat, Reason: "запись Bundle без ресурса"})
				continue
			}
			b.resource(eat, e.Resource, depth+1)
		}
	case "":
		b.Problems = append(b.Problems, Problem{At: at, Field: "resourceType", Message: "не указан тип ресурса"})
	default:
		b.Skipped = append(b.Skipped, Skipped{At: at, ResourceType: h.ResourceType, ID: h.ID,
			Reason: fmt.Sprintf("ресурс %s — не анкета и не ответ на анкету", h.ResourceType)})
	}
}

// decodeProblem turns an encoding/json error into a Russian problem naming
// the field.
func decodeProblem(at Place, err error) Problem {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return Problem{At: at, Field: te.Field, Message: fmt.Sprintf("ожидалось %s, записано %s", goTypeRU(te.Type.Kind().String()), jsonKindRU(te.Value))}
	}
	return Problem{At: at, Message: "неверный JSON: " + syntaxMessage(err)}
}

func syntaxMessage(err error) string {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("синтаксическая ошибка (%s)", se.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "запись оборвана"
	}
	return err.Error()
}

func goTypeRU(kind string) string {
	switch kind {
	case "string":
		return "строка"
	case "bool":
		return "логическое значение (true или false)"
	case "int", "int64", "int32":
		return "целое число"
	case "float64", "float32":
		return "число"
	case "slice":
		return "массив"
	case "struct", "map", "ptr":
		return "объект"
	}
	return kind
}

func jsonKindRU(v string) string {
	switch v {
	case "string":
		return "строка"
	case "bool":
		return "логическое значение"
	case "array":
		return "массив"
	case "object":
		return "объект"
	case "null":
		return "null"
	}
	if strings.HasPrefix(v, "number") {
		return "число" + strings.TrimPrefix(v, "number")
	}
	return v
}

// lineIndex maps byte offsets to 1-based line numbers.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (l lineIndex) line(off int) int {
	lo, hi := 0, len(l)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if l[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}
