package fhirq

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
)

// genResponse makes a random but well-formed QuestionnaireResponse with
// every answer type, nesting under groups and under answers, scores on
// some codings and Russian text, for the differential test and benchmarks.
func genResponse(rng *rand.Rand, i int) *QuestionnaireResponse {
	r := &QuestionnaireResponse{
		ResourceType:  "QuestionnaireResponse",
		ID:            fmt.Sprintf("r%d", i),
		Questionnaire: "https://cifra.example/fhir/Questionnaire/nok-outpatient|2018.1",
		Status:        StatusCompleted,
		Authored:      fmt.Sprintf("2024-%02d-%02dT10:%02d:00+03:00", 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(60)),
		Subject:       &Reference{Reference: "Organization/1.2.643.5.1.13.13.12.2.71.1001"},
	}
	if rng.IntN(3) == 0 {
		r.Identifier = &Identifier{System: "urn:cifra:survey", Value: fmt.Sprint(i)}
	}
	if rng.IntN(4) == 0 {
		r.Source = &Reference{Reference: "Device/kiosk-1"}
	}
	n := 3 + rng.IntN(10)
	for j := range n {
		r.Item = append(r.Item, genItem(rng, fmt.Sprintf("q%d", j), 0))
	}
	return r
}

func genItem(rng *rand.Rand, link string, depth int) ResponseItem {
	it := ResponseItem{LinkID: link}
	if depth < 2 && rng.IntN(5) == 0 {
		for k := range 1 + rng.IntN(3) {
			it.Item = append(it.Item, genItem(rng, fmt.Sprintf("%s.%d", link, k), depth+1))
		}
		return it
	}
	for range 1 + rng.IntN(2) {
		a := Answer{}
		switch rng.IntN(12) {
		case 0:
			b := rng.IntN(2) == 0
			a.ValueBoolean = &b
		case 1:
			f := float64(rng.IntN(10000)) / 100
			a.ValueDecimal = &f
		case 2:
			n := int64(rng.IntN(200)) - 50
			a.ValueInteger = &n
		case 3:
			s := "2024-03-15"
			a.ValueDate = &s
		case 4:
			s := "2024-03-15T09:30:00Z"
			a.ValueDateTime = &s
		case 5:
			s := "09:30:00"
			a.ValueTime = &s
		case 6:
			s := "Спасибо врачу «Иванову» — \"всё\" хорошо\n"
			a.ValueString = &s
		case 7:
			s := "https://example.org/x"
			a.ValueURI = &s
		case 8:
			a.ValueQuantity = &Quantity{Value: ptr(37.2), Unit: "Cel", System: "http://unitsofmeasure.org", Code: "Cel"}
		case 9:
			a.ValueReference = &Reference{Reference: "Practitioner/7"}
		case 10:
			a.ValueAttachment = &Attachment{URL: "https://example.org/a.pdf", ContentType: "application/pdf"}
		default:
			c := &Coding{System: "urn:cifra:yes-no", Code: []string{"yes", "no"}[rng.IntN(2)], Display: "Да"}
			if rng.IntN(2) == 0 {
				c.Extension = []Extension{{URL: ExtOrdinalValue, ValueDecimal: ptr(float64(rng.IntN(5)))}}
			}
			a.ValueCoding = c
		}
		if depth < 2 && rng.IntN(8) == 0 {
			a.Item = append(a.Item, genItem(rng, link+".n", depth+1))
		}
		it.Answer = append(it.Answer, a)
	}
	return it
}

func ptr[T any](v T) *T { return &v }

func genNDJSON(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []byte
	for i := range n {
		b, err := json.Marshal(genResponse(rng, i))
		if err != nil {
			panic(err)
		}
		out = append(out, b...)
		out = append(out, '\n')
	}
	return out
}
