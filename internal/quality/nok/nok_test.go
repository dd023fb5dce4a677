package nok

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/quality/fhirq"
)

func builtin(t testing.TB) *Builtin {
	t.Helper()
	b, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBuiltin(t *testing.T) {
	b := builtin(t)
	m := b.Methodology
	if len(m.Criteria) != 5 {
		t.Errorf("%d criteria, want the five of 201н", len(m.Criteria))
	}
	for _, v := range []string{Outpatient, Inpatient} {
		q := b.Forms[v]
		if q == nil || q.Status != "active" || !strings.Contains(q.Purpose, "442") {
			t.Errorf("form %s missing or without its source", v)
		}
	}
	// The weights of 344н.
	want := map[string][]float64{"k1": {.3, .3, .4}, "k2": {.3, .4, .3}, "k3": {.3, .4, .3}, "k4": {.4, .4, .2}, "k5": {.3, .2, .5}}
	for _, c := range m.Criteria {
		for i, ind := range c.Indicators {
			if ind.Weight != want[c.ID][i] {
				t.Errorf("%s.%s weight %g, want %g", c.ID, ind.ID, ind.Weight, want[c.ID][i])
			}
		}
	}
}

const sys = "urn:cifra:answer:nok-outpatient"

// respondents builds the ten outpatient answers of the hand-computed case
// (see TestScoreHandComputed).
func respondents() []fhirq.FlatResponse {
	yes := func(link string, v bool) fhirq.FlatAnswer {
		return fhirq.FlatAnswer{LinkID: link, Kind: fhirq.KindBoolean, Bool: v}
	}
	code := func(link, c string) fhirq.FlatAnswer {
		return fhirq.FlatAnswer{LinkID: link, Kind: fhirq.KindCoding, System: sys, Code: c}
	}
	var out []fhirq.FlatResponse
	for i := range 10 {
		r := fhirq.FlatResponse{Status: "completed", Questionnaire: "urn:cifra:questionnaire:nok-outpatient"}
		add := func(a ...fhirq.FlatAnswer) { r.Answers = append(r.Answers, a...) }
		add(yes("stand_used", i < 8))
		if i < 8 {
			add(yes("stand_satisfied", i < 6))
		}
		add(yes("site_used", i < 4))
		if i < 4 {
			add(yes("site_satisfied", i < 2))
		}
		add(yes("appointment_first", true))
		if i < 5 {
			add(code("wait_days", "d14"))
		} else {
			add(code("wait_days", "d6"))
		}
		add(yes("on_time", i < 7), yes("comfort", i < 9))
		if i == 9 {
			add(code("comfort_missing", "seats"), code("comfort_missing", "water"))
		}
		add(yes("disabled", i < 2))
		if i < 2 {
			add(code("disabled_group", "g2"), yes("disabled_satisfied", i < 1))
			if i == 1 {
				add(code("disabled_missing", "ramps"))
			}
		}
		add(yes("polite_first", true), yes("polite_care", i < 8), yes("remote_used", i < 5))
		if i < 5 {
			add(yes("remote_polite", i < 4))
		}
		add(yes("recommend", i < 9), yes("org_conditions", i < 6), yes("overall", i < 7))
		if i == 0 {
			add(fhirq.FlatAnswer{LinkID: "suggestions", Kind: fhirq.KindString, Str: "  Спасибо врачу Петровой  "})
		}
		out = append(out, r)
	}
	return out
}

func tally(t *testing.T, b *Builtin) *Tally {
	t.Helper()
	f, issues := fhirq.Compile(b.Forms[Outpatient])
	if f == nil {
		t.Fatal(issues)
	}
	s := fhirq.NewScorer(f)
	tl := NewTally()
	for i, r := range respondents() {
		if issues := f.Validate(&r); len(issues) > 0 {
			t.Fatalf("respondent %d: %v", i, issues)
		}
		tl.Add(&r, s)
	}
	return tl
}

var audit = Audit{"info_stand_present": 18, "info_stand_required": 20, "info_site_present": 27, "info_site_required": 30,
	"remote_channels": 4, "comfort_conditions": 3, "disabled_facilities": 5, "disabled_services": 2}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestScoreHandComputed: ten respondents and an audit, scored by hand with
// the formulas of 344н:
//
//	K1 = 0.3·90 (stands 18/20, site 27/30) + 0.3·100 (4 channels × 30, capped)
//	   + 0.4·62.5 (stands 6/8 and site 2/4 satisfied)            = 82
//	K2 = 0.3·60 (3 conditions × 20) + 0.4·65 (on time 7/10 → 70; mean wait
//	   (5·14 + 5·6)/10 = 10 days → 60) + 0.3·90 (comfort 9/10)    = 71
//	K3 = 0.3·100 (5 × 20) + 0.4·40 (2 × 20) + 0.3·50 (1 of 2)     = 61
//	K4 = 0.4·100 + 0.4·80 + 0.2·80 (4 of 5 remote)                = 88
//	K5 = 0.3·90 + 0.2·60 + 0.5·70                                  = 74
//	total = (82 + 71 + 61 + 88 + 74) / 5                           = 75.2
func TestScoreHandComputed(t *testing.T) {
	b := builtin(t)
	tl := tally(t, b)
	s := b.Methodology.Score(Outpatient, tl, audit)
	want := map[string]float64{"k1": 82, "k2": 71, "k3": 61, "k4": 88, "k5": 74}
	for id, w := range want {
		c, _ := s.Criterion(id)
		if !c.Available || !near(c.Score, w) {
			t.Errorf("%s = %v (available %v), want %v", id, c.Score, c.Available, w)
		}
	}
	if !s.Available || !near(s.Total, 75.2) || s.Respondents != 10 {
		t.Errorf("total %v from %d, want 75.2 from 10", s.Total, s.Respondents)
	}

	// Without the audit the survey indicators carry the criteria alone:
	// K1 = 62.5, K3 = 50 (only the disabled respondents' share).
	s = b.Methodology.Score(Outpatient, tl, nil)
	if c, _ := s.Criterion("k1"); !near(c.Score, 62.5) {
		t.Errorf("k1 without audit = %v, want 62.5", c.Score)
	}
	if c, _ := s.Criterion("k3"); !near(c.Score, 50) {
		t.Errorf("k3 without audit = %v, want 50", c.Score)
	}
	// Below min_respondents only the audit counts; with neither, nothing.
	few := NewTally()
	few.Respondents = 3
	s = b.Methodology.Score(Outpatient, few, nil)
	if s.Available {
		t.Errorf("3 respondents and no audit gave a total %v", s.Total)
	}
}

// TestTallyRowsMatchAdd: the counts a store computes with GROUP BY give the
// same score as adding responses one by one.
func TestTallyRowsMatchAdd(t *testing.T) {
	b := builtin(t)
	direct := tally(t, b)
	rows := map[[2]string]*TallyRow{}
	for _, r := range respondents() {
		for _, a := range r.Answers {
			v := a.Code
			if a.Kind == fhirq.KindBoolean {
				v = map[bool]string{true: "true", false: "false"}[a.Bool]
			}
			k := [2]string{a.LinkID, v}
			if rows[k] == nil {
				rows[k] = &TallyRow{LinkID: a.LinkID, Value: v}
			}
			rows[k].Count++
			if a.LinkID == "wait_days" {
				rows[k].ScoreN++
				rows[k].ScoreSum += map[string]float64{"d14": 14, "d6": 6}[a.Code]
			}
		}
	}
	fromRows := NewTally()
	fromRows.Respondents = 10
	for _, r := range rows {
		fromRows.AddRow(*r)
	}
	a := b.Methodology.Score(Outpatient, direct, audit)
	c := b.Methodology.Score(Outpatient, fromRows, audit)
	if !near(a.Total, c.Total) {
		t.Errorf("rows %v, responses %v", c.Total, a.Total)
	}
}

func TestCombineAndAggregate(t *testing.T) {
	mk := func(total float64, ks ...float64) Score {
		s := Score{Total: total, Available: true, Respondents: 10}
		for i, k := range ks {
			s.Criteria = append(s.Criteria, CriterionScore{ID: string(rune('a' + i)), Score: k, Available: k >= 0})
		}
		return s
	}
	c := Combine([]Score{mk(0, 80, 60), mk(0, 60, -1)})
	if !near(c.Criteria[0].Score, 70) || !near(c.Criteria[1].Score, 60) || !near(c.Total, 65) || c.Respondents != 20 {
		t.Errorf("combine %+v", c)
	}
	a := Aggregate([]Score{mk(70, 70, 50), mk(90, 90, -1), {Available: false, Criteria: []CriterionScore{{}, {}}}})
	if !near(a.Total, 80) || !near(a.Criteria[0].Score, 80) || !near(a.Criteria[1].Score, 50) {
		t.Errorf("aggregate %+v", a)
	}
}

func TestSplitComments(t *testing.T) {
	b := builtin(t)
	r := respondents()[0]
	n := len(r.Answers)
	kept, comments := b.Methodology.SplitComments(r)
	if len(comments) != 1 || comments[0].Text != "Спасибо врачу Петровой" || len(kept.Answers) != n-1 {
		t.Errorf("comments %v, kept %d of %d", comments, len(kept.Answers), n)
	}
	for _, a := range kept.Answers {
		if a.LinkID == "suggestions" {
			t.Error("free text left in the response")
		}
	}
}

func TestParseMethodologyErrors(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"id: x\nname: y\nvariants: {outpatient: a}\ncriteria:\n - id: k\n   indicators:\n    - {id: p, weight: 0.5, parts: [{share: {yes: q}}]}\n", "сумма весов показателей 0.5"},
		{"id: x\nname: y\nvariants: {outpatient: a}\ncriteria:\n - id: k\n   indicators:\n    - {id: p, weight: 1, parts: [{share: {yes: q}, scale: {question: q, steps: [{min: 1, points: 1}]}}]}\n", "ровно один вид части"},
		{"id: x\nname: y\nvariants: {outpatient: a}\ncriteria:\n - id: k\n   indicators:\n    - {id: p, weight: 1, parts: [{audit_ratio: {present: cats, required: dogs}}]}\n", "audit_ratio: поля аудита"},
		{"id: x\nname: y\ncolour: red\n", "m.yaml: неверный файл методики"},
	} {
		_, err := ParseMethodology("m.yaml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.doc, err, c.want)
		}
	}
}

