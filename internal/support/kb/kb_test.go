package kb

import (
	"strings"
	"testing"
	"time"
)

func TestSuggest(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
	arts := []*Article{
		{ID: "kb-1", Region: "RU-TUL", Title: "Расписание не открывается после обновления", Systems: []string{"mis-1"}, Module: "запись на приём", Public: true, Updated: day(1)},
		{ID: "kb-2", Region: "RU-TUL", Title: "Ошибка подписи ЭМД", Module: "ЭМД", Public: true, Updated: day(2)},
		{ID: "kb-3", Region: "RU-TUL", Title: "Перезапуск сервера расписаний", Systems: []string{"mis-1"}, Public: false, Updated: day(3)},
		{ID: "kb-4", Region: "RU-TUL", Title: "Расписание в другой МИС", Systems: []string{"mis-2"}, Public: true, Updated: day(4)},
		{ID: "kb-5", Region: "RU-TAM", Title: "Не открывается расписание", Public: true, Updated: day(5)},
	}
	ids := func(ss []Suggestion) string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Article.ID)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		name, system, module, title string
		public                      bool
		want                        string
	}{
		// kb-1: system 2 + module 1 + «распи», «откры» 2 = 5; kb-3: system 2 + «распи» 1 = 3.
		{"agent", "mis-1", "запись на приём", "Не открывается расписание врачей", false, "kb-1,kb-3"},
		{"МО staff see public only", "mis-1", "запись на приём", "Не открывается расписание врачей", true, "kb-1"},
		{"words and module", "mis-9", "ЭМД", "ЭМД: ошибка подписи документа", true, "kb-2"},
		{"nothing fits", "mis-9", "отчёты", "Печать", true, ""},
	}
	for _, tc := range tests {
		got := Suggest(arts, "RU-TUL", tc.system, tc.module, tc.title, tc.public, 5)
		if ids(got) != tc.want {
			t.Errorf("%s: %s, want %s (%+v)", tc.name, ids(got), tc.want, got)
		}
	}
	if got := Suggest(arts, "RU-TUL", "mis-1", "запись на приём", "расписание", false, 1); ids(got) != "kb-1" {
		t.Errorf("n=1: %s", ids(got))
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		a    Article
		want string
	}{
		{Article{ID: "kb-1", Title: " Заголовок ", Body: "текст"}, ""},
		{Article{Title: "x", Body: "y"}, "без идентификатора"},
		{Article{ID: "k", Title: "  ", Body: "y"}, "нет заголовка"},
		{Article{ID: "k", Title: strings.Repeat("я", MaxTitle+1), Body: "y"}, "длиннее 200 символов"},
		{Article{ID: "k", Title: "x", Body: " \n"}, "пустой текст"},
		{Article{ID: "k", Title: "x", Body: strings.Repeat("a", MaxBody+1)}, "длиннее 64 КБ"},
		{Article{ID: "k", Title: "x", Body: "\xff"}, "не в UTF-8"},
	}
	for _, tc := range tests {
		err := tc.a.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.a.ID, err, tc.want)
		}
	}
	a := Article{ID: "kb-1", Title: " Заголовок ", Body: "текст"}
	_ = a.Validate()
	if a.Title != "Заголовок" {
		t.Errorf("title not trimmed: %q", a.Title)
	}
}
