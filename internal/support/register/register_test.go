package register

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
)

// units is the hierarchy the tests resolve against.
func units(code string) (string, bool) {
	switch code {
	case "MO-TUL-1", "MO-TUL-2":
		return "RU-TUL", true
	case "MO-TAM-1":
		return "RU-TAM", true
	}
	return "", false
}

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestImport(t *testing.T) {
	reg, err := Import(Files{
		Vendors: open(t, "vendors.csv"), VendorsName: "vendors.csv",
		Contracts: open(t, "contracts.csv"), ContractsName: "contracts.csv",
		Systems: open(t, "systems.csv"), SystemsName: "systems.csv",
	}, units)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Vendors) != 2 || len(reg.Contracts) != 2 || len(reg.Systems) != 3 {
		t.Fatalf("got %d vendors, %d contracts, %d systems", len(reg.Vendors), len(reg.Contracts), len(reg.Systems))
	}
	if err := reg.Validate(units); err != nil {
		t.Errorf("imported register does not validate: %v", err)
	}
	mis, _ := reg.System("mis-tul-1")
	want := Probe{Target: "https://mis.tulokb.example/health", Interval: time.Minute, Timeout: 5 * time.Second}
	if mis.Probe == nil || *mis.Probe != want || mis.ARMs != 420 || strings.Join(mis.Modules, ",") != "запись,ЭМД,регистратура" {
		t.Errorf("mis-tul-1: %+v probe %+v", mis, mis.Probe)
	}
	szpv, _ := reg.System("szpv-tul")
	if szpv.Probe == nil || szpv.Probe.Timeout != 10*time.Second || szpv.Kind != Central {
		t.Errorf("szpv-tul: %+v %+v", szpv, szpv.Probe)
	}
	if got := len(reg.Probed()); got != 2 {
		t.Errorf("%d probed systems, want 2", got)
	}
	c, ok := reg.ContractFor("mis-tul-1", calendar.Date{Year: 2026, Month: 6, Day: 1})
	if !ok || c.Number != "№ 45-ТО/2025" {
		t.Errorf("contract for mis-tul-1: %+v %v", c, ok)
	}
	if _, ok := reg.ContractFor("mis-tul-1", calendar.Date{Year: 2027, Month: 1, Day: 1}); ok {
		t.Error("a contract past its end covers the system")
	}
}

