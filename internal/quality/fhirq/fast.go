package fhirq

import (
	"errors"
	"fmt"

	"github.com/valyala/fastjson"
)

// FastDecoder reads one QuestionnaireResponse JSON object (an NDJSON line)
// straight into a FlatResponse, pulling only the elements FlatResponse
// holds. It is the bulk-import path: Decode agrees with
// Flatten(encoding/json decode) on every response in canonical JSON (the
// differential test and the fuzz target check it), at several times the
// speed. FHIR JSON is case-sensitive and has no duplicate keys; unlike
// encoding/json, FastDecoder matches names exactly and takes the first of
// duplicate keys.
//
// A FastDecoder reuses its parser and interns repeated strings (linkIds,
// systems, codes); it is not safe for concurrent use: give each goroutine
// its own.
type FastDecoder struct {
	p      fastjson.Parser
	intern map[string]string
	err    error
	link   string // linkId of the item being read, for messages
}

// ErrNotResponse is returned (wrapped) for a line holding another resource.
var ErrNotResponse = errors.New("не QuestionnaireResponse")

// internLimit bounds the intern table; past it the table starts afresh, so
// a file of unique codes cannot grow memory without end.
const internLimit = 1 << 14

// Decode parses line into dst, reusing dst.Answers. Errors are Russian and
// name the field.
func (d *FastDecoder) Decode(line []byte, dst *FlatResponse) error {
	v, err := d.p.ParseBytes(line)
	if err != nil {
		return fmt.Errorf("неверный JSON: %w", err)
	}
	o, err := v.Object()
	if err != nil {
		return errors.New("ожидался ресурс FHIR — объект JSON")
	}
	answers := dst.Answers[:0]
	*dst = FlatResponse{}
	d.err, d.link = nil, ""
	rt := d.str(o.Get("resourceType"), "resourceType", true)
	if d.err != nil {
		return d.err
	}
	if rt != "QuestionnaireResponse" {
		if rt == "" {
			return errors.New("поле resourceType: не указан тип ресурса")
		}
		return fmt.Errorf("ресурс %s: %w", rt, ErrNotResponse)
	}
	dst.ID = d.str(o.Get("id"), "id", false)
	dst.Questionnaire = d.str(o.Get("questionnaire"), "questionnaire", true)
	dst.Status = d.str(o.Get("status"), "status", true)
	dst.Authored = d.str(o.Get("authored"), "authored", false)
	dst.Subject = d.ref(o.Get("subject"), "subject")
	dst.Encounter = d.ref(o.Get("encounter"), "encounter")
	dst.Author = d.ref(o.Get("author"), "author")
	dst.Source = d.ref(o.Get("source"), "source")
	dst.Identifier = d.identifier(o.Get("identifier"))
	dst.Answers = d.items(answers, o.Get("item"), "")
	return d.err
}

// fail records the first error. Field names are constants (no path is
// built per value: that would allocate on every answer); the linkId of the
// item being read says where.
func (d *FastDecoder) fail(field, want string, v *fastjson.Value) {
	if d.err == nil {
		d.err = fmt.Errorf("%sполе %s: ожидалось %s, записано %s", d.where(), field, want, fastTypeRU(v.Type()))
	}
}

func (d *FastDecoder) where() string {
	if d.link == "" {
		return ""
	}
	return "вопрос " + d.link + ": "
}

func fastTypeRU(t fastjson.Type) string {
	switch t {
	case fastjson.TypeString:
		return "строка"
	case fastjson.TypeNumber:
		return "число"
	case fastjson.TypeObject:
		return "объект"
	case fastjson.TypeArray:
		return "массив"
	case fastjson.TypeTrue, fastjson.TypeFalse:
		return "логическое значение"
	}
	return "null"
}

