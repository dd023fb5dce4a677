package datavalue

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cifra-health/cifra/internal/period"
)

// Reasons shared by the readers, so messages read the same in every format.
const (
	reasonMissing      = "missing"
	reasonNotUTF8      = "is not valid UTF-8 text (save the file as UTF-8)"
	reasonUnknownDE    = "is not a known data element"
	reasonUnknownOU    = "is not a known org unit"
	reasonNotNumber    = "is not a number"
	reasonCommaNotHere = "is not a number (a decimal comma is accepted only in ';'-separated CSV; use a point)"
	reasonNotFinite    = "is not a finite number"
	reasonOutOfRange   = "is out of range for a 64-bit number"
)

// maxShown bounds the offending text kept in a rejection: a 1 MB cell helps
// nobody in a message.
const maxShown = 200

// resolved is a cached lookup: a code as written in the file and what it
// resolved to. Caching interns the ids (1M values share a few hundred
// strings) and calls the Resolver once per distinct code.
type resolved struct {
	code   string // the code as written (the cache key)
	id     string
	idx    uint32 // dense number of id, for the duplicate key
	reason string // "" = ok
}

// checker validates records and collects values and rejections. One checker
// serves one file.
type checker struct {
	file   string
	format Format
	res    Resolver
	batch  Batch

	// decimalComma accepts "12,5" (only set for ';'-separated CSV, where the
	// comma cannot be a field separator).
	decimalComma bool

	des, pes, ous map[string]resolved
	ids           [3]map[string]uint32 // per kind (data element, period, org unit)
	sheets        []string             // sheet names in order of appearance

	collect // values and duplicate detection (collect.go)
}

// Kinds of ids, for checker.ids.
const (
	kindDE = iota
	kindPE
	kindOU
)

func newChecker(file string, format Format, res Resolver) *checker {
	return &checker{
		file:   file,
		format: format,
		res:    res,
		des:    make(map[string]resolved),
		pes:    make(map[string]resolved),
		ous:    make(map[string]resolved),
		ids:    [3]map[string]uint32{{}, {}, {}},
	}
}

func (c *checker) source(record int, sheet string) Source {
	c.sheetIndex(sheet) // sheets are numbered in order of appearance
	return Source{File: c.file, Record: record, Sheet: sheet, Format: c.format}
}

func (c *checker) reject(src Source, field, value, reason string) {
	c.batch.Rejected = append(c.batch.Rejected, Rejection{
		Source: src,
		Field:  field,
		Value:  strings.Clone(shorten(value)),
		Reason: reason,
	})
}

// rawFields is one record as the reader found it (text, untrimmed).
type rawFields struct {
	de, pe, ou, value, comment string
	// A reason is set when the reader already knows the field is unusable
	// (a JSON number where a code belongs, say); the text is then reported
	// with that reason instead of being checked.
	deReason, peReason, ouReason, valueReason, commentReason string
	// peDefault and ouDefault, when set, replace pe and ou: a file-level
	// default already checked (and reported once if bad).
	peDefault, ouDefault *checked
	// number is value already parsed, if parsed is set.
	number float64
	parsed bool
}

// checked is a field resolved ahead of the records that use it.
type checked struct {
	r  resolved
	ok bool
}

// fieldNames names the fields as the file does, for rejections.
type fieldNames struct {
	de, pe, ou, value, comment string
}

// record checks one record and keeps it if it is valid; every problem of
// the record is reported, not just the first.
func (c *checker) record(src Source, names *fieldNames, f *rawFields) {
	de, deOK := c.code(src, names.de, f.de, f.deReason, nil, c.dataElement)
	pe, peOK := c.code(src, names.pe, f.pe, f.peReason, f.peDefault, c.period)
	ou, ouOK := c.code(src, names.ou, f.ou, f.ouReason, f.ouDefault, c.orgUnit)
	var v float64
	vOK := false
	switch {
	case f.parsed:
		v, vOK = f.number, true
	case f.valueReason != "":
		c.reject(src, names.value, f.value, f.valueReason)
	default:
		v, vOK = c.number(src, names.value, f.value)
	}
	comment, cOK := "", false
	if f.commentReason != "" {
		c.reject(src, names.comment, f.comment, f.commentReason)
	} else {
		comment, cOK = c.comment(src, names.comment, f.comment)
	}
	if deOK && peOK && ouOK {
		c.add(src, de, pe, ou, v, comment, vOK && cOK)
	}
}

// code resolves one code field through check unless the reader has already
// judged it (reason) or supplied a checked default.
func (c *checker) code(src Source, field, raw, reason string, def *checked,
	check func(Source, string, string) (resolved, bool)) (resolved, bool) {
	switch {
	case reason != "":
		c.reject(src, field, raw, reason)
		return resolved{}, false
	case def != nil:
		return def.r, def.ok
	}
	return check(src, field, raw)
}

// intern numbers an id of a kind; the same id from different codes gets
// the same number, so ISO and OKATO codes of one region collide as they
// should.
func (c *checker) intern(kind int, id string) (string, uint32) {
	ids := c.ids[kind]
	if n, ok := ids[id]; ok {
		return id, n
	}
	id = strings.Clone(id)
	n := uint32(len(ids))
	ids[id] = n
	return id, n
}

