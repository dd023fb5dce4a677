package orgunit

import (
	"fmt"
	"strings"
)

// index holds the secondary keys of Lookup. A nil entry marks a key shared
// by several units: Lookup refuses to guess between them.
type index struct {
	upper    map[string]*node // upper-cased code and ISO code
	okato    map[string]*node // 11-digit ОКАТО of regions
	okato2   map[string]*node // 2-digit ОКАТО prefix of regions
	names    map[string]*node // exact Russian name
	regionNo map[int]*node
}

func newIndex() index {
	return index{
		upper:    make(map[string]*node),
		okato:    make(map[string]*node),
		okato2:   make(map[string]*node),
		names:    make(map[string]*node),
		regionNo: make(map[int]*node),
	}
}

// check rejects region keys that would collide: those identify data in
// imports, so a clash must fail loudly instead of shadowing a region.
func (x *index) check(u *Unit) error {
	if u.ISO != "" {
		if n, ok := x.upper[strings.ToUpper(u.ISO)]; ok {
			if n == nil {
				return fmt.Errorf("ISO code %q already in use", u.ISO)
			}
			return fmt.Errorf("ISO code %q already used by %q", u.ISO, n.unit.Code)
		}
	}
	if u.Level != Region {
		return nil
	}
	if u.OKATO != "" {
		if !isDigits(u.OKATO) || len(u.OKATO) != 11 {
			return fmt.Errorf("ОКАТО %q: want 11 digits", u.OKATO)
		}
		if n, ok := x.okato[u.OKATO]; ok {
			return fmt.Errorf("ОКАТО %s already used by %q", u.OKATO, n.unit.Code)
		}
	}
	if u.RegionNumber != 0 {
		if n, ok := x.regionNo[u.RegionNumber]; ok {
			return fmt.Errorf("region number %d already used by %q", u.RegionNumber, n.unit.Code)
		}
	}
	return nil
}

func (x *index) add(n *node) {
	u := &n.unit
	x.put(x.upper, strings.ToUpper(u.Code), n)
	if u.ISO != "" && !strings.EqualFold(u.ISO, u.Code) {
		x.put(x.upper, strings.ToUpper(u.ISO), n)
	}
	x.put(x.names, u.Name, n)
	if u.Level != Region {
		return
	}
	if u.OKATO != "" {
		x.okato[u.OKATO] = n
		x.put(x.okato2, u.OKATO[:2], n)
	}
	if u.RegionNumber != 0 {
		x.regionNo[u.RegionNumber] = n
	}
}

func (x *index) put(m map[string]*node, key string, n *node) {
	if old, ok := m[key]; ok && old != n {
		m[key] = nil
		return
	}
	m[key] = n
}

// Lookup finds a unit by any key found in official data: its code, an ISO
// code in any case ("ru-tul"), a region's 11-digit ОКАТО (also with the
// leading zero lost, as spreadsheets do) or its 2-digit ОКАТО prefix
// ("70"), or the exact Russian name. Keys shared by several units resolve
// to none: ОКАТО prefixes 11 and 71 cover a region and its autonomous
// okrugs, and 11000000000 (Архангельская область with the Nenets okrug)
// is no single region of the hierarchy. Region numbers clash with ОКАТО
// prefixes, so they go through LookupRegionNumber only.
func (h *Hierarchy) Lookup(key string) (*Unit, bool) {
	if n, ok := h.nodes[key]; ok {
		return &n.unit, true
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, false
	}
	var n *node
	switch {
	case isDigits(key) && len(key) == 2:
		n = h.idx.okato2[key]
	case isDigits(key) && (len(key) == 10 || len(key) == 11):
		n = h.idx.okato[NormalizeOKATO(key)]
	default:
		if n = h.idx.upper[strings.ToUpper(key)]; n == nil {
			n = h.idx.names[key]
		}
	}
	if n == nil {
		return nil, false
	}
	return &n.unit, true
}

// LookupRegionNumber finds a region by its number (71 for Тульская
// область).
func (h *Hierarchy) LookupRegionNumber(num int) (*Unit, bool) {
	n, ok := h.idx.regionNo[num]
	if !ok {
		return nil, false
	}
	return &n.unit, true
}

// NormalizeOKATO restores the leading zero that spreadsheets drop from
// ОКАТО codes starting with 0 (Краснодарский край is 03000000000).
func NormalizeOKATO(s string) string {
	if len(s) == 10 && isDigits(s) {
		return "0" + s
	}
	return s
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
