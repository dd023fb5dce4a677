package history

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/cifra-health/cifra/internal/support/ticket"
)

// check: an import either fails with located errors or yields tickets
// whose histories replay and whose clocks run forward.
func checkImport(t *testing.T, tks []*ticket.Ticket, err error) {
	if err != nil {
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 || len(es) > MaxErrors {
			t.Fatalf("errors not located or unbounded: %T %v", err, err)
		}
		return
	}
	for _, tk := range tks {
		if _, err := ticket.Replay(0, tk.Events); err != nil {
			t.Fatalf("history does not replay: %v", err)
		}
		tl := tk.Timeline()
		if !tl.Resolved.IsZero() && tl.Resolved.Before(tl.Created) {
			t.Fatalf("resolved before created: %+v", tl)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	b, err := os.ReadFile("testdata/history.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		tks, err := ReadCSV(bytes.NewReader(b), "f.csv", opts())
		checkImport(t, tks, err)
	})
}

func FuzzReadRedmine(f *testing.F) {
	for _, n := range []string{"issues-ru-utf8.csv", "issues-en-utf8.csv"} {
		b, err := os.ReadFile("testdata/redmine/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tks, err := ReadRedmine(bytes.NewReader(b), "f.csv", RedmineOptions{Options: opts()})
		checkImport(t, tks, err)
	})
}
