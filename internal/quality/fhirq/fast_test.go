package fhirq

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// fullFlat is the reference: encoding/json into the full types, then
// Flatten.
func fullFlat(line []byte) (FlatResponse, error) {
	var r QuestionnaireResponse
	if err := json.Unmarshal(line, &r); err != nil {
		return FlatResponse{}, err
	}
	return Flatten(&r), nil
}

func sameFlat(t *testing.T, what string, got, want FlatResponse) {
	t.Helper()
	if len(got.Answers) == 0 {
		got.Answers = nil
	}
	if len(want.Answers) == 0 {
		want.Answers = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: fast decoder differs\n got %+v\nwant %+v", what, got, want)
	}
}

// TestFastMatchesFull is the differential test: the official example
// responses and 2,000 generated ones decode to the same rows on both paths.
func TestFastMatchesFull(t *testing.T) {
	var lines [][]byte
	for name, data := range exampleFiles(t) {
		if strings.HasPrefix(name, "QuestionnaireResponse-") {
			lines = append(lines, compact(t, data))
		}
	}
	lines = append(lines, bytes.Split(bytes.TrimSpace(genNDJSON(2000)), []byte("\n"))...)
	var d FastDecoder
	var got FlatResponse
	answers := 0
	for i, line := range lines {
		want, err := fullFlat(line)
		if err != nil {
			t.Fatalf("line %d: reference decoder: %v", i, err)
		}
		if err := d.Decode(line, &got); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		sameFlat(t, string(line[:min(len(line), 80)]), got, want)
		answers += len(got.Answers)
	}
	if answers < 10000 {
		t.Errorf("only %d answers compared", answers)
	}
}

func TestFastErrors(t *testing.T) {
	var d FastDecoder
	var f FlatResponse
	cases := []struct {
		line, want string
	}{
		{`{"resourceType":"Patient","id":"1"}`, "ресурс Patient"},
		{`{"id":"1"}`, "не указан тип ресурса"},
		{`[1]`, "объект JSON"},
		{`{"resourceType":"QuestionnaireResponse","item":[{"linkId":5}]}`, "поле item.linkId: ожидалось строка, записано число"},
		{`{"resourceType":"QuestionnaireResponse","item":[{"linkId":"a","answer":[{"valueInteger":1.5}]}]}`, "вопрос a: поле answer.valueInteger: число 1.5"},
		{`{"resourceType":"QuestionnaireResponse","item":[{"linkId":"a","item":[{"linkId":"b","answer":[{"valueBoolean":"yes"}]}]}]}`, "вопрос b: поле answer.valueBoolean: ожидалось логическое значение"},
		{`{"resourceType":"QuestionnaireResponse",`, "неверный JSON"},
	}
	for _, c := range cases {
		err := d.Decode([]byte(c.line), &f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.line, err, c.want)
		}
	}
	err := d.Decode([]byte(cases[0].line), &f)
	if !errors.Is(err, ErrNotResponse) {
		t.Errorf("Patient: %v is not ErrNotResponse", err)
	}
}

// FuzzFastDecoder: the fast decoder never panics, and on the canonical
// re-encoding of anything encoding/json accepts it gives the same rows.
func FuzzFastDecoder(f *testing.F) {
	for _, data := range exampleFiles(f) {
		f.Add(compact(f, data))
	}
	for _, line := range bytes.Split(bytes.TrimSpace(genNDJSON(20)), []byte("\n")) {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var d FastDecoder
		var got FlatResponse
		_ = d.Decode(line, &got)
		var r QuestionnaireResponse
		if json.Unmarshal(line, &r) != nil || r.ResourceType != "QuestionnaireResponse" {
			return
		}
		canon, err := json.Marshal(&r)
		if err != nil {
			return
		}
		if err := d.Decode(canon, &got); err != nil {
			t.Fatalf("canonical %s: %v", canon, err)
		}
		sameFlat(t, string(canon), got, Flatten(&r))
	})
}
