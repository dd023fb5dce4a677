package calendar

import (
	"fmt"
	"strings"
)

// Kind says how an exception changes a day of the Monday–Friday week.
type Kind uint8

// Kinds of exceptions, as written in the CSV files.
const (
	Nonworking Kind = iota + 1 // a day off: a holiday or a day off moved by decree or regional law
	Working                    // a Saturday or Sunday made a working day
	Shortened                  // a working day one hour shorter (art. 95); on a weekend it is also a working day
)

func (k Kind) String() string {
	switch k {
	case Nonworking:
		return "nonworking"
	case Working:
		return "working"
	case Shortened:
		return "shortened"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Label is the Russian name.
func (k Kind) Label() string {
	switch k {
	case Nonworking:
		return "нерабочий день"
	case Working:
		return "рабочий выходной день"
	case Shortened:
		return "сокращённый предпраздничный день"
	}
	return k.String()
}

// ParseKind accepts the English code or a Russian word.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "nonworking", "нерабочий", "выходной", "праздничный":
		return Nonworking, nil
	case "working", "рабочий":
		return Working, nil
	case "shortened", "сокращённый", "сокращенный", "предпраздничный":
		return Shortened, nil
	}
	return 0, fmt.Errorf("«%s» — неизвестный вид дня; допустимы nonworking, working, shortened", s)
}

// DayType is what a day is in a production calendar.
type DayType uint8

// Day types.
const (
	Off   DayType = iota // weekend or non-working holiday
	Full                 // a full working day
	Short                // a working day shortened before a holiday
)

// Label is the Russian name.
func (t DayType) Label() string {
	switch t {
	case Full:
		return "рабочий"
	case Short:
		return "сокращённый"
	}
	return "выходной"
}

// Status says how far a year's federal calendar is known.
type Status uint8

// Year statuses.
const (
	Missing     Status = iota // nothing loaded: only weekends are known
	Provisional               // the Labour Code's holidays only; the year's decree is not loaded
	Decree                    // the year's government decree is loaded
)

func (s Status) String() string {
	switch s {
	case Provisional:
		return "provisional"
	case Decree:
		return "decree"
	}
	return "missing"
}

// Label is the Russian description.
func (s Status) Label() string {
	switch s {
	case Provisional:
		return "предварительный: только праздники Трудового кодекса, постановление о переносе выходных не загружено"
	case Decree:
		return "утверждён постановлением Правительства"
	}
	return "не загружен: известны только выходные"
}

// ParseStatus reads decree or provisional.
func ParseStatus(s string) (Status, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "decree", "утверждён", "утвержден":
		return Decree, nil
	case "provisional", "предварительный":
		return Provisional, nil
	}
	return 0, fmt.Errorf("«%s» — неизвестный статус года; допустимы decree, provisional", s)
}
