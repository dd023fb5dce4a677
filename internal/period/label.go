package period

import "fmt"

var monthNames = [...]string{"", "январь", "февраль", "март", "апрель", "май", "июнь",
	"июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}

var quarterNumerals = [...]string{"", "I", "II", "III", "IV"}

// Label returns the Russian label shown to users: "2021 год",
// "I квартал 2021", "март 2021", "неделя 5, 2021", "15.03.2021".
func (p Period) Label() string {
	switch p.typ {
	case Yearly:
		return fmt.Sprintf("%d год", p.year)
	case Quarterly:
		return fmt.Sprintf("%s квартал %d", quarterNumerals[p.n], p.year)
	case Monthly:
		return fmt.Sprintf("%s %d", monthNames[p.n], p.year)
	case Weekly:
		return fmt.Sprintf("неделя %d, %d", p.n, p.year)
	case Daily:
		return p.Start().Format("02.01.2006")
	}
	return ""
}
