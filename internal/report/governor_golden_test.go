package report

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/rating"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixtureGovernor is a hand-made report that does not depend on the demo
// generator: a large district (the layout's worst case), long names, a
// rouble sign the font lacks, a region without a previous period.
func fixtureGovernor() *Governor {
	g := &Governor{
		Methodology: "health-digital-maturity", MethodologyName: "Рейтинг цифровой зрелости здравоохранения субъектов РФ",
		IndexName: "Индекс цифровой зрелости здравоохранения", Version: "2020.1", Period: "2020", PeriodLabel: "2020 год", PrevPeriod: "2019", PrevPeriodLabel: "2019 год",
		ComputedAt: time.Date(2021, 2, 18, 9, 30, 0, 0, time.UTC), Synthetic: true,
		Region: RegionNames{Code: "RU-TUL", ISO: "RU-TUL", Name: "Тульская область", ShortName: "Тульская",
			Gen: "Тульской области", Dat: "Тульской области", Loc: "Тульской области"},
		District: RegionNames{Code: "FD-CEN", Name: "Центральный федеральный округ", ShortName: "ЦФО",
			Gen: "Центрального федерального округа", Dat: "Центральному федеральному округу", Loc: "Центральном федеральном округе"},
		Rank: 3, Of: 84, Total: 85, DistrictRank: 2, DistrictSize: 18, Score: 81.25, Grade: "high", GradeLabel: "высокий",
		PrevRank: 7, PrevScore: 76.5, RankChange: 4,
	}
	for i, name := range []string{"Инфраструктура", "МИС и взаимодействие с ЕГИСЗ", "Электронные услуги на ЕПГУ",
		"Централизованные системы субъекта", "Межведомственное электронное взаимодействие"} {
		g.Criteria = append(g.Criteria, GovernorCriterion{ID: fmt.Sprintf("c%d", i), Name: name, Weight: []float64{0.15, 0.25, 0.2, 0.25, 0.15}[i],
			Score: rating.Num(60 + 8*float64(i)), NationalMedian: rating.Num(55 + 3*float64(i)), DistrictMedian: rating.Num(58 + 2*float64(i)), Rank: 10 - i})
	}
	g.Criteria[2].DistrictMedian = rating.Num(math.NaN())
	long := "Доля медицинских организаций государственной и муниципальной систем здравоохранения, использующих медицинские информационные системы, подключённые к ЕГИСЗ, в общем числе"
	g.Strengths = []GovernorIndicator{
		{ID: "a", Name: "Доля записей на приём к врачу, совершённых дистанционно", Unit: "%", Value: 81.5, NationalMedian: 60.25, Rank: 1, Of: 85},
		{ID: "b", Name: long, Unit: "%", Value: 99.95, NationalMedian: 90, Rank: 2, Of: 80},
		{ID: "c", Name: "Граждане в личном кабинете «Моё здоровье»", Unit: "на 1\u00a0000 жителей", Value: 1234.5, NationalMedian: 800, Rank: 3, Of: 85},
	}
	g.Weaknesses = []GovernorIndicator{
		{ID: "d", Name: "Расходы на ИТ в расчёте на жителя, ₽", Unit: "₽", Value: 310, NationalMedian: 512.5, Rank: 80, Of: 85},
		{ID: "e", Name: "Срок ожидания третьего свободного слота", Unit: "дн.", Value: 9.5, NationalMedian: 5, Rank: 79, Of: 85},
	}
	g.Levers = []GovernorLever{
		{ID: "e", Name: "Срок ожидания третьего свободного слота", Unit: "дн.", From: 9.5, To: 2, NewScore: 84.1, NewRank: 1, Gain: 2},
		{ID: "d", Name: long, Unit: "%", From: 70, To: 100, NewScore: 82, NewRank: 2, Gain: 1},
	}
	for i := 1; i <= 18; i++ {
		p := GovernorPeer{Code: fmt.Sprintf("R%02d", i), Name: fmt.Sprintf("Регион %d", i), Rank: i * 4, DistrictRank: i,
			Score: rating.Num(90 - 3*float64(i)), GradeLabel: "средний", PrevRank: i*4 + 1, RankChange: 1}
		if i == 2 {
			p = GovernorPeer{Code: "RU-TUL", Name: "Тульская область", Rank: 3, DistrictRank: 2, Score: 81.25, GradeLabel: "высокий", PrevRank: 7, RankChange: 4, Self: true}
		}
		if i == 18 {
			p = GovernorPeer{Code: "R18", Name: "Ивановская область", Score: rating.Num(math.NaN())}
		}
		g.Peers = append(g.Peers, p)
	}
	return g
}

// TestGovernorGolden compares the text of the fixture's PDF, as pdftotext
// reads it with whitespace collapsed, with testdata/governor_fixture.txt
// (go test -run Golden -update rewrites it after a deliberate change).
func TestGovernorGolden(t *testing.T) {
	need(t, "pdftotext")
	g := fixtureGovernor()
	var buf bytes.Buffer
	if err := WriteGovernorPDF(&buf, g); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" && l != "\f" {
			lines = append(lines, l)
		}
	}
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join("testdata", "governor_fixture.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("PDF text differs from %s (-update after a deliberate change):\n%s", golden, firstDiff(string(want), got))
	}
	for _, want := range []string{"3-е место из 84 субъектов РФ (ещё 1 субъект не ранжирован", "Балл — 81,3 из 100", "подъём на 4 места", "стр. 2 из 2", "18.02.2021"} {
		if !strings.Contains(strings.Join(strings.Fields(got), " "), want) {
			t.Errorf("lacks %q", want)
		}
	}
	if !strings.Contains(got, "руб.") || strings.Contains(got, "₽") {
		t.Error("rouble sign not replaced by «руб.»")
	}
	d, err := renderGovernor(g)
	if err != nil {
		t.Fatal(err)
	}
	if n := d.pdf.PageCount(); n != 2 {
		t.Errorf("fixture: %d pages", n)
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, x, y)
		}
	}
	return ""
}
