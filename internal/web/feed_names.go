package web

import (
	"cmp"

	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/slots"
)

// specialtyNames are Russian names of the specialty codes of
// docs/feed-csv.md beyond the first-contact ones (slots.FirstContact).
func specialtyNames() map[string]string {
	return map[string]string{
		"cardiology":       "кардиолог",
		"neurology":        "невролог",
		"ophthalmology":    "офтальмолог",
		"surgery":          "хирург",
		"otolaryngology":   "оториноларинголог",
		"endocrinology":    "эндокринолог",
		"gynecology":       "акушер-гинеколог",
		"urology":          "уролог",
		"dermatology":      "дерматовенеролог",
		"psychiatry":       "психиатр",
		"oncology":         "онколог",
		"traumatology":     "травматолог-ортопед",
		"infectious":       "инфекционист",
		"gastroenterology": "гастроэнтеролог",
		"pulmonology":      "пульмонолог",
		"dentistry":        "стоматолог",
	}
}

func specialtyName(code string) string {
	if n, ok := slots.FirstContact[code]; ok {
		return n
	}
	if n, ok := specialtyNames()[code]; ok {
		return n
	}
	if code == "" {
		return "(специальность не указана)"
	}
	return code
}

// activityNames are the Russian names of the steps of the path.
func activityNames() map[pathway.Activity]string {
	return map[pathway.Activity]string{
		pathway.Booked:        "Запись",
		pathway.Cancelled:     "Отмена записи",
		pathway.Visit:         "Приём",
		pathway.EMDCreated:    "ЭМД создан",
		pathway.EMDRegistered: "ЭМД зарегистрирован в РЭМД",
		pathway.Referral:      "Направление",
		pathway.NextBooking:   "Запись по направлению",
		pathway.Start:         "Начало",
		pathway.End:           "Конец",
	}
}

func activityName(a pathway.Activity) string { return cmp.Or(activityNames()[a], string(a)) }

// lostNames name the lost-case lists.
func lostNames() map[pathway.LostKind]string {
	return map[pathway.LostKind]string{
		pathway.LostNoVisit:   "Записаны, но приём не состоялся",
		pathway.LostNoEMD:     "Приём без ЭМД",
		pathway.LostNoBooking: "Направление без записи",
	}
}
