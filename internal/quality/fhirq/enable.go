package fhirq

import "strings"

// answerIndex groups a response's answers by linkId.
type answerIndex map[string][]*FlatAnswer

func indexAnswers(r *FlatResponse) answerIndex {
	idx := answerIndex{}
	for i := range r.Answers {
		a := &r.Answers[i]
		idx[a.LinkID] = append(idx[a.LinkID], a)
	}
	return idx
}

// Enabled reports, for every item of the form, whether it is enabled by its
// enableWhen conditions (and those of its ancestors) given the answers of r.
//
// Answers are looked up by linkId over the whole response. R4 asks for the
// nearest occurrence when a question repeats (inside a repeating group);
// Cifra's checklists and surveys do not repeat groups, so the simpler rule
// is used and documented here.
func (f *Form) Enabled(r *FlatResponse) map[string]bool {
	return f.enabled(indexAnswers(r))
}

func (f *Form) enabled(idx answerIndex) map[string]bool {
	out := make(map[string]bool, len(f.order))
	state := map[string]int8{} // 0 unknown, 1 evaluating, 2 done
	var eval func(fi *formItem) bool
	eval = func(fi *formItem) bool {
		switch state[fi.LinkID] {
		case 2:
			return out[fi.LinkID]
		case 1:
			// A cycle of conditions: treat the item as disabled rather
			// than recurse for ever.
			return false
		}
		state[fi.LinkID] = 1
		on := fi.parent == nil || eval(fi.parent)
		if on && len(fi.EnableWhen) > 0 {
			any := fi.EnableBehavior == "any"
			met := !any
			for j := range fi.EnableWhen {
				ew := &fi.EnableWhen[j]
				ok := f.condition(ew, idx, eval)
				if any && ok {
					met = true
					break
				}
				if !any && !ok {
					met = false
					break
				}
			}
			on = met
		}
		state[fi.LinkID] = 2
		out[fi.LinkID] = on
		return on
	}
	for _, fi := range f.order {
		eval(fi)
	}
	return out
}

// condition evaluates one enableWhen. Answers to a question that is itself
// disabled do not count (R4: a disabled item has no answers).
func (f *Form) condition(ew *EnableWhen, idx answerIndex, eval func(*formItem) bool) bool {
	answers := idx[ew.Question]
	if q, ok := f.items[ew.Question]; ok && len(answers) > 0 && !eval(q) {
		answers = nil
	}
	if ew.Operator == "exists" {
		return ew.AnswerBoolean != nil && (len(answers) > 0) == *ew.AnswerBoolean
	}
	if ew.Operator == "!=" {
		for _, a := range answers {
			if c, ok := compare(ew, a); ok && c == 0 {
				return false
			}
		}
		return true
	}
	for _, a := range answers {
		c, ok := compare(ew, a)
		if !ok {
			continue
		}
		switch ew.Operator {
		case "=":
			if c == 0 {
				return true
			}
		case ">":
			if c > 0 {
				return true
			}
		case "<":
			if c < 0 {
				return true
			}
		case ">=":
			if c >= 0 {
				return true
			}
		case "<=":
			if c <= 0 {
				return true
			}
		}
	}
	return false
}

// compare compares answer a with the enableWhen value: negative when a is
// smaller. ok is false when the two cannot be compared (other types, or
// codings and booleans under an ordering operator are still compared for
// equality only: 0 or 1).
func compare(ew *EnableWhen, a *FlatAnswer) (int, bool) {
	switch {
	case ew.AnswerBoolean != nil:
		if a.Kind != KindBoolean {
			return 0, false
		}
		return boolDiff(a.Bool == *ew.AnswerBoolean), true
	case ew.AnswerDecimal != nil:
		if a.Kind != KindDecimal && a.Kind != KindInteger {
			return 0, false
		}
		return cmpFloat(a.Num, *ew.AnswerDecimal), true
	case ew.AnswerInteger != nil:
		if a.Kind != KindDecimal && a.Kind != KindInteger {
			return 0, false
		}
		return cmpFloat(a.Num, float64(*ew.AnswerInteger)), true
	case ew.AnswerDate != nil:
		return cmpString(a, *ew.AnswerDate, KindDate, KindDateTime)
	case ew.AnswerDateTime != nil:
		return cmpString(a, *ew.AnswerDateTime, KindDateTime, KindDate)
	case ew.AnswerTime != nil:
		return cmpString(a, *ew.AnswerTime, KindTime, KindTime)
	case ew.AnswerString != nil:
		return cmpString(a, *ew.AnswerString, KindString, KindURI)
	case ew.AnswerCoding != nil:
		if a.Kind != KindCoding {
			return 0, false
		}
		c := ew.AnswerCoding
		same := c.Code == a.Code && (c.System == "" || a.System == "" || c.System == a.System)
		return boolDiff(same), true
	case ew.AnswerQuantity != nil:
		q := ew.AnswerQuantity
		if a.Kind != KindQuantity || q.Value == nil || (q.Code != "" && a.Code != "" && q.Code != a.Code) {
			return 0, false
		}
		return cmpFloat(a.Num, *q.Value), true
	case ew.AnswerReference != nil:
		if a.Kind != KindReference {
			return 0, false
		}
		return boolDiff(a.Str == ew.AnswerReference.Reference), true
	}
	return 0, false
}

func boolDiff(same bool) int {
	if same {
		return 0
	}
	return 1
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpString compares ISO 8601 dates, times and plain strings as text: for
// values of the same precision that is their order.
func cmpString(a *FlatAnswer, want string, k1, k2 Kind) (int, bool) {
	if a.Kind != k1 && a.Kind != k2 {
		return 0, false
	}
	return strings.Compare(a.Str, want), true
}
