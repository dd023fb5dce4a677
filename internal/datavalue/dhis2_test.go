package datavalue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func readJSONString(t *testing.T, s string) (*Batch, error) {
	t.Helper()
	return ReadDHIS2(strings.NewReader(s), "t.json", testResolver())
}

func TestReadDHIS2Values(t *testing.T) {
	type v struct {
		record     int
		de, pe, ou string
		value      float64
		comment    string
	}
	tests := []struct {
		name string
		in   string
		want []v
	}{
		{"string and number values", `{"dataValues":[
			{"dataElement":"BEDS","period":"2021","orgUnit":"RU-MOW","value":"1.5"},
			{"dataElement":"BEDS","period":"2022","orgUnit":"RU-MOW","value":-2e3},
			{"dataElement":"BEDS","period":"2023","orgUnit":"RU-MOW","value":" 3 "}]}`,
			[]v{{1, "DEbeds0001", "2021", "RU-MOW", 1.5, ""}, {2, "DEbeds0001", "2022", "RU-MOW", -2000, ""}, {3, "DEbeds0001", "2023", "RU-MOW", 3, ""}}},
		{"defaults before", `{"period":"2021W5","orgUnit":"40000000","dataValues":[{"dataElement":"BEDS","value":"1"}]}`,
			[]v{{1, "DEbeds0001", "2021W05", "RU-SPE", 1, ""}}},
		{"defaults after, file order kept", `{"dataValues":[
			{"dataElement":"BEDS","period":"2020","orgUnit":"RU-TA","value":"1"},
			{"dataElement":"BEDS","value":"2"},
			{"dataElement":"DOCTORS","period":"2020","orgUnit":"RU-TA","value":"3"}],
			"orgUnit":"RU-MOW","period":"2021"}`,
			[]v{{1, "DEbeds0001", "2020", "RU-TA", 1, ""}, {2, "DEbeds0001", "2021", "RU-MOW", 2, ""}, {3, "DEdoct0001", "2020", "RU-TA", 3, ""}}},
		{"escapes, null comment, unknown keys", `{"dataSet":{"id":"x","n":[1,2,{"a":[]}]},"dataValues":[
			{"dataElement":"\u0042EDS","period":"2021","orgUnit":"RU-MOW","value":"1","comment":null,"storedBy":"me","followup":true},
			{"dataElement":"BEDS","period":"2022","orgUnit":"RU-MOW","value":"2","comment":"line\r\nbreak \u00e9"}],"completeDate":"2021-01-01"}`,
			[]v{{1, "DEbeds0001", "2021", "RU-MOW", 1, ""}, {2, "DEbeds0001", "2022", "RU-MOW", 2, "line\nbreak é"}}},
		{"BOM", "\ufeff{\"dataValues\":[{\"dataElement\":\"BEDS\",\"period\":\"2021\",\"orgUnit\":\"RU-MOW\",\"value\":\"1\"}]}",
			[]v{{1, "DEbeds0001", "2021", "RU-MOW", 1, ""}}},
		{"case-insensitive keys as encoding/json", `{"dataValues":[{"DataElement":"BEDS","Period":"2021","OrgUnit":"RU-MOW","Value":"1"}]}`,
			[]v{{1, "DEbeds0001", "2021", "RU-MOW", 1, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := readJSONString(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Rejected) > 0 {
				t.Fatal(b.Rejected)
			}
			if len(b.Values) != len(tt.want) {
				t.Fatalf("%d values, want %d: %+v", len(b.Values), len(tt.want), b.Values)
			}
			for i, w := range tt.want {
				g := b.Values[i]
				if g.Source.Record != w.record || g.DataElement != w.de || g.Period != w.pe || g.OrgUnit != w.ou || g.Value != w.value || g.Comment != w.comment {
					t.Errorf("value %d = %+v, want %+v", i, g, w)
				}
				if g.Source.Format != DHIS2JSON {
					t.Errorf("value %d format %q", i, g.Source.Format)
				}
			}
		})
	}
}

func TestReadDHIS2Rejections(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"duplicate among deferred values names the first", `{"dataValues":[
			{"dataElement":"BEDS","period":"2021","orgUnit":"RU-MOW","value":"1"},
			{"dataElement":"BEDS","value":"2"},
			{"dataElement":"BEDS","period":"2021","orgUnit":"45000000","value":"3"}],"period":"2021","orgUnit":"RU-MOW"}`,
			[]want{{2, "", "", "duplicates value 1"}, {3, "", "", "duplicates value 1"}}},
		{"top-level org unit unknown, reported once", `{"orgUnit":"RU-XX","dataValues":[
			{"dataElement":"BEDS","period":"2021","value":"1"},
			{"dataElement":"BEDS","period":"2022","value":"2"}]}`,
			[]want{{0, "orgUnit", "RU-XX", "not a known org unit"}}},
		{"wrong JSON types for codes", `{"dataValues":[{"dataElement":["BEDS"],"period":2021,"orgUnit":{},"value":"1"}]}`,
			[]want{{1, "dataElement", `["BEDS"]`, "must be a JSON string"}, {1, "period", "2021", "must be a JSON string"}, {1, "orgUnit", "{}", "must be a JSON string"}}},
		{"value object", `{"dataValues":[{"dataElement":"BEDS","period":"2021","orgUnit":"RU-MOW","value":{"v":1}}]}`,
			[]want{{1, "value", `{"v":1}`, "JSON number or a string"}}},
		{"null element", `{"dataValues":[null]}`,
			[]want{{1, "data" + "Element", "", "missing"}, {1, "period", "", "missing"}, {1, "orgUnit", "", "missing"}, {1, "value", "", "missing"}}},
		{"array element", `{"dataValues":[[1]]}`,
			[]want{{1, "", "", "is not a JSON object"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := readJSONString(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			checkRejections(t, b.Rejected, tt.want)
		})
	}
}

func TestReadDHIS2Errors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "invalid JSON at line 1, column 1: unexpected end of file"},
		{"trailing comma", "{\"dataValues\": [\n  {\"dataElement\": \"BEDS\"},\n]}", "line 3, column 1: invalid character ']'"},
		{"missing comma between values", "{\"dataValues\": [\n  {\"value\": \"1\"}\n  {\"value\": \"2\"}]}", "line 3, column 3"},
		{"single quotes", "{\"dataValues\": [{'value': 1}]}", "line 1, column 18"},
		{"NaN literal", "{\"dataValues\": [{\"value\": NaN}]}", "line 1, column 27"},
		{"bad escape", "{\"dataValues\": [{\"value\": \"\\x\"}]}", "line 1, column 29"},
		{"control character in string", "{\"dataValues\": [{\"comment\": \"a\tb\"}]}", "line 1, column 31"},
		{"column counts characters", "{\"dataValues\": [{\"comment\": \"Москва\" x}]}", "line 1, column 38"},
		{"bad key in top-level object", "{\"period\": \"2021\", dataValues: []}", "line 1, column 20"},
		{"bad value of an ignored key", "{\"dataSet\": [1, 2,, 3], \"dataValues\": []}", "line 1, column 19"},
		{"truncated in a skipped value", "{\"dataSet\": {\"a\": [", "unexpected end of file"},
		{"top-level period not a string", `{"period": 2021, "dataValues": []}`, `top-level "period" must be a string, found 2021`},
		{"dataValues null", `{"dataValues": null}`, `"dataValues" must be an array at line 1, column 16, found null`},
		{"a second object", `{"dataValues": []}{}`, "unexpected data after the top-level object"},
		{"junk after", "{\"dataValues\": []}\nx", "line 2, column 1"},
		{"not an object", `"dataValues"`, `expected a JSON object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := readJSONString(t, tt.in)
			if err == nil {
				t.Fatalf("no error; batch %+v", b)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "t.json: ") {
				t.Errorf("error %q\nwant t.json: ...%s...", err, tt.want)
			}
		})
	}
}

// TestJSONSyntaxAgrees checks the position checker against encoding/json
// on a single document (see also FuzzJSONSyntax).
func TestJSONSyntaxAgrees(t *testing.T) {
	docs := []string{
		`{}`, `[]`, `[1,2]`, `{"a":1}`, `{"a":[1,{"b":null}],"c":"\u00e9\n"}`,
		`-0.5e+10`, `0`, `01`, `1.`, `1.e5`, `-`, `--1`, `1e`, `"abc`, `"\u12"`, `"\u12g4"`,
		`[1,]`, `{"a"}`, `{"a":}`, `{,}`, `{"a":1,}`, `[1 2]`, `tru`, `trUe`, `nul`, `{"a":1]`, `[}`,
		"\"a\x01\"", "[\n1,\n\n x]", ` [ ] `, `{"a" : "b" , "c" : [ true , false , null ] }`,
	}
	for _, d := range docs {
		checkSyntaxAgrees(t, []byte(d))
	}
}

