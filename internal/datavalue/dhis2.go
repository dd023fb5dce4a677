package datavalue

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// dhis2Names are the DHIS2 JSON keys, used in rejections.
var dhis2Names = fieldNames{
	de:      "dataElement",
	pe:      "period",
	ou:      "orgUnit",
	value:   "value",
	comment: "comment",
}

// dhis2Element is one entry of dataValues. Fields stay raw so that a wrong
// JSON type becomes a precise rejection instead of aborting the decode, and
// so that the buffers are reused from one element to the next.
type dhis2Element struct {
	DataElement json.RawMessage `json:"dataElement"`
	Period      json.RawMessage `json:"period"`
	OrgUnit     json.RawMessage `json:"orgUnit"`
	Value       json.RawMessage `json:"value"`
	Comment     json.RawMessage `json:"comment"`
}

func (e *dhis2Element) reset() {
	e.DataElement = e.DataElement[:0]
	e.Period = e.Period[:0]
	e.OrgUnit = e.OrgUnit[:0]
	e.Value = e.Value[:0]
	e.Comment = e.Comment[:0]
}

// ReadDHIS2 reads a DHIS2 data value set:
//
//	{"period": "2021", "orgUnit": "RU-MOW", "dataValues": [
//	  {"dataElement": "BEDS", "value": "12.5", "comment": "..."}, ...]}
//
// Top-level period and orgUnit apply to values that lack them, wherever the
// keys appear in the object; dataSet, completeDate and unknown keys are
// ignored. A value may be a JSON string or number. The input is decoded as
// a stream: memory grows with the values kept, not with the file.
//
// An error means the file as a whole is unusable (bad JSON syntax, with its
// line and column; no dataValues array); problems with values are in
// Batch.Rejected.
func ReadDHIS2(r io.Reader, name string, res Resolver) (*Batch, error) {
	size := sizeHint(r)
	br := bufio.NewReader(r)
	if head, _ := br.Peek(len(bomUTF8)); bytes.Equal(head, bomUTF8) {
		br.Discard(len(bomUTF8)) // Windows editors add it; encoding/json refuses it
	}
	pr := newPosReader(br)
	d := &dhis2Reader{
		name: name,
		pr:   pr,
		dec:  json.NewDecoder(pr),
		c:    newChecker(name, DHIS2JSON, res),
		size: size,
	}
	if err := d.read(); err != nil {
		return nil, err
	}
	return d.c.finish(), nil
}

type dhis2Reader struct {
	name string
	pr   *posReader
	dec  *json.Decoder
	c    *checker

	size       int64 // sizeHint of the input
	n          int   // dataValues entries seen
	sawValues  bool
	topPeriod  *checked // nil until the top-level key is read
	topOrgUnit *checked

	// Values lacking period or orgUnit before the top-level key is read
	// wait here; from the first one on, every value waits, so that values
	// are still checked (and duplicates found) in file order.
	pending []pendingElement
	elem    dhis2Element
}

type pendingElement struct {
	record int
	f      rawFields
}

func (d *dhis2Reader) read() error {
	before := d.dec.InputOffset()
	tok, err := d.dec.Token()
	if err != nil {
		return d.syntax(err)
	}
	if tok != json.Delim('{') {
		return d.structure(`expected a JSON object {"dataValues": [...]}`, tok, before)
	}
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.syntax(err)
		}
		k, _ := tok.(string)
		switch k {
		case "dataValues":
			if err := d.values(); err != nil {
				return err
			}
		case "period":
			if d.topPeriod, err = d.topLevel(k, d.c.period); err != nil {
				return err
			}
		case "orgUnit":
			if d.topOrgUnit, err = d.topLevel(k, d.c.orgUnit); err != nil {
				return err
			}
		default:
			if err := d.skip(); err != nil {
				return err
			}
		}
	}
	if _, err := d.dec.Token(); err != nil { // the closing '}'
		return d.syntax(err)
	}
	end := d.dec.InputOffset()
	if tok, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return d.syntax(err)
		}
		return d.structure("unexpected data after the top-level object", tok, end)
	}
	if !d.sawValues {
		return fmt.Errorf(`%s: no "dataValues" array`, d.name)
	}
	for i := range d.pending {
		p := &d.pending[i]
		d.applyDefaults(&p.f)
		d.c.record(d.c.source(p.record, ""), &dhis2Names, &p.f)
	}
	d.pending = nil
	return nil
}

// topLevel reads a top-level default and checks it once, reporting a bad
// one as a rejection of the file-level object (record 0).
func (d *dhis2Reader) topLevel(key string, check func(Source, string, string) (resolved, bool)) (*checked, error) {
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return nil, d.syntax(err)
	}
	s, isString := jsonString(raw)
	if !isString {
		return nil, fmt.Errorf("%s: top-level %q must be a string, found %s", d.name, key, shorten(string(raw)))
	}
	if s == "" {
		return nil, nil // same as absent
	}
	r, ok := check(d.c.source(0, ""), key, s)
	return &checked{r: r, ok: ok}, nil
}

