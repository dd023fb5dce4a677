package method

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// decoder fills Go values from a yaml.Node tree. Unlike yaml.v3 with
// KnownFields it reports every unknown key rather than the first, words
// problems for a methodologist ("expected a number") instead of naming Go
// types, and remembers the line of every value by path (e.g.
// "indicators[3].numerator") so that later checks can point at it.
//
// Supported targets: structs (yaml tags), pointers, slices, [N]T arrays,
// maps with string keys, strings, bools, integers, floats and
// encoding.TextUnmarshaler scalars (period types). Anchors and aliases are
// rejected: a methodology is read by people, and aliases make it harder.
type decoder struct {
	probs  *problems
	lines  map[string]int
	failed map[string]bool // paths whose value could not be decoded
}

// fail reports a problem with the value at path, so that later checks do
// not also call the value missing.
func (d *decoder) fail(line int, path, format string, args ...any) {
	d.failed[path] = true
	d.probs.add(line, format, args...)
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// decode fills v from n. path locates n for lines; ctx names it in messages.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path, ctx string) {
	if _, ok := d.lines[path]; !ok {
		d.lines[path] = n.Line
	}
	if n.Kind == yaml.AliasNode {
		d.fail(n.Line, path, "%s: aliases (*%s) are not supported; write the value out", ctx, n.Value)
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty value leaves the default
	}
	if v.Kind() == reflect.Pointer {
		elem := reflect.New(v.Type().Elem())
		d.decode(n, elem.Elem(), path, ctx)
		if !d.failed[path] { // a bad value stays unset, not zero
			v.Set(elem)
		}
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		if !d.scalar(n, path, ctx, "a value") {
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.fail(n.Line, path, "%s: %v", ctx, err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.structure(n, v, path, ctx)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n.Line, path, "%s: expected a list, got %s", ctx, describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), itemCtx(ctx, item, i))
		}
		v.Set(s)
	case reflect.Array:
		if n.Kind != yaml.SequenceNode || len(n.Content) != v.Len() {
			d.fail(n.Line, path, "%s: expected a list of %d values, got %s", ctx, v.Len(), describe(n))
			return
		}
		for i, item := range n.Content {
			d.decode(item, v.Index(i), fmt.Sprintf("%s[%d]", path, i), ctx)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n.Line, path, "%s: expected key: value pairs, got %s", ctx, describe(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		d.pairs(n, ctx, func(key string, kn, vn *yaml.Node) {
			elem := reflect.New(v.Type().Elem()).Elem()
			d.decode(vn, elem, join(path, key), join(ctx, key))
			m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
		})
		v.Set(m)
	case reflect.String:
		if d.scalar(n, path, ctx, "text") {
			v.SetString(n.Value)
		}
	case reflect.Bool:
		var b bool
		if !d.scalar(n, path, ctx, "true or false") {
			return
		}
		if err := n.Decode(&b); err != nil {
			d.fail(n.Line, path, "%s: expected true or false, got %q", ctx, n.Value)
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		// Decode as a float: yaml.v3 would silently truncate 2.5 to 2.
		var f float64
		if !d.scalar(n, path, ctx, "a whole number") {
			return
		}
		if err := n.Decode(&f); err != nil || n.Tag == "!!str" || f != math.Trunc(f) || math.Abs(f) > 1<<53 || v.OverflowInt(int64(f)) {
			d.fail(n.Line, path, "%s: expected a whole number, got %q", ctx, n.Value)
			return
		}
		v.SetInt(int64(f))
	case reflect.Float32, reflect.Float64:
		var f float64
		if !d.scalar(n, path, ctx, "a number") {
			return
		}
		if err := n.Decode(&f); err != nil || n.Tag == "!!str" {
			d.fail(n.Line, path, "%s: expected a number, got %q", ctx, n.Value)
			return
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(n.Line, path, "%s: expected a finite number, got %q", ctx, n.Value)
			return
		}
		v.SetFloat(f)
	default:
		panic(fmt.Sprintf("method: cannot decode into %s", v.Type())) // a programming error in this package
	}
}

// structure decodes a mapping into a struct by its yaml tags.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, path, ctx string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n.Line, path, "%s: expected key: value pairs, got %s", orTop(ctx), describe(n))
		return
	}
	fields := yamlFields(v.Type())
	d.pairs(n, ctx, func(key string, kn, vn *yaml.Node) {
		i, ok := fields[key]
		if !ok {
			msg, suggested := unknownKey(ctx, key, fields)
			d.probs.add(kn.Line, "%s", msg)
			if suggested != "" { // a misspelt key is not also a missing one
				d.failed[join(path, suggested)] = true
			}
			return
		}
		d.lines[join(path, key)] = kn.Line
		d.decode(vn, v.Field(i), join(path, key), join(ctx, key))
	})
}

