package nok

import (
	"strconv"

	"github.com/cifra-health/cifra/internal/quality/fhirq"
)

// Tally counts the answers of one МО, period and variant: respondents, and
// per question and value how many chose it and the sum of the option
// scores. It is all the scoring needs, so the store may compute it with a
// GROUP BY over answer rows (TallyRow) instead of loading responses.
type Tally struct {
	Respondents int
	counts      map[string]int
	scoreSum    map[string]float64
	scoreN      map[string]int
}

// TallyRow is one group of answers: question, value ("true", "false" or an
// option code), count and the sum of the option scores.
type TallyRow struct {
	LinkID   string
	Value    string
	Count    int
	ScoreSum float64
	ScoreN   int
}

// NewTally returns an empty tally.
func NewTally() *Tally {
	return &Tally{counts: map[string]int{}, scoreSum: map[string]float64{}, scoreN: map[string]int{}}
}

// AddRow adds a pre-counted group.
func (t *Tally) AddRow(r TallyRow) {
	t.counts[r.LinkID+"="+r.Value] += r.Count
	t.scoreSum[r.LinkID] += r.ScoreSum
	t.scoreN[r.LinkID] += r.ScoreN
}

// Add counts one response; s gives the option scores (nil: only the
// scores written on the answers).
func (t *Tally) Add(r *fhirq.FlatResponse, s *fhirq.Scorer) {
	t.Respondents++
	for i := range r.Answers {
		a := &r.Answers[i]
		switch a.Kind {
		case fhirq.KindBoolean:
			t.counts[a.LinkID+"="+strconv.FormatBool(a.Bool)]++
		case fhirq.KindCoding:
			t.counts[a.LinkID+"="+a.Code]++
		}
	}
	if s == nil {
		return
	}
	for _, is := range s.Score(r, true).Items {
		t.scoreSum[is.LinkID] += is.Score
		t.scoreN[is.LinkID]++
	}
}

// Count returns how many answered question link with value.
func (t *Tally) Count(link, value string) int { return t.counts[link+"="+value] }

// MeanScore returns the mean option score of the answers to link.
func (t *Tally) MeanScore(link string) (float64, bool) {
	n := t.scoreN[link]
	if n == 0 {
		return 0, false
	}
	return t.scoreSum[link] / float64(n), true
}
