package fhirq

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// expectedKinds lists the answer value types each item type takes.
var expectedKinds = map[ItemType][]Kind{
	TypeBoolean:    {KindBoolean},
	TypeDecimal:    {KindDecimal},
	TypeInteger:    {KindInteger},
	TypeDate:       {KindDate},
	TypeDateTime:   {KindDateTime},
	TypeTime:       {KindTime},
	TypeString:     {KindString},
	TypeText:       {KindString},
	TypeURL:        {KindURI},
	TypeChoice:     {KindCoding, KindString, KindInteger, KindDate, KindTime, KindReference},
	TypeOpenChoice: {KindCoding, KindString, KindInteger, KindDate, KindTime, KindReference},
	TypeAttachment: {KindAttachment},
	TypeReference:  {KindReference},
	TypeQuantity:   {KindQuantity},
}

var (
	reDate     = regexp.MustCompile(`^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$`)
	reDateTime = regexp.MustCompile(`^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$`)
	reTime     = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$`)
)

// Validate checks a response against its form: the status; every answer
// belongs to a question of the form, in its place, of the right type, among
// the enumerated options and within maxLength; no answer to a group, a
// display item or a question disabled by enableWhen; no second answer to a
// question that does not repeat; and, for a completed or amended response,
// an answer to every enabled required question. Messages are Russian.
//
// A dateTime question answered with valueDate is a warning: a date is a
// valid partial dateTime and the official example bb does it.
func (f *Form) Validate(r *FlatResponse) []Issue {
	var issues []Issue
	add := func(sev Severity, link, field, format string, a ...any) {
		issues = append(issues, Issue{Severity: sev, LinkID: link, Field: field, Message: fmt.Sprintf(format, a...)})
	}
	switch {
	case r.Status == "":
		add(SeverityError, "", "status", "не указан статус ответа")
	case !responseStatuses[r.Status]:
		add(SeverityError, "", "status", "неизвестный статус %q (допустимы in-progress, completed, amended, entered-in-error, stopped)", r.Status)
	}
	idx := indexAnswers(r)
	enabled := f.enabled(idx)
	reportedParent := map[string]bool{}
	count := map[string]int{}
	for i := range r.Answers {
		a := &r.Answers[i]
		fi, ok := f.items[a.LinkID]
		if a.Parent != "" && f.items[a.Parent] == nil && !reportedParent[a.Parent] {
			reportedParent[a.Parent] = true
			add(SeverityError, a.Parent, "item.linkId", "группы или вопроса с таким linkId нет в анкете")
		}
		if !ok {
			if !reportedParent[a.LinkID] {
				reportedParent[a.LinkID] = true
				add(SeverityError, a.LinkID, "item.linkId", "вопроса с таким linkId нет в анкете")
			}
			continue
		}
		if want := f.Parent(a.LinkID); want != a.Parent && (a.Parent == "" || f.items[a.Parent] != nil) {
			add(SeverityError, a.LinkID, "item", "вопрос стоит не на своём месте: в анкете он %s, в ответе — %s", placeRU(want), placeRU(a.Parent))
		}
		if fi.Type == TypeGroup || fi.Type == TypeDisplay {
			add(SeverityError, a.LinkID, "item.answer", "у элемента типа %s не бывает ответов", fi.Type)
			continue
		}
		if !enabled[a.LinkID] {
			add(SeverityError, a.LinkID, "item.answer", "ответ на вопрос, скрытый условием enableWhen")
		}
		count[a.LinkID]++
		if count[a.LinkID] == 2 && !fi.inRepeat {
			add(SeverityError, a.LinkID, "item.answer", "несколько ответов на вопрос, который не допускает повторов")
		}
		issues = f.checkValue(issues, fi, a)
	}
	if r.Status == StatusCompleted || r.Status == StatusAmended {
		for _, fi := range f.order {
			if !fi.IsRequired() || !enabled[fi.LinkID] || fi.Type == TypeDisplay {
				continue
			}
			if !f.ancestorsPresent(fi, idx) {
				continue
			}
			if !f.hasAnswerWithin(fi, idx) {
				what := "нет ответа на обязательный вопрос"
				if fi.Type == TypeGroup {
					what = "нет ответов в обязательной группе"
				}
				add(SeverityError, fi.LinkID, "item.answer", "%s", what)
			}
		}
	}
	return issues
}

func placeRU(parent string) string {
	if parent == "" {
		return "на верхнем уровне"
	}
	return "внутри " + parent
}

func (f *Form) checkValue(issues []Issue, fi *formItem, a *FlatAnswer) []Issue {
	add := func(sev Severity, field, format string, args ...any) {
		issues = append(issues, Issue{Severity: sev, LinkID: a.LinkID, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if a.Kind == KindNone {
		add(SeverityError, "item.answer", "у ответа нет значения value[x]")
		return issues
	}
	kinds := expectedKinds[fi.Type]
	okKind := false
	for _, k := range kinds {
		okKind = okKind || k == a.Kind
	}
	if !okKind {
		if fi.Type == TypeDateTime && a.Kind == KindDate {
			add(SeverityWarning, "item.answer.valueDate", "для вопроса типа dateTime записан valueDate (дата без времени)")
		} else {
			add(SeverityError, "item.answer."+a.Kind.String(), "для вопроса типа %s ожидается %s", fi.Type, kindsRU(kinds))
			return issues
		}
	}
	field := "item.answer." + a.Kind.String()
	switch a.Kind {
	case KindDate:
		if !reDate.MatchString(a.Str) {
			add(SeverityError, field, "дата %q не в формате ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД", a.Str)
		}
	case KindDateTime:
		if !reDateTime.MatchString(a.Str) {
			add(SeverityError, field, "дата и время %q не в формате FHIR dateTime", a.Str)
		}
	case KindTime:
		if !reTime.MatchString(a.Str) {
			add(SeverityError, field, "время %q не в формате ЧЧ:ММ:СС", a.Str)
		}
	case KindString:
		if fi.MaxLength != nil && utf8.RuneCountInString(a.Str) > *fi.MaxLength {
			add(SeverityError, field, "ответ длиннее %d знаков", *fi.MaxLength)
		}
	}
	// An open-choice question takes free text besides the options.
	if fi.enumerated && !(fi.Type == TypeOpenChoice && a.Kind == KindString) {
		found := false
		for j := range fi.options {
			if fi.options[j].matches(a) {
				found = true
				break
			}
		}
		if !found {
			add(SeverityError, field, "ответа %s нет среди вариантов вопроса", answerRU(a))
		}
	}
	return issues
}

func kindsRU(kinds []Kind) string {
	if len(kinds) == 1 {
		return kinds[0].String()
	}
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += " или "
		}
		s += k.String()
	}
	return s
}

func answerRU(a *FlatAnswer) string {
	switch a.Kind {
	case KindCoding:
		if a.System != "" {
			return fmt.Sprintf("%q (система %s)", a.Code, a.System)
		}
		return fmt.Sprintf("%q", a.Code)
	case KindInteger, KindDecimal:
		return fmt.Sprintf("%g", a.Num)
	}
	return fmt.Sprintf("%q", a.Str)
}

// ancestorsPresent reports whether a required item applies: each ancestor
// group is required itself or has an answer inside, and each ancestor
// question (items nested under an answer) is answered.
func (f *Form) ancestorsPresent(fi *formItem, idx answerIndex) bool {
	for p := fi.parent; p != nil; p = p.parent {
		if p.Type == TypeGroup {
			if !p.IsRequired() && !f.hasAnswerWithin(p, idx) {
				return false
			}
			continue
		}
		if len(idx[p.LinkID]) == 0 {
			return false
		}
	}
	return true
}

// hasAnswerWithin reports whether the item or any item below it is answered.
func (f *Form) hasAnswerWithin(fi *formItem, idx answerIndex) bool {
	if len(idx[fi.LinkID]) > 0 {
		return true
	}
	for i := range fi.Item.Item {
		if c, ok := f.items[fi.Item.Item[i].LinkID]; ok && f.hasAnswerWithin(c, idx) {
			return true
		}
	}
	return false
}
