package ticket

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/support/priority"
)

// Errors Do and Open return (errors.Is); the wrapped message is Russian.
var (
	ErrForbidden = errors.New("действие не разрешено")
	ErrState     = errors.New("действие невозможно в этом состоянии заявки")
	ErrInvalid   = errors.New("неполные или неверные данные")
)

// Actor is who acts.
type Actor struct {
	Login string
	Role  Role
	// InScope reports whether an org unit lies in the actor's scope (for
	// МО staff their МО, for an agent the region). nil covers nothing;
	// System covers everything.
	InScope func(orgUnit string) bool
	// Vendor is the vendor an account of role Vendor works for.
	Vendor string
}

func (a Actor) covers(unit string) bool {
	return a.Role == System || a.InScope != nil && a.InScope(unit)
}

// MaxText bounds a description, a comment or a note.
const MaxText = 64 << 10

// Spec is a ticket as filed.
type Spec struct {
	Kind            Kind
	OrgUnit, Region string
	System, Module  string
	Title, Text     string
	Impact, Urgency priority.Level
	Source          Source
	External        string
}

// Command is one action on a ticket with what it needs.
type Command struct {
	Action   Action
	Text     string
	Internal bool // ActComment only; notes are always internal

	Assignee string // ActAssign; ActTake takes for the actor
	Line     Line   // ActAssign: FirstLine or SecondLine

	Contract, Vendor string // ActEscalate

	Code Code // ActResolve

	Impact, Urgency priority.Level // ActPriority
	System, Module  string         // ActCategorise

	Parent *Ticket // ActLink: the mass incident, as read

	Article    string      // ActArticle
	Attachment *Attachment // ActAttach, checked by CheckAttachment
}

// Desk holds a region's ticket rules.
type Desk struct {
	Matrix priority.Matrix
	// ReopenWindow is how long after resolution the МО may reopen; later
	// it files a new ticket. Agents may reopen until closure. 0 means
	// DefaultReopenWindow.
	ReopenWindow time.Duration
}

// matrix is the region's matrix, the default one if none is set (a zero
// Matrix would give every ticket priority 0).
func (d Desk) matrix() priority.Matrix {
	if d.Matrix == (priority.Matrix{}) {
		return priority.DefaultMatrix()
	}
	return d.Matrix
}

// DefaultReopenWindow is two weeks.
const DefaultReopenWindow = 14 * 24 * time.Hour

func fail(base error, format string, a ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, a...), base)
}

// Open checks a new ticket and returns its first event. The ticket's ID
// is the store's business.
func (d Desk) Open(s Spec, a Actor, at time.Time) (*Ticket, error) {
	switch a.Role {
	case Requester, Agent, System:
	default:
		return nil, fail(ErrForbidden, "%s не может создавать заявки", a.Role.Label())
	}
	if !a.covers(s.OrgUnit) {
		return nil, fail(ErrForbidden, "организация %s вне вашей зоны", s.OrgUnit)
	}
	if a.Role == System && s.Source != Monitor && s.Source != Import {
		return nil, fail(ErrInvalid, "система создаёт заявки только из мониторинга или импорта")
	}
	switch {
	case s.Kind != Incident && s.Kind != Request:
		return nil, fail(ErrInvalid, "вид заявки: «инцидент» или «запрос на обслуживание»")
	case s.OrgUnit == "" || s.Region == "":
		return nil, fail(ErrInvalid, "не указана организация или регион")
	case strings.TrimSpace(s.Title) == "":
		return nil, fail(ErrInvalid, "не указана тема")
	case len(s.Title) > 300:
		return nil, fail(ErrInvalid, "тема длиннее 300 байт")
	case len(s.Text) > MaxText:
		return nil, fail(ErrInvalid, "описание длиннее %d КБ", MaxText>>10)
	case !s.Source.valid():
		return nil, fail(ErrInvalid, "неизвестный источник «%s»", s.Source)
	}
	pr, err := d.matrix().Priority(s.Impact, s.Urgency)
	if err != nil {
		return nil, fail(ErrInvalid, "%v", err)
	}
	e := Event{Seq: 1, At: at.UTC(), Actor: a.Login, Role: a.Role, Action: ActOpen, To: New,
		Text: s.Text, Kind: s.Kind, OrgUnit: s.OrgUnit, Region: s.Region, Title: strings.TrimSpace(s.Title),
		Source: s.Source, External: s.External, System: s.System, Module: s.Module,
		Impact: s.Impact, Urgency: s.Urgency, Priority: pr}
	t := &Ticket{}
	t.apply(e)
	return t, nil
}

