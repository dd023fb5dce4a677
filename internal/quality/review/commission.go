package review

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Role is a member's place in the commission.
type Role string

// Roles in the commission.
const (
	Chair       Role = "chair"        // председатель
	DeputyChair Role = "deputy_chair" // заместитель председателя
	Secretary   Role = "secretary"    // секретарь
	Expert      Role = "member"       // член комиссии (эксперт)
)

var roleLabels = map[Role]string{Chair: "председатель", DeputyChair: "заместитель председателя", Secretary: "секретарь", Expert: "член комиссии"}

// Label is the Russian name of the role.
func (r Role) Label() string { return roleLabels[r] }

// organises reports whether the role plans reviews, assigns reviewers and
// corrective actions.
func (r Role) organises() bool { return r == Chair || r == DeputyChair || r == Secretary }

// Member is one person of the commission, reviewing at Level.
type Member struct {
	Login      string `json:"login"`
	Name       string `json:"name"`
	Position   string `json:"position"`
	StaffID    string `json:"staff_id"` // the code the МО's records name its doctors by
	Role       Role   `json:"role"`
	Level      string `json:"level"`
	Department string `json:"department,omitempty"` // required at a level limited to its own department
}

// Commission is the internal control commission (service) of one МО.
type Commission struct {
	MO      string   `json:"mo"`
	Order   string   `json:"order"` // the МО's order that set it up, e.g. «№ 112 от 10.01.2026»
	Members []Member `json:"members"`
	Events  []Event  `json:"events,omitempty"`
	Stored  int      `json:"-"` // events already stored (set by the repository)
}

// Member returns the member with the login.
func (c *Commission) Member(login string) (Member, bool) {
	i := slices.IndexFunc(c.Members, func(m Member) bool { return m.Login == login })
	if i < 0 {
		return Member{}, false
	}
	return c.Members[i], true
}

// Actor is who makes a change. Manager is the head of the МО or a regional
// administrator whose scope holds it — the caller checks that against the
// account's scope; managers appoint the commission and act as its chair.
type Actor struct {
	Login   string
	Manager bool
}

// ErrForbidden is returned when the actor may not make the change.
var ErrForbidden = errors.New("нет прав на это действие")

// PutMember adds a member or replaces the one with the same login. Only a
// manager or the chair may; the commission keeps exactly one chair.
func (c *Commission) PutMember(p *Policy, m Member, by Actor, at time.Time) error {
	if !by.Manager && !c.hasRole(by.Login, Chair) {
		return fmt.Errorf("состав комиссии %s меняет руководитель МО или председатель: %w", c.MO, ErrForbidden)
	}
	m.Login, m.Name = strings.TrimSpace(m.Login), strings.TrimSpace(m.Name)
	if m.Login == "" || m.Name == "" {
		return errors.New("у члена комиссии нужны логин и имя")
	}
	if _, ok := roleLabels[m.Role]; !ok {
		return fmt.Errorf("неизвестная роль в комиссии %q", m.Role)
	}
	lv, ok := p.Level(m.Level)
	if !ok {
		return fmt.Errorf("неизвестный уровень контроля %q", m.Level)
	}
	if lv.OwnDepartment && m.Department == "" {
		return fmt.Errorf("на уровне «%s» член комиссии проверяет своё отделение: укажите отделение", lv.Name)
	}
	next := slices.DeleteFunc(slices.Clone(c.Members), func(x Member) bool { return x.Login == m.Login })
	next = append(next, m)
	if n := countRole(next, Chair); n > 1 {
		return errors.New("у комиссии может быть только один председатель")
	}
	c.Members = next
	c.Events = append(c.Events, Event{At: at.UTC(), MO: c.MO, Actor: by.Login, Action: EvCommissionPut,
		Detail: fmt.Sprintf("%s — %s, уровень «%s»", m.Name, m.Role.Label(), lv.Name)})
	return nil
}

// RemoveMember takes a member out of the commission.
func (c *Commission) RemoveMember(login string, by Actor, reason string, at time.Time) error {
	if !by.Manager && !c.hasRole(by.Login, Chair) {
		return fmt.Errorf("состав комиссии %s меняет руководитель МО или председатель: %w", c.MO, ErrForbidden)
	}
	m, ok := c.Member(login)
	if !ok {
		return fmt.Errorf("в комиссии нет %s", login)
	}
	c.Members = slices.DeleteFunc(c.Members, func(x Member) bool { return x.Login == login })
	c.Events = append(c.Events, Event{At: at.UTC(), MO: c.MO, Actor: by.Login, Action: EvCommissionRemove,
		Detail: m.Name, Reason: strings.TrimSpace(reason)})
	return nil
}

func (c *Commission) hasRole(login string, r Role) bool {
	m, ok := c.Member(login)
	return ok && m.Role == r
}

func countRole(ms []Member, r Role) int {
	n := 0
	for _, m := range ms {
		if m.Role == r {
			n++
		}
	}
	return n
}