// str reads a string; absent and null read as "" like encoding/json does.
// Strings that repeat across responses (linkIds, codes) are interned;
// unique ones (ids, free text) are not, to keep the table useful.
func (d *FastDecoder) str(v *fastjson.Value, field string, intern bool) string {
	if v == nil {
		return ""
	}
	switch v.Type() {
	case fastjson.TypeNull:
		return ""
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		if !intern {
			return string(b)
		}
		return d.internBytes(b)
	}
	d.fail(field, "строка", v)
	return ""
}

func (d *FastDecoder) internBytes(b []byte) string {
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	if d.intern == nil || len(d.intern) >= internLimit {
		d.intern = make(map[string]string, 256)
	}
	s := string(b)
	d.intern[s] = s
	return s
}

// object returns v as an object, nil for absent or null, recording a type
// error.
func (d *FastDecoder) object(v *fastjson.Value, field string) *fastjson.Object {
	if v == nil {
		return nil
	}
	switch v.Type() {
	case fastjson.TypeNull:
		return nil
	case fastjson.TypeObject:
		o, _ := v.Object()
		return o
	}
	d.fail(field, "объект", v)
	return nil
}

func (d *FastDecoder) array(v *fastjson.Value, field string) []*fastjson.Value {
	if v == nil {
		return nil
	}
	switch v.Type() {
	case fastjson.TypeNull:
		return nil
	case fastjson.TypeArray:
		a, _ := v.Array()
		return a
	}
	d.fail(field, "массив", v)
	return nil
}

func (d *FastDecoder) ref(v *fastjson.Value, field string) string {
	o := d.object(v, field)
	if o == nil {
		return ""
	}
	return d.str(o.Get("reference"), field+".reference", true)
}

func (d *FastDecoder) identifier(v *fastjson.Value) string {
	o := d.object(v, "identifier")
	if o == nil {
		return ""
	}
	sys := d.str(o.Get("system"), "identifier.system", true)
	val := d.str(o.Get("value"), "identifier.value", false)
	if sys == "" && val == "" {
		return ""
	}
	return sys + "|" + val
}

// items walks item[] in the order Flatten does: each answer, the items under
// it, then the item's own children.
func (d *FastDecoder) items(out []FlatAnswer, v *fastjson.Value, parent string) []FlatAnswer {
	for _, iv := range d.array(v, "item") {
		o := d.object(iv, "item")
		if o == nil || d.err != nil {
			continue
		}
		d.link = parent
		link := d.str(o.Get("linkId"), "item.linkId", true)
		d.link = link
		for _, av := range d.array(o.Get("answer"), "item.answer") {
			fa := FlatAnswer{LinkID: link, Parent: parent}
			ao := d.object(av, "item.answer")
			if ao == nil {
				// encoding/json decodes null into a zero Answer.
				if av.Type() == fastjson.TypeNull {
					out = append(out, fa)
				}
				continue
			}
			d.answer(ao, &fa)
			out = append(out, fa)
			out = d.items(out, ao.Get("item"), link)
		}
		out = d.items(out, o.Get("item"), link)
	}
	return out
}

// valueKeys are the answer value[x] names in the order flatAnswer tries
// them, indexed by Kind.
var valueKeys = [...]string{KindBoolean: "valueBoolean", KindDecimal: "valueDecimal", KindInteger: "valueInteger",
	KindDate: "valueDate", KindDateTime: "valueDateTime", KindTime: "valueTime", KindString: "valueString",
	KindURI: "valueUri", KindAttachment: "valueAttachment", KindCoding: "valueCoding",
	KindQuantity: "valueQuantity", KindReference: "valueReference"}

// answerFields are the field names used in messages, indexed by Kind.
var answerFields = func() (out [KindReference + 1]string) {
	for k := KindBoolean; k <= KindReference; k++ {
		out[k] = "answer." + valueKeys[k]
	}
	return out
}()

