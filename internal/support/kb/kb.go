// Package kb is the support centre's knowledge base: articles agents
// write (known problems, workarounds, how-tos), checked on entry, and the
// articles suggested for a ticket by its system, module and words.
package kb

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Article is one knowledge-base article.
type Article struct {
	ID      string // "kb-12"
	Region  string
	Title   string
	Body    string   // plain text with paragraphs; rendered escaped
	Systems []string // register ids the article is about; empty: any
	Module  string   // "" for any module
	// Public articles are shown to МО staff; the rest only to agents
	// and vendors (internal procedures, server names).
	Public  bool
	Author  string
	Updated time.Time
}

// Bounds of an article.
const (
	MaxTitle = 200
	MaxBody  = 64 << 10
)

// Validate checks an article as an agent submits it.
func (a *Article) Validate() error {
	a.Title = strings.TrimSpace(a.Title)
	switch {
	case a.ID == "":
		return fmt.Errorf("статья без идентификатора")
	case a.Title == "":
		return fmt.Errorf("статья %s: нет заголовка", a.ID)
	case utf8.RuneCountInString(a.Title) > MaxTitle:
		return fmt.Errorf("статья %s: заголовок длиннее %d символов", a.ID, MaxTitle)
	case strings.TrimSpace(a.Body) == "":
		return fmt.Errorf("статья %s: пустой текст", a.ID)
	case len(a.Body) > MaxBody:
		return fmt.Errorf("статья %s: текст длиннее %d КБ", a.ID, MaxBody>>10)
	case !utf8.ValidString(a.Title + a.Body):
		return fmt.Errorf("статья %s: текст не в UTF-8", a.ID)
	}
	return nil
}

// Suggestion is an article with the reason it fits.
type Suggestion struct {
	Article *Article
	Score   float64
}

// Suggest ranks the articles of a ticket's region for its system, module
// and title (public ones only, for МО staff): an article about the
// ticket's system scores 2, its module 1, and each shared word stem 1 (a
// word's first five letters: crude, but Russian endings vary and no
// stemmer is shipped). Articles about another system are left out; at
// most n, best first, ties by most recent.
func Suggest(articles []*Article, region, system, module, title string, publicOnly bool, n int) []Suggestion {
	words := stems(title)
	var out []Suggestion
	for _, a := range articles {
		if a.Region != region || publicOnly && !a.Public {
			continue
		}
		score := 0.0
		if len(a.Systems) > 0 {
			if !slices.Contains(a.Systems, system) {
				continue
			}
			score += 2
		}
		if a.Module != "" && strings.EqualFold(a.Module, module) {
			score++
		}
		for s := range stems(a.Title) {
			if words[s] {
				score++
			}
		}
		if score > 0 {
			out = append(out, Suggestion{a, score})
		}
	}
	slices.SortFunc(out, func(x, y Suggestion) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), y.Article.Updated.Compare(x.Article.Updated), cmp.Compare(x.Article.ID, y.Article.ID))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// stems are the lower-cased first five letters of the words of at least
// four letters (shorter ones are mostly prepositions).
func stems(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r := []rune(strings.ReplaceAll(w, "ё", "е"))
		if len(r) < 4 {
			continue
		}
		out[string(r[:min(5, len(r))])] = true
	}
	return out
}
