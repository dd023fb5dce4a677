package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/rufmt"
)

// tokenRow is one of the caller's API tokens on the account page.
type tokenRow struct {
	ID                   int64
	Name, Expires, State string
	Live                 bool
}

func (s *Server) tokenRows(r *http.Request, login string) []tokenRow {
	toks, err := s.auth().service().Tokens(r.Context(), login)
	if err != nil {
		s.log.Error("list tokens", "login", login, "err", err)
		return nil
	}
	now := time.Now()
	out := make([]tokenRow, len(toks))
	for i, t := range toks {
		row := tokenRow{ID: t.ID, Name: t.Name, Expires: "бессрочно", State: "действует", Live: t.Live(now)}
		if !t.ExpiresAt.IsZero() {
			row.Expires = rufmt.Date(t.ExpiresAt)
		}
		switch {
		case !t.RevokedAt.IsZero():
			row.State = "отозван"
		case !row.Live:
			row.State = "истёк"
		}
		out[i] = row
	}
	return out
}

// createToken is POST /account/tokens: the caller issues a token for
// their own account, shown once on the page that answers.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		v := s.accountView(r)
		v.Error = "Не удалось прочитать форму."
		s.renderAuth(w, http.StatusBadRequest, "account", v)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	var ttl time.Duration
	if d := strings.TrimSpace(r.PostForm.Get("days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 3650 {
			v := s.accountView(r)
			v.Error = "Срок действия — целое число дней от 1 до 3650."
			s.renderAuth(w, http.StatusBadRequest, "account", v)
			return
		}
		ttl = time.Duration(n) * 24 * time.Hour
	}
	if name == "" || len(name) > 100 {
		v := s.accountView(r)
		v.Error = "Укажите название токена (до 100 символов)."
		s.renderAuth(w, http.StatusBadRequest, "account", v)
		return
	}
	secret, _, err := s.auth().service().CreateToken(r.Context(), p.Login, p.Login, name, "", ttl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.accountView(r)
	v.NewToken = secret
	s.renderAuth(w, http.StatusOK, "account", v)
}

// revokeToken is POST /account/tokens/{token}/revoke, for the caller's own
// tokens only; another's token is "not found" rather than "forbidden", so
// that ids of other accounts' tokens are not confirmed.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	svc := s.auth().service()
	if err == nil {
		var toks []auth.Token
		toks, err = svc.Tokens(r.Context(), p.Login)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !slices.ContainsFunc(toks, func(t auth.Token) bool { return t.ID == id && t.RevokedAt.IsZero() }) {
			err = auth.ErrNotFound
		}
	}
	if err != nil {
		v := s.accountView(r)
		v.Error = "Токен не найден или уже отозван."
		s.renderAuth(w, http.StatusNotFound, "account", v)
		return
	}
	if err := svc.RevokeToken(r.Context(), p.Login, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