// Do checks a command against the state machine, the actor's role and
// scope, applies it to t and returns the event to store. On error t is
// unchanged.
func (d Desk) Do(t *Ticket, c Command, a Actor, at time.Time) (Event, error) {
	ru, ok := rules[c.Action]
	if !ok {
		return Event{}, fail(ErrInvalid, "неизвестное действие «%s»", c.Action)
	}
	if err := d.may(t, c, a, ru); err != nil {
		return Event{}, err
	}
	if !slices.Contains(ru.from, t.State) {
		return Event{}, fail(ErrState, "«%s»: заявка %s", c.Action.Label(), t.State.Label())
	}
	if len(c.Text) > MaxText {
		return Event{}, fail(ErrInvalid, "текст длиннее %d КБ", MaxText>>10)
	}
	e := Event{Seq: len(t.Events) + 1, At: at.UTC(), Actor: a.Login, Role: a.Role, Action: c.Action,
		From: t.State, To: ru.to, Text: c.Text}
	if at.UTC().Before(t.lastAt()) {
		return Event{}, fail(ErrInvalid, "время действия раньше последнего события заявки")
	}
	if err := d.fill(t, c, a, &e); err != nil {
		return Event{}, err
	}
	t.apply(e)
	return e, nil
}

func (t *Ticket) lastAt() time.Time {
	if n := len(t.Events); n > 0 {
		return t.Events[n-1].At
	}
	return time.Time{}
}

// may checks who acts: role, scope, and for a vendor the contract.
func (d Desk) may(t *Ticket, c Command, a Actor, ru rule) error {
	if !slices.Contains(ru.roles, a.Role) {
		return fail(ErrForbidden, "%s не может: %s", a.Role.Label(), c.Action.Label())
	}
	if a.Role == Vendor {
		if a.Vendor == "" || !slices.Contains(t.Vendors, a.Vendor) {
			return fail(ErrForbidden, "заявка не передавалась вашей организации")
		}
		if t.State != WaitingVendor || t.Vendor != a.Vendor {
			if c.Action != ActComment && c.Action != ActNote && c.Action != ActAttach {
				return fail(ErrForbidden, "заявка сейчас не у вашей организации")
			}
		}
		return nil
	}
	if !a.covers(t.OrgUnit) {
		return fail(ErrForbidden, "заявка организации %s вне вашей зоны", t.OrgUnit)
	}
	return nil
}

// fill checks the command's fields for its action and copies them to e.
func (d Desk) fill(t *Ticket, c Command, a Actor, e *Event) error {
	need := func(what string) error {
		if strings.TrimSpace(c.Text) == "" {
			return fail(ErrInvalid, "«%s»: нужен текст — %s", c.Action.Label(), what)
		}
		return nil
	}
	switch c.Action {
	case ActAssign:
		if c.Assignee == "" {
			return fail(ErrInvalid, "не указан исполнитель")
		}
		if c.Line != FirstLine && c.Line != SecondLine {
			return fail(ErrInvalid, "линия: первая или вторая")
		}
		if c.Assignee == t.Assignee && c.Line == t.Line && t.State == Assigned {
			return fail(ErrInvalid, "заявка уже назначена %s", c.Assignee)
		}
		e.Assignee, e.Line = c.Assignee, c.Line
	case ActTake:
		e.Assignee = a.Login
	case ActComment:
		if err := need("комментарий"); err != nil {
			return err
		}
		e.Internal = c.Internal && a.Role != Requester
		// The МО's answer to a question resumes the clock by itself.
		if a.Role == Requester && t.State == WaitingMO {
			e.To = InProgress
		}
	case ActNote:
		if err := need("заметка"); err != nil {
			return err
		}
		e.Internal = true
	case ActAskMO:
		if err := need("вопрос к МО"); err != nil {
			return err
		}
	case ActEscalate:
		if c.Contract == "" || c.Vendor == "" {
			return fail(ErrInvalid, "не указан договор поставщика")
		}
		if err := need("что передано поставщику"); err != nil {
			return err
		}
		e.Contract, e.Vendor = c.Contract, c.Vendor
	case ActVendorDone:
		if err := need("что сделал поставщик"); err != nil {
			return err
		}
	case ActResolve:
		if c.Code == "" || c.Code == Withdrawn {
			return fail(ErrInvalid, "не указан код решения")
		}
		if _, err := ParseCode(string(c.Code)); err != nil {
			return fail(ErrInvalid, "%v", err)
		}
		if c.Code == MassResolved && t.Parent == 0 {
			return fail(ErrInvalid, "заявка не связана с массовым инцидентом")
		}
		if err := need("описание решения"); err != nil {
			return err
		}
		e.Code = c.Code
	case ActReopen:
		if err := need("почему открыта повторно"); err != nil {
			return err
		}
		w := d.ReopenWindow
		if w <= 0 {
			w = DefaultReopenWindow
		}
		if a.Role == Requester && e.At.Sub(t.Resolved) > w {
			return fail(ErrForbidden, "срок повторного открытия (%d дн.) истёк: создайте новую заявку", int(w.Hours()/24))
		}
		if t.Assignee == "" {
			e.To = New
		}
	case ActWithdraw:
		e.Code = Withdrawn
	case ActPriority:
		pr, err := d.matrix().Priority(c.Impact, c.Urgency)
		if err != nil {
			return fail(ErrInvalid, "%v", err)
		}
		if c.Impact == t.Impact && c.Urgency == t.Urgency {
			return fail(ErrInvalid, "влияние и срочность не изменились")
		}
		if err := need("причина изменения"); err != nil {
			return err
		}
		e.Impact, e.Urgency, e.Priority = c.Impact, c.Urgency, pr
	case ActCategorise:
		if c.System == "" {
			return fail(ErrInvalid, "не указана система")
		}
		e.System, e.Module = c.System, c.Module
	case ActLink:
		p := c.Parent
		switch {
		case p == nil || !p.Mass:
			return fail(ErrInvalid, "связать можно только с массовым инцидентом")
		case p.ID == t.ID:
			return fail(ErrInvalid, "заявка не может быть связана сама с собой")
		case t.Mass:
			return fail(ErrInvalid, "массовый инцидент не связывается с другим")
		case !p.State.Open():
			return fail(ErrState, "массовый инцидент уже %s", p.State.Label())
		case p.Region != t.Region:
			return fail(ErrInvalid, "массовый инцидент другого региона")
		case t.Parent == p.ID:
			return fail(ErrInvalid, "заявка уже связана с этим инцидентом")
		}
		e.Parent = p.ID
	case ActMass:
		if t.Mass {
			return fail(ErrInvalid, "заявка уже массовый инцидент")
		}
		if t.Parent != 0 {
			return fail(ErrInvalid, "заявка связана с массовым инцидентом %d", t.Parent)
		}
	case ActArticle:
		if c.Article == "" || slices.Contains(t.Articles, c.Article) {
			return fail(ErrInvalid, "статья не указана или уже связана")
		}
		e.Article = c.Article
	case ActAttach:
		if c.Attachment == nil || c.Attachment.SHA256 == "" {
			return fail(ErrInvalid, "файл не проверен")
		}
		at := *c.Attachment
		e.Attachment = &at
		e.Internal = c.Internal && a.Role != Requester
	}
	return nil
}

