package fhirq

import (
	"fmt"
	"strings"
)

// Form is a Questionnaire indexed for validation, enableWhen and scoring.
// Compile it once and use it for every response; it is read-only after
// Compile and safe for concurrent use.
type Form struct {
	Q     *Questionnaire
	items map[string]*formItem
	order []*formItem // document order
}

type formItem struct {
	*Item
	parent     *formItem
	depth      int
	options    []option
	enumerated bool // options enumerated: answerOption or a contained ValueSet
	// inRepeat is true when the item or an ancestor repeats: then several
	// answers may share the linkId.
	inRepeat bool
}

type option struct {
	kind     Kind
	system   string
	code     string
	str      string
	num      float64
	score    float64
	hasScore bool
}

// Item returns the item with the given linkId.
func (f *Form) Item(linkID string) (*Item, bool) {
	it, ok := f.items[linkID]
	if !ok {
		return nil, false
	}
	return it.Item, true
}

// Items returns every item in document order.
func (f *Form) Items() []*Item {
	out := make([]*Item, len(f.order))
	for i, it := range f.order {
		out[i] = it.Item
	}
	return out
}

// Parent returns the linkId of the item's parent ("" at the top level).
func (f *Form) Parent(linkID string) string {
	if it, ok := f.items[linkID]; ok && it.parent != nil {
		return it.parent.LinkID
	}
	return ""
}

var operators = map[string]bool{"exists": true, "=": true, "!=": true, ">": true, "<": true, ">=": true, "<=": true}

// Compile indexes q and checks the rules of a Questionnaire that Cifra
// relies on: unique linkIds, known item types, enableWhen naming an
// existing question with a known operator and exactly one answer, and
// enableBehavior when there are several conditions. Errors make the form
// unusable (nil Form); warnings are returned with a usable Form.
func Compile(q *Questionnaire) (*Form, []Issue) {
	f := &Form{Q: q, items: map[string]*formItem{}}
	var issues []Issue
	errf := func(link, field, format string, a ...any) {
		issues = append(issues, Issue{Severity: SeverityError, LinkID: link, Field: field, Message: fmt.Sprintf(format, a...)})
	}
	if q.ResourceType != "" && q.ResourceType != "Questionnaire" {
		errf("", "resourceType", "ожидался Questionnaire, записано %q", q.ResourceType)
	}
	if q.Status != "" && !publicationStatuses[q.Status] {
		errf("", "status", "неизвестный статус %q (допустимы draft, active, retired, unknown)", q.Status)
	}
	valueSets := map[string][]option{}
	for _, c := range q.Contained {
		if c.ResourceType == "ValueSet" && c.Compose != nil {
			valueSets["#"+c.ID] = valueSetOptions(c.Compose)
		}
	}
	var walk func(items []Item, parent *formItem, depth int, inRepeat bool)
	walk = func(items []Item, parent *formItem, depth int, inRepeat bool) {
		for i := range items {
			it := &items[i]
			fi := &formItem{Item: it, parent: parent, depth: depth, inRepeat: inRepeat || it.IsRepeating()}
			switch {
			case it.LinkID == "" && it.Type == TypeDisplay:
				// R4 requires linkId, but a display item is never answered
				// and the official example qs1 leaves it out.
				issues = append(issues, Issue{Severity: SeverityWarning, Field: "item.linkId",
					Message: fmt.Sprintf("у пояснения «%s» нет linkId", short(it.Text))})
			case it.LinkID == "":
				errf("", "item.linkId", "у вопроса «%s» нет linkId", short(it.Text))
			case f.items[it.LinkID] != nil:
				errf(it.LinkID, "item.linkId", "linkId повторяется")
			default:
				f.items[it.LinkID] = fi
			}
			if !it.Type.Valid() {
				errf(it.LinkID, "item.type", "неизвестный тип вопроса %q", it.Type)
			}
			if len(it.AnswerOption) > 0 {
				fi.enumerated = true
				for _, o := range it.AnswerOption {
					fi.options = append(fi.options, answerOptionOf(o))
				}
			} else if vs, ok := valueSets[it.AnswerValueSet]; ok {
				fi.enumerated, fi.options = true, vs
			} else if strings.HasPrefix(it.AnswerValueSet, "#") {
				errf(it.LinkID, "item.answerValueSet", "в анкете нет набора значений %s", it.AnswerValueSet)
			}
			f.order = append(f.order, fi)
			walk(it.Item, fi, depth+1, fi.inRepeat)
		}
	}
	walk(q.Item, nil, 0, false)
	// enableWhen is checked once every linkId is known: it may point forward.
	for _, fi := range f.order {
		for j, ew := range fi.EnableWhen {
			field := fmt.Sprintf("item.enableWhen[%d]", j)
			if _, ok := f.items[ew.Question]; !ok {
				errf(fi.LinkID, field+".question", "условие ссылается на вопрос %q, которого нет в анкете", ew.Question)
			}
			if !operators[ew.Operator] {
				errf(fi.LinkID, field+".operator", "неизвестная операция %q (допустимы exists, =, !=, >, <, >=, <=)", ew.Operator)
			}
			if n := ew.answerCount(); n != 1 {
				errf(fi.LinkID, field, "у условия должно быть ровно одно значение answer[x], записано %d", n)
			} else if ew.Operator == "exists" && ew.AnswerBoolean == nil {
				errf(fi.LinkID, field, "для exists значение должно быть answerBoolean")
			}
		}
		switch fi.EnableBehavior {
		case "", "all", "any":
		default:
			errf(fi.LinkID, "item.enableBehavior", "неизвестное значение %q (допустимы all, any)", fi.EnableBehavior)
		}
		if len(fi.EnableWhen) > 1 && fi.EnableBehavior == "" {
			errf(fi.LinkID, "item.enableBehavior", "при нескольких условиях enableWhen нужно указать enableBehavior (all или any)")
		}
	}
	if HasErrors(issues) {
		return nil, issues
	}
	return f, issues
}

