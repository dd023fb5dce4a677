package dhis2

import (
	"strings"

	"github.com/cifra-health/cifra/internal/orgunit"
)

// resolvedUnits are the units of an ou axis, in order and without repeats,
// and the levels and groups it named (for metaData).
type resolvedUnits struct {
	units  []*orgunit.Unit
	levels map[string]string // item (LEVEL-…) → Russian name
	groups map[string]string // item (OU_GROUP-…) → group name
}

var levelNamesRu = map[orgunit.Level]string{
	orgunit.Federation: "Федерация", orgunit.District: "Федеральный округ", orgunit.Region: "Субъект РФ",
	orgunit.Organisation: "Медицинская организация", orgunit.Department: "Подразделение",
}

// resolveUnits expands the ou items the way DHIS2 does: plain codes are
// units; LEVEL-<name or 1-based number> and OU_GROUP-<code> select units,
// within the plain units given beside them (the boundaries) or within the
// whole hierarchy when there are none. CHILDREN-<code> is Cifra's own:
// the units one level below code.
func resolveUnits(a Axis, h *orgunit.Hierarchy) (resolvedUnits, error) {
	out := resolvedUnits{levels: map[string]string{}, groups: map[string]string{}}
	var plain []*orgunit.Unit
	selecting := false
	var selected []*orgunit.Unit // candidates of the selectors, in hierarchy order
	for _, item := range a.Items {
		switch {
		case strings.HasPrefix(item, "LEVEL-"):
			key := strings.TrimPrefix(item, "LEVEL-")
			var l orgunit.Level
			if n, ok := levelNumber(key); ok {
				l = orgunit.Level(n - 1)
			} else if pl, err := orgunit.ParseLevel(key); err == nil {
				l = pl
			} else {
				return out, paramErr(a.Param, "измерение ou: уровень «%s» неизвестен (federation, district, region, organisation, department или номер 1–5)", clip(key))
			}
			if !l.Valid() {
				return out, paramErr(a.Param, "измерение ou: уровня %s нет (номера 1–5)", clip(key))
			}
			out.levels[item] = levelNamesRu[l]
			selected = append(selected, h.AtLevel(l)...)
			selecting = true
		case strings.HasPrefix(item, "OU_GROUP-"):
			code := strings.TrimPrefix(item, "OU_GROUP-")
			g, ok := h.Group(code)
			if !ok {
				return out, paramErr(a.Param, "измерение ou: группы организационных единиц «%s» нет", clip(code))
			}
			out.groups[item] = g.Name
			for _, m := range g.Members {
				if u, ok := h.Get(m); ok {
					selected = append(selected, u)
				}
			}
			selecting = true
		case strings.HasPrefix(item, "CHILDREN-"):
			code := strings.TrimPrefix(item, "CHILDREN-")
			p, ok := h.Lookup(code)
			if !ok {
				return out, paramErr(a.Param, "измерение ou: организационной единицы «%s» нет", clip(code))
			}
			out.units = append(out.units, h.Children(p.Code)...)
		case strings.HasPrefix(item, "USER_ORGUNIT"):
			return out, paramErr(a.Param, "измерение ou: «%s» не поддерживается — укажите коды единиц", clip(item))
		default:
			u, ok := h.Lookup(item)
			if !ok {
				return out, paramErr(a.Param, "измерение ou: организационной единицы «%s» нет", clip(item))
			}
			plain = append(plain, u)
		}
	}
	if !selecting {
		out.units = append(out.units, plain...)
		out.units = dedupe(out.units)
		return out, nil
	}
	// With selectors, plain units are boundaries: a selected unit counts
	// when it is a boundary or lies below one.
	inside := func(u *orgunit.Unit) bool {
		if len(plain) == 0 {
			return true
		}
		for _, b := range plain {
			if u.Code == b.Code || h.IsDescendant(u.Code, b.Code) {
				return true
			}
		}
		return false
	}
	for _, u := range selected {
		if inside(u) {
			out.units = append(out.units, u)
		}
	}
	out.units = dedupe(out.units)
	return out, nil
}

func dedupe(us []*orgunit.Unit) []*orgunit.Unit {
	seen := map[string]bool{}
	out := us[:0]
	for _, u := range us {
		if !seen[u.Code] {
			seen[u.Code] = true
			out = append(out, u)
		}
	}
	return out
}
