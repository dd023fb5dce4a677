package fhirq

import (
	"fmt"
	"strings"
)

// Registry holds the compiled questionnaires Cifra knows and finds the one
// a response answers.
type Registry struct {
	forms []*Form
	byKey map[string]*Form
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byKey: map[string]*Form{}} }

// Add compiles q and makes it findable by its canonical url (with and
// without |version), by Questionnaire/id and by id. A questionnaire whose
// url and version, or id, is already taken by another is refused.
func (r *Registry) Add(q *Questionnaire) (*Form, []Issue, error) {
	f, issues := Compile(q)
	if f == nil {
		return nil, issues, fmt.Errorf("анкета %s не принята: %d ошибок", nameOf(q), len(issues))
	}
	keys := keysOf(q)
	for _, k := range keys {
		if old, ok := r.byKey[k]; ok && old.Q != q {
			return nil, issues, fmt.Errorf("анкета %s: ключ %q уже занят анкетой %s", nameOf(q), k, nameOf(old.Q))
		}
	}
	for _, k := range keys {
		r.byKey[k] = f
	}
	r.forms = append(r.forms, f)
	return f, issues, nil
}

// Forms returns the registered forms in the order they were added.
func (r *Registry) Forms() []*Form { return r.forms }

func keysOf(q *Questionnaire) []string {
	var keys []string
	if q.URL != "" {
		keys = append(keys, q.URL)
		if q.Version != "" {
			keys = append(keys, q.URL+"|"+q.Version)
		}
	}
	if q.ID != "" {
		keys = append(keys, "Questionnaire/"+q.ID)
		if q.Version != "" {
			keys = append(keys, "Questionnaire/"+q.ID+"|"+q.Version)
		}
	}
	return keys
}

func nameOf(q *Questionnaire) string {
	switch {
	case q.URL != "":
		return q.URL
	case q.ID != "":
		return "Questionnaire/" + q.ID
	}
	return "«" + short(q.Title) + "»"
}

// Find returns the form a QuestionnaireResponse.questionnaire reference
// names, or a Russian reason why there is none. A canonical with |version
// must match that version; a relative reference Questionnaire/id and an
// absolute one ending in /Questionnaire/id match by id too.
func (r *Registry) Find(ref string) (*Form, string) {
	if ref == "" {
		return nil, "в ответе не указана анкета (поле questionnaire)"
	}
	if f, ok := r.byKey[ref]; ok {
		return f, ""
	}
	base, version, hasVersion := strings.Cut(ref, "|")
	if hasVersion {
		if f, ok := r.byKey[base]; ok {
			return nil, fmt.Sprintf("анкета %s известна, но в версии %q, а ответ дан на версию %q", base, f.Q.Version, version)
		}
	}
	if i := strings.LastIndex(base, "/Questionnaire/"); i >= 0 {
		if f, ok := r.byKey[base[i+1:]]; ok && !hasVersion {
			return f, ""
		}
	}
	return nil, fmt.Sprintf("анкета %s не загружена в Cifra", ref)
}

// Matched is a response paired with the form it answers.
type Matched struct {
	Response LoadedResponse
	Form     *Form
}

// Unresolved is a response to a questionnaire Cifra does not know. It is
// kept (stored with its raw JSON) and reported, never dropped.
type Unresolved struct {
	Response LoadedResponse
	Reason   string
}

// Match pairs each response with its form.
func (r *Registry) Match(responses []LoadedResponse) ([]Matched, []Unresolved) {
	var ok []Matched
	var unknown []Unresolved
	for _, lr := range responses {
		f, why := r.Find(lr.R.Questionnaire)
		if f == nil {
			unknown = append(unknown, Unresolved{Response: lr, Reason: why})
			continue
		}
		ok = append(ok, Matched{Response: lr, Form: f})
	}
	return ok, unknown
}
