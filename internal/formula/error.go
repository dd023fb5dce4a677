package formula

import "fmt"

// Error is a compile error at a column (1-based, counted in characters, not
// bytes, so that Cyrillic text does not shift it) of a formula.
type Error struct {
	Formula string
	Column  int
	Msg     string
}

func (e *Error) Error() string {
	return fmt.Sprintf("formula %q: column %d: %s", e.Formula, e.Column, e.Msg)
}