// TestImportErrors: every refusal names the file, line and column.
func TestImportErrors(t *testing.T) {
	const vendors = "id,name,inn\nbarsmed,БАРС,7707083893\n"
	const contracts = "id,vendor,region,number,from,to\nc-1,barsmed,RU-TUL,1,01.01.2025,31.12.2025\n"
	const head = "id,region,orgunit,kind,name,subsystem,vendor,contract,probe,interval,timeout\n"
	tests := []struct {
		name, file, data string
		want             string
	}{
		{"bad INN", "v.csv", "id,name,inn\nx,ООО Ромашка,7707083894\n", "v.csv, строка 2, поле «inn»: ИНН «7707083894»: не сходится контрольное число"},
		{"short INN", "v.csv", "id,name,inn\nx,ООО Ромашка,12345\n", "v.csv, строка 2, поле «inn»: ИНН «12345»: нужно 10 цифр"},
		{"bad id", "v.csv", "id,name,inn\nБАРС,ООО,7707083893\n", "v.csv, строка 2, поле «id»: идентификатор «БАРС»"},
		{"unknown column", "v.csv", "id,name,inn,color\n", "v.csv, строка 1, поле «color»: неизвестный столбец"},
		{"contract of unknown vendor", "c.csv", "id,vendor,region,number,from,to\nc-2,acme,RU-TUL,1,01.01.2025,31.12.2025\n", "c.csv, строка 2, поле «vendor»: нет поставщика «acme»"},
		{"contract ends before start", "c.csv", "id,vendor,region,number,from,to\nc-2,barsmed,RU-TUL,1,01.01.2025,31.12.2024\n", "c.csv, строка 2, поле «to»: окончание договора раньше начала"},
		{"contract bad date", "c.csv", "id,vendor,region,number,from,to\nc-2,barsmed,RU-TUL,1,2025-13-01,31.12.2025\n", "c.csv, строка 2, поле «from»: «2025-13-01» — не дата"},
		{"bad region", "c.csv", "id,vendor,region,number,from,to\nc-2,barsmed,Тула,1,01.01.2025,31.12.2025\n", "c.csv, строка 2, поле «region»"},
		{"unknown unit", "s.csv", head + "s,RU-TUL,MO-X,mis,МИС,,,,,,\n", "s.csv, строка 2, поле «orgunit»: нет организации «MO-X»"},
		{"unit of another region", "s.csv", head + "s,RU-TUL,MO-TAM-1,mis,МИС,,,,,,\n", "s.csv, строка 2, поле «orgunit»: организация MO-TAM-1 относится к региону RU-TAM"},
		{"MIS of a region", "s.csv", head + "s,RU-TUL,RU-TUL,mis,МИС,,,,,,\n", "поле «orgunit»: МИС и иные системы принадлежат МО"},
		{"unknown subsystem", "s.csv", head + "s,RU-TUL,RU-TUL,central,ЦС,xray,,,,,\n", "s.csv, строка 2, поле «subsystem»: «xray» — неизвестная подсистема"},
		{"bad kind", "s.csv", head + "s,RU-TUL,MO-TUL-1,erp,МИС,,,,,,\n", "поле «kind»: «erp» — неизвестный вид"},
		{"contract of another vendor", "s.csv", head + "s,RU-TUL,MO-TUL-1,mis,МИС,,,c-1,,,\n", "поле «contract»: договор c-1 заключён с поставщиком barsmed"},
		{"probe scheme", "s.csv", head + "s,RU-TUL,MO-TUL-1,mis,МИС,,,,ftp://x,1m,\n", "s.csv, строка 2, поле «probe»: «ftp://x»: адрес должен начинаться"},
		{"probe password", "s.csv", head + "s,RU-TUL,MO-TUL-1,mis,МИС,,,,https://u:p@x/,1m,\n", "поле «probe»: «https://u:p@x/»: пароль в адресе"},
		{"tcp without port", "s.csv", head + "s,RU-TUL,MO-TUL-1,mis,МИС,,,,tcp://x,1m,\n", "поле «probe»: «tcp://x»: ожидается tcp://узел:порт"},
		{"interval too short", "s.csv", head + "s,RU-TUL,MO-TUL-1,mis,МИС,,,,https://x/,500ms,\n", "поле «interval»: интервал проверки 500ms"},
		{"timeout over interval", "s.csv", head + "s,RU-TUL,MO-TUL-1,mis,МИС,,,,https://x/,2s,5s\n", "поле «timeout»: тайм-аут 5s"},
		{"interval without probe", "s.csv", head + "s,RU-TUL,MO-TUL-1,mis,МИС,,,,,1m,\n", "поле «probe»: интервал указан"},
		{"duplicate system", "s.csv", head + "s,RU-TUL,MO-TUL-1,mis,МИС,,,,,,\ns,RU-TUL,MO-TUL-2,mis,МИС,,,,,,\n", "s.csv, строка 3, поле «id»: система s уже указана"},
		{"quote", "s.csv", head + "s,RU-TUL,\"MO-TUL-1,mis,МИС,,,,,,\n", "s.csv, строка 2"},
		{"missing column", "s.csv", "id,region,orgunit,kind\n", "s.csv, строка 1, поле «name»: нет обязательного столбца"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := Files{Vendors: strings.NewReader(vendors), VendorsName: "base-v.csv",
				Contracts: strings.NewReader(contracts), ContractsName: "base-c.csv"}
			switch tc.file {
			case "v.csv":
				f.Vendors, f.VendorsName = strings.NewReader(tc.data), tc.file
			case "c.csv":
				f.Contracts, f.ContractsName = strings.NewReader(tc.data), tc.file
			default:
				f.Systems, f.SystemsName = strings.NewReader(tc.data), tc.file
			}
			reg, err := Import(f, units)
			if err == nil {
				t.Fatalf("accepted: %+v", reg)
			}
			if reg != nil {
				t.Error("a register returned with errors: imports are whole or nothing")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
			var es Errors
			if !errors.As(err, &es) || es[0].File == "" {
				t.Errorf("not located: %T", err)
			}
		})
	}
}

