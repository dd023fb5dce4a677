package nok

import (
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/quality/fhirq"
)

// Comment is a free-text answer, kept apart from the scores: it may name
// people, so only the МО's staff and the region see it.
type Comment struct {
	LinkID string
	Text   string
}

// SplitComments moves the answers to the methodology's comment items out of
// r: the returned response has no free text left for public statistics.
func (m *Methodology) SplitComments(r fhirq.FlatResponse) (fhirq.FlatResponse, []Comment) {
	var comments []Comment
	kept := make([]fhirq.FlatAnswer, 0, len(r.Answers))
	for _, a := range r.Answers {
		if slices.Contains(m.CommentItems, a.LinkID) {
			if t := strings.TrimSpace(a.Str); t != "" {
				comments = append(comments, Comment{LinkID: a.LinkID, Text: t})
			}
			continue
		}
		kept = append(kept, a)
	}
	r.Answers = kept
	return r, comments
}