// ResolveMass resolves the open tickets linked to a mass incident that
// has just been resolved, one event each (the caller stores them with
// the parent's in one transaction). Children that are not open are left
// as they are.
func (d Desk) ResolveMass(parent *Ticket, children []*Ticket, a Actor, at time.Time) ([]Event, error) {
	if !parent.Mass || parent.State != Resolved {
		return nil, fail(ErrState, "массовый инцидент %d не решён", parent.ID)
	}
	text := "Решена в составе массового инцидента №" + fmt.Sprint(parent.ID)
	var out []Event
	for _, ch := range children {
		if ch.Parent != parent.ID {
			return nil, fail(ErrInvalid, "заявка %d не связана с инцидентом %d", ch.ID, parent.ID)
		}
		if !ch.State.Open() {
			continue
		}
		e, err := d.Do(ch, Command{Action: ActResolve, Code: MassResolved, Text: text}, a, at)
		if err != nil {
			return nil, fmt.Errorf("заявка %d: %w", ch.ID, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// Visible reports whether an actor may see a ticket at all.
func Visible(t *Ticket, a Actor) bool {
	switch a.Role {
	case System:
		return true
	case Vendor:
		return a.Vendor != "" && slices.Contains(t.Vendors, a.Vendor)
	}
	return a.covers(t.OrgUnit)
}

// History is the part of the events an actor may read: the МО does not
// see internal notes; a vendor does not see notes written before its
// escalation, nor other vendors' internal notes.
func History(t *Ticket, a Actor) []Event {
	if !Visible(t, a) {
		return nil
	}
	var out []Event
	since := time.Time{}
	for _, e := range t.Events {
		if a.Role == Vendor && e.Action == ActEscalate && e.Vendor == a.Vendor && since.IsZero() {
			since = e.At
		}
	}
	for _, e := range t.Events {
		if e.Internal {
			switch a.Role {
			case Requester, Viewer:
				continue
			case Vendor:
				if e.At.Before(since) || e.Role == Vendor && e.Actor != "" && !sameVendor(t, e, a) {
					continue
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// sameVendor: a vendor's internal note is shown to the vendor that held
// the ticket when it was written.
func sameVendor(t *Ticket, e Event, a Actor) bool {
	vendor := ""
	for _, x := range t.Events {
		if x.Seq > e.Seq {
			break
		}
		if x.Action == ActEscalate {
			vendor = x.Vendor
		}
	}
	return vendor == a.Vendor
}
