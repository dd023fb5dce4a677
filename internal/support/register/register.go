// Package register is the region's register of information systems: each
// МО's MIS (product, vendor, version), the region's centralized
// subsystems and its integrations with the federal services, their
// endpoints to probe, owners, and the vendors' contracts with their SLA.
// Probe targets come only from here, and only administrators edit it.
package register

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
)

// Kind of system.
type Kind string

// Kinds.
const (
	MIS         Kind = "mis"         // an МО's medical information system
	Central     Kind = "central"     // a centralized subsystem of the region's ГИСЗ
	Integration Kind = "integration" // an exchange with a federal service
	Other       Kind = "other"       // ЛИС, РИС, accounting, … of one МО
)

// Label is the Russian name.
func (k Kind) Label() string {
	switch k {
	case MIS:
		return "МИС медицинской организации"
	case Central:
		return "централизованная подсистема ГИСЗ"
	case Integration:
		return "интеграция с федеральным сервисом"
	case Other:
		return "иная система МО"
	}
	return string(k)
}

// ParseKind reads a kind in English or Russian.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "mis", "мис":
		return MIS, nil
	case "central", "цс", "подсистема":
		return Central, nil
	case "integration", "интеграция":
		return Integration, nil
	case "other", "иная", "прочая":
		return Other, nil
	}
	return "", fmt.Errorf("«%s» — неизвестный вид системы; допустимы mis (МИС), central (ЦС), integration (интеграция), other (иная)", s)
}

// Subsystems are the codes of the region's centralized subsystems and
// federal integrations, with their Russian names.
var Subsystems = map[string]string{
	"booking":   "управление потоками пациентов (запись на приём)",
	"lab":       "лабораторные исследования",
	"pacs":      "центральный архив медицинских изображений (ЦАМИ)",
	"telemed":   "телемедицинские консультации",
	"drugs":     "льготное лекарственное обеспечение",
	"ambulance": "скорая медицинская помощь",
	"oncology":  "онкология",
	"cardio":    "сердечно-сосудистые заболевания",
	"maternity": "акушерство и гинекология",
	"remd":      "РЭМД",
	"egisz":     "ЕГИСЗ (ИЭМК, ФРМО, ФРМР)",
	"fer":       "ФЭР / ЕПГУ",
	"vimis":     "ВИМИС",
	"eln":       "ЭЛН (СФР)",
	"smev":      "СМЭВ",
}

// System is one registered system.
type System struct {
	ID        string // stable, chosen by the administrator: "mis-tul-1"
	Region    string // ISO 3166-2:RU
	OrgUnit   string // the МО; the region's code for centralized subsystems
	Kind      Kind
	Subsystem string // a key of Subsystems for Central and Integration
	Name      string
	Product   string
	Vendor    string // Vendor.ID
	Version   string
	Owner     string // who answers for it in the region or the МО
	Contract  string // Contract.ID of the support contract
	Modules   []string
	Probe     *Probe // nil: not probed
	ARMs      int    // АРМ using the system, for incidents per 100 АРМ
}

// Probe is how a system is checked.
type Probe struct {
	Target   string // http(s)://… or tcp://host:port
	Interval time.Duration
	Timeout  time.Duration
}

// Probe bounds: a probe every second is the fastest a region needs (tests
// use two); more than an hour apart is not monitoring.
const (
	MinInterval    = time.Second
	MaxInterval    = time.Hour
	DefaultTimeout = 10 * time.Second
)

// ProbeError says which part of a probe is wrong: "probe" (the target),
// "interval" or "timeout".
type ProbeError struct{ Field, Msg string }

func (e *ProbeError) Error() string { return e.Msg }

func probeErr(field, format string, a ...any) error {
	return &ProbeError{Field: field, Msg: fmt.Sprintf(format, a...)}
}

// ParseProbe checks a probe target and its interval and timeout (0 means
// the lesser of DefaultTimeout and the interval).
func ParseProbe(target string, interval, timeout time.Duration) (*Probe, error) {
	u, err := url.Parse(strings.TrimSpace(target))
	if err != nil {
		return nil, probeErr("probe", "«%s» — неверный адрес", target)
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return nil, probeErr("probe", "«%s»: нет имени узла", target)
		}
		if u.User != nil {
			return nil, probeErr("probe", "«%s»: пароль в адресе не допускается", target)
		}
	case "tcp":
		host, port, err := net.SplitHostPort(u.Host)
		if err != nil || host == "" || u.Path != "" && u.Path != "/" {
			return nil, probeErr("probe", "«%s»: ожидается tcp://узел:порт", target)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, probeErr("probe", "«%s»: порт должен быть от 1 до 65535", target)
		}
	default:
		return nil, probeErr("probe", "«%s»: адрес должен начинаться с http://, https:// или tcp://", target)
	}
	if interval < MinInterval || interval > MaxInterval {
		return nil, probeErr("interval", "интервал проверки %v вне пределов 1 с – 1 ч", interval)
	}
	if timeout == 0 {
		timeout = min(DefaultTimeout, interval)
	}
	if timeout < 100*time.Millisecond || timeout > interval {
		return nil, probeErr("timeout", "тайм-аут %v должен быть от 0,1 с до интервала проверки", timeout)
	}
	return &Probe{Target: u.String(), Interval: interval, Timeout: timeout}, nil
}

