package author

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/quality/fhirq"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs:\n%s", path, got)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestYAML builds the sample survey and compares the FHIR JSON with a
// golden file; then answers it and checks enableWhen and the scores.
func TestYAML(t *testing.T) {
	q, err := FromYAML("survey.yaml", readFile(t, "testdata/survey.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(q, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/survey.golden.json", append(out, '\n'))

	f, issues := fhirq.Compile(q)
	if f == nil || len(issues) > 0 {
		t.Fatalf("compile: %v", issues)
	}
	r := fhirq.FlatResponse{Status: "completed", Answers: []fhirq.FlatAnswer{
		{LinkID: "visit", Kind: fhirq.KindBoolean, Bool: true},
		{LinkID: "wait", Kind: fhirq.KindCoding, System: "urn:cifra:answer:test-survey", Code: "ge14"},
		{LinkID: "rating", Kind: fhirq.KindCoding, System: "urn:cifra:answer:test-survey", Code: "2"},
		{LinkID: "senior", Parent: "extra", Kind: fhirq.KindBoolean, Bool: false},
	}}
	if issues := f.Validate(&r); len(issues) > 0 {
		t.Errorf("valid response: %v", issues)
	}
	if en := f.Enabled(&r); !en["senior"] {
		t.Error("senior not enabled by wait = ge14 (enable_behavior any)")
	}
	if s := fhirq.NewScorer(f).Score(&r, false); s.Total != 10 || s.Scored != 1 || s.Unscored != 1 {
		t.Errorf("score %+v, want 10 from wait only", s)
	}
}

func TestYAMLErrors(t *testing.T) {
	_, err := FromYAML("bad.yaml", readFile(t, "testdata/bad.yaml"))
	if err == nil {
		t.Fatal("bad.yaml built")
	}
	got := err.Error()
	for _, want := range []string{
		"bad.yaml, строка 10: поле items.colour: неизвестное поле",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	// Once the unknown field is gone, the builder's checks report.
	data := strings.Replace(string(readFile(t, "testdata/bad.yaml")), "    colour: red\n", "", 1)
	_, err = FromYAML("bad.yaml", []byte(data))
	if err == nil {
		t.Fatal("built")
	}
	got = err.Error()
	for _, want := range []string{
		`bad.yaml, строка 1: поле id: нужен код анкеты`,
		`bad.yaml, строка 1: поле title: нужно название анкеты`,
		`bad.yaml, строка 4: поле type: неизвестный тип вопроса "yesno"`,
		`bad.yaml, строка 7: поле options: у вопроса с выбором нет вариантов ответа`,
		`bad.yaml, строка 13: поле enable_when.question: условие ссылается на вопрос "q9"`,
		`bad.yaml, строка 17: поле enable_when.answer: вопрос q3 типа boolean: ожидается да или нет, записано 5`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if _, err := FromYAML("x.yaml", []byte("id: [")); err == nil || !strings.Contains(err.Error(), "x.yaml, строка 1: неверный YAML") {
		t.Errorf("syntax error: %v", err)
	}
}

// writeXLSX makes the XLSX form of testdata/survey.yaml.
func writeXLSX(t testing.TB, opts [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", SheetMeta)
	x.NewSheet(SheetQuestions)
	x.NewSheet(SheetOptions)
	set := func(sheet string, rows [][]any) {
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow(sheet, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	set(SheetMeta, [][]any{{"Код", "test-survey"}, {"Версия", "1"}, {"Название", "Опрос пациентов (пример)"}, {"Статус", "active"}, {"Источник", "Пример для тестов"}})
	set(SheetQuestions, [][]any{
		{"Код", "Родитель", "Тип", "Текст", "Обязательный", "Показывать, если", "Сочетание условий", "Длина"},
		{"visit", "", "да/нет", "Вы были на приёме у врача?", "да"},
		{"wait", "", "выбор", "Сколько дней Вы ждали приёма?", "", "visit = да"},
		{"rating", "", "выбор", "Оцените работу врача"},
		{"extra", "", "группа", "Дополнительно"},
		{"age", "extra", "целое", "Ваш возраст"},
		{"senior", "extra", "да/нет", "Нужна ли Вам помощь при передвижении?", "", "age >= 65; wait = ge14", "любое"},
		{"comment", "", "текст", "Ваши предложения", "", "", "", 2000},
	})
	set(SheetOptions, opts)
	var b strings.Builder
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}

var surveyOptions = [][]any{
	{"Вопрос", "Код", "Текст", "Балл"},
	{"wait", "lt7", "меньше 7 дней", 100},
	{"wait", "ge14", "14 дней и более", 10},
	{"rating", "", "Плохо"},
	{"rating", "", "Хорошо"},
}

// TestXLSXMatchesYAML: the XLSX form of the sample survey builds the same
// Questionnaire as its YAML.
func TestXLSXMatchesYAML(t *testing.T) {
	fromYAML, err := FromYAML("survey.yaml", readFile(t, "testdata/survey.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fromXLSX, err := FromXLSX("survey.xlsx", writeXLSX(t, surveyOptions))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromYAML, fromXLSX) {
		a, _ := json.MarshalIndent(fromYAML, "", " ")
		b, _ := json.MarshalIndent(fromXLSX, "", " ")
		t.Errorf("XLSX differs from YAML:\n%s\n---\n%s", b, a)
	}
}

func TestXLSXErrors(t *testing.T) {
	opts := append([][]any{}, surveyOptions...)
	opts = append(opts, []any{"nope", "1", "x"}, []any{"wait", "x", "y", "много"})
	_, err := FromXLSX("survey.xlsx", writeXLSX(t, opts))
	if err == nil {
		t.Fatal("built")
	}
	for _, want := range []string{
		`survey.xlsx, лист «Варианты», строка 6: поле Вопрос: вопроса "nope" нет на листе «Вопросы»`,
		`survey.xlsx, лист «Варианты», строка 7: поле Балл: балл должен быть числом, записано "много"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
	if _, err := FromXLSX("junk.xlsx", []byte("not a zip")); err == nil || !strings.HasPrefix(err.Error(), "junk.xlsx: не удалось открыть") {
		t.Errorf("junk: %v", err)
	}
}

func TestContextRoundTrip(t *testing.T) {
	s := &Spec{At: Pos{File: "c.yaml"}, ID: "cl", Title: "Чек-лист", Context: Context{
		ICD10: []string{"I21", "I20-I25"}, ClinicalRecommendation: []string{"157_5"}, DiseaseGroup: "9", Settings: []string{"inpatient"}},
		Items: []ItemSpec{{ID: "a", Text: "Выполнено ЭКГ", Type: "да/нет", Defect: "diagnosis"}}}
	q, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := ContextOf(q); !reflect.DeepEqual(got, s.Context) {
		t.Errorf("context %+v, want %+v", got, s.Context)
	}
	if d := DefectOf(&q.Item[0]); d != "diagnosis" {
		t.Errorf("defect %q", d)
	}
	s.Context.ICD10 = []string{"инфаркт"}
	if _, err := Build(s); err == nil || !strings.Contains(err.Error(), "context.icd10") {
		t.Errorf("bad ICD-10 accepted: %v", err)
	}
}

func FuzzYAML(f *testing.F) {
	f.Add(readFile(f, "testdata/survey.yaml"))
	f.Add(readFile(f, "testdata/bad.yaml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := FromYAML("fuzz.yaml", data)
		if err == nil {
			if fm, issues := fhirq.Compile(q); fm == nil {
				t.Fatalf("Build accepted a questionnaire Compile rejects: %v", issues)
			}
		}
	})
}

func FuzzXLSX(f *testing.F) {
	f.Add(writeXLSX(f, surveyOptions))
	f.Fuzz(func(t *testing.T, data []byte) {
		if q, err := FromXLSX("fuzz.xlsx", data); err == nil {
			if fm, issues := fhirq.Compile(q); fm == nil {
				t.Fatalf("Build accepted a questionnaire Compile rejects: %v", issues)
			}
		}
	})
}
