package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
)

// authTmpl holds the login and account pages: plain forms with labels,
// visible focus and messages announced to screen readers.
var authTmpl = template.Must(template.New("auth").Parse(`
{{define "head"}}<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Цифра</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f5f6f8}
main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border:1px solid #d0d4da;border-radius:6px}
h1{font-size:1.5rem;margin-top:0}label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #6b7280;border-radius:4px}
button{margin-top:1.25rem;font:inherit;padding:.5rem 1.25rem;background:#0b4f9c;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.link{background:none;color:#0b4f9c;padding:0;text-decoration:underline}
input:focus,button:focus,a:focus{outline:3px solid #f59e0b;outline-offset:2px}
.error{background:#fdecea;border:1px solid #b3261e;padding:.5rem 1rem;color:#7a1410}
.ok{background:#e7f5ea;border:1px solid #1e7b34;padding:.5rem 1rem}
a{color:#0b4f9c}
</style></head><body><main>{{end}}

{{define "login"}}{{template "head" .}}
<h1>Вход в «Цифру»</h1>
{{if .Error}}<p class="error" role="alert" id="login-error">{{.Error}}</p>{{end}}
<form method="post" action="/login">
<input type="hidden" name="next" value="{{.Next}}">
<label for="login">Логин</label>
<input id="login" name="login" autocomplete="username" required autofocus value="{{.Login}}"{{if .Error}} aria-describedby="login-error"{{end}}>
<label for="password">Пароль</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Войти</button>
</form>
<p><a href="/">Открытый рейтинг</a> доступен без входа.</p>
</main></body></html>{{end}}

{{define "account"}}{{template "head" .}}
<h1>Учётная запись</h1>
<p>Вы вошли как <strong>{{.Login}}</strong> — {{.RoleLabel}}, область доступа: {{.ScopeName}}.</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .Changed}}<p class="ok" role="status">Пароль изменён. Другие сеансы завершены.</p>{{end}}
<h2>Смена пароля</h2>
<form method="post" action="/account/password">
<label for="current">Текущий пароль</label>
<input id="current" name="current" type="password" autocomplete="current-password" required>
<label for="new">Новый пароль (не короче {{.MinLen}} символов)</label>
<input id="new" name="new" type="password" autocomplete="new-password" required minlength="{{.MinLen}}">
<label for="confirm">Новый пароль ещё раз</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="{{.MinLen}}">
<button type="submit">Сменить пароль</button>
</form>
{{if .CanTokens}}<h2>Токены API</h2>
{{if .NewToken}}<p class="ok" role="status">Токен создан. Скопируйте его сейчас — он больше не будет показан:<br><code id="new-token">{{.NewToken}}</code></p>{{end}}
{{if .Tokens}}<table><thead><tr><th scope="col">№</th><th scope="col">Название</th><th scope="col">Действует до</th><th scope="col">Состояние</th><th scope="col"></th></tr></thead><tbody>
{{range .Tokens}}<tr><td>{{.ID}}</td><td>{{.Name}}</td><td>{{.Expires}}</td><td>{{.State}}</td><td>{{if .Live}}<form method="post" action="/account/tokens/{{.ID}}/revoke"><button type="submit" class="link">Отозвать</button></form>{{end}}</td></tr>{{end}}
</tbody></table>{{end}}
<form method="post" action="/account/tokens">
<label for="token-name">Название токена (для чего он)</label>
<input id="token-name" name="name" required maxlength="100">
<label for="token-days">Срок действия, дней (пусто — бессрочно)</label>
<input id="token-days" name="days" inputmode="numeric" pattern="[0-9]*">
<button type="submit">Создать токен</button>
</form>{{end}}
{{if .Audit}}<p><a href="/audit">Журнал аудита</a></p>{{end}}
<form method="post" action="/logout"><button type="submit" class="link">Выйти</button></form>
</main></body></html>{{end}}
`))

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

func renderAuth(w http.ResponseWriter, status int, name string, v any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	// The forms must not be framed (clickjacking of the password form).
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = authTmpl.ExecuteTemplate(w, name, v)
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
	renderAuth(w, http.StatusOK, "login", loginView{Title: "Вход", Next: safeNext(r.URL.Query().Get("next"))})
}

// maxFormBytes bounds login and password forms.
const maxFormBytes = 16 << 10

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		renderAuth(w, http.StatusBadRequest, "login", loginView{Title: "Вход", Error: "Не удалось прочитать форму."})
		return
	}
	login, next := r.PostForm.Get("login"), safeNext(r.PostForm.Get("next"))
	svc := s.auth().service()
	id, _, err := svc.Login(r.Context(), login, r.PostForm.Get("password"), clientIP(r))
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(time.Until(te.Until).Seconds())+1)))
		renderAuth(w, http.StatusTooManyRequests, "login", loginView{Title: "Вход", Login: login, Next: next,
			Error: "Слишком много неудачных попыток входа. Повторите позже."})
		return
	case errors.Is(err, auth.ErrInvalidCredentials):
		renderAuth(w, http.StatusUnauthorized, "login", loginView{Title: "Вход", Login: login, Next: next,
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
	renderAuth(w, http.StatusOK, "account", v)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	v := s.accountView(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		v.Error = "Не удалось прочитать форму."
		renderAuth(w, http.StatusBadRequest, "account", v)
		return
	}
	f := r.PostForm
	if f.Get("new") != f.Get("confirm") {
		v.Error = "Новый пароль и его повтор не совпадают."
		renderAuth(w, http.StatusBadRequest, "account", v)
		return
	}
	err := s.auth().service().ChangePassword(r.Context(), v.Login, f.Get("current"), f.Get("new"), sessionID(r), clientIP(r))
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		v.Error = "Слишком много неудачных попыток. Повторите позже."
		renderAuth(w, http.StatusTooManyRequests, "account", v)
		return
	case errors.Is(err, auth.ErrInvalidCredentials):
		v.Error = "Текущий пароль указан неверно."
		renderAuth(w, http.StatusForbidden, "account", v)
		return
	case errors.Is(err, auth.ErrWeakPassword):
		v.Error = "Пароль должен содержать от " + strconv.Itoa(auth.MinPasswordLen) + " до " + strconv.Itoa(auth.MaxPasswordLen) + " символов."
		renderAuth(w, http.StatusBadRequest, "account", v)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?changed=1", http.StatusSeeOther)
}
