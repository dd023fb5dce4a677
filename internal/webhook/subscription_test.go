package webhook

import (
	"strings"
	"testing"
)

func TestPolicyCheckURL(t *testing.T) {
	p := Policy{AllowedHosts: []string{"gis.tula.ru", "*.minzdrav.gov.ru", "10.1.2.3"}}
	cases := []struct {
		url, err string // err "" = allowed
	}{
		{"https://gis.tula.ru/hooks/cifra", ""},
		{"https://GIS.tula.ru./hooks", ""},
		{"https://dash.minzdrav.gov.ru/in", ""},
		{"https://minzdrav.gov.ru/in", "не входит в список"}, // the wildcard means subdomains only
		{"https://gis.tula.ru.evil.example/", "не входит в список"},
		{"http://gis.tula.ru/", "только https"},
		{"ftp://gis.tula.ru/", "схема «ftp»"},
		{"https://user:pw@gis.tula.ru/", "учётные данные"},
		{"https://10.1.2.3/", "внутренние и локальные"},
		{"https:///path", "нет имени узла"},
		{"https://gis.tula.ru:8443/x", ""},
	}
	for _, c := range cases {
		err := p.CheckURL(c.url)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.url, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: %v, want %q", c.url, err, c.err)
		}
	}
	if err := (Policy{}).CheckURL("https://gis.tula.ru/"); err == nil {
		t.Error("the zero policy allowed an address")
	}
	open := Policy{AllowedHosts: []string{"10.1.2.3"}, AllowHTTP: true, AllowPrivate: true}
	if err := open.CheckURL("http://10.1.2.3/"); err != nil {
		t.Errorf("explicitly allowed private http address: %v", err)
	}
}

func TestSubscriptionValidate(t *testing.T) {
	p := Policy{AllowedHosts: []string{"gis.tula.ru"}}
	good := Subscription{ID: "tula", URL: "https://gis.tula.ru/h", Secret: make([]byte, 32), Events: []string{RatingPublished}, Active: true, ApprovedBy: "admin"}
	if err := good.Validate(p); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		mut  func(*Subscription)
		want string
	}{
		{func(s *Subscription) { s.ApprovedBy = " " }, "не указан администратор"},
		{func(s *Subscription) { s.Secret = []byte("short") }, "секрет короче"},
		{func(s *Subscription) { s.Events = nil }, "ни одного события"},
		{func(s *Subscription) { s.Events = []string{"rating.deleted"} }, "неизвестное событие «rating.deleted»"},
		{func(s *Subscription) { s.URL = "https://example.com/" }, "не входит в список"},
		{func(s *Subscription) { s.ID = "" }, "без идентификатора"},
	}
	for _, c := range cases {
		s := good
		c.mut(&s)
		if err := s.Validate(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want %q", err, c.want)
		}
	}
	if s := good; !s.Wants(RatingPublished) || s.Wants(PeriodClosed) {
		t.Error("Wants ignores the event list")
	}
	s := good
	s.Active = false
	if s.Wants(RatingPublished) {
		t.Error("an inactive subscription wants events")
	}
}
