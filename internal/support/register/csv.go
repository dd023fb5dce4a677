package register

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/csvfile"
)

// MaxErrors bounds how many bad cells one import reports: enough to fix a
// file in one pass, not a wall of text.
const MaxErrors = 50

// Errors are all the located problems of one import; nothing is stored
// while there is one.
type Errors = csvfile.Errors

// collector gathers row errors up to MaxErrors.
type collector struct{ errs Errors }

// add keeps a located error and reports whether to go on.
func (c *collector) add(err error) bool {
	var e *csvfile.Error
	if !errors.As(err, &e) {
		e = &csvfile.Error{Msg: err.Error()}
	}
	c.errs = append(c.errs, e)
	return len(c.errs) < MaxErrors
}

func (c *collector) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}

// rows calls fn for every row; a file-level error stops at once.
func rows(r io.Reader, name string, l csvfile.Layout, c *collector, fn func(csvfile.Row) error) {
	rd, err := csvfile.Open(r, name, l)
	if err != nil {
		c.add(err)
		return
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if !c.add(err) {
				return
			}
			var e *csvfile.Error
			if errors.As(err, &e) && e.Line > 0 {
				continue // a bad line; the next may be fine
			}
			return
		}
		if err := fn(row); err != nil && !c.add(err) {
			return
		}
	}
}

var vendorLayout = csvfile.Layout{
	Required: []string{"id", "name", "inn"},
	Aliases:  map[string]string{"код": "id", "идентификатор": "id", "наименование": "name", "название": "name", "инн": "inn"},
}

var contractLayout = csvfile.Layout{
	Required: []string{"id", "vendor", "region", "number", "from", "to"},
	Optional: []string{"sla"},
	Aliases: map[string]string{"код": "id", "идентификатор": "id", "поставщик": "vendor", "регион": "region",
		"номер": "number", "с": "from", "начало": "from", "по": "to", "окончание": "to", "sla": "sla", "соглашение": "sla"},
}

var systemLayout = csvfile.Layout{
	Required: []string{"id", "region", "orgunit", "kind", "name"},
	Optional: []string{"subsystem", "product", "vendor", "version", "owner", "contract", "modules", "probe", "interval", "timeout", "arms"},
	Aliases: map[string]string{"код": "id", "идентификатор": "id", "регион": "region", "мо": "orgunit", "организация": "orgunit",
		"вид": "kind", "наименование": "name", "название": "name", "подсистема": "subsystem", "продукт": "product",
		"поставщик": "vendor", "версия": "version", "ответственный": "owner", "владелец": "owner", "договор": "contract",
		"модули": "modules", "проверка": "probe", "адрес проверки": "probe", "интервал": "interval", "тайм-аут": "timeout",
		"таймаут": "timeout", "арм": "arms"},
}

// Files are the three files of a register import; Vendors and Contracts
// may be nil when the register already holds them (Base).
type Files struct {
	Vendors, Contracts, Systems             io.Reader
	VendorsName, ContractsName, SystemsName string
	// Base is the register the files add to: vendors and contracts named
	// by the files may already be there.
	Base *Register
}

