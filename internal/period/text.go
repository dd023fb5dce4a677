package period

// MarshalText writes the canonical identifier. The zero Period becomes an
// empty string so that optional fields survive a JSON or YAML round trip.
func (p Period) MarshalText() ([]byte, error) {
	return []byte(p.String()), nil
}

// UnmarshalText parses an identifier; an empty string yields the zero
// Period (Parse itself rejects it).
func (p *Period) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = Period{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
