package history

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

func units(u string) (string, bool) {
	if strings.HasPrefix(u, "MO-TUL-") {
		return "RU-TUL", true
	}
	return "", false
}

func opts() Options { return Options{Region: "RU-TUL", UnitRegion: units} }

func utc(s string) time.Time {
	t, err := time.Parse("02.01.2006 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// summary is what a test compares of an imported ticket.
type summary struct {
	External, OrgUnit, System, Module string
	Kind                              ticket.Kind
	Priority                          priority.Priority
	State                             ticket.State
	Code                              ticket.Code
	Created, Responded, Resolved      time.Time
}

func sum(t *ticket.Ticket) summary {
	return summary{t.External, t.OrgUnit, t.System, t.Module, t.Kind, t.Priority, t.State, t.Code, t.Created, t.Responded, t.Resolved}
}

// TestRedmine reads the exports Redmine 5.0.4 produced here
// (testdata/redmine/README.md), in Russian (UTF-8 and Windows-1251) and
// English; times are UTC, the exporting user's zone.
func TestRedmine(t *testing.T) {
	want := []summary{
		{"redmine:5", "MO-TUL-3", "", "МИС", ticket.Request, priority.Minor, ticket.New, "", utc("28.03.2025 13:55"), time.Time{}, time.Time{}},
		{"redmine:4", "MO-TUL-1", "mis-tul-1", "Запись на приём", ticket.Incident, priority.Normal, ticket.Closed, ticket.OutOfScope, utc("13.01.2025 06:30"), time.Time{}, utc("13.01.2025 06:45")},
		{"redmine:3", "MO-TUL-1", "remd-tul", "ЭМД", ticket.Incident, priority.Normal, ticket.InProgress, "", utc("03.02.2025 07:30"), time.Time{}, time.Time{}},
		{"redmine:2", "MO-TUL-2", "mis-tul-2", "МИС", ticket.Request, priority.Normal, ticket.Resolved, ticket.Solved, utc("20.01.2025 11:03"), time.Time{}, utc("21.01.2025 07:00")},
		{"redmine:1", "MO-TUL-1", "mis-tul-1", "Запись на приём", ticket.Incident, priority.Major, ticket.Closed, ticket.Solved, utc("13.01.2025 06:12"), time.Time{}, utc("13.01.2025 08:40")},
	}
	for _, file := range []string{"issues-ru-utf8.csv", "issues-ru-cp1251.csv", "issues-en-utf8.csv"} {
		t.Run(file, func(t *testing.T) {
			f, err := os.Open("testdata/redmine/" + file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			o := opts()
			o.Zone = time.UTC
			tks, err := ReadRedmine(f, file, RedmineOptions{Options: o})
			if err != nil {
				t.Fatal(err)
			}
			if len(tks) != len(want) {
				t.Fatalf("%d tickets", len(tks))
			}
			for i, tk := range tks {
				if got := sum(tk); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("ticket %d\n got %+v\nwant %+v", i, got, want[i])
				}
				if tk.Source != ticket.Import || tk.Region != "RU-TUL" {
					t.Errorf("source %s region %s", tk.Source, tk.Region)
				}
				if _, err := ticket.Replay(tk.ID, tk.Events); err != nil {
					t.Errorf("history does not replay: %v", err)
				}
			}
			if tks[4].Text != "С утра ошибка 500;\nпациенты не могут записаться" || tks[3].Text != `Новый терапевт, "Иванова А. А."` {
				t.Errorf("descriptions %q / %q", tks[4].Text, tks[3].Text)
			}
			// Redmine records no response: the clocks must not see one.
			if tl := tks[4].Timeline(); !tl.Responded.IsZero() || !tl.Resolved.Equal(utc("13.01.2025 08:40")) {
				t.Errorf("timeline %+v", tl)
			}
		})
	}
}

func TestReadCSV(t *testing.T) {
	f, err := os.Open("testdata/history.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tks, err := ReadCSV(f, "history.csv", opts())
	if err != nil {
		t.Fatal(err)
	}
	msk := func(s string) time.Time { return utc(s).Add(-3 * time.Hour) }
	want := []summary{
		{"cifra:2025-001", "MO-TUL-1", "mis-tul-1", "запись", ticket.Incident, priority.Critical, ticket.Closed, ticket.Solved, msk("13.01.2025 09:12"), msk("13.01.2025 09:20"), msk("13.01.2025 11:40")},
		{"cifra:2025-002", "MO-TUL-2", "mis-tul-2", "", ticket.Request, priority.Minor, ticket.Resolved, ticket.Consultation, msk("20.01.2025 14:03"), msk("20.01.2025 14:30"), msk("21.01.2025 10:00")},
		{"cifra:2025-003", "MO-TUL-1", "remd-tul", "ЭМД", ticket.Incident, priority.Normal, ticket.WaitingVendor, "", msk("03.02.2025 10:30"), msk("03.02.2025 10:45"), time.Time{}},
		{"cifra:2025-004", "MO-TUL-1", "", "", ticket.Incident, priority.Normal, ticket.Closed, ticket.Duplicate, msk("13.01.2025 09:30"), time.Time{}, msk("13.01.2025 09:45")},
	}
	for i, tk := range tks {
		if got := sum(tk); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("ticket %d\n got %+v\nwant %+v", i, got, want[i])
		}
	}
	if !tks[0].Closed.Equal(msk("14.01.2025 09:00")) || tks[2].Vendor != "barsmed" || tks[0].Assignee != "petrov" {
		t.Errorf("closed %v vendor %q assignee %q", tks[0].Closed, tks[2].Vendor, tks[0].Assignee)
	}
	tl := tks[2].Timeline()
	if len(tl.Pauses) != 1 || !tl.Pauses[0].End.IsZero() {
		t.Errorf("waiting for the vendor is an open pause: %+v", tl.Pauses)
	}
}

func TestReadCSVErrors(t *testing.T) {
	const head = "id,orgunit,kind,title,state,created,responded,resolved,closed,impact,urgency,vendor\n"
	tests := []struct{ name, body, want string }{
		{"unknown unit", "1,MO-X,incident,t,new,2025-01-01 10:00,,,,,,\n", "h.csv, строка 2, поле «orgunit»: нет организации «MO-X»"},
		{"bad kind", "1,MO-TUL-1,bug,t,new,2025-01-01 10:00,,,,,,\n", "строка 2, поле «kind»"},
		{"bad state", "1,MO-TUL-1,incident,t,open,2025-01-01 10:00,,,,,,\n", "поле «state»: «open» — неизвестное состояние"},
		{"bad time", "1,MO-TUL-1,incident,t,new,1 января,,,,,,\n", "поле «created»: «1 января» — не время"},
		{"resolved without a time", "1,MO-TUL-1,incident,t,resolved,2025-01-01 10:00,,,,,,\n", "поле «resolved»: заявка решена, но не указано время решения"},
		{"resolved before created", "1,MO-TUL-1,incident,t,resolved,2025-01-02 10:00,,2025-01-01 10:00,,,,\n", "поле «resolved»: решение раньше создания"},
		{"response before created", "1,MO-TUL-1,incident,t,in_progress,2025-01-02 10:00,2025-01-01 10:00,,,,,\n", "поле «responded»: ответ раньше создания"},
		{"closed before resolved", "1,MO-TUL-1,incident,t,closed,2025-01-01 10:00,,2025-01-02 10:00,2025-01-01 12:00,,,\n", "поле «closed»: закрытие раньше решения"},
		{"impact without urgency", "1,MO-TUL-1,incident,t,new,2025-01-01 10:00,,,,1,,\n", "поле «urgency»"},
		{"vendor missing", "1,MO-TUL-1,incident,t,waiting_vendor,2025-01-01 10:00,,,,,,\n", "поле «vendor»: заявка у поставщика"},
		{"duplicate id", "1,MO-TUL-1,incident,t,new,2025-01-01 10:00,,,,,,\n1,MO-TUL-1,incident,t,new,2025-01-01 10:00,,,,,,\n", "строка 3: заявка cifra:1 уже была в строке 2"},
		{"unit of another region", "1,MO-TAM-1,incident,t,new,2025-01-01 10:00,,,,,,\n", "поле «orgunit»: нет организации"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tks, err := ReadCSV(strings.NewReader(head+tc.body), "h.csv", opts())
			if err == nil || tks != nil {
				t.Fatalf("accepted: %d tickets", len(tks))
			}
			var es Errors
			if !errors.As(err, &es) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
	if _, err := ReadRedmine(strings.NewReader("#,Трекер,Статус,Приоритет,Тема,Создано\n"), "r.csv", RedmineOptions{Options: opts()}); err == nil || !strings.Contains(err.Error(), "поле «МО»: нет обязательного столбца") {
		t.Errorf("redmine without the МО field: %v", err)
	}
	const rh = "#,Трекер,Статус,Приоритет,Тема,Создано,МО\n"
	if _, err := ReadRedmine(strings.NewReader(rh+"1,Ошибка,Своя,Нормальный,x,01.01.2025 10:00,MO-TUL-1\n"), "r.csv", RedmineOptions{Options: opts()}); err == nil || !strings.Contains(err.Error(), "r.csv, строка 2, поле «Статус»: «Своя» — статус не сопоставлен") {
		t.Errorf("unknown status: %v", err)
	}
}
