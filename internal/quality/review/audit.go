package review

import "time"

// Event is one audited change: who did what to which review, action or
// commission, when, and why. Domain methods append events; a Repository
// stores a change together with its new events, so nothing changes
// without a trace.
type Event struct {
	At     time.Time `json:"at"` // UTC
	MO     string    `json:"mo"`
	Actor  string    `json:"actor"` // login, or "system" for feeds and imports
	Action string    `json:"action"`
	// Review and CorrectiveAction identify the subject; 0 until the
	// repository has given the new subject its id (it fills them in).
	Review           int64  `json:"review,omitempty"`
	CorrectiveAction int64  `json:"corrective_action,omitempty"`
	Detail           string `json:"detail,omitempty"` // Russian
	Reason           string `json:"reason,omitempty"`
}

// Audited actions.
const (
	EvCommissionPut    = "commission_put"
	EvCommissionRemove = "commission_remove"
	EvReviewPlan       = "review_plan"
	EvReviewRaise      = "review_raise"
	EvReviewAssign     = "review_assign"
	EvReviewStart      = "review_start"
	EvCaseAdd          = "case_add"
	EvReviewComplete   = "review_complete"
	EvReviewReopen     = "review_reopen"
	EvReviewCancel     = "review_cancel"
	EvReviewClose      = "review_close"
	EvActionAssign     = "action_assign"
	EvActionDone       = "action_done"
	EvActionVerify     = "action_verify"
	EvActionReturn     = "action_return"
	EvActionReschedule = "action_reschedule"
	EvActionCancel     = "action_cancel"
)

// SystemActor is the actor of triggers raised by feeds, support tickets and
// imports.
const SystemActor = "system"

// MaxText bounds a conclusion, a reason or an action's text.
const MaxText = 4000
