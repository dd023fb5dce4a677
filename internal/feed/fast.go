package feed

// The fast path for Slot lines, which are nearly all of a bulk export:
// the top-level object is walked once, its plain string members are taken
// in place, and only nested values (schedule, meta, specialty, unknown
// members) go through the general parser. Anything unusual — escapes in a
// key or a top-level string, a repeated member, a value of an unexpected
// type, a record that the general path would reject — makes it give up, and
// the line is decoded by the general path, which also words the error. So
// both paths return identical records (TestFastSlotDifferential,
// FuzzFastSlot).

// Members of a Slot the fast path reads, as bits for duplicate detection.
const (
	fsResourceType = 1 << iota
	fsID
	fsSchedule
	fsStatus
	fsStart
	fsEnd
	fsMeta
	fsSpecialty
)

// fastSlot decodes line (trimmed, non-empty) into d.slot when it is an
// ordinary valid Slot; false means "use the general path".
func (d *decoder) fastSlot(line []byte) bool {
	p := d.p
	p.nodes = p.nodes[:0]
	p.data, p.pos, p.depth = line, 0, 1
	if len(line) < 2 || line[0] != '{' || line[len(line)-1] != '}' {
		return false
	}
	p.pos = 1
	var seen int
	var rt, id, status, start, end []byte
	sched, meta, spec := int32(-1), int32(-1), int32(-1)
	p.skipWS()
	if p.pos < len(line) && line[p.pos] == '}' {
		return false // {}: the general path says what is missing
	}
	for {
		p.skipWS()
		key, ok := plainString(line, p.pos)
		if !ok {
			return false
		}
		p.pos += len(key) + 2
		p.skipWS()
		if p.pos >= len(line) || line[p.pos] != ':' {
			return false
		}
		p.pos++
		p.skipWS()
		if p.pos >= len(line) {
			return false
		}
		bit := 0
		var dst *[]byte
		var node *int32
		switch string(key) {
		case "resourceType":
			bit, dst = fsResourceType, &rt
		case "id":
			bit, dst = fsID, &id
		case "status":
			bit, dst = fsStatus, &status
		case "start":
			bit, dst = fsStart, &start
		case "end":
			bit, dst = fsEnd, &end
		case "schedule":
			bit, node = fsSchedule, &sched
		case "meta":
			bit, node = fsMeta, &meta
		case "specialty":
			bit, node = fsSpecialty, &spec
		}
		if seen&bit != 0 {
			return false // a repeated member: the general path keeps the first
		}
		seen |= bit
		if dst != nil {
			s, ok := plainString(line, p.pos)
			if !ok {
				return false
			}
			*dst = s
			p.pos += len(s) + 2
			if bit == fsResourceType && string(s) != TypeSlot {
				return false
			}
		} else {
			n, err := p.value()
			if err != nil {
				return false
			}
			if node != nil {
				*node = n
			}
		}
		p.skipWS()
		if p.pos >= len(line) {
			return false
		}
		switch line[p.pos] {
		case ',':
			p.pos++
		case '}':
			if p.pos != len(line)-1 {
				return false
			}
			return d.fastSlotRecord(rt, id, status, start, end, sched, meta, spec)
		default:
			return false
		}
	}
}

func (d *decoder) fastSlotRecord(rt, id, status, start, end []byte, sched, meta, spec int32) bool {
	if string(rt) != TypeSlot || len(id) == 0 || sched < 0 {
		return false
	}
	p := d.p
	s := &d.slot
	if s.Status = slotStatus(status); s.Status == "" {
		return false
	}
	refNode := p.get(sched, "reference")
	if refNode < 0 || p.nodes[refNode].kind != kString || p.nodes[refNode].esc {
		return false
	}
	ref := p.nodes[refNode].raw
	var schedule string
	hit := d.lastSchedRef != "" && string(ref) == d.lastSchedRef
	if hit {
		schedule = d.lastSched
	} else if schedule = refIDOf(string(ref), TypeSchedule); schedule == "" {
		return false
	}
	if len(start) == 0 || len(end) == 0 {
		return false
	}
	t0, err := ParseTime(start)
	if err != nil {
		return false
	}
	t1, err := ParseTime(end)
	if err != nil || t1.Before(t0) {
		return false
	}
	// Committed: nothing below can fail.
	if !hit {
		d.lastSchedRef, d.lastSched = string(ref), schedule
	}
	s.ID = string(id)
	s.Schedule = schedule
	s.Start, s.End = t0, t1
	s.Specialty = d.codeOf(spec)
	s.EPGU = d.tagIn(meta, isEPGU) != ""
	return true
}

func isEPGU(c string) bool { return c == "epgu" }

// plainString returns the contents of the string starting at data[i] (a
// quote) when it has no escapes and no control characters.
func plainString(data []byte, i int) ([]byte, bool) {
	if i >= len(data) || data[i] != '"' {
		return nil, false
	}
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return data[i+1 : j], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// line decodes one trimmed, non-empty NDJSON line and passes its record to
// the sink.
func (d *decoder) line(t []byte) error {
	if !d.generic && d.fastSlot(t) {
		d.slots++
		return d.sink.Slot(&d.slot)
	}
	root, err := d.p.parse(t)
	if err != nil {
		return err
	}
	return d.resource(root)
}