func checkSyntaxAgrees(t *testing.T, data []byte) {
	t.Helper()
	s := newJSONSyntax()
	// Feed in two parts to exercise the state across reads.
	half := len(data) / 2
	s.feed(data[:half])
	s.feed(data[half:])

	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	switch {
	case err == nil:
		if s.failed {
			t.Errorf("%q: valid JSON, checker failed at %d", data, s.errOff)
		}
	case !asSyntax(err, &se):
		// not a syntax error (cannot happen for RawMessage)
	case strings.Contains(se.Error(), "unexpected end of JSON input"), atEOF(data, se):
		if s.failed {
			t.Errorf("%q: truncated JSON, checker failed at %d", data, s.errOff)
		}
	case strings.Contains(se.Error(), "after top-level value"):
		// The checker accepts a stream of values, like json.Decoder.
		if s.failed && s.errOff < se.Offset-1 {
			t.Errorf("%q: checker failed at %d, before %d (%v)", data, s.errOff, se.Offset-1, se)
		}
	default:
		if !s.failed || s.errOff != se.Offset-1 {
			t.Errorf("%q: encoding/json fails at byte %d (%v), checker failed=%v at %d", data, se.Offset-1, se, s.failed, s.errOff)
		}
	}
	// The line and column must match the offset.
	if s.failed {
		before := data[:s.errOff]
		line := bytes.Count(before, []byte{'\n'}) + 1
		// Columns count characters of valid UTF-8; in invalid text, every
		// byte that is not a continuation byte.
		col := 1
		for _, c := range before[bytes.LastIndexByte(before, '\n')+1:] {
			if c&0xC0 != 0x80 {
				col++
			}
		}
		if s.errLine != line || s.errCol != col {
			t.Errorf("%q: checker says line %d column %d, want %d:%d", data, s.errLine, s.errCol, line, col)
		}
	}
}