func (ew *EnableWhen) answerCount() int {
	n := 0
	for _, set := range []bool{ew.AnswerBoolean != nil, ew.AnswerDecimal != nil, ew.AnswerInteger != nil,
		ew.AnswerDate != nil, ew.AnswerDateTime != nil, ew.AnswerTime != nil, ew.AnswerString != nil,
		ew.AnswerCoding != nil, ew.AnswerQuantity != nil, ew.AnswerReference != nil} {
		if set {
			n++
		}
	}
	return n
}

func answerOptionOf(o AnswerOption) option {
	op := option{}
	switch {
	case o.ValueCoding != nil:
		op.kind, op.system, op.code, op.str = KindCoding, o.ValueCoding.System, o.ValueCoding.Code, o.ValueCoding.Display
		op.score, op.hasScore = Score(o.ValueCoding.Extension)
	case o.ValueInteger != nil:
		op.kind, op.num = KindInteger, float64(*o.ValueInteger)
	case o.ValueString != nil:
		op.kind, op.str = KindString, *o.ValueString
	case o.ValueDate != nil:
		op.kind, op.str = KindDate, *o.ValueDate
	case o.ValueTime != nil:
		op.kind, op.str = KindTime, *o.ValueTime
	case o.ValueReference != nil:
		op.kind, op.str = KindReference, o.ValueReference.Reference
	}
	if s, ok := Score(o.Extension); ok {
		op.score, op.hasScore = s, true
	}
	return op
}

func valueSetOptions(c *ValueSetCompose) []option {
	var out []option
	for _, inc := range c.Include {
		for _, con := range inc.Concept {
			op := option{kind: KindCoding, system: inc.System, code: con.Code, str: con.Display}
			op.score, op.hasScore = Score(con.Extension)
			out = append(out, op)
		}
	}
	return out
}

// matches reports whether a flat answer is this option. A coding matches by
// code and, when both sides name one, by system.
func (o *option) matches(a *FlatAnswer) bool {
	if o.kind != a.Kind {
		return false
	}
	switch o.kind {
	case KindCoding:
		return o.code == a.Code && (o.system == "" || a.System == "" || o.system == a.System)
	case KindInteger:
		return o.num == a.Num
	default:
		return o.str == a.Str
	}
}

func short(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
