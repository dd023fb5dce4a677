package fhirq

import (
	"encoding/json"
	"strings"
	"testing"
)

// testForm is a small survey: a yes/no question, a follow-up shown only on
// "no", an integer with a range condition, a scored choice and a required
// text inside a group.
const testForm = `{"resourceType":"Questionnaire","id":"t","url":"urn:t","status":"active","item":[
 {"linkId":"used","type":"boolean","required":true},
 {"linkId":"why","type":"choice","enableWhen":[{"question":"used","operator":"=","answerBoolean":false}],
  "answerOption":[{"valueCoding":{"system":"urn:w","code":"far"}},{"valueCoding":{"system":"urn:w","code":"busy"}}],"required":true},
 {"linkId":"age","type":"integer"},
 {"linkId":"old","type":"boolean","enableWhen":[{"question":"age","operator":">=","answerInteger":65},{"question":"used","operator":"exists","answerBoolean":false}],"enableBehavior":"any"},
 {"linkId":"rate","type":"choice","answerOption":[
   {"valueCoding":{"system":"urn:r","code":"1"},"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/ordinalValue","valueDecimal":0}]},
   {"valueCoding":{"system":"urn:r","code":"5"},"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/itemWeight","valueDecimal":100}]}]},
 {"linkId":"g","type":"group","item":[{"linkId":"comment","type":"text","required":true,"maxLength":10}]},
 {"linkId":"not-yes","type":"display","enableWhen":[{"question":"used","operator":"!=","answerBoolean":true}]}
]}`

func testCompiled(t *testing.T) *Form {
	t.Helper()
	var q Questionnaire
	if err := json.Unmarshal([]byte(testForm), &q); err != nil {
		t.Fatal(err)
	}
	f, issues := Compile(&q)
	if f == nil {
		t.Fatal(issues)
	}
	return f
}

func response(t *testing.T, items string) FlatResponse {
	t.Helper()
	var r QuestionnaireResponse
	doc := `{"resourceType":"QuestionnaireResponse","questionnaire":"urn:t","status":"completed","item":[` + items + `]}`
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return Flatten(&r)
}

