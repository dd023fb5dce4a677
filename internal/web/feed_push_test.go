package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

const pushSchedules = "schedule_id,org_unit,specialty,active,practitioner\n" +
	"push-s1,MO-TUL-1,therapist,true,PractitionerRole/p1\n"

const pushSlots = "slot_id;schedule_id;status;start;end;specialty;epgu\n" +
	"push-a;push-s1;free;2026-11-23T09:00:00+03:00;2026-11-23T09:15:00+03:00;therapist;да\n" +
	"push-b;push-s1;busy;2026-11-23T09:15:00+03:00;2026-11-23T09:30:00+03:00;therapist;0\n"

func TestFeedPush(t *testing.T) {
	f := newAuthFixture(t)
	ctx := context.Background()
	mo := f.account("mo_operator")        // MO-TUL-1
	reg := f.account("regional_operator") // RU-TUL
	push := func(a *account, query, body string) (int, string) {
		t.Helper()
		session := ""
		if a != nil {
			session = a.session
		}
		w := f.do("POST", "/api/v1/feed"+query, "text/csv", body, session, "", "same-origin")
		// Compact, so that the checks need not know the indentation.
		return w.Code, strings.Join(strings.Fields(w.Body.String()), "")
	}
	total := func() int64 {
		t.Helper()
		c, err := f.st.FeedCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, v := range c {
			n += v
		}
		return n
	}

	if code, _ := push(nil, "", pushSchedules); code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", code)
	}
	if code, _ := push(f.account("governor"), "", pushSchedules); code != http.StatusForbidden {
		t.Errorf("governor (no write permission): %d", code)
	}
	// Another МО's schedule: refused, nothing written.
	code, body := push(mo, "", strings.ReplaceAll(pushSchedules, "MO-TUL-1", "MO-TUL-2"))
	if code != http.StatusForbidden || !strings.Contains(body, `"out_of_scope_org_units":["MO-TUL-2"]`) || total() != 0 {
		t.Errorf("out of scope: %d %s, %d records stored", code, body, total())
	}
	// An МО the directory does not know: its scope cannot be checked.
	code, body = push(mo, "", strings.ReplaceAll(pushSchedules, "MO-TUL-1", "1.2.3.4.5"))
	if code != http.StatusForbidden || !strings.Contains(body, `"unmapped_records":1`) || total() != 0 {
		t.Errorf("unmapped for a non-national caller: %d %s", code, body)
	}
	// A bad record: 422 naming the line and the field, nothing written.
	bad := strings.Replace(pushSlots, "2026-11-23T09:15:00+03:00;2026-11-23T09:30", "2026-11-23T25:15:00+03:00;2026-11-23T09:30", 1)
	code, body = push(mo, "", pushSchedules)
	if code != http.StatusOK || !strings.Contains(body, `"status":"loaded"`) {
		t.Fatalf("schedules: %d %s", code, body)
	}
	before := total()
	code, body = push(mo, "?snapshot=2026-11-23T06:00:00Z", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `"line":3`) || !strings.Contains(body, `"field":"start"`) || total() != before {
		t.Errorf("bad record: %d %s", code, body)
	}
	// Slots of a stored schedule in scope: loaded; the same body again: unchanged.
	code, body = push(mo, "?snapshot=2026-11-23T06:00:00Z", pushSlots)
	if code != http.StatusOK || !strings.Contains(body, `"status":"loaded"`) || !strings.Contains(body, `"Slot":2`) {
		t.Fatalf("slots: %d %s", code, body)
	}
	n := total()
	code, body = push(mo, "?snapshot=2026-11-23T06:00:00Z", pushSlots)
	if code != http.StatusOK || !strings.Contains(body, `"status":"unchanged"`) || total() != n {
		t.Errorf("again: %d %s", code, body)
	}
	// Slots of that schedule pushed by an МО it does not belong to.
	tam := f.account("auditor") // read-only: refused by permission before scope
	if code, _ := push(tam, "", pushSlots); code != http.StatusForbidden {
		t.Errorf("auditor: %d", code)
	}
	// Taking over a stored schedule by reusing its id: the stored МО counts.
	code, body = push(reg, "", strings.ReplaceAll(strings.ReplaceAll(pushSchedules, "push-s1", "push-s2"), "MO-TUL-1", "MO-TUL-2"))
	if code != http.StatusOK {
		t.Fatalf("regional schedule: %d %s", code, body)
	}
	code, body = push(mo, "", strings.ReplaceAll(pushSchedules, "push-s1", "push-s2"))
	if code != http.StatusForbidden || !strings.Contains(body, "MO-TUL-2") {
		t.Errorf("overwriting another МО's schedule: %d %s", code, body)
	}
	// Unknown media type.
	w := f.do("POST", "/api/v1/feed", "application/pdf", pushSchedules, mo.session, "", "same-origin")
	if w.Code != http.StatusUnsupportedMediaType {
		t.Errorf("pdf: %d", w.Code)
	}
}