func TestCheckFormsCatchesUnknownQuestion(t *testing.T) {
	b := builtin(t)
	m := *b.Methodology
	m.Criteria = append([]Criterion(nil), m.Criteria...)
	m.Criteria[0].Indicators = append([]Indicator(nil), m.Criteria[0].Indicators...)
	m.Criteria[0].Indicators[2].Parts = []Part{{Share: &Share{Yes: "nope"}}}
	if err := m.CheckForms(b.Forms); err == nil || !strings.Contains(err.Error(), `нет вопроса "nope"`) {
		t.Errorf("CheckForms: %v", err)
	}
}

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestChallenge(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tok, err := IssueChallenge(secret, "1.2.643.5.1.13.13.12.2.71.1001", now, 8, bytes.NewReader(make([]byte, 64)))
	if err != nil {
		t.Fatal(err)
	}
	sol := Solve(tok, 8)
	later := now.Add(time.Minute)
	if err := VerifyChallenge(secret, tok, sol, "1.2.643.5.1.13.13.12.2.71.1001", later, 5*time.Second, time.Hour); err != nil {
		t.Fatalf("good solution: %v", err)
	}
	cases := []struct {
		name         string
		secret       []byte
		tok, sol, mo string
		at           time.Time
		want         error
	}{
		{"other МО", secret, tok, sol, "1.2.643.5.1.13.13.12.2.71.1002", later, ErrChallengeBad},
		{"other secret", []byte("x"), tok, sol, "1.2.643.5.1.13.13.12.2.71.1001", later, ErrChallengeBad},
		{"tampered", secret, tampered(tok), sol, "1.2.643.5.1.13.13.12.2.71.1001", later, ErrChallengeBad},
		{"too fast", secret, tok, sol, "1.2.643.5.1.13.13.12.2.71.1001", now.Add(time.Second), ErrTooFast},
		{"expired", secret, tok, sol, "1.2.643.5.1.13.13.12.2.71.1001", now.Add(2 * time.Hour), ErrChallengeExpired},
		{"from the future", secret, tok, sol, "1.2.643.5.1.13.13.12.2.71.1001", now.Add(-time.Minute), ErrChallengeBad},
		{"not a number", secret, tok, "12a", "1.2.643.5.1.13.13.12.2.71.1001", later, ErrChallengeBad},
		{"huge token", secret, strings.Repeat("a", 10000), sol, "x", later, ErrChallengeBad},
	}
	for _, c := range cases {
		if err := VerifyChallenge(c.secret, c.tok, c.sol, c.mo, c.at, 5*time.Second, time.Hour); err != c.want {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// A wrong solution fails: find a counter that does not meet 8 bits.
	for i := 0; ; i++ {
		s := strings.Repeat("9", 1) + string(rune('0'+i%10))
		if leadingZeroBits(tok, s) < 8 {
			if err := VerifyChallenge(secret, tok, s, "1.2.643.5.1.13.13.12.2.71.1001", later, 0, time.Hour); err != ErrChallengeBad {
				t.Errorf("unsolved: %v", err)
			}
			break
		}
	}
	if _, err := IssueChallenge(secret, "x", now, MaxChallengeBits+1, bytes.NewReader(make([]byte, 64))); err == nil {
		t.Error("difficulty above the cap accepted")
	}
}

func TestDeviceDayKey(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	at := time.Date(2026, 3, 1, 20, 30, 0, 0, time.UTC) // 23:30 in Moscow
	k := DeviceDayKey(secret, "c1", "mo1", at, msk)
	if k != DeviceDayKey(secret, "c1", "mo1", at.Add(20*time.Minute), msk) {
		t.Error("same Moscow day gave another key")
	}
	for name, other := range map[string]string{
		"next Moscow day": DeviceDayKey(secret, "c1", "mo1", at.Add(40*time.Minute), msk),
		"other МО":        DeviceDayKey(secret, "c1", "mo2", at, msk),
		"other device":    DeviceDayKey(secret, "c2", "mo1", at, msk),
		"shifted fields":  DeviceDayKey(secret, "c1m", "o1", at, msk),
		"other secret":    DeviceDayKey([]byte("s"), "c1", "mo1", at, msk),
	} {
		if other == k {
			t.Errorf("%s gave the same key", name)
		}
	}
	c1, _ := NewDeviceCookie(bytes.NewReader(bytes.Repeat([]byte{1}, 16)))
	if len(c1) != 32 {
		t.Errorf("cookie %q", c1)
	}
	if CheckHoneypot("") != nil || CheckHoneypot("http://spam") != ErrHoneypot {
		t.Error("honeypot")
	}
}

func FuzzVerifyChallenge(f *testing.F) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tok, _ := IssueChallenge(secret, "mo", now, 4, bytes.NewReader(make([]byte, 64)))
	f.Add(tok, Solve(tok, 4), "mo")
	f.Add("x.y", "1", "")
	f.Fuzz(func(t *testing.T, tok, sol, mo string) {
		err := VerifyChallenge(secret, tok, sol, mo, now.Add(time.Minute), 0, time.Hour)
		if err == nil {
			// Only a token signed with the secret passes.
			p, _, _ := cut(tok)
			if !strings.HasPrefix(tok, p) || len(p) < 30 {
				t.Fatalf("accepted %q", tok)
			}
		}
	})
}

func FuzzParseMethodology(f *testing.F) {
	data, _ := files.ReadFile("methodology.yaml")
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMethodology("fuzz.yaml", data)
		if err == nil {
			m.Score(Outpatient, NewTally(), audit)
		}
	})
}

// tampered changes one character of the token's payload.
func tampered(tok string) string {
	b := []byte(tok)
	if b[5] == 'B' {
		b[5] = 'C'
	} else {
		b[5] = 'B'
	}
	return string(b)
}