func (d *dhis2Reader) values() error {
	d.sawValues = true
	before := d.dec.InputOffset()
	tok, err := d.dec.Token()
	if err != nil {
		return d.syntax(err)
	}
	if tok != json.Delim('[') {
		return d.structure(`"dataValues" must be an array`, tok, before)
	}
	for d.dec.More() {
		if d.n++; d.n == hintRecords {
			d.c.reserveFor(d.size, d.dec.InputOffset(), d.n)
		}
		d.elem.reset()
		err := d.dec.Decode(&d.elem)
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			// Decode has consumed the whole element, so reading goes on.
			d.c.reject(d.c.source(d.n, ""), "", "", "is not a JSON object")
			continue
		}
		if err != nil {
			return d.syntax(err)
		}
		d.element()
	}
	if _, err := d.dec.Token(); err != nil { // the closing ']'
		return d.syntax(err)
	}
	return nil
}

// element checks the element just decoded, or queues it until the
// top-level defaults are known.
func (d *dhis2Reader) element() {
	e := &d.elem
	c := d.c
	var f rawFields
	f.de, f.deReason = jsonCode(c.des, e.DataElement)
	f.pe, f.peReason = jsonCode(c.pes, e.Period)
	f.ou, f.ouReason = jsonCode(c.ous, e.OrgUnit)
	f.comment, f.commentReason = jsonCode(nil, e.Comment)
	if b, ok := plainNumber(e.Value); ok {
		// The common case, parsed without making a string of it.
		f.number, f.parsed = b, true
	} else {
		f.value, f.valueReason = jsonNumber(e.Value)
	}

	needPeriod := f.pe == "" && f.peReason == ""
	needOrgUnit := f.ou == "" && f.ouReason == ""
	if len(d.pending) > 0 || (needPeriod && d.topPeriod == nil) || (needOrgUnit && d.topOrgUnit == nil) {
		d.pending = append(d.pending, pendingElement{record: d.n, f: f})
		return
	}
	d.applyDefaults(&f)
	d.c.record(d.c.source(d.n, ""), &dhis2Names, &f)
}

func (d *dhis2Reader) applyDefaults(f *rawFields) {
	if f.pe == "" && f.peReason == "" {
		f.peDefault = d.topPeriod // nil: reported as missing
	}
	if f.ou == "" && f.ouReason == "" {
		f.ouDefault = d.topOrgUnit
	}
}

// skip consumes one value of any shape without keeping it.
func (d *dhis2Reader) skip() error {
	depth := 0
	for {
		tok, err := d.dec.Token()
		if err != nil {
			return d.syntax(err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// syntax wraps a decoding error with its position in the file.
func (d *dhis2Reader) syntax(err error) error {
	at, ok := d.pr.syn.position()
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		at, err = d.pr.syn.end(), errors.New("unexpected end of file")
	case !ok:
		// The checker saw no error where json.Decoder did: say roughly.
		at = "about " + d.pr.position(d.dec.InputOffset())
	}
	return fmt.Errorf("%s: invalid JSON at %s: %w", d.name, at, err)
}

// structure reports well-formed JSON of the wrong shape: found is the
// token just read, which began at or after offset before.
func (d *dhis2Reader) structure(what string, found json.Token, before int64) error {
	return fmt.Errorf("%s: %s at %s, found %s", d.name, what, d.pr.position(d.pr.skipSeparators(before)), tokenText(found))
}

func tokenText(t json.Token) string {
	switch v := t.(type) {
	case nil:
		return "null"
	case json.Delim:
		return string(v)
	case string:
		return fmt.Sprintf("string %q", shorten(v))
	}
	return fmt.Sprint(t)
}

// jsonCode reads a code (or comment): a JSON string, null or absent. reason
// is set for any other JSON type; s then holds the JSON text. Codes found
// in cache cost no allocation.
func jsonCode(cache map[string]resolved, raw json.RawMessage) (s, reason string) {
	if len(raw) >= 2 && raw[0] == '"' && cache != nil {
		if body := raw[1 : len(raw)-1]; !hasEscapeOrInvalid(body) {
			return knownCode(cache, body), ""
		}
	}
	s, ok := jsonString(raw)
	if !ok {
		return string(raw), "must be a JSON string"
	}
	return s, ""
}

// plainNumber parses a value that is a valid number as it stands, a JSON
// number or a string without escapes or spaces; anything else is left to
// jsonNumber and the checker, which word the rejection.
func plainNumber(raw json.RawMessage) (float64, bool) {
	b := []byte(raw)
	if len(b) >= 2 && b[0] == '"' {
		b = b[1 : len(b)-1]
	}
	if len(b) == 0 || len(b) > 64 {
		return 0, false
	}
	v, reason := parseNumber(string(b), false)
	return v, reason == ""
}

// jsonNumber reads a value: DHIS2 writes numbers as strings, others write
// JSON numbers; both are text to parseNumber.
func jsonNumber(raw json.RawMessage) (s, reason string) {
	if len(raw) > 0 && (raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')) {
		return string(raw), ""
	}
	s, ok := jsonString(raw)
	if !ok {
		return string(raw), "is not a number (a value must be a JSON number or a string holding one)"
	}
	return s, ""
}

// jsonString decodes a JSON string; absent and null give "".
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", true
	}
	if raw[0] != '"' {
		return "", false
	}
	// Most codes have no escapes: skip the general decoder for them.
	if body := raw[1 : len(raw)-1]; !hasEscapeOrInvalid(body) {
		return string(body), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func hasEscapeOrInvalid(b []byte) bool {
	return bytes.IndexByte(b, '\\') >= 0 || !utf8.Valid(b)
}
