package ticket

import "slices"

// Role is what a person (or the server) is to the support centre. The web
// layer maps accounts to roles; units in scope come with the Actor.
type Role string

// Roles.
const (
	Requester Role = "requester" // МО staff: file and follow their МО's tickets
	Agent     Role = "agent"     // a support agent of the region's centre
	Vendor    Role = "vendor"    // a vendor's engineer: tickets escalated to its contracts
	Viewer    Role = "viewer"    // regional leads and federal analysts: read only
	System    Role = "system"    // monitoring, alert ingestion, auto-close
)

// Label is the Russian name.
func (r Role) Label() string {
	switch r {
	case Requester:
		return "сотрудник МО"
	case Agent:
		return "специалист центра поддержки"
	case Vendor:
		return "поставщик"
	case Viewer:
		return "наблюдатель"
	case System:
		return "система"
	}
	return string(r)
}

// Action is one kind of change to a ticket.
type Action string

// Actions.
const (
	ActOpen       Action = "open"
	ActAssign     Action = "assign"      // (re)assign to an agent on a line
	ActTake       Action = "take"        // the agent starts work: the first response
	ActComment    Action = "comment"     // public: the МО sees it
	ActNote       Action = "note"        // internal: the centre and the vendor only
	ActAskMO      Action = "ask_mo"      // a question to the МО: the clock pauses
	ActResume     Action = "resume"      // the МО answered: the clock runs again
	ActEscalate   Action = "escalate"    // to the vendor under a contract
	ActVendorDone Action = "vendor_done" // the vendor hands it back to the centre
	ActResolve    Action = "resolve"
	ActReopen     Action = "reopen"
	ActClose      Action = "close"
	ActWithdraw   Action = "withdraw"
	ActPriority   Action = "priority" // impact or urgency changed
	ActCategorise Action = "categorise"
	ActLink       Action = "link"    // joined to a mass incident
	ActMass       Action = "mass"    // declared a mass incident
	ActArticle    Action = "article" // a knowledge-base article linked
	ActAttach     Action = "attach"
)

// Label is the Russian name used in the history.
func (a Action) Label() string {
	switch a {
	case ActOpen:
		return "заявка создана"
	case ActAssign:
		return "назначена"
	case ActTake:
		return "взята в работу"
	case ActComment:
		return "комментарий"
	case ActNote:
		return "внутренняя заметка"
	case ActAskMO:
		return "запрошена информация у МО"
	case ActResume:
		return "работа возобновлена"
	case ActEscalate:
		return "передана поставщику"
	case ActVendorDone:
		return "возвращена поставщиком"
	case ActResolve:
		return "решена"
	case ActReopen:
		return "открыта повторно"
	case ActClose:
		return "закрыта"
	case ActWithdraw:
		return "отозвана"
	case ActPriority:
		return "изменён приоритет"
	case ActCategorise:
		return "изменена категория"
	case ActLink:
		return "связана с массовым инцидентом"
	case ActMass:
		return "объявлена массовым инцидентом"
	case ActArticle:
		return "связана со статьёй базы знаний"
	case ActAttach:
		return "приложен файл"
	}
	return string(a)
}

// rule says from which states an action may be taken, by whom, and where
// it leads ("" keeps the state).
type rule struct {
	from  []State
	roles []Role
	to    State
}

var open = []State{New, Assigned, InProgress, WaitingMO, WaitingVendor}
var notClosed = append(slices.Clone(open), Resolved)

// Resolving a new ticket is first-contact resolution: the agent answers
// on the telephone at once.
//
// rules is the state machine as data; TestRules pins it cell by cell.
var rules = map[Action]rule{
	ActAssign:     {from: []State{New, Assigned, InProgress}, roles: []Role{Agent}, to: Assigned},
	ActTake:       {from: []State{New, Assigned}, roles: []Role{Agent}, to: InProgress},
	ActComment:    {from: notClosed, roles: []Role{Requester, Agent, Vendor}},
	ActNote:       {from: notClosed, roles: []Role{Agent, Vendor}},
	ActAskMO:      {from: []State{InProgress}, roles: []Role{Agent}, to: WaitingMO},
	ActResume:     {from: []State{WaitingMO}, roles: []Role{Agent, Requester}, to: InProgress},
	ActEscalate:   {from: []State{Assigned, InProgress}, roles: []Role{Agent}, to: WaitingVendor},
	ActVendorDone: {from: []State{WaitingVendor}, roles: []Role{Vendor, Agent}, to: InProgress},
	ActResolve:    {from: []State{New, Assigned, InProgress, WaitingMO, WaitingVendor}, roles: []Role{Agent, System}, to: Resolved},
	ActReopen:     {from: []State{Resolved}, roles: []Role{Requester, Agent, System}, to: InProgress},
	ActClose:      {from: []State{Resolved}, roles: []Role{Requester, Agent, System}, to: Closed},
	ActWithdraw:   {from: open, roles: []Role{Requester, Agent}, to: Closed},
	ActPriority:   {from: open, roles: []Role{Agent, System}},
	ActCategorise: {from: notClosed, roles: []Role{Agent}},
	ActLink:       {from: open, roles: []Role{Agent, System}},
	ActMass:       {from: open, roles: []Role{Agent, System}},
	ActArticle:    {from: append(slices.Clone(notClosed), Closed), roles: []Role{Agent}},
	ActAttach:     {from: notClosed, roles: []Role{Requester, Agent, Vendor}},
}

// Allowed lists the actions a role may take on a ticket in a state, for
// the buttons a page shows. Checks that depend on the actor (scope, the
// vendor's contract) are made by Desk.Do.
func Allowed(s State, r Role) []Action {
	var out []Action
	for _, a := range actionOrder {
		ru := rules[a]
		if slices.Contains(ru.from, s) && slices.Contains(ru.roles, r) {
			out = append(out, a)
		}
	}
	return out
}

var actionOrder = []Action{ActTake, ActAssign, ActComment, ActNote, ActAskMO, ActResume, ActEscalate, ActVendorDone,
	ActResolve, ActReopen, ActClose, ActWithdraw, ActPriority, ActCategorise, ActLink, ActMass, ActArticle, ActAttach}
