package web

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cifra-health/cifra/internal/report"
)

func TestFeedPagesEmpty(t *testing.T) {
	f := newAuthFixture(t)
	for path, want := range map[string]string{
		"/slots":                 "Поток расписаний ещё не загружен",
		"/slots?region=RU-TUL":   "Поток расписаний ещё не загружен",
		"/pathway":               "Поток записей ещё не загружен",
		"/pathway?region=RU-TUL": "Поток записей ещё не загружен",
	} {
		w := f.do("GET", path, "", "", "", "", "")
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: %d, lacks %q", path, w.Code, want)
		}
	}
	var snaps struct{ Snapshots []string }
	w := f.do("GET", "/api/v1/feed/snapshots", "", "", "", "", "")
	decode(t, w.Body.String(), &snaps)
	if w.Code != 200 || snaps.Snapshots == nil || len(snaps.Snapshots) != 0 {
		t.Errorf("snapshots of an empty store: %d %s", w.Code, w.Body.String())
	}
	if w := f.do("GET", "/api/v1/feed/slots", "", "", "", "", ""); w.Code != http.StatusNotFound {
		t.Errorf("slots of an empty store: %d", w.Code)
	}
}

func TestFeedSlotsPage(t *testing.T) {
	f := newFeedFixture(t, 400)
	page := func(target string) string {
		t.Helper()
		w := f.do("GET", target, "", "", "", "", "")
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", target, w.Code, w.Body.String())
		}
		return w.Body.String()
	}
	html := page("/slots")
	for _, want := range []string{"Доступность записи к врачу", report.SyntheticNote, `class="chart chart-heat"`, "Субъект РФ", "Тульская область",
		"участковый терапевт", "Динамика по снимкам", `class="chart chart-line"`, "Первичное звено без свободного слота", `aria-current="page">Запись к врачу`} {
		if !strings.Contains(html, want) {
			t.Errorf("/slots lacks %q", want)
		}
	}
	html = page("/slots?region=RU-TUL&metric=horizon&norm=0")
	for _, want := range []string{"Доступность записи к врачу: Тульская область", "МО 1", "МО 2", "Горизонт записи, дней", `value="RU-TUL" selected`} {
		if !strings.Contains(html, want) {
			t.Errorf("/slots?region=RU-TUL lacks %q", want)
		}
	}
	if strings.Contains(html, "МО 3") {
		t.Error("Tula's page shows the Tambov МО")
	}
	// The page's totals agree with the API's rows.
	var sl SlotsJSON
	decode(t, f.do("GET", "/api/v1/feed/slots?region=RU-TUL", "", "", "", "", "").Body.String(), &sl)
	var free int64
	for _, r := range sl.Rows {
		free += r.Free
	}
	m := regexp.MustCompile(`id="kpi-free">([^<]+)<`).FindStringSubmatch(html)
	if m == nil || strings.ReplaceAll(m[1], "\u00a0", "") != itoa64(free) {
		t.Errorf("page free slots %v, API %d", m, free)
	}
	var al AlertsJSON
	decode(t, f.do("GET", "/api/v1/feed/alerts?region=RU-TUL&norm=0", "", "", "", "", "").Body.String(), &al)
	if m := regexp.MustCompile(`id="kpi-alerts">(\d+)<`).FindStringSubmatch(html); m == nil || m[1] != itoa64(int64(len(al.Alerts))) {
		t.Errorf("page alerts %v, API %d", m, len(al.Alerts))
	}
	page("/slots?specialty=therapist&snapshot=2020-11-24T06:00:00Z")
	for _, bad := range []string{"/slots?region=XX", "/slots?norm=-1", "/slots?specialty=nope", "/slots?snapshot=2001-01-01T00:00:00Z"} {
		if w := f.do("GET", bad, "", "", "", "", ""); w.Code != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", bad, w.Code)
		}
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func TestFeedPathwayPage(t *testing.T) {
	f := newFeedFixture(t, 400)
	anon := f.do("GET", "/pathway?region=RU-TUL", "", "", "", "", "").Body.String()
	for _, want := range []string{"Путь пациента: Тульская область", "Воронка", `class="chart chart-bars"`, `class="chart chart-flow"`,
		"Время между шагами", "Потерянные случаи", "Приём без ЭМД", "доступны после входа", report.SyntheticNote} {
		if !strings.Contains(anon, want) {
			t.Errorf("anonymous /pathway lacks %q", want)
		}
	}
	if strings.Contains(anon, `class="lost-list"`) || strings.Contains(anon, "lost.xlsx") {
		t.Error("anonymous /pathway shows a lost-case list")
	}
	// In scope: the lists, limited to the caller's МО.
	mo := f.account("mo_operator")
	w := f.do("GET", "/pathway?region=RU-TUL", "", "", mo.session, "", "")
	in := w.Body.String()
	if !strings.Contains(in, `class="lost-list"`) || !strings.Contains(in, "/pathway/lost.xlsx?days=3&amp;kind=visit_no_emd&amp;orgunit=MO-TUL-1") {
		t.Fatalf("in-scope /pathway has no lists: %s", in[strings.Index(in, "Потерянные"):][:600])
	}
	if w.Header().Get("Cache-Control") != "private, no-store" {
		t.Errorf("lists cached: %q", w.Header().Get("Cache-Control"))
	}
	if strings.Contains(in, "<td>МО 2</td>") {
		t.Error("an МО operator sees another МО's cases")
	}
	// Out of scope: counts only.
	tam := f.do("GET", "/pathway?region=RU-TAM", "", "", mo.session, "", "").Body.String()
	if strings.Contains(tam, `class="lost-list"`) || !strings.Contains(tam, "вне вашей зоны доступа") {
		t.Error("out-of-scope /pathway shows lists or no note")
	}
}

func TestFeedLostXLSX(t *testing.T) {
	f := newFeedFixture(t, 400)
	mo := f.account("mo_operator")
	if w := f.do("GET", "/pathway/lost.xlsx?orgunit=MO-TUL-1", "", "", "", "", ""); w.Code != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want a redirect to the login", w.Code)
	}
	if w := f.do("GET", "/pathway/lost.xlsx?orgunit=MO-TAM-1", "", "", mo.session, "", ""); w.Code != http.StatusForbidden {
		t.Errorf("out of scope: %d", w.Code)
	}
	w := f.do("GET", "/pathway/lost.xlsx?kind=visit_no_emd&orgunit=MO-TUL-1", "", "", mo.session, "", "")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != report.ContentTypeXLSX {
		t.Fatalf("xlsx: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	x, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(report.SheetLost)
	if err != nil {
		t.Fatal(err)
	}
	var api struct{ Cases []LostJSON }
	decode(t, f.do("GET", "/api/v1/feed/pathway/lost?kind=visit_no_emd&orgunit=MO-TUL-1", "", "", mo.session, "", "").Body.String(), &api)
	if len(rows) != 2+len(api.Cases) || rows[0][0] != report.SyntheticNote || rows[1][0] != "Список" || len(api.Cases) == 0 {
		t.Fatalf("%d rows (API %d cases): %v", len(rows), len(api.Cases), rows[:min(3, len(rows))])
	}
	for i, c := range api.Cases {
		r := rows[2+i]
		if r[0] != "Приём без ЭМД" || r[1] != c.Case || r[4] != "MO-TUL-1" || r[7] != c.Patient {
			t.Errorf("row %d %v, API %+v", i, r, c)
		}
	}
}
