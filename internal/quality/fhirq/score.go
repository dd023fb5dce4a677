package fhirq

// ItemScore is the score of one answer.
type ItemScore struct {
	LinkID string
	Score  float64
}

// Result is the score of one response: the sum of the scores of its
// scored answers. Unscored counts coded answers for which neither the
// answer nor the form gives a score.
type Result struct {
	Total    float64
	Scored   int
	Unscored int
	Items    []ItemScore
}

// Scorer scores responses to one form. It is built once per form; Score
// does no allocation beyond the Items slice it returns when asked.
type Scorer struct {
	f *Form
	// byKey maps linkId + "\x00" + system + "\x00" + code to the score of
	// that option; byCode the same without the system, for answers and
	// options that leave it out.
	byKey  map[string]float64
	byCode map[string]float64
}

// NewScorer indexes the option scores of f.
func NewScorer(f *Form) *Scorer {
	s := &Scorer{f: f, byKey: map[string]float64{}, byCode: map[string]float64{}}
	for _, fi := range f.order {
		for _, o := range fi.options {
			if !o.hasScore || o.kind != KindCoding {
				continue
			}
			s.byKey[fi.LinkID+"\x00"+o.system+"\x00"+o.code] = o.score
			if _, dup := s.byCode[fi.LinkID+"\x00"+o.code]; !dup {
				s.byCode[fi.LinkID+"\x00"+o.code] = o.score
			}
		}
	}
	return s
}

// Score sums the scores of r's coded answers: the ordinalValue (or
// itemWeight) written on the answer's coding wins, else the one on the
// matching answerOption or contained ValueSet concept. When items is true
// the per-answer scores are returned too.
func (s *Scorer) Score(r *FlatResponse, items bool) Result {
	var res Result
	var key []byte
	for i := range r.Answers {
		a := &r.Answers[i]
		if a.Kind != KindCoding {
			continue
		}
		v, ok := a.Score, a.HasScore
		if !ok {
			key = append(append(append(append(append(key[:0], a.LinkID...), 0), a.System...), 0), a.Code...)
			v, ok = s.byKey[string(key)]
			if !ok {
				key = append(append(append(key[:0], a.LinkID...), 0), a.Code...)
				v, ok = s.byCode[string(key)]
			}
		}
		if !ok {
			res.Unscored++
			continue
		}
		res.Total += v
		res.Scored++
		if items {
			res.Items = append(res.Items, ItemScore{LinkID: a.LinkID, Score: v})
		}
	}
	return res
}