// lookup resolves raw through cache, calling resolve on a miss.
func (c *checker) lookup(kind int, cache map[string]resolved, raw string, resolve func(string) resolved) resolved {
	if r, ok := cache[raw]; ok {
		return r
	}
	r := resolve(raw)
	if r.reason == "" {
		r.id, r.idx = c.intern(kind, r.id)
	}
	// Clone: raw may point into a whole CSV line we must not retain.
	r.code = strings.Clone(raw)
	cache[r.code] = r
	return r
}

// knownCode returns b as a string without allocating when it is a code
// already seen: JSON decoding would otherwise allocate every code of every
// value.
func knownCode(cache map[string]resolved, b []byte) string {
	if r, ok := cache[string(b)]; ok {
		return r.code
	}
	return string(b)
}

func (c *checker) dataElement(src Source, field, raw string) (resolved, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		c.reject(src, field, "", reasonMissing)
		return resolved{}, false
	}
	r := c.lookup(kindDE, c.des, raw, func(code string) resolved {
		if !utf8.ValidString(code) {
			return resolved{reason: reasonNotUTF8}
		}
		id, ok := c.res.DataElement(code)
		if !ok || id == "" {
			return resolved{reason: reasonUnknownDE}
		}
		return resolved{id: id}
	})
	if r.reason != "" {
		c.reject(src, field, raw, r.reason)
		return r, false
	}
	return r, true
}

func (c *checker) orgUnit(src Source, field, raw string) (resolved, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		c.reject(src, field, "", reasonMissing)
		return resolved{}, false
	}
	r := c.lookup(kindOU, c.ous, raw, func(code string) resolved {
		if !utf8.ValidString(code) {
			return resolved{reason: reasonNotUTF8}
		}
		canon, ok := c.res.OrgUnit(code)
		if !ok || canon == "" {
			return resolved{reason: reasonUnknownOU}
		}
		return resolved{id: canon}
	})
	if r.reason != "" {
		c.reject(src, field, raw, r.reason)
		return r, false
	}
	return r, true
}

func (c *checker) period(src Source, field, raw string) (resolved, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		c.reject(src, field, "", reasonMissing)
		return resolved{}, false
	}
	r := c.lookup(kindPE, c.pes, raw, resolvePeriod)
	if r.reason != "" {
		c.reject(src, field, raw, r.reason)
		return r, false
	}
	return r, true
}

func resolvePeriod(raw string) resolved {
	p, err := period.Parse(raw)
	if err != nil {
		// The period package words the reason; the rejection already
		// quotes the text, so leave out its own quoting.
		var pe *period.ParseError
		if errors.As(err, &pe) {
			return resolved{reason: "is not a valid period: " + pe.Reason}
		}
		return resolved{reason: "is not a valid period: " + err.Error()}
	}
	return resolved{id: p.String()}
}

func (c *checker) number(src Source, field, raw string) (float64, bool) {
	raw = strings.TrimSpace(raw)
	v, reason := parseNumber(raw, c.decimalComma)
	if reason != "" {
		c.reject(src, field, raw, reason)
		return 0, false
	}
	return v, true
}

func (c *checker) comment(src Source, field, raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", true
	}
	if !utf8.ValidString(s) {
		c.reject(src, field, s, reasonNotUTF8)
		return "", false
	}
	// One newline convention, so a comment survives write and read back
	// (encoding/csv turns \r\n inside quotes into \n).
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.Clone(s), true
}

// sheetIndex numbers sheet names; sheets are few and come in order.
func (c *checker) sheetIndex(sheet string) int {
	if n := len(c.sheets); n > 0 && c.sheets[n-1] == sheet {
		return n - 1
	}
	for i, s := range c.sheets {
		if s == sheet {
			return i
		}
	}
	c.sheets = append(c.sheets, sheet)
	return len(c.sheets) - 1
}

// parseNumber accepts plain decimal notation with an optional exponent, and
// with decimalComma a single comma in place of the point. It refuses what
// strconv would also take but no data file means: hex, underscores, Inf and
// NaN. reason is "" on success.
func parseNumber(s string, decimalComma bool) (v float64, reason string) {
	if s == "" {
		return 0, reasonMissing
	}
	var buf [64]byte
	if i := strings.IndexByte(s, ','); i >= 0 {
		// Unambiguous only as the one decimal separator: "1,234,5" and
		// "1.234,5" stay errors.
		if !decimalComma || len(s) > len(buf) || strings.IndexByte(s[i+1:], ',') >= 0 || strings.IndexByte(s, '.') >= 0 {
			if decimalComma || !isDecimal(strings.Replace(s, ",", ".", 1)) {
				return 0, reasonNotNumber
			}
			return 0, reasonCommaNotHere
		}
		n := copy(buf[:], s)
		buf[i] = '.'
		s = string(buf[:n])
	}
	if !isDecimal(s) {
		if isNonFinite(s) {
			return 0, reasonNotFinite
		}
		return 0, reasonNotNumber
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0) {
			return 0, reasonOutOfRange
		}
		if !errors.Is(err, strconv.ErrRange) {
			return 0, reasonNotNumber
		}
		// Underflow rounds to zero or a denormal: still the best float64.
	}
	return v, ""
}

// isDecimal reports whether s is [+-]digits[.digits][(e|E)[+-]digits], with
// digits on at least one side of the point.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

func isNonFinite(s string) bool {
	s = strings.TrimLeft(s, "+-")
	switch strings.ToLower(s) {
	case "nan", "inf", "infinity", "∞":
		return true
	}
	return false
}

// shorten cuts s to about maxShown bytes on a rune boundary.
func shorten(s string) string {
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
