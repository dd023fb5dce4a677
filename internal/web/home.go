package web

import (
	"html/template"
	"net/http"

	"github.com/cifra-health/cifra/internal/report"
)

// homeTmpl is a plain league table; the full dashboard builds on the same
// data.
var homeTmpl = template.Must(template.New("home").Funcs(template.FuncMap{
	"num":   report.RuNum,
	"arrow": report.Arrow,
}).Parse(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} — {{.PeriodLabel}} · Цифра</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem;color:#1a1a1a}
table{border-collapse:collapse}th,td{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.note{background:#fff3cd;padding:.5rem 1rem;border:1px solid #b58100}
a{color:#0b4f9c}a:focus{outline:3px solid #0b4f9c;outline-offset:2px}
</style></head><body>
<h1>{{.Name}}</h1>
<p>{{.PeriodLabel}} · методика {{.Methodology}}, версия {{.Version}}</p>
{{if .Synthetic}}<p class="note" role="note">{{.Note}}</p>{{end}}
<table><caption class="visually-hidden">Рейтинг субъектов РФ</caption>
<thead><tr><th scope="col">Место</th><th scope="col">Субъект РФ</th><th scope="col">Федеральный округ</th><th scope="col">Балл</th><th scope="col">Уровень</th><th scope="col">Изменение</th></tr></thead>
<tbody>{{range .Rows}}<tr><td class="n">{{if .Rank}}{{.Rank}}{{else}}—{{end}}</td><td>{{.Name}}</td><td>{{.District}}</td><td class="n">{{num .Score 1}}</td><td>{{.GradeLabel}}</td><td>{{arrow .RankChange .PrevRank}}</td></tr>
{{end}}</tbody></table>
<p>Данные в формате JSON: <a href="/api/v1/rating?period={{.Period}}">/api/v1/rating</a></p>
</body></html>`))

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	res := s.result(w, r)
	if res == nil {
		return
	}
	view := RatingJSON{Methodology: res.Methodology, Version: res.Version, Name: res.Name, Period: res.Period, PeriodLabel: res.PeriodLabel,
		Synthetic: res.Synthetic, Rows: report.League(res, s.cat.Hierarchy())}
	if res.Synthetic {
		view.Note = report.SyntheticNote
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := homeTmpl.Execute(w, view); err != nil {
		s.log.Error("render home", "err", err)
	}
}
