package fhirq

// Kind is the value[x] type of a flat answer.
type Kind uint8

// Answer kinds, one per R4 answer value type. KindNone is an answer with no
// value Cifra knows (an error for Validate).
const (
	KindNone Kind = iota
	KindBoolean
	KindDecimal
	KindInteger
	KindDate
	KindDateTime
	KindTime
	KindString
	KindURI
	KindAttachment
	KindCoding
	KindQuantity
	KindReference
)

var kindNames = [...]string{"none", "valueBoolean", "valueDecimal", "valueInteger", "valueDate",
	"valueDateTime", "valueTime", "valueString", "valueUri", "valueAttachment", "valueCoding",
	"valueQuantity", "valueReference"}

// String is the FHIR element name of the kind, e.g. valueCoding.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// FlatResponse is a QuestionnaireResponse as rows: the header and one
// FlatAnswer per answer, in document order. It is what the bulk import
// writes and what validation and scoring read.
type FlatResponse struct {
	ID            string
	Identifier    string // system|value, "" if none
	Questionnaire string
	Status        string
	Authored      string
	Subject       string // references as written, e.g. Patient/123
	Encounter     string
	Author        string
	Source        string
	Answers       []FlatAnswer
}

// FlatAnswer is one answer. Parent is the linkId of the nearest enclosing
// item ("" at the top level), so that nesting can be checked.
type FlatAnswer struct {
	LinkID string
	Parent string
	Kind   Kind
	Bool   bool
	Num    float64 // decimal, integer and quantity values
	Str    string  // string, date, dateTime, time, uri; reference; quantity unit; attachment url
	System string  // coding system; quantity system
	Code   string  // coding code; quantity code
	// Score is the ordinalValue (or itemWeight) written on the answer's
	// coding, when HasScore.
	Score    float64
	HasScore bool
}

// Flatten turns a parsed response into rows. Items without answers (groups,
// unanswered questions) leave no row of their own but stay visible as the
// Parent of the answers inside them.
func Flatten(r *QuestionnaireResponse) FlatResponse {
	f := FlatResponse{
		ID:            r.ID,
		Questionnaire: r.Questionnaire,
		Status:        r.Status,
		Authored:      r.Authored,
		Subject:       refString(r.Subject),
		Encounter:     refString(r.Encounter),
		Author:        refString(r.Author),
		Source:        refString(r.Source),
	}
	if r.Identifier != nil && (r.Identifier.System != "" || r.Identifier.Value != "") {
		f.Identifier = r.Identifier.System + "|" + r.Identifier.Value
	}
	f.Answers = flattenItems(f.Answers, r.Item, "")
	return f
}

func refString(r *Reference) string {
	if r == nil {
		return ""
	}
	return r.Reference
}

func flattenItems(out []FlatAnswer, items []ResponseItem, parent string) []FlatAnswer {
	for i := range items {
		it := &items[i]
		for j := range it.Answer {
			out = append(out, flatAnswer(it.LinkID, parent, &it.Answer[j]))
			out = flattenItems(out, it.Answer[j].Item, it.LinkID)
		}
		out = flattenItems(out, it.Item, it.LinkID)
	}
	return out
}

// flatAnswer picks the value in a fixed order, so that an answer with two
// values (invalid FHIR) flattens the same on both decoders.
func flatAnswer(link, parent string, a *Answer) FlatAnswer {
	fa := FlatAnswer{LinkID: link, Parent: parent}
	switch {
	case a.ValueBoolean != nil:
		fa.Kind, fa.Bool = KindBoolean, *a.ValueBoolean
	case a.ValueDecimal != nil:
		fa.Kind, fa.Num = KindDecimal, *a.ValueDecimal
	case a.ValueInteger != nil:
		fa.Kind, fa.Num = KindInteger, float64(*a.ValueInteger)
	case a.ValueDate != nil:
		fa.Kind, fa.Str = KindDate, *a.ValueDate
	case a.ValueDateTime != nil:
		fa.Kind, fa.Str = KindDateTime, *a.ValueDateTime
	case a.ValueTime != nil:
		fa.Kind, fa.Str = KindTime, *a.ValueTime
	case a.ValueString != nil:
		fa.Kind, fa.Str = KindString, *a.ValueString
	case a.ValueURI != nil:
		fa.Kind, fa.Str = KindURI, *a.ValueURI
	case a.ValueAttachment != nil:
		fa.Kind, fa.Str = KindAttachment, a.ValueAttachment.URL
	case a.ValueCoding != nil:
		fa.Kind, fa.System, fa.Code = KindCoding, a.ValueCoding.System, a.ValueCoding.Code
		fa.Str = a.ValueCoding.Display
		fa.Score, fa.HasScore = Score(a.ValueCoding.Extension)
	case a.ValueQuantity != nil:
		fa.Kind, fa.Str, fa.System, fa.Code = KindQuantity, a.ValueQuantity.Unit, a.ValueQuantity.System, a.ValueQuantity.Code
		if a.ValueQuantity.Value != nil {
			fa.Num = *a.ValueQuantity.Value
		}
	case a.ValueReference != nil:
		fa.Kind, fa.Str = KindReference, a.ValueReference.Reference
	}
	return fa
}