// answer reads the value[x] of one answer, choosing among several by the
// same fixed order as flatAnswer.
func (d *FastDecoder) answer(o *fastjson.Object, fa *FlatAnswer) {
	// One pass over the keys instead of a Get per value type: Get scans the
	// object each time. The first of duplicate keys is kept, as Get would.
	var vals [KindReference + 1]*fastjson.Value
	o.Visit(func(key []byte, v *fastjson.Value) {
		if len(key) < 6 || key[0] != 'v' {
			return
		}
		for k := KindBoolean; k <= KindReference; k++ {
			if vals[k] == nil && string(key) == valueKeys[k] {
				vals[k] = v
				return
			}
		}
	})
	for k := KindBoolean; k <= KindReference; k++ {
		v := vals[k]
		if v == nil || v.Type() == fastjson.TypeNull {
			continue // a null value is no value, as for encoding/json
		}
		f := answerFields[k]
		switch k {
		case KindBoolean:
			switch v.Type() {
			case fastjson.TypeTrue:
				fa.Bool = true
			case fastjson.TypeFalse:
			default:
				d.fail(f, "логическое значение", v)
			}
		case KindDecimal:
			fa.Num = d.float(v, f)
		case KindInteger:
			fa.Num = float64(d.int(v, f))
		case KindDate, KindDateTime, KindTime:
			fa.Str = d.str(v, f, true)
		case KindString, KindURI:
			fa.Str = d.str(v, f, false)
		case KindAttachment:
			if ao := d.object(v, f); ao != nil {
				fa.Str = d.str(ao.Get("url"), "answer.valueAttachment.url", false)
			}
		case KindCoding:
			d.coding(v, fa)
		case KindQuantity:
			if qo := d.object(v, f); qo != nil {
				if n := qo.Get("value"); n != nil && n.Type() != fastjson.TypeNull {
					fa.Num = d.float(n, "answer.valueQuantity.value")
				}
				fa.Str = d.str(qo.Get("unit"), "answer.valueQuantity.unit", true)
				fa.System = d.str(qo.Get("system"), "answer.valueQuantity.system", true)
				fa.Code = d.str(qo.Get("code"), "answer.valueQuantity.code", true)
			}
		case KindReference:
			fa.Str = d.ref(v, f)
		}
		fa.Kind = k
		return
	}
}

func (d *FastDecoder) float(v *fastjson.Value, field string) float64 {
	n, err := v.Float64()
	if err != nil {
		d.failNum(field, v, err)
	}
	return n
}

func (d *FastDecoder) int(v *fastjson.Value, field string) int64 {
	n, err := v.Int64()
	if err != nil {
		d.failNum(field, v, err)
	}
	return n
}

func (d *FastDecoder) failNum(field string, v *fastjson.Value, err error) {
	if v.Type() != fastjson.TypeNumber {
		d.fail(field, "число", v)
		return
	}
	if d.err == nil {
		d.err = fmt.Errorf("%sполе %s: число %s не подходит: %w", d.where(), field, v.String(), err)
	}
}

func (d *FastDecoder) coding(v *fastjson.Value, fa *FlatAnswer) {
	const field = "answer.valueCoding"
	co := d.object(v, field)
	if co == nil {
		return
	}
	fa.System = d.str(co.Get("system"), field+".system", true)
	fa.Code = d.str(co.Get("code"), field+".code", true)
	fa.Str = d.str(co.Get("display"), field+".display", true)
	// Score: the first ordinalValue or itemWeight extension with a number,
	// as Score does.
	for _, ev := range d.array(co.Get("extension"), field+".extension") {
		eo := d.object(ev, field+".extension")
		if eo == nil {
			continue
		}
		url := d.str(eo.Get("url"), field+".extension.url", true)
		if url != ExtOrdinalValue && url != ExtItemWeight {
			continue
		}
		if dec := eo.Get("valueDecimal"); dec != nil && dec.Type() != fastjson.TypeNull {
			fa.Score, fa.HasScore = d.float(dec, field+".extension.valueDecimal"), true
			return
		}
		if n := eo.Get("valueInteger"); n != nil && n.Type() != fastjson.TypeNull {
			fa.Score, fa.HasScore = float64(d.int(n, field+".extension.valueInteger")), true
			return
		}
	}
}