// Import reads a register from CSV files (UTF-8 or Windows-1251, «,» or
// «;»; headers in English or Russian; see docs/support.md), checking every
// cell and every reference, with the line and the column of each problem.
// unitRegion resolves an org unit code to its region.
func Import(f Files, unitRegion func(string) (string, bool)) (*Register, error) {
	reg := &Register{}
	vendors, contracts := map[string]bool{}, map[string]Contract{}
	if f.Base != nil {
		for _, v := range f.Base.Vendors {
			vendors[v.ID] = true
		}
		for _, c := range f.Base.Contracts {
			contracts[c.ID] = c
		}
	}
	c := &collector{}
	if f.Vendors != nil {
		rows(f.Vendors, f.VendorsName, vendorLayout, c, func(row csvfile.Row) error {
			v := Vendor{ID: row.Get("id"), Name: row.Get("name"), INN: row.Get("inn")}
			switch {
			case checkID(v.ID) != nil:
				return row.Fail("id", "%v", checkID(v.ID))
			case vendors[v.ID]:
				return row.Fail("id", "поставщик %s уже указан", v.ID)
			case v.Name == "":
				return row.Fail("name", "не указано наименование")
			case CheckINN(v.INN) != nil:
				return row.Fail("inn", "%v", CheckINN(v.INN))
			}
			vendors[v.ID] = true
			reg.Vendors = append(reg.Vendors, v)
			return nil
		})
	}
	if f.Contracts != nil {
		rows(f.Contracts, f.ContractsName, contractLayout, c, func(row csvfile.Row) error {
			k := Contract{ID: row.Get("id"), Vendor: row.Get("vendor"), Number: row.Get("number"), Policy: row.Get("sla")}
			var err error
			switch {
			case checkID(k.ID) != nil:
				return row.Fail("id", "%v", checkID(k.ID))
			case contracts[k.ID].ID != "":
				return row.Fail("id", "договор %s уже указан", k.ID)
			case !vendors[k.Vendor]:
				return row.Fail("vendor", "нет поставщика «%s» в реестре", k.Vendor)
			case k.Number == "":
				return row.Fail("number", "не указан номер договора")
			}
			if k.Region, err = region(row.Get("region")); err != nil {
				return row.Fail("region", "%v", err)
			}
			if k.From, err = parseDate(row.Get("from")); err != nil {
				return row.Fail("from", "%v", err)
			}
			if k.To, err = parseDate(row.Get("to")); err != nil {
				return row.Fail("to", "%v", err)
			}
			if k.To.Before(k.From) {
				return row.Fail("to", "окончание договора раньше начала")
			}
			contracts[k.ID] = k
			reg.Contracts = append(reg.Contracts, k)
			return nil
		})
	}
	if f.Systems != nil {
		ids := map[string]bool{}
		rows(f.Systems, f.SystemsName, systemLayout, c, func(row csvfile.Row) error {
			s, err := system(row, vendors, contracts, unitRegion)
			if err != nil {
				return err
			}
			if ids[s.ID] {
				return row.Fail("id", "система %s уже указана", s.ID)
			}
			ids[s.ID] = true
			reg.Systems = append(reg.Systems, s)
			return nil
		})
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return reg, nil
}

func system(row csvfile.Row, vendors map[string]bool, contracts map[string]Contract, unitRegion func(string) (string, bool)) (System, error) {
	s := System{ID: row.Get("id"), OrgUnit: row.Get("orgunit"), Name: row.Get("name"), Subsystem: row.Get("subsystem"),
		Product: row.Get("product"), Vendor: row.Get("vendor"), Version: row.Get("version"), Owner: row.Get("owner"),
		Contract: row.Get("contract")}
	var err error
	if err := checkID(s.ID); err != nil {
		return s, row.Fail("id", "%v", err)
	}
	if s.Region, err = region(row.Get("region")); err != nil {
		return s, row.Fail("region", "%v", err)
	}
	if s.Kind, err = ParseKind(row.Get("kind")); err != nil {
		return s, row.Fail("kind", "%v", err)
	}
	if s.Name == "" {
		return s, row.Fail("name", "не указано наименование")
	}
	switch {
	case s.OrgUnit == "":
		return s, row.Fail("orgunit", "не указана организация (для подсистем региона — код региона)")
	case s.OrgUnit == s.Region:
		if s.Kind == MIS || s.Kind == Other {
			return s, row.Fail("orgunit", "МИС и иные системы принадлежат МО, а не региону")
		}
	case unitRegion != nil:
		reg, ok := unitRegion(s.OrgUnit)
		if !ok {
			return s, row.Fail("orgunit", "нет организации «%s»", s.OrgUnit)
		}
		if reg != s.Region {
			return s, row.Fail("orgunit", "организация %s относится к региону %s, а не %s", s.OrgUnit, reg, s.Region)
		}
	}
	if s.Kind == Central || s.Kind == Integration {
		if _, ok := Subsystems[s.Subsystem]; !ok {
			return s, row.Fail("subsystem", "«%s» — неизвестная подсистема; допустимы: %s", s.Subsystem, subsystemCodes())
		}
	} else if s.Subsystem != "" {
		return s, row.Fail("subsystem", "подсистема указывается только для ЦС и интеграций")
	}
	if s.Vendor != "" && !vendors[s.Vendor] {
		return s, row.Fail("vendor", "нет поставщика «%s» в реестре", s.Vendor)
	}
	if s.Contract != "" {
		k, ok := contracts[s.Contract]
		switch {
		case !ok:
			return s, row.Fail("contract", "нет договора «%s» в реестре", s.Contract)
		case k.Vendor != s.Vendor:
			return s, row.Fail("contract", "договор %s заключён с поставщиком %s, а система — %s", k.ID, k.Vendor, s.Vendor)
		case k.Region != s.Region:
			return s, row.Fail("contract", "договор %s заключён в регионе %s", k.ID, k.Region)
		}
	}
	for m := range strings.SplitSeq(row.Get("modules"), "|") {
		if m = strings.TrimSpace(m); m != "" {
			s.Modules = append(s.Modules, m)
		}
	}
	if n := row.Get("arms"); n != "" {
		if s.ARMs, err = strconv.Atoi(n); err != nil || s.ARMs < 0 || s.ARMs > 1_000_000 {
			return s, row.Fail("arms", "«%s» — не число АРМ", n)
		}
	}
	target, iv, to := row.Get("probe"), row.Get("interval"), row.Get("timeout")
	if target == "" {
		if iv != "" || to != "" {
			return s, row.Fail("probe", "интервал указан, а адрес проверки нет")
		}
		return s, nil
	}
	interval := time.Minute
	if iv != "" {
		if interval, err = ParseDuration(iv); err != nil {
			return s, row.Fail("interval", "%v", err)
		}
	}
	var timeout time.Duration
	if to != "" {
		if timeout, err = ParseDuration(to); err != nil {
			return s, row.Fail("timeout", "%v", err)
		}
	}
	if s.Probe, err = ParseProbe(target, interval, timeout); err != nil {
		field := "probe"
		var pe *ProbeError
		if errors.As(err, &pe) {
			field = pe.Field
		}
		return s, row.Fail(field, "%v", err)
	}
	return s, nil
}

func subsystemCodes() string {
	codes := make([]string, 0, len(Subsystems))
	for k := range Subsystems {
		codes = append(codes, k)
	}
	slices.Sort(codes)
	return strings.Join(codes, ", ")
}

// ParseDuration reads a Go duration (30s, 1m, 1h30m) or whole seconds.
func ParseDuration(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("«%s» — не длительность (например, 30s, 1m или число секунд)", s)
	}
	return d, nil
}

func region(s string) (string, error) {
	r, err := calendar.ParseRegion(s)
	if err == nil && r == "" {
		err = fmt.Errorf("не указан регион")
	}
	return r, err
}

// parseDate reads ДД.ММ.ГГГГ or ГГГГ-ММ-ДД.
func parseDate(s string) (calendar.Date, error) {
	if t, err := time.Parse("02.01.2006", s); err == nil {
		return calendar.DateOf(t), nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("«%s» — не дата ДД.ММ.ГГГГ", s)
	}
	return d, nil
}