// TestImportManyErrors: every bad line is reported, up to MaxErrors.
func TestImportManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,inn\n")
	for range MaxErrors + 10 {
		b.WriteString("x,y,1\n")
	}
	b.WriteString("ok,z,7707083893\n")
	_, err := Import(Files{Vendors: strings.NewReader(b.String()), VendorsName: "v.csv"}, nil)
	var es Errors
	if !errors.As(err, &es) || len(es) != MaxErrors {
		t.Fatalf("got %d errors, want %d: %v", len(es), MaxErrors, err)
	}
	if es[1].Line != 3 {
		t.Errorf("second error on line %d, want 3", es[1].Line)
	}
}

// TestImportWindows1251: what Excel saves for Russian users.
func TestImportWindows1251(t *testing.T) {
	// "id;name;inn\nv;Ромашка;7707083893\n" in Windows-1251.
	data := []byte("id;name;inn\nv;\xd0\xee\xec\xe0\xf8\xea\xe0;7707083893\n")
	reg, err := Import(Files{Vendors: strings.NewReader(string(data)), VendorsName: "v.csv"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reg.Vendors[0].Name != "Ромашка" {
		t.Errorf("name %q", reg.Vendors[0].Name)
	}
}

func TestCheckINN(t *testing.T) {
	tests := []struct {
		inn string
		ok  bool
	}{
		{"7707083893", true}, {"500100732259", true}, {"7707083890", false}, {"500100732250", false},
		{"770708389", false}, {"77070838931", false}, {"77070838a3", false}, {"", false},
	}
	for _, tc := range tests {
		if err := CheckINN(tc.inn); (err == nil) != tc.ok {
			t.Errorf("CheckINN(%q) = %v", tc.inn, err)
		}
	}
}

func TestValidate(t *testing.T) {
	base := func() *Register {
		return &Register{
			Vendors:   []Vendor{{ID: "v", Name: "V", INN: "7707083893"}},
			Contracts: []Contract{{ID: "c", Vendor: "v", Region: "RU-TUL"}},
			Systems:   []System{{ID: "s", Region: "RU-TUL", OrgUnit: "MO-TUL-1", Kind: MIS, Vendor: "v", Contract: "c"}},
		}
	}
	tests := []struct {
		name   string
		change func(*Register)
		want   string
	}{
		{"valid", func(*Register) {}, ""},
		{"duplicate system", func(r *Register) { r.Systems = append(r.Systems, r.Systems[0]) }, "система s указана дважды"},
		{"unknown vendor", func(r *Register) { r.Systems[0].Vendor = "w" }, "нет поставщика w"},
		{"contract of another region", func(r *Register) { r.Contracts[0].Region = "RU-TAM" }, "договор c другого региона"},
		{"contract without vendor", func(r *Register) { r.Contracts[0].Vendor = "w" }, "договор c: нет поставщика w"},
		{"unit of another region", func(r *Register) { r.Systems[0].OrgUnit = "MO-TAM-1" }, "не в регионе RU-TUL"},
	}
	for _, tc := range tests {
		r := base()
		tc.change(r)
		err := r.Validate(units)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestParseProbe(t *testing.T) {
	p, err := ParseProbe(" http://127.0.0.1:8080/health ", 2*time.Second, 0)
	if err != nil || p.Timeout != 2*time.Second || p.Target != "http://127.0.0.1:8080/health" {
		t.Errorf("%+v %v", p, err)
	}
	if _, err := ParseProbe("tcp://10.0.0.1:70000", time.Minute, 0); err == nil {
		t.Error("port 70000 accepted")
	}
	if _, err := ParseProbe("https://x/", 2*time.Hour, 0); err == nil {
		t.Error("two-hour interval accepted")
	}
}