func TestValidate(t *testing.T) {
	f := testCompiled(t)
	cases := []struct {
		name  string
		items string
		want  []string // substrings of the issues, in order; none = valid
	}{
		{"valid yes", `{"linkId":"used","answer":[{"valueBoolean":true}]}`, nil},
		{"valid no with reason", `{"linkId":"used","answer":[{"valueBoolean":false}]},{"linkId":"why","answer":[{"valueCoding":{"system":"urn:w","code":"far"}}]}`, nil},
		{"required follow-up missing", `{"linkId":"used","answer":[{"valueBoolean":false}]}`,
			[]string{"вопрос why: поле item.answer: нет ответа на обязательный вопрос"}},
		{"follow-up while hidden", `{"linkId":"used","answer":[{"valueBoolean":true}]},{"linkId":"why","answer":[{"valueCoding":{"system":"urn:w","code":"far"}}]}`,
			[]string{"вопрос why: поле item.answer: ответ на вопрос, скрытый условием enableWhen"}},
		{"required top question missing", ``, []string{"вопрос used: поле item.answer: нет ответа на обязательный вопрос"}},
		{"wrong type", `{"linkId":"used","answer":[{"valueString":"да"}]}`,
			[]string{"вопрос used: поле item.answer.valueString: для вопроса типа boolean ожидается valueBoolean"}},
		{"not an option", `{"linkId":"used","answer":[{"valueBoolean":false}]},{"linkId":"why","answer":[{"valueCoding":{"system":"urn:w","code":"cost"}}]}`,
			[]string{`вопрос why: поле item.answer.valueCoding: ответа "cost" (система urn:w) нет среди вариантов вопроса`}},
		{"unknown linkId", `{"linkId":"used","answer":[{"valueBoolean":true}]},{"linkId":"zzz","answer":[{"valueBoolean":true}]}`,
			[]string{"вопрос zzz: поле item.linkId: вопроса с таким linkId нет в анкете"}},
		{"two answers", `{"linkId":"used","answer":[{"valueBoolean":true},{"valueBoolean":false}]}`,
			// The answer false enables why (= holds if any answer equals).
			[]string{"несколько ответов на вопрос", "вопрос why: поле item.answer: нет ответа на обязательный вопрос"}},
		{"enable any: age 70", `{"linkId":"used","answer":[{"valueBoolean":true}]},{"linkId":"age","answer":[{"valueInteger":70}]},{"linkId":"old","answer":[{"valueBoolean":true}]}`, nil},
		{"enable any: age 30", `{"linkId":"used","answer":[{"valueBoolean":true}]},{"linkId":"age","answer":[{"valueInteger":30}]},{"linkId":"old","answer":[{"valueBoolean":true}]}`,
			[]string{"вопрос old: поле item.answer: ответ на вопрос, скрытый условием enableWhen"}},
		{"group with required text, too long", `{"linkId":"used","answer":[{"valueBoolean":true}]},{"linkId":"g","item":[{"linkId":"comment","answer":[{"valueString":"очень длинный"}]}]}`,
			[]string{"вопрос comment: поле item.answer.valueString: ответ длиннее 10 знаков"}},
		{"out of place", `{"linkId":"used","answer":[{"valueBoolean":true}]},{"linkId":"comment","answer":[{"valueString":"ок"}]}`,
			[]string{"вопрос comment: поле item: вопрос стоит не на своём месте: в анкете он внутри g, в ответе — на верхнем уровне"}},
		{"answer to a group", `{"linkId":"used","answer":[{"valueBoolean":true}]},{"linkId":"g","answer":[{"valueBoolean":true}]}`,
			// The group counts as present, so its required text is asked for.
			[]string{"вопрос g: поле item.answer: у элемента типа group не бывает ответов", "вопрос comment: поле item.answer: нет ответа на обязательный вопрос"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := response(t, c.items)
			issues := f.Validate(&r)
			if len(issues) != len(c.want) {
				t.Fatalf("issues %v, want %d: %q", issues, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(issues[i].String(), w) {
					t.Errorf("issue %d = %q, want it to contain %q", i, issues[i], w)
				}
			}
		})
	}
}

func TestValidateStatus(t *testing.T) {
	f := testCompiled(t)
	r := response(t, ``)
	r.Status = "in-progress"
	if issues := f.Validate(&r); len(issues) != 0 {
		t.Errorf("in-progress response with no answers: %v (required applies to completed ones)", issues)
	}
	r.Status = "done"
	if issues := f.Validate(&r); len(issues) != 1 || issues[0].Field != "status" {
		t.Errorf("bad status: %v", issues)
	}
}

// TestEnabled checks != (true when no answer equals, so also when there is
// no answer) and exists.
func TestEnabled(t *testing.T) {
	f := testCompiled(t)
	for _, c := range []struct {
		items       string
		notYes, old bool
	}{
		{``, true, true},
		{`{"linkId":"used","answer":[{"valueBoolean":true}]}`, false, false},
		{`{"linkId":"used","answer":[{"valueBoolean":false}]}`, true, false},
		{`{"linkId":"used","answer":[{"valueBoolean":true}]},{"linkId":"age","answer":[{"valueInteger":65}]}`, false, true},
	} {
		r := response(t, c.items)
		en := f.Enabled(&r)
		if en["not-yes"] != c.notYes || en["old"] != c.old {
			t.Errorf("%s: not-yes %v old %v, want %v %v", c.items, en["not-yes"], en["old"], c.notYes, c.old)
		}
	}
}

// TestScore: ordinalValue 0 and itemWeight 100 on the options; a score on
// the answer's own coding wins over the option's.
func TestScore(t *testing.T) {
	f := testCompiled(t)
	s := NewScorer(f)
	r := response(t, `{"linkId":"rate","answer":[{"valueCoding":{"system":"urn:r","code":"5"}}]}`)
	if got := s.Score(&r, false); got.Total != 100 || got.Scored != 1 {
		t.Errorf("option 5: %+v", got)
	}
	r = response(t, `{"linkId":"rate","answer":[{"valueCoding":{"code":"5","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/ordinalValue","valueDecimal":7}]}}]},
		{"linkId":"used","answer":[{"valueBoolean":true}]},{"linkId":"why","answer":[{"valueCoding":{"code":"far"}}]}`)
	if got := s.Score(&r, true); got.Total != 7 || got.Scored != 1 || got.Unscored != 1 || len(got.Items) != 1 {
		t.Errorf("own ordinalValue: %+v", got)
	}
}

func TestCompileErrors(t *testing.T) {
	q := `{"resourceType":"Questionnaire","item":[
	 {"linkId":"a","type":"bool"},
	 {"linkId":"a","type":"string"},
	 {"linkId":"b","type":"string","enableWhen":[{"question":"x","operator":"~","answerString":"1"},{"question":"a","operator":"=","answerString":"1"}]},
	 {"linkId":"c","type":"choice","answerValueSet":"#missing"}]}`
	var qq Questionnaire
	if err := json.Unmarshal([]byte(q), &qq); err != nil {
		t.Fatal(err)
	}
	f, issues := Compile(&qq)
	if f != nil {
		t.Fatal("a broken questionnaire compiled")
	}
	var msgs []string
	for _, i := range issues {
		msgs = append(msgs, i.String())
	}
	got := strings.Join(msgs, "\n")
	for _, w := range []string{
		`вопрос a: поле item.type: неизвестный тип вопроса "bool"`,
		"вопрос a: поле item.linkId: linkId повторяется",
		`вопрос c: поле item.answerValueSet: в анкете нет набора значений #missing`,
		`вопрос b: поле item.enableWhen[0].question: условие ссылается на вопрос "x", которого нет в анкете`,
		`вопрос b: поле item.enableWhen[0].operator: неизвестная операция "~"`,
		"вопрос b: поле item.enableBehavior: при нескольких условиях enableWhen нужно указать enableBehavior",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
}

func TestLoadProblems(t *testing.T) {
	data := []byte(`{"resourceType":"QuestionnaireResponse","id":"ok1","status":"completed"}
{"resourceType":"QuestionnaireResponse","id":"bad", "status":
{"resourceType":"QuestionnaireResponse","id":"typed","item":[{"linkId":7}]}
{"resourceType":"Patient","id":"p"}
{"id":"untyped"}
{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Questionnaire","id":"q"}},{"resource":{"resourceType":"QuestionnaireResponse","id":"ok2"}},{}]}
`)
	var b Batch
	b.Load("in.ndjson", data)
	if len(b.Responses) != 2 || b.Responses[0].R.ID != "ok1" || b.Responses[1].R.ID != "ok2" {
		t.Errorf("responses %v", b.Responses)
	}
	if len(b.Questionnaires) != 1 || b.Questionnaires[0].At != (Place{File: "in.ndjson", Line: 6, Entry: 1}) {
		t.Errorf("questionnaires %v", b.Questionnaires)
	}
	var got []string
	for _, p := range b.Problems {
		got = append(got, p.Error())
	}
	want := []string{
		"in.ndjson, строка 2: неверный JSON",
		"in.ndjson, строка 3: поле item.linkId: ожидалось строка, записано число",
		"in.ndjson, строка 5: поле resourceType: не указан тип ресурса",
	}
	if len(got) != len(want) {
		t.Fatalf("problems %q, want %d", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
	if len(b.Skipped) != 2 || b.Skipped[0].ResourceType != "Patient" || b.Skipped[1].At.Entry != 3 {
		t.Errorf("skipped %+v", b.Skipped)
	}
}

func TestRegistryFind(t *testing.T) {
	reg := NewRegistry()
	q := &Questionnaire{ResourceType: "Questionnaire", ID: "nok", URL: "https://cifra.example/fhir/Questionnaire/nok", Version: "2"}
	if _, _, err := reg.Add(q); err != nil {
		t.Fatal(err)
	}
	for ref, ok := range map[string]bool{
		"https://cifra.example/fhir/Questionnaire/nok":   true,
		"https://cifra.example/fhir/Questionnaire/nok|2": true,
		"Questionnaire/nok":                              true,
		"http://other.example/Questionnaire/nok":         true,
		"https://cifra.example/fhir/Questionnaire/nok|1": false,
		"Questionnaire/other":                            false,
		"":                                               false,
	} {
		f, why := reg.Find(ref)
		if (f != nil) != ok || (f == nil && why == "") {
			t.Errorf("Find(%q) = %v, %q", ref, f != nil, why)
		}
	}
	if _, _, err := reg.Add(&Questionnaire{ResourceType: "Questionnaire", ID: "nok"}); err == nil {
		t.Error("a second Questionnaire/nok was accepted")
	}
}

// FuzzLoad: Load never panics and every record ends up somewhere.
func FuzzLoad(f *testing.F) {
	for _, data := range exampleFiles(f) {
		f.Add(data)
	}
	f.Add([]byte(`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Questionnaire","item":[{"linkId":"a","type":"group"}]}}]}}]}` + "\n{\"resourceType\":\"QuestionnaireResponse\"}\n{bad"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Batch
		b.Load("fuzz", data)
		for _, q := range b.Questionnaires {
			if fm, _ := Compile(q.Q); fm != nil {
				for _, r := range b.Responses {
					flat := Flatten(r.R)
					fm.Validate(&flat)
					NewScorer(fm).Score(&flat, true)
				}
			}
		}
	})
}
