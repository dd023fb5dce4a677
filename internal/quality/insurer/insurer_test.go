package insurer

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/quality/review"
	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/csvfile"
	"golang.org/x/text/encoding/charmap"
)

var msk = time.FixedZone("MSK", 3*3600)

func TestParseFile(t *testing.T) {
	b, err := os.ReadFile("testdata/findings.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Excel on a Russian Windows writes Windows-1251: both must read alike.
	cp, err := charmap.Windows1251.NewEncoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"utf-8": b, "windows-1251": cp} {
		fs, err := Parse(bytes.NewReader(data), "findings.csv")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(fs) != 5 {
			t.Fatalf("%s: %d findings, want 5", name, len(fs))
		}
		f := fs[3]
		if f.Line != 5 || f.Kind != MEE || f.Expert != "ТФОМС" || f.ActDate != (calendar.Date{Year: 2026, Month: 4, Day: 20}) ||
			f.Case.ICD10 != "J18.9" || f.Case.Setting != "outpatient" || f.DefectCode != "3.11" {
			t.Errorf("%s: row 5 = %+v", name, f)
		}
		if fs[4].Case.ICD10 != "K35.8" || fs[4].Case.Setting != "inpatient" || fs[4].Kind != MEE {
			t.Errorf("%s: Cyrillic К in the code, «стационар», lower-case «мээ»: %+v", name, fs[4])
		}
	}
}

func TestParseErrors(t *testing.T) {
	const head = "mo,kind,expert,act,act_date,record,icd10,setting,defect_code,defect\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"missing column", "mo,kind\n1,ЭКМП\n", []string{"нет обязательного столбца"}},
		{"bad kind", head + "1,МЭК,ТФОМС,1,01.04.2026,5,I21,inpatient,,\n", []string{"строка 2", "«kind»", "МЭК"}},
		{"bad date", head + "1,ЭКМП,ТФОМС,1,31.02.2026,5,I21,inpatient,,\n", []string{"строка 2", "«act_date»", "ДД.ММ.ГГГГ"}},
		{"bad ICD-10", head + "1,ЭКМП,ТФОМС,1,01.04.2026,5,инфаркт,inpatient,,\n", []string{"«icd10»", "не код МКБ-10"}},
		{"bad setting", head + "1,ЭКМП,ТФОМС,1,01.04.2026,5,I21,дома,,\n", []string{"«setting»", "дома"}},
		{"bad defect code", head + "1,ЭКМП,ТФОМС,1,01.04.2026,5,I21,inpatient,3-2-1,x\n", []string{"«defect_code»", "3-2-1"}},
		{"defect without code", head + "1,ЭКМП,ТФОМС,1,01.04.2026,5,I21,inpatient,,Плохо\n", []string{"«defect_code»", "не указан"}},
		{"no record", head + "1,ЭКМП,ТФОМС,1,01.04.2026,,I21,inpatient,,\n", []string{"«record»", "номер медицинской карты"}},
		{"duplicate", head + "1,ЭКМП,ТФОМС,1,01.04.2026,5,I21,inpatient,3.2.1,\n1,ЭКМП,ТФОМС,1,01.04.2026,5,I21,inpatient,3.2.1,\n",
			[]string{"строка 3", "уже записана в строке 2"}},
		{"several errors", head + "1,ЭКМП,ТФОМС,1,01.04.2026,5,I21,дома,,\n1,ЭКМП,ТФОМС,1,1 апреля,5,I21,inpatient,,\n",
			[]string{"строка 2", "строка 3"}},
		{"ragged row", head + "1,ЭКМП\n", []string{"строка 2", "полей в строке"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := Parse(strings.NewReader(tc.src), "f.csv")
			if err == nil {
				t.Fatalf("no error, %d findings", len(fs))
			}
			if fs != nil {
				t.Error("findings returned with an error")
			}
			var ce *csvfile.Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not located", err)
			}
			for _, w := range append(tc.want, "f.csv") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestTriggersRaiseReviews(t *testing.T) {
	b, err := os.ReadFile("testdata/findings.csv")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Parse(bytes.NewReader(b), "findings.csv")
	if err != nil {
		t.Fatal(err)
	}
	trs := Triggers(fs, msk, "findings.csv")
	// 101/26 has two defects in one act: one trigger; 102/26 has none.
	if len(trs) != 3 {
		t.Fatalf("%d triggers, want 3: %+v", len(trs), trs)
	}
	first := trs[0]
	if first.Ref != "СМО 71002, акт А-15/26, карта 101/26" || !strings.HasSuffix(first.Note, "дефекты: 3.2.1, 3.2.3") ||
		!first.At.Equal(time.Date(2026, 4, 13, 21, 0, 0, 0, time.UTC)) || first.Case.Doctor != "d1" {
		t.Errorf("first trigger %+v", first)
	}
	p, err := review.BuiltinPolicy()
	if err != nil {
		t.Fatal(err)
	}
	prod, err := calendar.Federal()
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := review.NewControl(p, &review.Commission{MO: "7100000001"}, prod, "RU-TUL", msk)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, tr := range trs[:2] {
		r, err := ctl.Raise(tr, review.Actor{Login: review.SystemActor}, time.Date(2026, 4, 22, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatalf("raise %s: %v", tr.Ref, err)
		}
		if r.Level != "deputy" || r.Kind != review.Targeted {
			t.Errorf("review %+v", r)
		}
		keys[tr.Key()] = true
	}
	if len(keys) != 2 {
		t.Error("two triggers share a key: a re-import would not be told from a new act")
	}
	// The same file imported again yields the same keys, so the repository
	// refuses the second review of each (ErrDuplicate).
	again := Triggers(fs, msk, "findings.csv")
	if again[0].Key() != trs[0].Key() {
		t.Errorf("keys differ between imports: %q, %q", again[0].Key(), trs[0].Key())
	}
}