// pairs calls f for every key of a mapping, rejecting non-text and repeated
// keys.
func (d *decoder) pairs(n *yaml.Node, ctx string, f func(key string, kn, vn *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.Kind != yaml.ScalarNode {
			d.probs.add(kn.Line, "%s: a key must be plain text", orTop(ctx))
			continue
		}
		if first, dup := seen[kn.Value]; dup {
			d.probs.add(kn.Line, "%s: key %q is repeated (first at line %d)", orTop(ctx), kn.Value, first)
			continue
		}
		seen[kn.Value] = kn.Line
		f(kn.Value, kn, vn)
	}
}

func (d *decoder) scalar(n *yaml.Node, path, ctx, want string) bool {
	if n.Kind != yaml.ScalarNode {
		d.fail(n.Line, path, "%s: expected %s, got %s", ctx, want, describe(n))
		return false
	}
	return true
}

// fieldCache holds yamlFields per struct type: a file has hundreds of
// mappings of a dozen types.
var fieldCache sync.Map // reflect.Type -> map[string]int

// yamlFields maps yaml keys to struct field indices. The map is shared: do
// not modify it.
func yamlFields(t reflect.Type) map[string]int {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]int)
	}
	fields := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = i
	}
	fieldCache.Store(t, fields)
	return fields
}

// unknownKey words the problem and returns the key it suggests instead.
func unknownKey(ctx, key string, fields map[string]int) (msg, suggested string) {
	allowed := make([]string, 0, len(fields))
	for name := range fields {
		allowed = append(allowed, name)
	}
	slices.Sort(allowed)
	where := ""
	if ctx != "" {
		where = ctx + ": "
	}
	// Suggest only close matches (typos), never a guess for a short key.
	best, bestDist := "", min(3, len([]rune(key))/2+1)
	for _, name := range allowed {
		if dist := levenshtein(key, name); dist < bestDist {
			best, bestDist = name, dist
		}
	}
	if best != "" {
		return fmt.Sprintf("%sunknown key %q, did you mean %q?", where, key, best), best
	}
	return fmt.Sprintf("%sunknown key %q (allowed: %s)", where, key, strings.Join(allowed, ", ")), ""
}

// itemCtx names a list item for messages: `indicator "arm_share"` when it
// has an id, else by position, e.g. `indicators #3`.
func itemCtx(listCtx string, n *yaml.Node, i int) string {
	label := listCtx
	if k := strings.LastIndexAny(label, ".: "); k >= 0 {
		label = label[k+1:]
	}
	singular, known := singulars[label]
	if !known {
		return fmt.Sprintf("%s #%d", listCtx, i+1)
	}
	prefix := ""
	// Keep the owner of a nested list (`data set "f": data element #2`);
	// tree nodes are named on their own.
	if k := strings.LastIndex(listCtx, ": "); k >= 0 && label != "children" {
		prefix = listCtx[:k+2]
	}
	if n.Kind == yaml.MappingNode {
		for _, key := range []string{"id", "indicator", "name", "data_element"} {
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == key && n.Content[j+1].Kind == yaml.ScalarNode && n.Content[j+1].Value != "" {
					return fmt.Sprintf("%s%s %q", prefix, singular, n.Content[j+1].Value)
				}
			}
		}
	}
	return fmt.Sprintf("%s%s #%d", prefix, singular, i+1)
}

// singulars name the items of the lists of a methodology file.
var singulars = map[string]string{
	"data_elements":    "data element",
	"indicators":       "indicator",
	"children":         "node",
	"data_sets":        "data set",
	"validation_rules": "validation rule",
	"inputs":           "input",
	"grades":           "grade",
}

// join extends a path or a message context by a key. After an item label
// (`indicator "x"`) the key follows a colon; inside nested settings it is
// dotted: `pipeline.normalise.method`.
func join(ctx, key string) string {
	switch {
	case ctx == "":
		return key
	case strings.HasSuffix(ctx, `"`) || isItemNumber(ctx):
		return ctx + ": " + key
	}
	return ctx + "." + key
}

func isItemNumber(ctx string) bool {
	i := strings.LastIndex(ctx, " #")
	if i < 0 {
		return false
	}
	_, err := strconv.Atoi(ctx[i+2:])
	return err == nil
}

func orTop(ctx string) string {
	if ctx == "" {
		return "file"
	}
	return ctx
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "key: value pairs"
	case yaml.SequenceNode:
		if len(n.Content) == 1 {
			return "a list of 1 value"
		}
		return fmt.Sprintf("a list of %d values", len(n.Content))
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
