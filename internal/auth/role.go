// Package auth holds Cifra's accounts: roles and their permissions,
// organisation-unit scopes, argon2id passwords, server-side sessions, API
// tokens, throttling of failed logins and the append-only security audit
// log. It is the domain: what is stored, and how, is Storage's
// (internal/store).
package auth

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/orgunit"
)

// Role names a set of permissions.
type Role string

// Roles, as written in the database and on the command line.
const (
	FederalAdmin     Role = "federal_admin"
	FederalAnalyst   Role = "federal_analyst"
	RegionalOperator Role = "regional_operator"
	MOOperator       Role = "mo_operator"
	Governor         Role = "governor"
	Auditor          Role = "auditor"
)

// Roles lists every role, most powerful first.
var Roles = []Role{FederalAdmin, FederalAnalyst, RegionalOperator, MOOperator, Governor, Auditor}

// Permission is one kind of action a role may take within its scope.
type Permission string

// Permissions. Reading published ratings needs none.
const (
	ReadData          Permission = "read_data"          // unpublished data values of units in scope
	WriteData         Permission = "write_data"         // enter and import data values in scope
	Submit            Permission = "submit"             // submit a unit's data for a period
	Approve           Permission = "approve"            // regional approval of submitted data
	Accept            Permission = "accept"             // federal acceptance, locking and unlocking
	ManageMethodology Permission = "manage_methodology" // load and change methodologies
	ManageUsers       Permission = "manage_users"       // accounts, roles, scopes, others' tokens
	ReadAudit         Permission = "read_audit"         // data and security audit logs
	UseTokens         Permission = "use_tokens"         // create and revoke one's own API tokens
)

// Permissions lists every permission.
var Permissions = []Permission{ReadData, WriteData, Submit, Approve, Accept, ManageMethodology, ManageUsers, ReadAudit, UseTokens}

// matrix is the permissions table as data; TestMatrix pins it.
var matrix = map[Role][]Permission{
	FederalAdmin:     {ReadData, WriteData, Submit, Approve, Accept, ManageMethodology, ManageUsers, ReadAudit, UseTokens},
	FederalAnalyst:   {ReadData, WriteData, Accept, ManageMethodology, UseTokens},
	RegionalOperator: {ReadData, WriteData, Submit, Approve, UseTokens},
	MOOperator:       {ReadData, WriteData, Submit, UseTokens},
	Governor:         {ReadData},
	Auditor:          {ReadData, ReadAudit},
}

// scopeLevels says at which hierarchy levels a role's scope may be rooted:
// a federal role sees the country, a governor one region, an МО operator
// one organisation (or a department of it).
var scopeLevels = map[Role][]orgunit.Level{
	FederalAdmin:     {orgunit.Federation},
	FederalAnalyst:   {orgunit.Federation},
	RegionalOperator: {orgunit.Region},
	MOOperator:       {orgunit.Organisation, orgunit.Department},
	Governor:         {orgunit.Region},
	Auditor:          {orgunit.Federation, orgunit.District, orgunit.Region},
}

// Can reports whether the role holds the permission.
func (r Role) Can(p Permission) bool { return slices.Contains(matrix[r], p) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := matrix[r]; return ok }

// Label is the Russian name shown in the UI.
func (r Role) Label() string {
	switch r {
	case FederalAdmin:
		return "Федеральный администратор"
	case FederalAnalyst:
		return "Федеральный аналитик (методолог)"
	case RegionalOperator:
		return "Региональный оператор"
	case MOOperator:
		return "Оператор МО"
	case Governor:
		return "Губернатор"
	case Auditor:
		return "Аудитор"
	}
	return string(r)
}

// ParseRole accepts a role name in any case.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		names := make([]string, len(Roles))
		for i, r := range Roles {
			names[i] = string(r)
		}
		return "", fmt.Errorf("unknown role %q (want one of %s)", s, strings.Join(names, ", "))
	}
	return r, nil
}

// ScopeLevelOK reports whether an account of role r may be scoped to a unit
// of level l.
func (r Role) ScopeLevelOK(l orgunit.Level) bool { return slices.Contains(scopeLevels[r], l) }
