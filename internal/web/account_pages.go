package web

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
)

type loginView struct {
	Title, Error, Login, Next string
}

type accountView struct {
	Title, Error, Login, RoleLabel, ScopeName string
	Changed, Audit, CanTokens                 bool
	MinLen                                    int
	Tokens                                    []tokenRow
	NewToken                                  string // shown once, right after creation
}

func (s *Server) renderAuth(w http.ResponseWriter, status int, name string, v any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	// The forms must not be framed (clickjacking of the password form).
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := s.views.Account().ExecuteTemplate(w, name, v); err != nil {
		s.log.Error("render account page", "page", name, "err", err)
	}
}

// safeNext keeps a post-login redirect on this site: a local absolute path,
// not "//host" or "/\host", which browsers treat as another origin.
func safeNext(next string) string {
	// Browsers read a backslash as a slash, so none may pass, raw or encoded.
	if next == "" || !strings.HasPrefix(next, "/") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil || strings.ContainsAny(u.Path, "\\\r\n\t") {
		return "/"
	}
	// http.Redirect cleans the path ("/./\\host" became "/\\host"): check and
	// return the cleaned form, which is what the browser will receive.
	clean := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	u.Path, u.RawPath = clean, ""
	out := u.String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return "/"
	}
	return out
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.renderAuth(w, http.StatusOK, "login", loginView{Title: "Вход", Next: safeNext(r.URL.Query().Get("next"))})
}

// maxFormBytes bounds login and password forms.
const maxFormBytes = 16 << 10

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.renderAuth(w, http.StatusBadRequest, "login", loginView{Title: "Вход", Error: "Не удалось прочитать форму."})
		return
	}
	login, next := r.PostForm.Get("login"), safeNext(r.PostForm.Get("next"))
	svc := s.auth().service()
	id, _, err := svc.Login(r.Context(), login, r.PostForm.Get("password"), clientIP(r))
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(time.Until(te.Until).Seconds())+1)))
		s.renderAuth(w, http.StatusTooManyRequests, "login", loginView{Title: "Вход", Login: login, Next: next,
			Error: "Слишком много неудачных попыток входа. Повторите позже."})
		return
	case errors.Is(err, auth.ErrInvalidCredentials):
		s.renderAuth(w, http.StatusUnauthorized, "login", loginView{Title: "Вход", Login: login, Next: next,
			Error: "Неверный логин или пароль."})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	// A session id the browser held before is dropped, so that no id
	// planted before login stays valid after it.
	if old := sessionID(r); old != "" {
		if err := svc.Logout(r.Context(), old, clientIP(r)); err != nil {
			s.log.Warn("drop previous session", "err", err)
		}
	}
	setSessionCookie(w, r, id, int(svc.SessionTTL.Seconds()))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if id := sessionID(r); id != "" {
		if err := s.auth().service().Logout(r.Context(), id, clientIP(r)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) accountView(r *http.Request) accountView {
	p := principalFrom(r.Context())
	v := accountView{Title: "Учётная запись", Login: p.Login, RoleLabel: p.Role.Label(), ScopeName: p.Scope, MinLen: auth.MinPasswordLen,
		Audit: p.Can(auth.ReadAudit)}
	if u, ok := s.cat.Hierarchy().Get(p.Scope); ok {
		v.ScopeName = u.Name
	}
	if v.CanTokens = p.Can(auth.UseTokens); v.CanTokens {
		v.Tokens = s.tokenRows(r, p.Login)
	}
	return v
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	v := s.accountView(r)
	v.Changed = r.URL.Query().Get("changed") == "1"
	s.renderAuth(w, http.StatusOK, "account", v)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	v := s.accountView(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		v.Error = "Не удалось прочитать форму."
		s.renderAuth(w, http.StatusBadRequest, "account", v)
		return
	}
	f := r.PostForm
	if f.Get("new") != f.Get("confirm") {
		v.Error = "Новый пароль и его повтор не совпадают."
		s.renderAuth(w, http.StatusBadRequest, "account", v)
		return
	}
	err := s.auth().service().ChangePassword(r.Context(), v.Login, f.Get("current"), f.Get("new"), sessionID(r), clientIP(r))
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		v.Error = "Слишком много неудачных попыток. Повторите позже."
		s.renderAuth(w, http.StatusTooManyRequests, "account", v)
		return
	case errors.Is(err, auth.ErrInvalidCredentials):
		v.Error = "Текущий пароль указан неверно."
		s.renderAuth(w, http.StatusForbidden, "account", v)
		return
	case errors.Is(err, auth.ErrWeakPassword):
		v.Error = "Пароль должен содержать от " + strconv.Itoa(auth.MinPasswordLen) + " до " + strconv.Itoa(auth.MaxPasswordLen) + " символов."
		s.renderAuth(w, http.StatusBadRequest, "account", v)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?changed=1", http.StatusSeeOther)
}