func asSyntax(err error, se **json.SyntaxError) bool {
	e, ok := err.(*json.SyntaxError)
	*se = e
	return ok
}

// atEOF tells a syntax error that Unmarshal found at the end of the input
// (it feeds its scanner a space there), which json.Decoder reports as an
// unexpected EOF and the checker does not report at all.
func atEOF(data []byte, se *json.SyntaxError) bool {
	return se.Offset == int64(len(data)) && strings.Contains(se.Error(), "' '") &&
		(len(data) == 0 || data[len(data)-1] != ' ')
}

// TestReadDHIS2ErrorDeep places errors far into a file read in small
// pieces, so positions are found across many reads.
func TestReadDHIS2ErrorDeep(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("{\"dataValues\": [\n")
	for i := range 5000 {
		fmt.Fprintf(&buf, "  {\"dataElement\": \"BEDS\", \"period\": \"%d\", \"orgUnit\": \"RU-MOW\", \"value\": \"%d\"},\n", 1900+i%300, i)
	}
	good := buf.String()
	tests := []struct {
		name, tail, want string
	}{
		{"syntax", "  {\"value\": 1,, \"period\": \"2021\"}\n]}", "line 5002, column 15: invalid character ','"},
		{"shape", "  {\"value\": 1}\n], \"orgUnit\": [\"x\"]}", `top-level "orgUnit" must be a string`},
		{"trailing", "  {\"value\": 1}\n]}\n\n   {}", "unexpected data after the top-level object at line 5005, column 4"},
	}
	for _, tt := range tests {
		for _, small := range []bool{false, true} {
			var r io.Reader = strings.NewReader(good + tt.tail)
			if small {
				r = iotest.HalfReader(iotest.OneByteReader(r))
			}
			_, err := ReadDHIS2(r, "deep.json", testResolver())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s (small reads %v): error %v\nwant %q", tt.name, small, err, tt.want)
			}
		}
	}
}