// Vendor is a supplier or integrator.
type Vendor struct {
	ID   string
	Name string
	INN  string // taxpayer number, checked
}

// Contract is a vendor's support contract in a region.
type Contract struct {
	ID       string
	Vendor   string
	Region   string
	Number   string // as on paper: «№ 45-ТО/2025»
	From, To calendar.Date
	// Policy names the SLA policy of the contract (package sla).
	Policy string
}

// Active reports whether the contract is in force on d.
func (c Contract) Active(d calendar.Date) bool { return !d.Before(c.From) && !c.To.Before(d) }

// Register is one region's systems, vendors and contracts, checked as a
// whole: every reference resolves.
type Register struct {
	Systems   []System
	Vendors   []Vendor
	Contracts []Contract
}

// Validate checks identifiers and cross-references. unitRegion resolves
// an org unit to its region (false: unknown unit).
func (r *Register) Validate(unitRegion func(string) (string, bool)) error {
	vendors := map[string]bool{}
	for _, v := range r.Vendors {
		if err := checkID(v.ID); err != nil {
			return fmt.Errorf("поставщик «%s»: %w", v.Name, err)
		}
		if vendors[v.ID] {
			return fmt.Errorf("поставщик %s указан дважды", v.ID)
		}
		vendors[v.ID] = true
	}
	contracts := map[string]Contract{}
	for _, c := range r.Contracts {
		if err := checkID(c.ID); err != nil {
			return fmt.Errorf("договор %s: %w", c.Number, err)
		}
		if _, dup := contracts[c.ID]; dup {
			return fmt.Errorf("договор %s указан дважды", c.ID)
		}
		if !vendors[c.Vendor] {
			return fmt.Errorf("договор %s: нет поставщика %s", c.ID, c.Vendor)
		}
		contracts[c.ID] = c
	}
	ids := map[string]bool{}
	for _, s := range r.Systems {
		if err := checkID(s.ID); err != nil {
			return fmt.Errorf("система «%s»: %w", s.Name, err)
		}
		if ids[s.ID] {
			return fmt.Errorf("система %s указана дважды", s.ID)
		}
		ids[s.ID] = true
		if s.Vendor != "" && !vendors[s.Vendor] {
			return fmt.Errorf("система %s: нет поставщика %s", s.ID, s.Vendor)
		}
		if s.Contract != "" {
			c, ok := contracts[s.Contract]
			switch {
			case !ok:
				return fmt.Errorf("система %s: нет договора %s", s.ID, s.Contract)
			case c.Vendor != s.Vendor:
				return fmt.Errorf("система %s: договор %s заключён с другим поставщиком", s.ID, s.Contract)
			case c.Region != s.Region:
				return fmt.Errorf("система %s: договор %s другого региона", s.ID, s.Contract)
			}
		}
		if unitRegion != nil && s.OrgUnit != s.Region {
			reg, ok := unitRegion(s.OrgUnit)
			if !ok {
				return fmt.Errorf("система %s: нет организации %s", s.ID, s.OrgUnit)
			}
			if reg != s.Region {
				return fmt.Errorf("система %s: организация %s не в регионе %s", s.ID, s.OrgUnit, s.Region)
			}
		}
	}
	return nil
}

// checkID allows what reads well in a URL and a CSV cell.
func checkID(id string) error {
	if id == "" || len(id) > 64 {
		return fmt.Errorf("идентификатор пуст или длиннее 64 символов")
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("идентификатор «%s»: допустимы латинские буквы, цифры, «-», «_» и «.»", id)
		}
	}
	return nil
}

// Probed lists the systems with a probe, for the prober.
func (r *Register) Probed() []System {
	var out []System
	for _, s := range r.Systems {
		if s.Probe != nil {
			out = append(out, s)
		}
	}
	return out
}

// System finds a system by ID.
func (r *Register) System(id string) (System, bool) {
	i := slices.IndexFunc(r.Systems, func(s System) bool { return s.ID == id })
	if i < 0 {
		return System{}, false
	}
	return r.Systems[i], true
}

// ContractFor returns the contract that covers a system on a date: the
// system's own if in force.
func (r *Register) ContractFor(systemID string, d calendar.Date) (Contract, bool) {
	s, ok := r.System(systemID)
	if !ok || s.Contract == "" {
		return Contract{}, false
	}
	for _, c := range r.Contracts {
		if c.ID == s.Contract && c.Active(d) {
			return c, true
		}
	}
	return Contract{}, false
}

// CheckINN verifies a taxpayer number: 10 digits for an organisation, 12
// for an individual entrepreneur, with their check digits.
func CheckINN(s string) error {
	for _, r := range s {
		if r < '0' || r > '9' {
			return fmt.Errorf("ИНН «%s» должен состоять из цифр", s)
		}
	}
	d := func(i int) int { return int(s[i] - '0') }
	check := func(n int, w []int) bool {
		sum := 0
		for i, k := range w {
			sum += k * d(i)
		}
		return sum%11%10 == d(n)
	}
	switch len(s) {
	case 10:
		if check(9, []int{2, 4, 10, 3, 5, 9, 4, 6, 8}) {
			return nil
		}
	case 12:
		if check(10, []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) && check(11, []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) {
			return nil
		}
	default:
		return fmt.Errorf("ИНН «%s»: нужно 10 цифр (организация) или 12 (ИП)", s)
	}
	return fmt.Errorf("ИНН «%s»: не сходится контрольное число", s)
}
